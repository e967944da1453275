#!/usr/bin/env bats
# The lock against overlapping runs: flock on [backup] lock_file, exit 75 for "already running",
# lock_wait, and no stale lock after the holder is killed.
bats_require_minimum_version 1.5.0

setup() {
  REPO=$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)
  WORK=${BATS_TEST_TMPDIR}
  mkdir -p "${WORK}/src/sub" "${WORK}/target" "${WORK}/bin"
  printf 'data\n' >"${WORK}/src/sub/file"
  LOCK=${WORK}/run/backup.lock
  mkdir -p "${WORK}/run"
  # A dar that says it started, then takes its time: a run that is surely still going.
  cat >"${WORK}/bin/dar" <<'STUB'
#!/bin/bash
: >"${DAR_STARTED:?}"
sleep "${DAR_DELAY:-0}"
exec /usr/bin/dar "$@"
STUB
  chmod +x "${WORK}/bin/dar"
  export BACKUP_GEN_PATH=${WORK}/bin:/usr/sbin:/usr/bin:/sbin:/bin DAR_STARTED=${WORK}/dar-started
}

compile_profile() { # compile_profile [EXTRA LINE...]
  printf '%s\n' '[backup]' 'source_type = directory' "source_root = ${WORK}/src" "target = ${WORK}/target" \
    'archive_prefix = lk-' "lock_file = ${LOCK}" "$@" >"${WORK}/p.ini"
  node "${REPO}/dist/cli.js" "${WORK}/p.ini" -o "${WORK}/p.sh"
}

# start_slow SCRIPT SECONDS: a first run of SCRIPT, in its own process group, once its dar has started.
start_slow() {
  DAR_DELAY=$2 setsid "$1" >"${WORK}/first.out" 2>&1 &
  FIRST_PID=$!
  local waited=0
  until [[ -e ${DAR_STARTED} ]]; do
    sleep 0.1
    ((++waited < 100))
  done
  rm -f -- "${DAR_STARTED}"
}

# start_slow_run SECONDS: the first run of p.sh, in its own process group, once its dar has started.
start_slow_run() {
  start_slow "${WORK}/p.sh" "$1"
}

@test "a second run while the first holds the lock leaves at once with exit 75, naming the first" {
  compile_profile
  start_slow_run 5
  run --separate-stderr "${WORK}/p.sh"
  [[ ${status} -eq 75 ]]
  [[ ${stderr} == *"another run is still going (pid ${FIRST_PID}, profile p.ini, started "* ]]
  [[ ! -e ${DAR_STARTED} ]] # the second run never reached dar
  wait "${FIRST_PID}"
  [[ $(find "${WORK}/target" -name '*.dar' | wc -l) -eq 1 ]]
}

# hold_lock_silently: a holder that has the lock but has not yet written its line (a run between
# flock and its printf, which a loaded host can stretch), over a line left by a run that has ended.
hold_lock_silently() {
  dead_pid
  printf 'pid %d, profile p.ini, started 2026-01-01T00:00:00+0000, host %s\n' "${DEAD_PID}" "${HOSTNAME}" >"${LOCK}"
  setsid flock "${LOCK}" sleep "$1" &
  HOLDER_PID=$!
  until ! flock --nonblock "${LOCK}" true; do
    sleep 0.1
  done
}

# dead_pid: a pid that has just ended.
dead_pid() {
  bash -c 'exit 0' &
  DEAD_PID=$!
  wait "${DEAD_PID}"
}

@test "the run that leaves does not name a holder from an earlier run's line: its pid has ended" {
  compile_profile
  hold_lock_silently 5
  run --separate-stderr "${WORK}/p.sh"
  [[ ${status} -eq 75 ]]
  [[ ${stderr} != *"pid ${DEAD_PID},"* ]]
  [[ ${stderr} == *"another run is still going (it has not written who it is yet; lock ${LOCK})"* ]]
  kill -- "-${HOLDER_PID}"
  wait "${HOLDER_PID}" || true
}

@test "the holder's line names its host: a lock on a shared target can be held from another host" {
  compile_profile
  dead_pid # here; on the other host it is the holder's
  printf 'pid %d, profile p.ini, started 2026-01-01T00:00:00+0000, host elsewhere.example\n' "${DEAD_PID}" >"${LOCK}"
  setsid flock "${LOCK}" sleep 5 &
  HOLDER_PID=$!
  until ! flock --nonblock "${LOCK}" true; do sleep 0.1; done
  run --separate-stderr "${WORK}/p.sh"
  [[ ${status} -eq 75 ]]
  [[ ${stderr} == *"another run is still going (pid ${DEAD_PID}, profile p.ini, started 2026-01-01T00:00:00+0000, host elsewhere.example; lock ${LOCK})"* ]]
  kill -- "-${HOLDER_PID}"
  wait "${HOLDER_PID}" || true
  run -0 "${WORK}/p.sh"
  [[ $(<"${LOCK}") == "pid "*", profile p.ini, started "*", host ${HOSTNAME}" ]]
}

@test "with lock_wait the second run waits for the first and then makes its INC" {
  compile_profile 'lock_wait = 30'
  start_slow_run 2
  run -0 "${WORK}/p.sh"
  wait "${FIRST_PID}"
  local -r month=$(date +%Y-%m)
  [[ $(wc -l <"${WORK}/target/${month}/backup_deps") -eq 2 ]]
  [[ $(<"${WORK}/target/${month}/latest_successful") == *-INC ]]
}

@test "a lock whose holder was killed with SIGKILL is free: the next run goes ahead" {
  compile_profile
  start_slow_run 30
  kill -KILL -- "-${FIRST_PID}"
  wait "${FIRST_PID}" || true
  run -0 "${WORK}/p.sh"
  [[ $(cat "${WORK}/target/"*/latest_successful) == *-FULL ]]
  [[ -z $(find "${WORK}/target" -name '.*.partial.*') ]]
}

@test "noop mode takes no lock and does not wait for a running one" {
  compile_profile
  start_slow_run 5
  run -0 --separate-stderr "${WORK}/p.sh" --noop
  [[ ${output} == *"a real run takes the lock ${LOCK} first (not taken in noop mode)"* ]]
  wait "${FIRST_PID}"
}

# profile_without_lock FILE TARGET [EXTRA LINE...]: a profile that keeps the default lock (in TARGET).
profile_without_lock() {
  local -r file=$1 target=$2
  shift 2
  mkdir -p -- "${target}"
  printf '%s\n' '[backup]' 'source_type = directory' "source_root = ${WORK}/src" "target = ${target}" \
    'archive_prefix = lk-' "$@" >"${file}.ini"
  node "${REPO}/dist/cli.js" "${file}.ini" -o "${file}.sh"
}


@test "two profiles that write to one target take turns: the second leaves with 75 while the first runs" {
  profile_without_lock "${WORK}/first" "${WORK}/shared"
  profile_without_lock "${WORK}/second" "${WORK}/shared"
  start_slow "${WORK}/first.sh" 5
  run --separate-stderr "${WORK}/second.sh"
  [[ ${status} -eq 75 ]]
  [[ ${stderr} == *"another run is still going (pid ${FIRST_PID}, profile first.ini, started "* ]]
  wait "${FIRST_PID}"
}

@test "two unrelated profiles that happen to share a file name do not wait for each other" {
  mkdir -p -- "${WORK}/a" "${WORK}/b"
  profile_without_lock "${WORK}/a/backup" "${WORK}/target-a"
  profile_without_lock "${WORK}/b/backup" "${WORK}/target-b"
  start_slow "${WORK}/a/backup.sh" 5
  run -0 "${WORK}/b/backup.sh"
  wait "${FIRST_PID}"
}

@test "a lock file that is a symbolic link is refused, and what it points to is left untouched" {
  printf 'precious\n' >"${WORK}/victim"
  ln -s -- "${WORK}/victim" "${LOCK}"
  compile_profile
  run -1 --separate-stderr "${WORK}/p.sh"
  [[ ${stderr} == *"lock file ${LOCK} is a symbolic link; not following it"* ]]
  [[ $(<"${WORK}/victim") == precious ]]
  [[ -z $(find "${WORK}/target" -name '*.dar') ]]
}

@test "a lock file another user owns is refused: that user could hold the lock for ever" {
  if ((EUID != 0)); then
    skip 'needs root, to give the lock file to another user'
  fi
  : >"${LOCK}"
  chown nobody -- "${LOCK}"
  compile_profile
  run -1 --separate-stderr "${WORK}/p.sh"
  [[ ${stderr} == *"lock file ${LOCK} belongs to uid $(id -u nobody), not to this user"* ]]
  [[ -z $(find "${WORK}/target" -name '*.dar') ]]
}

@test "a process that dar leaves running does not hold the lock: the next run goes ahead" {
  # A dar whose child outlives it, with every descriptor dar was given but its output (which bats
  # would wait for).
  cat >"${WORK}/bin/dar" <<'STUB'
#!/bin/bash
tail -f /dev/null >/dev/null 2>&1 3>&- &
printf '%d\n' "$!" >"${LINGERING_PID_FILE:?}"
exec /usr/bin/dar "$@"
STUB
  export LINGERING_PID_FILE=${WORK}/lingering.pid
  compile_profile
  run -0 "${WORK}/p.sh"
  local -r lingering=$(<"${LINGERING_PID_FILE}")
  kill -0 "${lingering}"
  run --separate-stderr "${WORK}/p.sh"
  kill "${lingering}" 2>/dev/null || true
  [[ ${status} -eq 0 ]]
}
