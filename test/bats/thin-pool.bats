#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# A thin snapshot's pool: checked before the snapshot is made, watched while dar reads it, checked
# again before publishing. Past thin_pool_threshold (80 by default) the backup gives up, so that the
# snapshot's copy-on-write never fills the pool and fails the origin's live writes.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  export STUB_SEGTYPE=thin
  SCRIPT=$(compile_fixture lvm-thin)
  NOOP_SCRIPT=$(compile_fixture lvm-thin --noop)
  export SCRIPT NOOP_SCRIPT
  prime_full_backup "${SCRIPT}"
}

setup() {
  setup_from_full_backup
  SCRIPT_PID='' DAR_PID=''
}

# Only what this test started, by its id, if a failed assertion left it running.
teardown() {
  kill_started "${DAR_PID}" "${SCRIPT_PID}"
}

# The run failed and left the host and the chain as they were.
assert_nothing_published() {
  assert_equal "${BEFORE}" "$(target_files)" 'the files in the target'
  assert_equal "${DEPS_BEFORE}" "$(<"${MONTH_DIR}/backup_deps")" backup_deps
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "a thin pool under the threshold is found by name, logged before and after dar, and the INC published" {
  run -0 --separate-stderr "${SCRIPT}" -l INFO
  assert_equal "lvs --noheadings --separator '|' -o lv_name,pool_lv vg0/root
lvs --noheadings --separator '|' --nosuffix -o lv_name,data_percent,metadata_percent,lv_attr,lv_health_status vg0/pool
lvs --noheadings --separator '|' --units b --nosuffix -o lv_name,lv_size,data_percent vg0/pool vg0/root
lvs --noheadings --separator '|' --nosuffix -o lv_name,data_percent,metadata_percent,lv_attr,lv_health_status vg0/pool
lvs --noheadings --separator '|' --units b --nosuffix -o lv_name,lv_size,data_percent vg0/pool vg0/root
lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag RUN_TAG vg0/root" "$(stub_calls lvs lvcreate | grep -e pool -e lvcreate | sed -n 1,6p)" 'the pool queries before lvcreate: once with the checks, once more right before lvcreate'
  assert_contains "${stderr}" 'INFO: thin pool vg0/pool before the snapshot: data 10.00%, metadata 5.00% (thin_pool_threshold = 80%); room for a rewrite of all that root holds while the snapshot exists: 2048 MiB of 71680 MiB below the threshold'
  assert_contains "${stderr}" 'INFO: thin pool vg0/pool after dar: data 10.00%, metadata 5.00% (thin_pool_threshold = 80%)'
  assert_latest_successful "${PREFIX}${STAMP}-INC"
  assert_host_clean
}

@test "snapshots = together with only thin snapshots takes them: no volume group room to count is not an empty volume group name" {
  local together
  together=$(compile_fixture lvm-thin-together)
  run -0 --separate-stderr "${together}"
  assert_latest_successful "${PREFIX}${STAMP}-INC"
  assert_host_clean
}

@test "snapshots = together with only thin snapshots in noop mode prints what the run would watch, and changes nothing" {
  local together
  together=$(compile_fixture lvm-thin-together --noop)
  run -0 --separate-stderr "${together}"
  assert_has_line "${output}" "# while the snapshots taken together existed, a real run looks every 2 s at thin pool vg0/pool (timeout 10 lvs --noheadings --separator '|' --nosuffix -o lv_name,data_percent,metadata_percent,lv_attr,lv_health_status vg0/pool) and fails if its data or metadata use passes 80%: the sources still running were stopped and the snapshots still there removed before the pool could fill up and fail the live writes; what those sources had archived was not published"
  assert_equal '' "$(stub_calls lvcreate)" 'lvcreate calls'
  assert_host_clean
}

@test "a thin pool whose data use is over the threshold stops the source before anything is created" {
  stub_pool_use 85.50 5.00
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: thin pool vg0/pool is too full to snapshot root: data 85.50%, metadata 5.00%, over thin_pool_threshold = 80% [lvm]'
  assert_contains "${stderr}" 'grow the pool (lvextend --size +SIZE vg0/pool, or --poolmetadatasize +SIZE for metadata), free space in it, or raise thin_pool_threshold'
  assert_equal '' "$(stub_calls lvcreate)" 'lvcreate calls'
  assert_nothing_published
}

@test "a thin pool whose metadata use is over the threshold stops the source too" {
  stub_pool_use 12.00 80.01
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: thin pool vg0/pool is too full to snapshot root: data 12.00%, metadata 80.01%, over thin_pool_threshold = 80%'
  assert_equal '' "$(stub_calls lvcreate)" 'lvcreate calls'
}

@test "a thin pool LVM reports out of space (lv_attr, lv_health_status) is refused whatever its numbers" {
  stub_pool_use 40.00 5.00 twi-aotzD- out_of_data
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: thin pool vg0/pool is too full to snapshot root: data 40.00%, metadata 5.00%, out of data space, over thin_pool_threshold = 80%'
  assert_equal '' "$(stub_calls lvcreate)" 'lvcreate calls'
}

@test "a pool passing the threshold while dar runs: dar is stopped, the snapshot removed, nothing published, exit 1" {
  export STUB_HANG_dar=20 STUB_MATCH_dar=-c
  start_script "${SCRIPT}"
  DAR_PID=$(stub_wait_hanging dar)
  stub_pool_use 91.25 4.00
  STATUS=0
  wait "${SCRIPT_PID}" || STATUS=$?
  local -r stderr=$(<"${BATS_TEST_TMPDIR}/stderr")
  assert_equal 1 "${STATUS}" 'exit status'
  assert_contains "${stderr}" 'ERROR: thin pool vg0/pool passed thin_pool_threshold = 80% [lvm] while dar read the snapshot of root: data 91.25%, metadata 4.00%; dar was stopped and the snapshot removed before the pool could fill up and fail the live writes, and nothing was published: grow the pool (lvextend --size +SIZE vg0/pool, or --poolmetadatasize +SIZE for metadata), write less to the volumes in it while the backup runs, or raise thin_pool_threshold'
  assert_contains "${stderr}" 'ERROR: the backup of main failed'
  # Stopped by the teardown while it still ran, not left to end its 20 s.
  assert_contains "${stderr}" 'WARNING: stopping '
  if kill -0 "${DAR_PID}" 2>/dev/null; then
    printf 'dar (pid %s) is still running\n' "${DAR_PID}" >&2
    return 1
  fi
  assert_equal "lvremove --force vg0/root-backsnap" "$(stub_calls lvremove | tail -n 1)" 'the last lvremove'
  assert_nothing_published
}

@test "a pool that passed the threshold by the time dar ended publishes nothing" {
  export STUB_POOL_USE_AFTER_DAR='88.00 6.50'
  run -1 --separate-stderr "${SCRIPT}"
  # The check after dar, or the watcher if it looked in the moment between dar's end and its stop.
  assert_contains "${stderr}" 'ERROR: thin pool vg0/pool passed thin_pool_threshold = 80% [lvm] while dar'
  assert_contains "${stderr}" 'data 88.00%, metadata 6.50%'
  assert_contains "${stderr}" 'nothing was published'
  assert_nothing_published
}

@test "noop prints the pool queries and what a real run would watch and check, and creates nothing" {
  run -0 --separate-stderr "${NOOP_SCRIPT}"
  assert_has_line "${output}" "# read-only query, run in noop mode too: lvs --noheadings --separator '|' -o lv_name,pool_lv vg0/root"
  assert_has_line "${output}" "# read-only query, run in noop mode too: timeout 10 lvs --noheadings --separator '|' --nosuffix -o lv_name,data_percent,metadata_percent,lv_attr,lv_health_status vg0/pool"
  assert_has_line "${output}" "# read-only query, run in noop mode too: timeout 10 lvs --noheadings --separator '|' --units b --nosuffix -o lv_name,lv_size,data_percent vg0/pool vg0/root"
  assert_has_line "${output}" "# while dar read the snapshot of root, a real run looks every 2 s at thin pool vg0/pool (timeout 10 lvs --noheadings --separator '|' --nosuffix -o lv_name,data_percent,metadata_percent,lv_attr,lv_health_status vg0/pool) and fails if its data or metadata use passes 80%: dar was stopped and the snapshot removed before the pool could fill up and fail the live writes, and nothing was published"
  assert_has_line "${output}" "# a real run checks here that thin pool vg0/pool stayed under 80%: timeout 10 lvs --noheadings --separator '|' --nosuffix -o lv_name,data_percent,metadata_percent,lv_attr,lv_health_status vg0/pool"
  assert_equal '' "$(stub_calls lvcreate)" 'lvcreate calls'
  refute_contains "$(stub_calls dar)" 'dar -c' 'the dar calls'
  assert_equal "${BEFORE}" "$(target_files)" 'the files in the target'
  assert_host_clean
}

# compile_profile NAME TEXT: TEXT (with @TARGET@ and @TREE@ replaced) compiled into
# $BATS_FILE_TMPDIR/NAME.sh; prints the script's path.
compile_profile() {
  local -r profile=${BATS_TEST_TMPDIR}/$1.ini script=${BATS_TEST_TMPDIR}/$1.sh
  local text=$2
  text=${text//@TARGET@/${TARGET}}
  text=${text//@TREE@/${SNAPSHOT_TREE}}
  printf '%s\n' "${text}" >"${profile}"
  node "${PROJECT_ROOT}/dist/cli.js" -o "${script}" "${profile}" >/dev/null || return 1
  printf '%s\n' "${script}"
}

@test "a pool without room below the threshold for a rewrite of all the origin maps is refused before lvcreate, saying by how much to grow it (issue 21, class 10)" {
  stub_pool_use 50.00 5.00
  export STUB_POOL_SIZE=1073741824
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: thin pool vg0/pool cannot take a rewrite of all that root holds while the snapshot exists: that is 2048 MiB, and the pool has 307 MiB below thin_pool_threshold = 80% [lvm] (data 50.00%, metadata 5.00%): a writer faster than the watcher would fill the pool, and a full pool fails the live writes of every volume in it; grow the pool by 2176 MiB or more (lvextend --size +2176M vg0/pool), or state in [lvm] how much the writes made during a backup can take, with thin_snapshot_reserve = SIZE (the backup still gives up at the threshold)'
  assert_equal '' "$(stub_calls lvcreate)" 'lvcreate calls'
  assert_nothing_published
}

@test "thin_snapshot_reserve states what the writes during a backup may take: the same pool then has room" {
  stub_pool_use 50.00 5.00
  export STUB_POOL_SIZE=1073741824
  local reserved
  reserved=$(compile_profile reserved "[backup]
target = @TARGET@
archive_prefix = testhost-root-

[volume root]
volume_group = vg0
logical_volume = root
thin_snapshot_reserve = 100M")
  grep -q 'thin_snapshot_reserve=104857600' -- "${reserved}"
  run -0 --separate-stderr "${reserved}" -l INFO
  assert_contains "${stderr}" 'room for thin_snapshot_reserve = 100 MiB while the snapshot exists: 100 MiB of 307 MiB below the threshold'
  assert_contains "${stderr}" 'INFO: finished successfully'
  assert_host_clean
}

@test "snapshots = together: two thin snapshots that each fit in the pool but not both are refused before lvcreate; one at a time they are taken" {
  stub_lv "${VG}" home
  export STUB_POOL_SIZE=3221225472
  local -r volumes='
[volume root]
volume_group = vg0
logical_volume = root

[volume home]
volume_group = vg0
logical_volume = home'
  local together apart
  together=$(compile_profile together "[backup]
target = @TARGET@
archive_prefix = testhost-
snapshots = together
${volumes}")
  apart=$(compile_profile apart "[backup]
target = @TARGET@
archive_prefix = testhost-
${volumes}")
  run -1 --separate-stderr "${together}"
  assert_contains "${stderr}" 'ERROR: thin pool vg0/pool cannot take what all the snapshots taken together in it may take while they exist: that is 4096 MiB, and the pool has 2150 MiB below thin_pool_threshold = 80% [snapshots = together]'
  assert_equal '' "$(stub_calls lvcreate)" 'lvcreate calls'
  run -0 --separate-stderr "${apart}"
  assert_equal 2 "$(stub_call_count lvcreate)" 'lvcreate calls one at a time'
}

@test "snapshots = together: the pool of a snapshot whose dar waits its turn is watched while another source is archived; past the threshold the run stops it and removes the snapshots (issue 21, class 10)" {
  local together
  together=$(compile_profile together-dir "[backup]
target = @TARGET@
archive_prefix = testhost-
snapshots = together

[volume files]
source_type = directory
source_root = @TREE@

[volume root]
volume_group = vg0
logical_volume = root")
  export STUB_HANG_dar=20 STUB_MATCH_dar=${SNAPSHOT_TREE}
  start_script "${together}"
  DAR_PID=$(stub_wait_hanging dar)
  assert_equal "root-backsnap|root" "$(stub_lvs "${VG}" | grep backsnap)" 'precondition: the thin snapshot exists while the directory is archived'
  stub_pool_use 91.25 4.00
  STATUS=0
  wait "${SCRIPT_PID}" || STATUS=$?
  local -r stderr=$(<"${BATS_TEST_TMPDIR}/stderr")
  assert_equal 1 "${STATUS}" 'exit status'
  assert_contains "${stderr}" 'ERROR: thin pool vg0/pool passed thin_pool_threshold = 80% [snapshots = together] while the snapshots taken together existed: data 91.25%, metadata 4.00%; the sources still running were stopped and the snapshots still there removed before the pool could fill up and fail the live writes; what those sources had archived was not published'
  if kill -0 "${DAR_PID}" 2>/dev/null; then
    printf 'the directory source'"'"'s dar (pid %s) is still running\n' "${DAR_PID}" >&2
    return 1
  fi
  assert_equal '' "$(stub_lvs "${VG}" | grep backsnap)" 'snapshots left'
  assert_host_clean
}

@test "hook before_snapshot filling the pool: the room is checked again right before lvcreate, and the snapshot refused" {
  local hooked
  hooked=$(compile_profile hooked "[backup]
target = @TARGET@
archive_prefix = testhost-root-

[volume root]
volume_group = vg0
logical_volume = root

[hooks]
before_snapshot = printf '95.00 5.00\\n' >\"\${STUB_STATE}/pool-use\"")
  run -1 --separate-stderr "${hooked}"
  assert_contains "${stderr}" 'ERROR: thin pool vg0/pool is too full to snapshot root: data 95.00%, metadata 5.00%'
  assert_equal '' "$(stub_calls lvcreate)" 'lvcreate calls'
}

@test "parallel = 2: the thin snapshots of two sources in one pool are added up, the second waits for the first" {
  stub_lv "${VG}" home
  export STUB_POOL_SIZE=3221225472
  local apart
  apart=$(compile_profile parallel "[backup]
target = @TARGET@
archive_prefix = testhost-
parallel = 2

[volume root]
volume_group = vg0
logical_volume = root

[volume home]
volume_group = vg0
logical_volume = home")
  run -0 --separate-stderr "${apart}" -l INFO
  assert_contains "${stderr}" 'INFO: source home waits for a source that runs: thin pool vg0/pool has 2150 MiB below its threshold for the snapshots of this run, not enough for what this one may take (2047 MiB) beside theirs'
  assert_equal 2 "$(stub_call_count lvcreate)" 'lvcreate calls, one after the other'
}

@test "snapshots = together: a pool whose snapshots are all released is no longer watched, and live writes alone then fail nothing" {
  local together
  together=$(compile_profile together-late "[backup]
target = @TARGET@
archive_prefix = testhost-
snapshots = together

[volume root]
volume_group = vg0
logical_volume = root

[volume files]
source_type = directory
source_root = @TREE@")
  export STUB_HANG_dar=4 STUB_MATCH_dar=${SNAPSHOT_TREE}
  start_script "${together}" -l INFO
  DAR_PID=$(stub_wait_hanging dar)
  assert_equal '' "$(stub_lvs "${VG}" | grep backsnap)" 'precondition: root was archived and its snapshot released before the directory'
  stub_pool_use 91.25 4.00
  STATUS=0
  wait "${SCRIPT_PID}" || STATUS=$?
  local -r stderr=$(<"${BATS_TEST_TMPDIR}/stderr")
  assert_equal 0 "${STATUS}" 'exit status'
  assert_contains "${stderr}" 'INFO: thin pool vg0/pool: the snapshots taken together in it are all released; no longer watched'
  refute_contains "${stderr}" 'passed thin_pool_threshold' 'the log'
}
