#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# [rsync]: the target is copied to the mirror (real rsync) after the snapshot is gone, only after a
# successful backup unless even_if_backup_failed, never after a signal, never with partial slices
# or temporary files; the slices first, the bookkeeping (backup_deps, latest_successful) last.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-mirror)
  ALWAYS_SCRIPT=$(compile_fixture lvm-mirror-always)
  export SCRIPT ALWAYS_SCRIPT
}

setup() {
  setup_run_environment
  SCRIPT_PID='' RSYNC_PID=''
}

# Only what this test started, by its id, if a failed assertion left it running.
teardown() {
  kill_started "${RSYNC_PID}" "${SCRIPT_PID}"
}

mirror_files() {
  (cd "${MIRROR:?}" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort)
}

@test "after a successful run the mirror holds the same backup set, copied after the snapshot is gone" {
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal "$(target_files | grep -vx .backup-gen.lock | grep -v "/verified$")" "$(mirror_files)" 'the files in the mirror'
  cmp -- "${MONTH_DIR}/latest_successful" "${MIRROR}/${MONTH}/latest_successful"
  local -r filter="'--exclude=.*.partial.*' '--exclude=.*.tmp' --exclude=/.backup-gen.lock --exclude=backup_deps --exclude=latest_successful --exclude=verified --exclude=pruned '--exclude=[0-9][0-9][0-9][0-9]-[0-9][0-9]/catalogues/'"
  local -r calls=$(stub_calls lvremove rsync | head -n 3 | sed -E 's|--files-from=[^ ]*/backup-gen-mirror\.[^ ]*|--files-from=LIST|')
  assert_equal "lvremove --force vg0/root-backsnap
rsync -a -v --timeout=600 --from0 --files-from=LIST --ignore-existing ${filter} -- ${TARGET}/ ${MIRROR}/
rsync -a -n -i --size-only --timeout=600 --from0 --files-from=LIST ${filter} -- ${TARGET}/ ${MIRROR}/" "${calls}" 'the last commands'
}

@test "the partial slices a run killed at 23:59 on the last day of a month left are swept, never mirrored" {
  mkdir -p -- "${TARGET}/2024-04"
  printf 'half an archive\n' >"${TARGET}/2024-04/.testhost-root-2024-04-30T2359-INC.partial.1.dar"
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "WARNING: removing 1 unfinished file(s) left in ${TARGET} by an earlier run that did not finish: .testhost-root-2024-04-30T2359-INC.partial.1.dar"
  assert_equal '' "$(find "${TARGET}" "${MIRROR}" -name '*.partial.*')" 'partial slices on the target and the mirror'
}

@test "the temporary bookkeeping files a killed run left in an earlier month are removed, never mirrored" {
  mkdir -p -- "${TARGET}/2024-04"
  printf 'testhost-root-2024-04-30T2359-INC\n' >"${TARGET}/2024-04/.latest_successful.tmp"
  printf 'testhost-root-2024-04-30T2359-INC:\n' >"${TARGET}/2024-04/.backup_deps.tmp"
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "WARNING: removing 2 unfinished file(s) left in ${TARGET} by an earlier run that did not finish: .backup_deps.tmp .latest_successful.tmp"
  assert_equal '' "$(find "${TARGET}" "${MIRROR}" -name '*.tmp')" 'temporary files on the target and the mirror'
}

@test "a copy that fails part-way leaves the mirror's latest_successful naming an archive the mirror holds whole" {
  local -r full=${PREFIX}${STAMP}-FULL inc=${PREFIX}${STAMP}-INC
  run -0 "${SCRIPT}"
  assert_equal "${full}" "$(<"${MIRROR}/${MONTH}/latest_successful")" "the mirror's latest_successful after the FULL"
  # The INC's slice cannot be written on the mirror: a directory that is not empty has its name.
  mkdir -p -- "${MIRROR}/${MONTH}/${inc}.1.dar"
  printf 'in the way\n' >"${MIRROR}/${MONTH}/${inc}.1.dar/file"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "ERROR: the mirror's copy of ${inc} is not whole"
  assert_latest_successful "${inc}"
  assert_equal "${full}" "$(<"${MIRROR}/${MONTH}/latest_successful")" "the mirror's latest_successful"
  assert_equal "${full}:" "$(<"${MIRROR}/${MONTH}/backup_deps")" "the mirror's backup_deps"
}

@test "a failed backup is not mirrored" {
  export STUB_FAIL_lvcreate=5
  run -1 "${SCRIPT}"
  assert_equal 0 "$(stub_call_count rsync)" 'rsync calls'
  assert_equal '' "$(mirror_files)" 'the files in the mirror'
}

@test "with even_if_backup_failed a failed backup still mirrors what the target holds" {
  run -0 "${ALWAYS_SCRIPT}"
  rm -rf -- "${MIRROR:?}"/*
  export STUB_EXIT_dar=2 STUB_MATCH_dar=-c
  run -1 --separate-stderr "${ALWAYS_SCRIPT}"
  assert_contains "${stderr}" 'WARNING: the backup failed; copying to the mirror anyway (even_if_backup_failed)'
  assert_equal "$(target_files | grep -vx .backup-gen.lock | grep -v "/verified$")" "$(mirror_files)" 'the files in the mirror'
  assert_equal '' "$(find "${MIRROR}" -name "*-INC*")" 'the failed INC in the mirror'
}

@test "with even_if_backup_failed a run stopped by a signal is not mirrored" {
  export STUB_HANG_dar=20 STUB_MATCH_dar=-c
  start_script "${ALWAYS_SCRIPT}"
  local -r dar_pid=$(stub_wait_hanging dar)
  kill -TERM "${SCRIPT_PID}"
  local status=0
  wait "${SCRIPT_PID}" || status=$?
  assert_equal 143 "${status}" 'exit status'
  run ! kill -0 "${dar_pid}"
  assert_equal 0 "$(stub_call_count rsync)" 'rsync calls'
}

@test "with even_if_backup_failed a signal stops the copy a failed backup makes, and the run exits with its code" {
  export STUB_EXIT_dar=2 STUB_MATCH_dar=-c STUB_HANG_rsync=8 STUB_TIMES_rsync=1
  start_script "${ALWAYS_SCRIPT}"
  RSYNC_PID=$(stub_wait_hanging rsync)
  kill -TERM "${SCRIPT_PID}"
  local status=0
  wait "${SCRIPT_PID}" || status=$?
  assert_equal 143 "${status}" 'exit status'
  run ! kill -0 "${RSYNC_PID}"
  assert_contains "$(<"${BATS_TEST_TMPDIR}/stderr")" 'ERROR: stopped by SIGTERM'
  assert_equal 1 "$(stub_call_count rsync)" 'rsync calls'
}

@test "with even_if_backup_failed a copy that failed after a successful backup is not tried again, and the message says what failed" {
  export STUB_FAIL_rsync=23
  run -1 --separate-stderr "${ALWAYS_SCRIPT}"
  assert_equal 1 "$(stub_call_count rsync)" 'rsync calls'
  assert_contains "${stderr}" 'ERROR: the local archives are complete; the copy to the mirror failed'
  refute_contains "${stderr}" 'the backup failed'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
}

@test "rsync exit 24 (files vanished) is a warning: exit 2" {
  export STUB_EXIT_rsync=24
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'WARNING: some files vanished while rsync copied them (exit 24)'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
}

@test "rsync failing fails the run but keeps the backup, which is complete" {
  export STUB_FAIL_rsync=23
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "ERROR: rsync to ${MIRROR} failed (exit 23)"
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "a missing mirror directory fails the run with a message naming the key" {
  rmdir -- "${MIRROR}"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "mirror directory ${MIRROR} does not exist ([rsync] target_dir)"
  assert_equal 0 "$(stub_call_count rsync)" 'rsync calls'
}
