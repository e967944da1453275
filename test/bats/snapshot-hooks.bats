#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# The quiesce window, on the stubbed LVM host: before_snapshot and after_snapshot around each
# snapshot (one at a time), or once around all of them (snapshots = together), after checking that
# the volume group has room for all of them at once. The fixtures' hooks call the mountpoint stub
# as "mountpoint -q /hook/HOOK/SOURCES", so the stub log shows them in order with lvcreate and dar.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-hooks)
  TOGETHER=$(compile_fixture lvm-hooks-together)
  export SCRIPT TOGETHER
}

setup() {
  setup_run_environment
  stub_lv "${VG}" home
  # Big origins: a snapshot's size is not cut down to what a small origin could use.
  export STUB_LV_SIZE=$((20 * 1024 * 1024 * 1024))
}

# Nothing of the run is left: the two origins and no snapshot, no mount, no temporary directory.
assert_clean() {
  assert_equal "home|
root|" "$(stub_lvs "${VG}" | LC_ALL=C sort)" 'the volumes of vg0'
  assert_no_mounts
  assert_tmpdir_empty
}

# The hooks, snapshots, archives and removals, in the order they ran.
window_calls() {
  stub_calls lvcreate mountpoint dar lvremove | grep -e '^lvcreate' -e "^mountpoint -q '\?/hook/" -e '^dar -c' -e '^lvremove' |
    sed -e 's/^lvcreate .* \(vg0\/[a-z]*\)$/lvcreate \1/' -e 's/^dar -c \([^ ]*\) .*/dar -c \1/' -e "s|${TARGET}/||"
}

@test "one at a time: each snapshot is taken between its own before_snapshot and after_snapshot" {
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal "mountpoint -q /hook/before_snapshot/main
lvcreate vg0/root
mountpoint -q /hook/after_snapshot/main
dar -c ${MONTH}/.testhost-${STAMP}-FULL.partial
lvremove --force vg0/root-backsnap
mountpoint -q /hook/before_snapshot/home
lvcreate vg0/home
mountpoint -q /hook/after_snapshot/home
dar -c home/${MONTH}/.testhost-home-${STAMP}-FULL.partial
lvremove --force vg0/home-backsnap" "$(window_calls)" 'the window, in order'
  assert_no_mounts
}

@test "together: one before_snapshot, every snapshot, one after_snapshot, then the archives one by one" {
  run -0 --separate-stderr "${TOGETHER}"
  assert_equal "mountpoint -q '/hook/before_snapshot/main home'
lvcreate vg0/root
lvcreate vg0/home
mountpoint -q '/hook/after_snapshot/main home'
dar -c ${MONTH}/.testhost-${STAMP}-FULL.partial
lvremove --force vg0/root-backsnap
dar -c home/${MONTH}/.testhost-home-${STAMP}-FULL.partial
lvremove --force vg0/home-backsnap" "$(window_calls)" 'the window, in order'
  assert_contains "${output}" 'Snapshots together, in one quiesce window: main home'
  [[ -f ${TARGET}/${MONTH}/testhost-${STAMP}-FULL.1.dar && -f ${TARGET}/home/${MONTH}/testhost-home-${STAMP}-FULL.1.dar ]]
  assert_clean
}

@test "together: a volume group with room for each snapshot but not for all of them stops the run before the first" {
  # 2G + 1G are asked for; 2.5 GiB are free.
  export STUB_VG_FREE=$((2560 * 1024 * 1024))
  run -1 --separate-stderr "${TOGETHER}"
  assert_contains "${stderr}" 'not enough free space in volume group vg0 for its snapshots taken together ([backup] snapshots = together): they need 3072 MiB, the volume group has 2560 MiB free'
  assert_equal 0 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_equal '' "$(stub_calls mountpoint | grep -e /hook/ || true)" 'hooks run'
  assert_latest_successful ''
}

@test "one at a time: the same volume group is enough, each snapshot being gone before the next" {
  export STUB_VG_FREE=$((2560 * 1024 * 1024))
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal 2 "$(stub_call_count lvcreate)" 'lvcreate calls'
}

@test "together: a snapshot that cannot be taken still runs after_snapshot, removes the one taken, and archives nothing" {
  export STUB_FAIL_lvcreate=5 STUB_MATCH_lvcreate=vg0/home STUB_STDERR_lvcreate='  Volume group "vg0" has insufficient free space.'
  run -1 --separate-stderr "${TOGETHER}"
  assert_equal "mountpoint -q '/hook/before_snapshot/main home'
lvcreate vg0/root
lvcreate vg0/home
mountpoint -q '/hook/after_snapshot/main home'
lvremove --force vg0/root-backsnap" "$(window_calls)" 'the window, in order'
  assert_contains "${stderr}" 'ERROR: the snapshot of source home could not be taken (see above)'
  assert_equal 0 "$(stub_calls dar | grep -c -e '^dar -c')" 'dar -c calls'
  assert_latest_successful ''
  assert_clean
}

@test "a failing after_snapshot fails the run with its name and exit code, and nothing is archived" {
  export HOOK_EXIT_AFTER_SNAPSHOT=3
  run -1 --separate-stderr "${TOGETHER}"
  assert_contains "${stderr}" 'ERROR: hook after_snapshot failed (exit 3)'
  assert_equal 0 "$(stub_calls dar | grep -c -e '^dar -c')" 'dar -c calls'
  assert_latest_successful ''
  assert_clean
}

@test "one at a time: before_snapshot exiting 75 skips that source only; the run still succeeds" {
  export HOOK_SKIP=main
  run -0 --separate-stderr "${SCRIPT}" -l INFO
  assert_contains "${stderr}" 'INFO: source main skipped: hook before_snapshot asked to skip it; its chain did not move'
  assert_contains "${stderr}" 'INFO:   main: skipped'
  assert_contains "${stderr}" 'INFO:   snapshots: one at a time'
  assert_equal "mountpoint -q /hook/before_snapshot/main
mountpoint -q /hook/before_snapshot/home
lvcreate vg0/home
mountpoint -q /hook/after_snapshot/home
dar -c home/${MONTH}/.testhost-home-${STAMP}-FULL.partial
lvremove --force vg0/home-backsnap" "$(window_calls)" 'the window, in order'
  [[ ! -e ${MONTH_DIR}/latest_successful && -f ${TARGET}/home/${MONTH}/latest_successful ]]
}

@test "together: before_snapshot exiting 75 takes no snapshot and skips every LVM source, exit 0" {
  export HOOK_SKIP='main home'
  run -0 --separate-stderr "${TOGETHER}" -l INFO
  assert_contains "${stderr}" 'INFO: hook before_snapshot asked to skip: no snapshot was taken; skipping main home'
  assert_contains "${stderr}" 'INFO:   home: skipped'
  assert_contains "${stderr}" 'INFO:   snapshots: together, in one quiesce window'
  assert_equal 0 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_equal '' "$(find "${TARGET}" -name latest_successful)" 'latest_successful files'
  assert_clean
}

@test "the noop variant prints the hooks and the snapshots in the order a real run takes them" {
  run -0 --separate-stderr "${TOGETHER}" --noop
  assert_contains "${output}" "# [hooks] before_snapshot: a real run runs it here"
  local hook lvcreate after
  hook=$(grep -n -m 1 -e '^env .*BACKUP_GEN_HOOK=before_snapshot' <<<"${output}" | cut -d: -f1)
  lvcreate=$(grep -n -m 1 -e '^lvcreate ' <<<"${output}" | cut -d: -f1)
  after=$(grep -n -m 1 -e '^env .*BACKUP_GEN_HOOK=after_snapshot' <<<"${output}" | cut -d: -f1)
  ((hook < lvcreate && lvcreate < after))
  assert_equal 0 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_equal '' "$(stub_calls mountpoint | grep -e /hook/ || true)" 'hooks run'
}
