#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# The end of a backup run: a summary at INFO (per source, then the mirror), always in the log file;
# cron mail stays empty on success with a log file; a live progress line on a terminal only.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-two-volumes)
  MIRRORED=$(compile_fixture lvm-mirror)
  # One source: with two at a time (parallel = auto on two CPUs) there is no progress line.
  ONE_VOLUME=$(compile_fixture lvm-one-volume)
  export SCRIPT MIRRORED ONE_VOLUME
}

setup() {
  setup_run_environment
  stub_lv "${VG}" home
  export STUB_SNAP_PERCENT=3.25
}

# summary TEXT: the summary's lines of TEXT (stderr or a log file), without the log file's time stamps.
summary() {
  sed -n -e 's/^.*INFO: \(summary of .*\)$/\1/p' -e 's/^.*INFO: \(  .*\)$/\1/p' <<<"$1"
}

@test "with -l INFO a run ends with the summary: per source FULL or INC, archive, size, duration, snapshot use, verify" {
  run -0 --separate-stderr "${SCRIPT}" -l INFO
  local -r summary_lines=$(summary "${stderr}")
  [[ ${summary_lines} =~ ^"summary of profile lvm-two-volumes.ini:
  main: FULL testhost-${STAMP}-FULL, "[0-9.]+" "(B|KiB)", "[0-9]+" s, snapshot 3.25% used, verify ok
  home: FULL testhost-home-${STAMP}-FULL, "[0-9.]+" "(B|KiB)", "[0-9]+" s, snapshot 3.25% used, verify ok
  snapshots: one at a time (each source's snapshot lives only while its own archive is made)"$ ]] || assert_equal 'the summary' "${summary_lines}" 'the summary'
  run -0 --separate-stderr "${SCRIPT}" -l INFO
  assert_contains "$(summary "${stderr}")" "  main: INC testhost-${STAMP}-INC, "
}

@test "at the default level the summary is not on stderr, but always in the log file" {
  run -0 --separate-stderr "${SCRIPT}" --log-file "${BATS_TEST_TMPDIR}/log"
  assert_equal '' "${stderr}" 'stderr'
  assert_contains "$(summary "$(<"${BATS_TEST_TMPDIR}/log")")" "  home: FULL testhost-home-${STAMP}-FULL, "
}

@test "a failed source says failed, with its archive not published; a failed dar -t says verify FAILED" {
  export STUB_EXIT_dar=5 STUB_MATCH_dar=-t STUB_TIMES_dar=1
  run -1 --separate-stderr "${SCRIPT}" -l INFO
  local -r summary_lines=$(summary "${stderr}")
  assert_contains "${summary_lines}" "  main: failed (exit 1): FULL testhost-${STAMP}-FULL not published, "
  assert_contains "${summary_lines}" ", snapshot 3.25% used, verify FAILED (dar -t exit 5)"
  assert_contains "${summary_lines}" "  home: FULL testhost-home-${STAMP}-FULL, "
}

@test "the mirror: copied after a good run, skipped after a failed one" {
  run -0 --separate-stderr "${MIRRORED}" -l INFO
  assert_has_line "$(summary "${stderr}")" '  mirror: copied'
  export STUB_EXIT_dar=2 STUB_MATCH_dar=-c
  run -1 --separate-stderr "${MIRRORED}" -l INFO
  assert_has_line "$(summary "${stderr}")" '  mirror: skipped (the backup failed)'
}

@test "a run stopped by a signal names the source it stopped and the ones it never started" {
  export STUB_HANG_dar=60 STUB_MATCH_dar=-c
  start_script "${SCRIPT}" -l INFO
  stub_wait_hanging dar >/dev/null
  kill -TERM "${SCRIPT_PID}"
  wait "${SCRIPT_PID}" || true
  local -r summary_lines=$(summary "$(<"${BATS_TEST_TMPDIR}/stderr")")
  assert_contains "${summary_lines}" '  main: stopped by a signal (exit 143), '
  assert_has_line "${summary_lines}" '  home: not run'
}

@test "cron with a log file: a successful run prints nothing at all; its output goes to the log file" {
  run -0 --separate-stderr "${SCRIPT}" --log-file "${BATS_TEST_TMPDIR}/log"
  assert_equal '' "${output}" 'stdout'
  assert_equal '' "${stderr}" 'stderr'
  local -r log=$(<"${BATS_TEST_TMPDIR}/log")
  assert_contains "${log}" "DEBUG: Full backup: testhost-${STAMP}-FULL"
  # dar's own statistics, which it prints on stdout.
  assert_contains "${log}" 'inode(s) saved'
}

@test "cron with a log file: a warning still reaches stderr, with exit 2" {
  export STUB_EXIT_dar=5 STUB_MATCH_dar=-c STUB_TIMES_dar=1
  run -2 --separate-stderr "${SCRIPT}" --log-file "${BATS_TEST_TMPDIR}/log"
  assert_equal '' "${output}" 'stdout'
  assert_contains "${stderr}" 'WARNING: dar could not read some files and did not save them (exit 5)'
  assert_contains "${stderr}" 'WARNING: finished with warnings'
}

@test "without a log file the run still says what it does on stdout" {
  run -0 --separate-stderr "${SCRIPT}"
  assert_contains "${output}" "Source main: vg0/root"
  assert_contains "${output}" "Full backup: testhost-${STAMP}-FULL"
}

@test "on a terminal a progress line shows while dar writes, and is cleared when dar ends" {
  # Real sleep: the poller waits a second between looks.
  rm -f -- "${STUB_BIN}/sleep"
  export STUB_HANG_dar=3 STUB_MATCH_dar=-c STUB_TIMES_dar=1
  run -0 script -qefc "$(shell_quote_for_test "${ONE_VOLUME}")" /dev/null
  assert_contains "${output}" $'\r  dar: '
  [[ ${output} =~ $'\r'"  dar: "[0-9.]+" "(B|KiB)" written, 0:00:0"[1-3]" elapsed" ]] || assert_equal 'a line after a second or more' "${output}" 'the terminal'
  assert_contains "${output}" $'\r\e[K'
  # The poller is gone with the run.
  assert_equal '' "$(pgrep -f -- "${ONE_VOLUME}" || true)" 'processes of the script left'
}

@test "never a progress line on a non-terminal" {
  rm -f -- "${STUB_BIN}/sleep"
  export STUB_HANG_dar=2 STUB_MATCH_dar=-c STUB_TIMES_dar=1
  run -0 --separate-stderr "${SCRIPT}"
  refute_contains "${stderr}" 'dar: ' 'stderr'
  refute_contains "${output}" 'written' 'stdout'
}

# shell_quote_for_test WORD: WORD as one word for script -c's shell.
shell_quote_for_test() {
  printf '%q' "$1"
}

@test "the progress poller ends by itself once dar is gone, even when no SIGTERM reaches it" {
  # The script's functions without its last line (main "$@"); stop_progress is never called here, as
  # when its SIGTERM came before the poller had set its trap.
  sed '$d' "${SCRIPT}" >"${BATS_TEST_TMPDIR}/functions.sh"
  rm -f -- "${STUB_BIN}/sleep"
  local -r probe="source '${BATS_TEST_TMPDIR}/functions.sh'; sleep 1 & start_progress /nonexistent \$!; wait \$!; SECONDS=0; wait \"\${PROGRESS_PID}\"; echo \"the poller ended \${SECONDS} s after dar\""
  run -0 timeout 20 script -qefc "bash -c $(shell_quote_for_test "${probe}")" /dev/null
  [[ ${output} =~ "the poller ended "[0-2]" s after dar" ]] || assert_equal 'the poller ended 0-2 s after dar' "${output}" 'the terminal'
}
