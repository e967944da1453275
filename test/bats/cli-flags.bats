#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# The generated script's command line: log levels, the log file, --help, --version, bad arguments.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  VERSION=$(node -p 'require(process.argv[1]).version' "${PROJECT_ROOT}/package.json")
  export SCRIPT VERSION
}

setup() {
  setup_run_environment
  LOG=${BATS_TEST_TMPDIR}/backup.log
}

# A bad command line is refused before anything runs.
assert_refused_before_running() {
  assert_contains "${stderr}" "Try 'lvm-one-volume.sh --help'."
  assert_equal '' "$(stub_calls lvs lvcreate lvremove blkid mount umount mountpoint findmnt dar sleep)" 'the commands run'
  assert_equal '' "$(target_files)" 'the files in the target'
}

@test "a successful run at the default level (WARNING) prints nothing on stderr" {
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal '' "${stderr}" stderr
}

@test "-lINFO shows INFO lines but no DEBUG lines" {
  run -0 --separate-stderr "${SCRIPT}" -lINFO
  assert_has_line "${stderr}" 'INFO: backing up profile lvm-one-volume.ini'
  assert_has_line "${stderr}" 'INFO: finished successfully'
  refute_contains "${stderr}" 'DEBUG:'
}

@test "--log info takes the level in any case" {
  run -0 --separate-stderr "${SCRIPT}" --log info
  assert_has_line "${stderr}" 'INFO: finished successfully'
  refute_contains "${stderr}" 'DEBUG:'
}

@test "--log=DEBUG shows every command before it runs" {
  run -0 --separate-stderr "${SCRIPT}" --log=DEBUG
  assert_contains "${stderr}" 'DEBUG: run: lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag backup-gen-run.'
  assert_has_line "${stderr}" "DEBUG: query: lvs --noheadings --separator '|' -o lv_name,origin,lv_tags vg0"
}

@test "-l ERROR hides the warnings but not the exit status" {
  export STUB_EXIT_dar=5 STUB_MATCH_dar=-c
  run -2 --separate-stderr "${SCRIPT}" -l ERROR
  assert_equal '' "${stderr}" stderr
}

@test "an unknown log level exits 64 before running anything" {
  run -64 --separate-stderr "${SCRIPT}" -l LOUD
  assert_has_line "${stderr}" "lvm-one-volume.sh: unknown log level 'LOUD' (expected DEBUG, INFO, WARNING, ERROR or CRITICAL)"
  assert_refused_before_running
}

@test "-l without a level exits 64" {
  run -64 --separate-stderr "${SCRIPT}" -l
  assert_has_line "${stderr}" 'lvm-one-volume.sh: -l needs a level'
  assert_refused_before_running
}

@test "an unknown argument exits 64 before running anything" {
  run -64 --separate-stderr "${SCRIPT}" --frobnicate
  assert_has_line "${stderr}" "lvm-one-volume.sh: unknown argument '--frobnicate'"
  assert_refused_before_running
}

@test "--log-file gets DEBUG lines while stderr shows only the chosen level" {
  run -0 --separate-stderr "${SCRIPT}" -l INFO --log-file "${LOG}"
  refute_contains "${stderr}" 'DEBUG:'
  assert_has_line "${stderr}" 'INFO: finished successfully'
  local -r text=$(<"${LOG}")
  assert_contains "${text}" 'DEBUG: run: lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag backup-gen-run.'
  assert_contains "${text}" 'INFO: finished successfully'
  # Each line: local time, the script's name and pid, the level, the message.
  local line
  while IFS= read -r line; do
    [[ ${line} =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}\ lvm-one-volume\.sh\[[0-9]+\]\ (DEBUG|INFO|WARNING|ERROR|CRITICAL):\  ]] ||
      { printf 'a log line not in the expected form: %s\n' "${line}" >&2 && return 1; }
  done <"${LOG}"
}

@test "--log-file=FILE appends: a second run adds to the first run's lines" {
  run -0 "${SCRIPT}" --log-file="${LOG}"
  local -r first=$(wc -l <"${LOG}")
  run -0 "${SCRIPT}" --log-file="${LOG}"
  (($(wc -l <"${LOG}") > first))
  assert_equal 2 "$(grep -c 'INFO: finished successfully' "${LOG}")" 'finished lines'
}

@test "a failed run's reason is in the log file" {
  export STUB_FAIL_lvcreate=5
  run -1 "${SCRIPT}" --log-file "${LOG}"
  assert_contains "$(<"${LOG}")" 'ERROR: FAILED (exit 1)'
}

@test "noop mode writes no log file" {
  run -0 "${SCRIPT}" --noop --log-file "${LOG}"
  [[ ! -e ${LOG} ]]
}

@test "--help prints the usage and exits 0 without running anything" {
  run -0 --separate-stderr "${SCRIPT}" --help
  assert_has_line "${output}" 'Usage: lvm-one-volume.sh [COMMAND] [OPTION...]'
  assert_contains "${output}" '-n, --noop, --dry-run'
  assert_equal '' "$(stub_calls)" 'the commands run'
}

@test "--version names the generator version, the profile and the sha256 of the profile's bytes" {
  local sha
  sha=$(sha256sum <"${BATS_FILE_TMPDIR}/lvm-one-volume.ini")
  run -0 --separate-stderr "${SCRIPT}" --version
  assert_equal "backup-gen ${VERSION}, profile lvm-one-volume.ini (sha256 ${sha%% *})" "${output}" stdout
  assert_equal '' "$(stub_calls)" 'the commands run'
}
