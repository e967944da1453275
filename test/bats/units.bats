#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# backup-gen units and check --script, through the real CLI: systemd-analyze verify accepts the units
# (it needs no running systemd, only the systemd package and an executable at the ExecStart path),
# systemd accepts every OnCalendar= that units accepts, the crontab line runs a real backup, and
# check --script tells a deployed script that is still what its profile compiles to from one that is not.

load test_helper/common

cli() {
  node "${PROJECT_ROOT}/dist/cli.js" "$@"
}

setup_file() {
  setup_fixture_dirs
  [[ -f ${PROJECT_ROOT}/dist/cli.js ]] || {
    printf 'dist/cli.js is missing: run npm run build first\n' >&2
    return 1
  }
  command -v systemd-analyze >/dev/null || {
    printf 'systemd-analyze is missing: apt-get install systemd (test/run-all.sh does)\n' >&2
    return 1
  }
  # An LVM profile with a mirror on another host: the service that needs the most.
  compile_fixture lvm-mirror-remote >/dev/null
  export PROFILE=${BATS_FILE_TMPDIR}/lvm-mirror-remote.ini
}

setup() {
  UNITS=${BATS_TEST_TMPDIR}/units
  mkdir -p -- "${UNITS}"
}

# deploy PATH: the profile compiled to PATH, as an administrator deploys it.
deploy() {
  mkdir -p -- "$(dirname -- "$1")"
  cli "${PROFILE}" -o "$1"
}

# verify_units NAME: systemd-analyze verify of the two units; it must say nothing at all (it reports
# unknown keys and bad values as warnings, with exit 0).
verify_units() {
  run --separate-stderr systemd-analyze verify "${UNITS}/$1.service" "${UNITS}/$1.timer"
  assert_equal 0 "${status}" 'the exit status of systemd-analyze verify'
  assert_equal '' "${output}${stderr}" 'what systemd-analyze verify reports'
}

@test "systemd-analyze verify accepts the service and the timer units writes" {
  local -r script=${BATS_TEST_TMPDIR}/sbin/lvm-mirror-remote.sh
  deploy "${script}"
  run -0 --separate-stderr cli units "${PROFILE}" --dir "${UNITS}" --script "${script}"
  assert_equal "wrote ${UNITS}/backup-gen-lvm-mirror-remote.service" "${stderr%%$'\n'*}" 'the first line on stderr'
  verify_units backup-gen-lvm-mirror-remote
  assert_has_line "$(<"${UNITS}/backup-gen-lvm-mirror-remote.service")" "ExecStart=${script} --log INFO"
  assert_has_line "$(<"${UNITS}/backup-gen-lvm-mirror-remote.service")" 'After=network-online.target'
}

@test "systemd-analyze verify finds the script at a --script path with a space, a % and a \$ (ExecStart= quoting)" {
  local -r script="${BATS_TEST_TMPDIR}/my backups/100% \$HOME/lvm-mirror-remote.sh"
  deploy "${script}"
  run -0 cli units "${PROFILE}" --dir "${UNITS}" --script "${script}" --on-calendar 'Mon..Fri 22:30'
  verify_units backup-gen-lvm-mirror-remote
}

@test "verify does check the ExecStart path: a script that is not there is reported (so the tests above mean something)" {
  run -0 cli units "${PROFILE}" --dir "${UNITS}" --script "${BATS_TEST_TMPDIR}/not-deployed.sh"
  run systemd-analyze verify "${UNITS}/backup-gen-lvm-mirror-remote.service"
  assert_contains "${output}" "Command ${BATS_TEST_TMPDIR}/not-deployed.sh is not executable"
}

@test "systemd accepts every OnCalendar= that units accepts, and units refuses what systemd refuses" {
  local spec
  local -a accepted=(daily hourly weekly monthly quarterly 'Mon..Fri 03:15' 'Mon-Fri 03:15' 'Sat,Sun 10:00' '*:0/15' '*-*-* 0..6/2:00'
    '*-*-01 04:00' '01-01' '*-01,07-01 00:00' '*-*-* 03:15:30' '*-*-* 03:15 UTC' '2030-*-* 01:00' 'Mon *-*-1..7 03:00' 'Monday 3:05' 'Sun')
  local -a refused=('Fri..Mon 03:00' '*-*-* 24:00' '*:*/15' '*-*-* 3..1:00' '*-*-* 03:15/0' '10:00 Mon' bogus)
  for spec in "${accepted[@]}"; do
    run -0 cli units "${PROFILE}" --dir "${UNITS}" --on-calendar "${spec}"
    run -0 systemd-analyze calendar "${spec}"
  done
  for spec in "${refused[@]}"; do
    run -2 cli units "${PROFILE}" --dir "${UNITS}" --on-calendar "${spec}"
    run -1 systemd-analyze calendar "${spec}"
  done
}

@test "the crontab line, run as cron runs it (sh -c), makes a real backup, leaves cron nothing to mail, and logs to the profile's log_file" {
  local -r source=${BATS_TEST_TMPDIR}/source script=${BATS_TEST_TMPDIR}/sbin/site.sh log=${BATS_TEST_TMPDIR}/site.log
  mkdir -p -- "${source}" "${TARGET}"
  printf 'hello\n' >"${source}/file.txt"
  printf '%s\n' '[backup]' 'source_type = directory' "source_root = ${source}" "target = ${TARGET}" 'archive_prefix = site-' "log_file = ${log}" >"${BATS_TEST_TMPDIR}/site.ini"
  mkdir -p -- "${BATS_TEST_TMPDIR}/sbin"
  cli "${BATS_TEST_TMPDIR}/site.ini" -o "${script}"
  run -0 --separate-stderr cli units "${BATS_TEST_TMPDIR}/site.ini" --dir "${UNITS}" --script "${script}"
  local -r line=$(grep -v '^#' <<<"${output}")
  [[ ${line} == '15 3 * * * root '* ]]
  # The command is what follows the five time fields and the user.
  run -0 --separate-stderr sh -c "${line#'15 3 * * * root '}"
  assert_equal '' "${output}${stderr}" 'what cron would mail'
  assert_contains "$(<"${log}")" 'finished successfully'
  [[ -n $(find "${TARGET}" -name 'site-*.dar') ]]
}

@test "check --script: 0 for the script as deployed, 3 with the diff and the cause once the profile changed" {
  local -r script=${BATS_TEST_TMPDIR}/deployed.sh
  deploy "${script}"
  run -0 --separate-stderr cli check "${PROFILE}" --script "${script}"
  assert_contains "${stderr}" "${script}: identical to ${PROFILE} compiled by backup-gen "
  printf '%s\n' '' '[retention]' 'keep_months = 6' >>"${PROFILE}"
  run -3 --separate-stderr cli check "${PROFILE}" --script "${script}"
  assert_has_line "${output}" "--- ${script}"
  assert_contains "${stderr}" 'likely cause: the profile changed since'
  # The profile as it was, for the other tests.
  compile_fixture lvm-mirror-remote >/dev/null
  run -0 cli check "${PROFILE}" --script "${script}"
}

@test "check --script: 3 for a hand-edited script; the diff is the edit, and patch applied to the script undoes it" {
  local -r script=${BATS_TEST_TMPDIR}/deployed.sh
  deploy "${script}"
  sed -i 's/^set_log_level() {$/&\n  : quick fix on the host/' "${script}"
  run -3 --separate-stderr cli check "${PROFILE}" --script "${script}"
  assert_has_line "${output}" '-  : quick fix on the host'
  assert_contains "${stderr}" 'so the script was edited after it was generated'
  patch --quiet "${script}" <<<"${output}"
  run -0 cli check "${PROFILE}" --script "${script}"
}

@test "check --script: a deployed noop variant is compared with the noop variant" {
  local -r script=${BATS_TEST_TMPDIR}/noop.sh
  cli --noop "${PROFILE}" -o "${script}"
  run -0 --separate-stderr cli check "${PROFILE}" --script "${script}"
  assert_contains "${stderr}" '(the noop variant, as its header says)'
}

@test "check --script: a missing deployed script is a usage error that names it" {
  run -2 --separate-stderr cli check "${PROFILE}" --script "${BATS_TEST_TMPDIR}/gone.sh"
  assert_equal "backup-gen: cannot read deployed script ${BATS_TEST_TMPDIR}/gone.sh: ENOENT" "${stderr}" stderr
}
