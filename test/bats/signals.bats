#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# SIGTERM, SIGINT and SIGHUP sent to the script while dar runs. dar is made slow: the stub runs the
# real dar (so a partial slice is on disk), then says it is hanging and waits. The script must stop
# dar, remove the partial slice, unmount, remove the snapshot and exit 128 + the signal's number.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  export SCRIPT
  prime_full_backup "${SCRIPT}"
}

setup() {
  setup_from_full_backup
  export STUB_HANG_dar=20 STUB_MATCH_dar=-c
  SCRIPT_PID='' DAR_PID=''
}

# Only what this test started, by its id, if a failed assertion left it running.
teardown() {
  kill_started "${DAR_PID}" "${SCRIPT_PID}"
}

# interrupt_dar SIGNAL: starts the script, waits until dar hangs, sends SIGNAL; sets STATUS.
interrupt_dar() {
  start_script "${SCRIPT}"
  DAR_PID=$(stub_wait_hanging dar)
  [[ -f ${MONTH_DIR}/.${PREFIX}${STAMP}-INC.partial.1.dar ]]
  [[ -n $(stub_mounts) ]]
  kill "-$1" "${SCRIPT_PID}"
  STATUS=0
  wait "${SCRIPT_PID}" || STATUS=$?
}

assert_cleaned_up_after() { # assert_cleaned_up_after SIGNAL
  assert_contains "$(<"${BATS_TEST_TMPDIR}/stderr")" "ERROR: stopped by $1; cleaning up"
  if kill -0 "${DAR_PID}" 2>/dev/null; then
    printf 'dar (pid %s) is still running\n' "${DAR_PID}" >&2
    return 1
  fi
  assert_equal "${BEFORE}" "$(target_files)" 'the files in the target'
  assert_equal "${DEPS_BEFORE}" "$(<"${MONTH_DIR}/backup_deps")" backup_deps
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
  assert_equal "lvremove --force vg0/root-backsnap" "$(stub_calls lvremove | tail -n 1)" 'the last lvremove'
}

@test "SIGTERM during dar stops dar, cleans up and exits 143" {
  interrupt_dar TERM
  assert_equal 143 "${STATUS}" 'exit status'
  assert_cleaned_up_after SIGTERM
}

@test "SIGINT during dar stops dar, cleans up and exits 130" {
  interrupt_dar INT
  assert_equal 130 "${STATUS}" 'exit status'
  assert_cleaned_up_after SIGINT
}

@test "SIGHUP during dar stops dar, cleans up and exits 129" {
  interrupt_dar HUP
  assert_equal 129 "${STATUS}" 'exit status'
  assert_cleaned_up_after SIGHUP
}

@test "the script tells dar to stop with SIGTERM and waits for it" {
  interrupt_dar TERM
  assert_contains "$(<"${BATS_TEST_TMPDIR}/stderr")" "WARNING: stopping ${DAR_PID} and the processes it started before cleaning up"
}
