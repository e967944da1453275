#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# [monitoring] ping_url: the healthchecks convention, against a real HTTP server on 127.0.0.1
# (helpers/ping-server.mjs, started by each test on a port the OS chooses, and killed by it). A ping
# that fails never fails the backup nor changes its exit code, and a run's end is bounded.

load test_helper/common

setup_file() {
  setup_fixture_dirs
}

setup() {
  setup_run_environment
  SERVER_PID=
  PINGS=${BATS_TEST_TMPDIR}/pings
  mkdir -p -- "${PINGS}"
}

teardown() {
  if [[ -n ${SERVER_PID} ]]; then
    stop_server
  fi
}

# start_server MODE: the ping server, answering as MODE says; PORT is where it listens.
start_server() {
  local waited
  node "${BATS_TEST_DIRNAME}/helpers/ping-server.mjs" "$1" "${PINGS}" 3>&- &
  SERVER_PID=$!
  for ((waited = 0; waited < 100; waited++)); do
    [[ -f ${PINGS}/port ]] && break
    /usr/bin/sleep 0.1
  done
  PORT=$(<"${PINGS}/port")
}

# stop_server: the server is gone, and the port it had is free again.
stop_server() {
  kill -TERM "${SERVER_PID}"
  wait "${SERVER_PID}" 2>/dev/null || true
  SERVER_PID=
}

# compile_with_monitoring [--noop] KEY=VALUE...: fixtures/lvm-one-volume.ini plus a [monitoring]
# section of these keys, compiled by the real CLI; SCRIPT is its path.
compile_with_monitoring() {
  local -a options=()
  if [[ $1 == --noop ]]; then
    options=(--noop)
    shift
  fi
  local -r profile=${BATS_TEST_TMPDIR}/monitored.ini
  local text line
  text=$(<"${BATS_TEST_DIRNAME}/fixtures/lvm-one-volume.ini")
  text=${text//@TARGET@/${TARGET}}
  printf '%s\n\n[monitoring]\n' "${text}" >"${profile}"
  for line in "$@"; do
    printf '%s\n' "${line/=/ = }" >>"${profile}"
  done
  SCRIPT=${BATS_TEST_TMPDIR}/monitored.sh
  node "${PROJECT_ROOT}/dist/cli.js" "${options[@]}" -o "${SCRIPT}" "${profile}"
}

# request N: "METHOD PATH" of the Nth request the server recorded.
request() {
  printf '%s %s\n' "$(<"${PINGS}/$1.method")" "$(<"${PINGS}/$1.path")"
}

request_count() {
  find "${PINGS}" -name '*.path' | wc -l
}

# The run's id of a recorded path (?rid=UUID).
run_id() {
  local -r path=$(<"${PINGS}/$1.path")
  printf '%s\n' "${path#*\?rid=}"
}

@test "a successful run pings /start once it has the lock, then the plain URL with the same run id and its last log lines" {
  start_server ok
  compile_with_monitoring "ping_url=http://127.0.0.1:${PORT}/ping/abc"
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal '' "${stderr}" 'stderr'
  assert_equal 2 "$(request_count)" 'requests'
  [[ $(request 1) =~ ^GET\ /ping/abc/start\?rid=[0-9a-f-]{36}$ ]] || assert_equal 'GET /ping/abc/start?rid=UUID' "$(request 1)" 'the first request'
  assert_equal "POST /ping/abc?rid=$(run_id 1)" "$(request 2)" 'the second request'
  local -r body=$(<"${PINGS}/2.body")
  assert_contains "${body}" "INFO: summary of profile monitored.ini:"
  assert_contains "${body}" "INFO:   main: FULL ${PREFIX}${STAMP}-FULL, "
  [[ ${body##*$'\n'} == *' INFO: finished successfully' ]] || assert_equal '... INFO: finished successfully' "${body##*$'\n'}" 'the last line of the body'
  refute_contains "${body}" 'DEBUG:' 'the body'
  # The lock was taken before the start ping: a run that cannot have it sends nothing.
  [[ -f ${TARGET}/.backup-gen.lock ]]
}

@test "a failing run pings /fail with the log lines that say why; the exit code is the backup's" {
  start_server ok
  compile_with_monitoring "ping_url=http://127.0.0.1:${PORT}/ping/abc"
  export STUB_EXIT_dar=2 STUB_MATCH_dar=-c
  run -1 --separate-stderr "${SCRIPT}"
  assert_equal 2 "$(request_count)" 'requests'
  assert_equal "POST /ping/abc/fail?rid=$(run_id 1)" "$(request 2)" 'the end ping'
  local -r body=$(<"${PINGS}/2.body")
  assert_contains "${body}" 'ERROR: dar failed (exit 2: hardware problem or out of memory); nothing was published'
  assert_contains "${body}" 'INFO:   main: failed (exit 1)'
  assert_contains "${body}" 'ERROR: FAILED (exit 1)'
}

@test "a run stopped by a signal pings /fail" {
  start_server ok
  compile_with_monitoring "ping_url=http://127.0.0.1:${PORT}/ping/abc"
  export STUB_HANG_dar=60 STUB_MATCH_dar=-c
  start_script "${SCRIPT}"
  stub_wait_hanging dar >/dev/null
  kill -TERM "${SCRIPT_PID}"
  local status=0
  wait "${SCRIPT_PID}" || status=$?
  assert_equal 143 "${status}" 'the exit code'
  assert_equal "POST /ping/abc/fail?rid=$(run_id 1)" "$(request 2)" 'the end ping'
  assert_contains "$(<"${PINGS}/2.body")" 'ERROR: stopped by SIGTERM; cleaning up'
}

@test "a server that answers 500 first is asked again: each ping arrives, and the run is not made one with warnings" {
  start_server fail-first
  compile_with_monitoring "ping_url=http://127.0.0.1:${PORT}/ping/abc"
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal '' "${stderr}" 'stderr'
  assert_equal 4 "$(request_count)" 'requests'
  assert_equal "GET /ping/abc/start?rid=$(run_id 1)" "$(request 2)" 'the start ping, asked again'
  assert_equal "POST /ping/abc?rid=$(run_id 1)" "$(request 3)" 'the success ping'
  assert_equal "POST /ping/abc?rid=$(run_id 1)" "$(request 4)" 'the success ping, asked again'
  assert_equal "$(<"${PINGS}/3.body")" "$(<"${PINGS}/4.body")" 'the body of the second attempt'
}

@test "a server that never answers: the backup still ends in bounded time, with its own exit code" {
  start_server silent
  compile_with_monitoring "ping_url=http://127.0.0.1:${PORT}/ping/abc" ping_timeout=1
  local -r started=${SECONDS}
  run -0 --separate-stderr timeout 60 "${SCRIPT}"
  # Two pings of at most 3 attempts of 1 s and 2 s between them.
  ((SECONDS - started < 25)) || assert_equal 'under 25 s' "$((SECONDS - started)) s" 'the run took'
  assert_contains "${stderr}" 'WARNING: the healthchecks start ping failed (curl exit 28: '
  assert_contains "${stderr}" 'WARNING: the healthchecks success ping failed (curl exit 28: '
  refute_contains "${stderr}" 'finished with warnings'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
}

@test "nothing listening: a successful backup still exits 0, a failed one 1" {
  start_server ok
  stop_server
  compile_with_monitoring "ping_url=http://127.0.0.1:${PORT}/ping/abc"
  run -0 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'WARNING: the healthchecks start ping failed (curl exit 7: '
  assert_contains "${stderr}" 'the backup itself is not affected by this'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  export STUB_EXIT_dar=2 STUB_MATCH_dar=-c
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'WARNING: the healthchecks fail ping failed (curl exit 7: '
}

# without_commands NAME...: a PATH of /usr/bin and /bin without these commands, after the stubs.
without_commands() {
  local -r bin=${BATS_TEST_TMPDIR}/bin-without
  local file name
  mkdir -p -- "${bin}"
  for file in /usr/bin/* /bin/*; do
    name=${file##*/}
    [[ " $* " == *" ${name} "* || -e ${bin}/${name} ]] || ln -s -- "${file}" "${bin}/${name}"
  done
  export BACKUP_GEN_PATH=${STUB_BIN}:${bin}
}

@test "without curl the pings go with wget" {
  start_server ok
  compile_with_monitoring "ping_url=http://127.0.0.1:${PORT}/ping/abc"
  without_commands curl
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal '' "${stderr}" 'stderr'
  assert_equal "POST /ping/abc?rid=$(run_id 1)" "$(request 2)" 'the end ping'
  assert_contains "$(<"${PINGS}/2.body")" 'INFO: finished successfully'
}

@test "without curl and wget: one warning, no ping, exit 0" {
  start_server ok
  compile_with_monitoring "ping_url=http://127.0.0.1:${PORT}/ping/abc"
  without_commands curl wget
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal 'WARNING: neither curl nor wget is installed: no healthchecks pings are sent ([monitoring] ping_url)' "${stderr}" 'stderr'
  assert_equal 0 "$(request_count)" 'requests'
}

@test "--noop prints the ping commands and sends nothing; list and verify never ping" {
  start_server ok
  compile_with_monitoring "ping_url=http://127.0.0.1:${PORT}/ping/abc"
  run -0 --separate-stderr "${SCRIPT}" --noop
  assert_contains "${output}" "# the healthchecks start ping a real run sends (the URL http://127.0.0.1:${PORT}/***/start?rid="
  assert_contains "${output}" " on its stdin, never on a command line):
timeout -k 2 35 curl --silent --show-error --fail --output /dev/null --max-time 10 --retry 2 --retry-delay 1 --retry-connrefused --config -
"
  assert_contains "${output}" "# the healthchecks success ping a real run sends (the URL http://127.0.0.1:${PORT}/***?rid="
  assert_equal 0 "$(request_count)" 'requests'
  run -0 "${SCRIPT}"
  assert_equal 2 "$(request_count)" 'requests after a backup'
  run -0 "${SCRIPT}" list
  run -0 "${SCRIPT}" verify
  assert_equal 2 "$(request_count)" 'requests after list and verify'
}

# sample_cmdlines FILE: in the background until killed, every process's command line that holds
# the text of FILE (the token) is appended to FILE.hits; SAMPLER_PID is its pid. grep reads the
# token from FILE, so the sampler's own command lines never hold it.
sample_cmdlines() {
  local -r token_file=$1
  (
    while :; do
      grep -a -F -f "${token_file}" /proc/[0-9]*/cmdline 2>/dev/null >>"${token_file}.hits" || true
    done
  ) 3>&- &
  SAMPLER_PID=$!
}

# ping_secrets_test CLIENT: a backup run (DEBUG log in a file) pings a server that answers 500
# first, so each client lives for a second or more while the sampler reads every command line.
ping_secrets_test() {
  local -r token=s3cr3t-t0k3n-4711
  printf '%s\n' "${token}" >"${BATS_TEST_TMPDIR}/token"
  start_server fail-first
  compile_with_monitoring "ping_url=http://127.0.0.1:${PORT}/ping/${token}"
  [[ $1 == wget ]] && without_commands curl
  sample_cmdlines "${BATS_TEST_TMPDIR}/token"
  run -0 --separate-stderr "${SCRIPT}" -l DEBUG --log-file "${BATS_TEST_TMPDIR}/run.log"
  kill "${SAMPLER_PID}"
  wait "${SAMPLER_PID}" 2>/dev/null || true
  assert_equal 4 "$(request_count)" 'requests'
  assert_equal "POST /ping/${token}?rid=$(run_id 1)" "$(request 4)" 'the success ping, asked again'
  assert_equal '' "$(cat -- "${BATS_TEST_TMPDIR}/token.hits" 2>/dev/null)" "command lines that held the token"
  refute_contains "$(<"${BATS_TEST_TMPDIR}/run.log")" "${token}" 'the DEBUG log'
  assert_contains "$(<"${BATS_TEST_TMPDIR}/run.log")" "http://127.0.0.1:${PORT}/***/start?rid=" 'the DEBUG log'
  refute_contains "${stderr}" "${token}" 'stderr'
  refute_contains "$(<"${PINGS}/4.body")" "${token}" 'the end ping body'
  # A failed ping's message is masked too (wget prints the URL it failed on).
  stop_server
  run -0 --separate-stderr "${SCRIPT}" -l DEBUG --log-file "${BATS_TEST_TMPDIR}/run.log"
  assert_contains "${stderr}" "WARNING: the healthchecks start ping failed ($1 exit "
  refute_contains "${stderr}" "${token}" 'stderr of a run whose pings fail'
  refute_contains "$(<"${BATS_TEST_TMPDIR}/run.log")" "${token}" 'the DEBUG log of a run whose pings fail'
}

@test "the ping URL (it holds the check's token) is never on curl's command line nor in the log" {
  ping_secrets_test curl
}

@test "the ping URL is never on wget's command line nor in the log" {
  ping_secrets_test wget
}

@test "a ping URL with a double quote and a backslash reaches the server as written (curl's config quoting)" {
  start_server ok
  compile_with_monitoring "ping_url=http://127.0.0.1:${PORT}/ping/a\"b\\c'd"
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal '' "${stderr}" 'stderr'
  assert_equal "POST /ping/a\"b\\c'd?rid=$(run_id 1)" "$(request 2)" 'the end ping'
}

@test "--noop shows the ping URL with its path hidden" {
  compile_with_monitoring "ping_url=https://user:pw@hc.example:8443/ping/s3cr3t-t0k3n"
  run -0 --separate-stderr "${SCRIPT}" --noop
  refute_contains "${output}" 's3cr3t-t0k3n' 'the noop output'
  refute_contains "${output}" 'pw@' 'the noop output'
  assert_contains "${output}" "# the healthchecks start ping a real run sends (the URL https://***@hc.example:8443/***/start?rid="
}

@test "a ping URL that is not http(s), or has white space or a query, is a compile error that says where" {
  local -r profile=${BATS_TEST_TMPDIR}/bad.ini
  local url
  for url in 'ftp://hc/x' 'https://hc/x?create=1' 'hc-ping.com/x'; do
    printf '[backup]\nsource_type = directory\nsource_root = /srv\ntarget = /b\narchive_prefix = x-\n[monitoring]\nping_url = %s\n' "${url}" >"${profile}"
    run -1 node "${PROJECT_ROOT}/dist/cli.js" check "${profile}"
    assert_contains "${output}" "bad.ini:7: error[BG060]: [monitoring] ping_url: expected an http:// or https:// URL"
  done
}
