#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# [rsync]: the target is copied to the mirror (real rsync) after the snapshot is gone, only after a
# successful backup unless even_if_backup_failed, never after a signal, never with partial slices.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-mirror)
  ALWAYS_SCRIPT=$(compile_fixture lvm-mirror-always)
  export SCRIPT ALWAYS_SCRIPT
}

setup() {
  setup_run_environment
}

mirror_files() {
  (cd "${MIRROR:?}" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort)
}

@test "after a successful run the mirror holds the same backup set, copied after the snapshot is gone" {
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal "$(target_files | grep -vx .backup-gen.lock)" "$(mirror_files)" 'the files in the mirror'
  cmp -- "${MONTH_DIR}/latest_successful" "${MIRROR}/${MONTH}/latest_successful"
  assert_equal "lvremove --force vg0/root-backsnap
rsync -a -v '--exclude=.*.partial.*' --exclude=/.backup-gen.lock -- ${TARGET}/ ${MIRROR}/" "$(stub_calls lvremove rsync)" 'the last commands'
}

@test "the mirror never gets partial slices" {
  mkdir -p -- "${TARGET}/2024-04"
  printf 'half an archive\n' >"${TARGET}/2024-04/.testhost-root-2024-04-30T2359-INC.partial.1.dar"
  run -0 "${SCRIPT}"
  [[ -d ${MIRROR}/2024-04 ]]
  assert_equal '' "$(find "${MIRROR}" -name '*.partial.*')" 'partial slices in the mirror'
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
  assert_equal "$(target_files | grep -vx .backup-gen.lock)" "$(mirror_files)" 'the files in the mirror'
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
