#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# [hooks] on a directory source, with the real dar and the real bash: the points a run reaches, the
# BACKUP_GEN_* context (data, never code), a failing hook, the skip code 75, the time limit, and what
# a hook leaves running (it holds neither the lock nor the run's output, and is stopped).

bats_require_minimum_version 1.5.0

setup_file() {
  REPO=$(cd -- "${BATS_TEST_DIRNAME}/../.." && pwd)
  export REPO
}

setup() {
  WORK=${BATS_TEST_TMPDIR}
  mkdir -p -- "${WORK}/a" "${WORK}/b" "${WORK}/target" "${WORK}/tmp"
  printf 'alpha\n' >"${WORK}/a/file"
  printf 'beta\n' >"${WORK}/b/file"
  CALLS=${WORK}/calls
  export TMPDIR=${WORK}/tmp WORK CALLS
}

teardown() {
  pkill -f 'sleep 432[12]' 2>/dev/null || true
}

# profile NAME HOOK_LINE...: NAME.ini with two directory sources (a, b) and these [hooks] lines,
# compiled by the real CLI to ${WORK}/NAME.sh.
profile() {
  local -r name=$1
  shift
  {
    printf '[backup]\ntarget = %s/target\narchive_prefix = hk-\n\n' "${WORK}"
    printf '[volume a]\nsource_type = directory\nsource_root = %s/a\n\n' "${WORK}"
    printf '[volume b]\nsource_type = directory\nsource_root = %s/b\n\n' "${WORK}"
    printf '[hooks]\n'
    printf '%s\n' "$@"
  } >"${WORK}/${name}.ini"
  node "${REPO}/dist/cli.js" "${WORK}/${name}.ini" -o "${WORK}/${name}.sh"
}

# The line every hook of these tests appends to CALLS.
readonly RECORD='printf "%s|%s|%s|%s|%s|%s\n" "$BACKUP_GEN_HOOK" "$BACKUP_GEN_SOURCES" "$BACKUP_GEN_ARCHIVE_KIND" "$BACKUP_GEN_STATUS" "$BACKUP_GEN_EXIT_CODE" "$BACKUP_GEN_SOURCES_SKIPPED" >>"$CALLS"'

every_hook() {
  local name
  for name in before_backup before_snapshot after_snapshot before_archive after_archive on_success on_failure finally; do
    printf '%s = %s\n' "${name}" "${RECORD}"
  done
}

@test "each hook runs at its point of the run, with its context in BACKUP_GEN_* variables" {
  mapfile -t lines < <(every_hook)
  profile all "${lines[@]}"
  run -0 --separate-stderr bash "${WORK}/all.sh"
  # A directory source has no snapshot: the snapshot hooks do not run for it.
  assert_calls "before_backup|a b||||
before_archive|a|FULL|||
after_archive|a|FULL|||
before_archive|b|FULL|||
after_archive|b|FULL|||
on_success|a b||success|0|
finally|a b||success|0|"
}

@test "a value with shell syntax in it reaches a hook as data, never as code" {
  # Run in WORK: a command substitution that ran would make WORK/PWNED.
  local -r odd="odd 'name' \$(touch PWNED) \`touch PWNED\` \${HOME}"
  cd -- "${WORK}"
  profile plain 'before_backup = printf "%s\n" "$BACKUP_GEN_PROFILE" >"$CALLS"'
  cp -- "${WORK}/plain.ini" "${WORK}/${odd}.ini"
  node "${REPO}/dist/cli.js" "${WORK}/${odd}.ini" -o "${WORK}/odd.sh"
  run -0 --separate-stderr bash "${WORK}/odd.sh"
  assert_calls "${odd}.ini"
  [[ ! -e ${WORK}/PWNED ]]
}

@test "a failing hook fails the run with its name and exit code; on_failure and finally still run" {
  profile failing 'before_archive = [ "$BACKUP_GEN_SOURCES" != b ] || exit 3' "on_failure = ${RECORD}" "finally = ${RECORD}" "on_success = ${RECORD}"
  run -1 --separate-stderr bash "${WORK}/failing.sh"
  [[ ${stderr} == *'ERROR: hook before_archive failed (exit 3)'* ]]
  [[ ${stderr} == *'ERROR: the backup of b failed (see above); backed up and published: a'* ]]
  assert_calls "on_failure|a b||failure|1|
finally|a b||failure|1|"
  [[ -f ${WORK}/target/a/$(date +%Y-%m)/latest_successful && ! -e ${WORK}/target/b ]]
  assert_equal '' "$(find "${WORK}/target" -name '*.partial*')" 'partial slices'
}

@test "a failing on_success makes a run that worked fail, and on_failure says so" {
  profile late 'on_success = exit 4' "on_failure = ${RECORD}"
  run -1 --separate-stderr bash "${WORK}/late.sh"
  [[ ${stderr} == *'ERROR: hook on_success failed (exit 4)'* ]]
  assert_calls "on_failure|a b||failure|1|"
}

@test "exit 75 from before_backup skips the run: exit 0, nothing archived, only finally runs after it" {
  profile skip 'before_backup = exit 75' "before_archive = ${RECORD}" "on_success = ${RECORD}" "on_failure = ${RECORD}" "finally = ${RECORD}"
  run -0 --separate-stderr bash "${WORK}/skip.sh" -l INFO
  [[ ${stderr} == *'INFO: this run is skipped: hook before_backup asked to skip it'* ]]
  [[ ${stderr} == *'INFO:   a: skipped'* && ${stderr} == *'INFO:   b: skipped'* ]]
  assert_calls "finally|a b||skipped|0|"
  assert_equal '' "$(find "${WORK}/target" -mindepth 1 -not -name .backup-gen.lock)" 'the target'
}

@test "exit 75 from before_archive skips that source only: its chain does not move, the others are backed up" {
  profile skip-a 'before_archive = [ "$BACKUP_GEN_SOURCE" != a ] || exit 75' "finally = ${RECORD}"
  run -0 --separate-stderr bash "${WORK}/skip-a.sh" -l INFO
  [[ ${stderr} == *'INFO: source a skipped: hook before_archive asked to skip it; its chain did not move'* ]]
  [[ ${stderr} == *'INFO:   a: skipped'* && ${stderr} == *'INFO:   b: FULL hk-'* ]]
  assert_calls "finally|a b||success|0|a"
  [[ ! -e ${WORK}/target/a && -f ${WORK}/target/b/$(date +%Y-%m)/latest_successful ]]
}

@test "75 from a hook that cannot skip (after_archive) is a failure" {
  profile late-skip 'after_archive = exit 75'
  run -1 --separate-stderr bash "${WORK}/late-skip.sh"
  [[ ${stderr} == *'ERROR: hook after_archive failed (exit 75)'* ]]
}

@test "a hook past its time limit is stopped with what it started, and fails the run" {
  profile slow 'before_backup = sleep 4321 & sleep 4321' 'timeout = 1'
  SECONDS=0
  run -1 --separate-stderr bash "${WORK}/slow.sh"
  ((SECONDS < 15))
  [[ ${stderr} == *'ERROR: hook before_backup did not finish within 1 s ([hooks] timeout): stopped (exit 124)'* ]]
  sleep 0.5
  assert_equal '' "$(pgrep -f 'sleep 4321' || true)" 'processes the hook started'
}

@test "what a hook leaves running holds neither the lock nor the run's output, and is stopped when the run ends" {
  profile leaves 'before_backup = sleep 4321 & ls -l /proc/$$/fd >"$CALLS"'
  # run would wait for ever for the end of the output if the sleep held it.
  SECONDS=0
  run -0 --separate-stderr bash "${WORK}/leaves.sh" -l INFO
  ((SECONDS < 15))
  refute_in "$(<"${CALLS}")" '.backup-gen.lock'
  [[ ${stderr} == *'INFO: stopping what the hooks left running (process groups '* ]]
  assert_equal '' "$(pgrep -f 'sleep 4321' || true)" 'processes the hook left'
}

@test "a hook's output is in the log, at INFO" {
  profile talks 'before_backup = echo "flushing the application"; echo "to stderr" >&2'
  run -0 --separate-stderr bash "${WORK}/talks.sh" -l INFO --log-file "${WORK}/run.log"
  [[ ${stderr} == *'INFO: hook before_backup: flushing the application'* ]]
  [[ $(<"${WORK}/run.log") == *'INFO: hook before_backup: to stderr'* ]]
}

@test "the noop variant prints each hook's command line and runs none" {
  mapfile -t lines < <(every_hook)
  profile all "${lines[@]}"
  run -0 --separate-stderr bash "${WORK}/all.sh" --noop
  [[ ${output} == *'# [hooks] before_backup: a real run runs it here'* ]]
  [[ ${output} == *"env BACKUP_GEN_HOOK=before_backup "*" timeout --kill-after=10 300 "* ]]
  [[ ! -e ${CALLS} ]]
}

@test "what a failing hook said is logged at ERROR, where cron mail shows it" {
  profile says 'before_archive = echo "cannot connect to the database" >&2; exit 3'
  run -1 --separate-stderr bash "${WORK}/says.sh"
  [[ ${stderr} == *'ERROR: hook before_archive: cannot connect to the database'* ]]
}

@test "a signal while an end hook runs stops that hook, runs no other, and the run ends with the signal's code" {
  profile late-signal 'on_success = echo started >>"$CALLS"; sleep 4321; echo ended >>"$CALLS"' "on_failure = ${RECORD}" "finally = ${RECORD}"
  env --default-signal=INT,QUIT,TERM bash "${WORK}/late-signal.sh" >"${WORK}/out" 2>"${WORK}/err" &
  local -r pid=$!
  local tries
  for ((tries = 0; tries < 100; tries++)); do
    [[ -s ${CALLS} ]] && break
    sleep 0.1
  done
  kill -TERM "${pid}"
  local status=0
  wait "${pid}" || status=$?
  assert_equal 143 "${status}" 'the exit code'
  assert_calls started
  [[ $(<"${WORK}/err") == *'ERROR: stopped by SIGTERM while the end hooks ran; stopping the hook, running no other'* ]]
  sleep 0.5
  assert_equal '' "$(pgrep -f 'sleep 4321' || true)" 'what the hook started'
}

@test "what before_backup leaves running lives on past the first source, until the run ends" {
  profile lives 'before_backup = sleep 4322 >/dev/null 2>&1 & echo $! >"$WORK/helper.pid"' \
    'before_archive = if kill -0 "$(cat "$WORK/helper.pid")"; then echo "alive for $BACKUP_GEN_SOURCE" >>"$CALLS"; fi'
  run -0 --separate-stderr bash "${WORK}/lives.sh"
  assert_calls "alive for a
alive for b"
  assert_equal '' "$(pgrep -f 'sleep 4322' || true)" 'what the hook left'
}

@test "a source a hook skips keeps its last run's metrics: a skip is no failure" {
  mkdir -p -- "${WORK}/metrics"
  profile metered 'before_archive = [ "$BACKUP_GEN_SOURCE" != "${SKIP:-}" ] || exit 75' '[monitoring]' "metrics_dir = ${WORK}/metrics"
  run -0 --separate-stderr bash "${WORK}/metered.sh"
  local -r first=$(grep -e '^backup_gen_last_run_' "${WORK}/metrics/backup-gen-metered.prom" | grep -e 'source="b"')
  sleep 1
  SKIP=b run -0 --separate-stderr bash "${WORK}/metered.sh"
  assert_equal "${first}" "$(grep -e '^backup_gen_last_run_' "${WORK}/metrics/backup-gen-metered.prom" | grep -e 'source="b"')" "b's last-run series"
  grep -q -e '^backup_gen_last_run_exit_status{profile="metered.ini",source="b"} 0$' "${WORK}/metrics/backup-gen-metered.prom"
}

assert_equal() { # EXPECTED ACTUAL WHAT
  if [[ $1 != "$2" ]]; then
    printf '%s differs\n-- expected --\n%s\n-- actual --\n%s\n--\n' "$3" "$1" "$2" >&2
    return 1
  fi
}

assert_calls() {
  assert_equal "$1" "$(cat -- "${CALLS}" 2>/dev/null)" 'the hooks that ran'
}

refute_in() {
  if [[ $1 == *"$2"* ]]; then
    printf 'found %s in:\n%s\n' "$2" "$1" >&2
    return 1
  fi
}
