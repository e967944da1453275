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

# start_slow_run: the first run, in its own process group, once its dar has started.
start_slow_run() {
  DAR_DELAY=$1 setsid "${WORK}/p.sh" >"${WORK}/first.out" 2>&1 &
  FIRST_PID=$!
  local waited=0
  until [[ -e ${DAR_STARTED} ]]; do
    sleep 0.1
    ((++waited < 100))
  done
  rm -f -- "${DAR_STARTED}"
}

@test "a second run while the first holds the lock leaves at once with exit 75, naming the first" {
  compile_profile
  start_slow_run 5
  run --separate-stderr "${WORK}/p.sh"
  [[ ${status} -eq 75 ]]
  [[ ${stderr} == *"another run of p.ini is still going (pid ${FIRST_PID}, started "* ]]
  [[ ! -e ${DAR_STARTED} ]] # the second run never reached dar
  wait "${FIRST_PID}"
  [[ $(find "${WORK}/target" -name '*.dar' | wc -l) -eq 1 ]]
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
