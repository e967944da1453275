#!/usr/bin/env bash
# 08: overlapping runs on a real VG. Two runs started at once: one leaves with exit 75 naming the
# other (and touches nothing), the other makes its INC. Two runs of the lock_wait profile started at
# once: the second waits for the first, then both succeed, one after the other. SIGKILL of a run's
# whole process group in the middle of dar while another run waits for the lock: the waiter proceeds
# at once, sweeps what the killed run left, and succeeds.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly TARGET=${W}/target
readonly WAIT_SCRIPT=${SCRIPTS}/${SCENARIO}.wait.sh
SET=${TARGET}/$(month)
readonly SET

# start_pair SCRIPT: two runs of SCRIPT started at once; sets A_PID, A_BASE, B_PID, B_BASE.
start_pair() {
  start_script "$1"
  A_PID=${SCRIPT_PID} A_BASE=${SCRIPT_BASE}
  start_script "$1"
  B_PID=${SCRIPT_PID} B_BASE=${SCRIPT_BASE}
}

# wait_run PID BASE: wait_script for one of them; sets RUN_STATUS, RUN_OUT, RUN_ERR.
wait_run() {
  SCRIPT_PID=$1 SCRIPT_BASE=$2
  printf '\n(run %s, pid %s)\n' "${2##*/}" "$1"
  wait_script
}

# started_at LOG: when the run had the lock (its first INFO line comes right after take_lock).
started_at() {
  grep -m 1 -E ' INFO: backing up profile' "$1" | cut -d ' ' -f 1
}

finished_at() {
  grep -E ' (INFO|WARNING|ERROR): (finished|FAILED)' "$1" | tail -n 1 | cut -d ' ' -f 1
}

say "setup and a FULL"
make_slow_source
export BACKUP_GEN_PATH=${WRAPPED_PATH}
run_script "${SCRIPT}"
check_eq "the FULL exits 0" 0 "${RUN_STATUS}"
full=$(cat -- "${SET}/latest_successful")
GUEST_AT_REST=$(guest_state)
readonly GUEST_AT_REST

say "two runs started at once, lock_wait = 0"
start_pair "${SCRIPT}"
wait_run "${A_PID}" "${A_BASE}"
a_status=${RUN_STATUS} a_err=${RUN_ERR}
wait_run "${B_PID}" "${B_BASE}"
b_status=${RUN_STATUS} b_err=${RUN_ERR}
check_eq "one run exits 0, the other 75" "0 75" "$(printf '%s\n' "${a_status}" "${b_status}" | sort -n | tr '\n' ' ' | sed 's/ $//')"
if ((a_status == 75)); then
  loser_err=${a_err} loser_base=${A_BASE} winner_pid=${B_PID}
else
  loser_err=${b_err} loser_base=${B_BASE} winner_pid=${A_PID}
fi
note "the run that left: $(grep -E '^ERROR' <<<"${loser_err}" | head -n 1)"
check_contains "the one that left names the other" "${loser_err}" "another run is still going (pid ${winner_pid}, profile ${SCENARIO}.ini, "
check_contains "... and the lock file" "${loser_err}" "lock ${SET%/*}/.backup-gen.lock"
check_eq "the one that left ran nothing (its DEBUG log has no 'run:' line)" '' "$(grep -E ' run: ' "${loser_base}.script.log" || true)"
inc1=$(cat -- "${SET}/latest_successful")
check_chain "${SET}" "${full}" "${inc1}"
check "dar -t accepts ${inc1}" dar -t "${SET}/${inc1}" -Q
check_no_leftovers "after the pair" "${TARGET}"

say "two runs started at once, lock_wait = 240: the second waits"
start_pair "${WAIT_SCRIPT}"
wait_run "${A_PID}" "${A_BASE}"
a_status=${RUN_STATUS}
wait_run "${B_PID}" "${B_BASE}"
b_status=${RUN_STATUS}
check_eq "both exit 0" "0 0" "${a_status} ${b_status}"
a_start=$(started_at "${A_BASE}.script.log") b_start=$(started_at "${B_BASE}.script.log")
if [[ ${a_start} < ${b_start} ]]; then
  first=${A_BASE} second=${B_BASE}
else
  first=${B_BASE} second=${A_BASE}
fi
note "lock_wait: first run $(started_at "${first}.script.log") to $(finished_at "${first}.script.log"), second from $(started_at "${second}.script.log")"
if [[ ! $(started_at "${second}.script.log") < $(finished_at "${first}.script.log") ]]; then
  pass "the second run began its work after the first had finished"
else
  fail "the second run began its work after the first had finished" "first: $(started_at "${first}.script.log")..$(finished_at "${first}.script.log")" "second: $(started_at "${second}.script.log")"
fi
inc3=$(cat -- "${SET}/latest_successful")
inc2=$(tail -n 2 -- "${SET}/backup_deps" | head -n 1 | cut -d: -f1)
check_chain "${SET}" "${full}" "${inc1}" "${inc2}" "${inc3}"
check_eq "the second INC is based on the first" "${inc3}:${inc2}" "$(tail -n 1 -- "${SET}/backup_deps")"
check_no_leftovers "after the waiting pair" "${TARGET}"

say "SIGKILL of a run's process group in the middle of dar, while another run waits for the lock"
start_slow_run "${SET}"
holder_pid=${SCRIPT_PID} holder_base=${SCRIPT_BASE}
start_script "${WAIT_SCRIPT}"
waiter_pid=${SCRIPT_PID} waiter_base=${SCRIPT_BASE}
sleep 3
check "the waiter (pid ${waiter_pid}) is still waiting" kill -0 "${waiter_pid}"
check_eq "the waiter has not begun (no 'backing up profile' yet)" '' "$(started_at "${waiter_base}.script.log" 2>/dev/null || true)"
killed_at=${EPOCHREALTIME}
kill -KILL -- "-${holder_pid}"
wait_run "${holder_pid}" "${holder_base}"
check_eq "the killed run exits 137" 137 "${RUN_STATUS}"
wait_run "${waiter_pid}" "${waiter_base}"
note "the waiter finished $(awk -v s="${killed_at}" -v e="${EPOCHREALTIME}" 'BEGIN { printf "%.1f", e - s }') s after the SIGKILL, exit ${RUN_STATUS}"
check_eq "the waiter exits 2 (it swept what the killed run left; archives complete)" 2 "${RUN_STATUS}"
check_contains "it warns about the leftover snapshot" "${RUN_ERR}" "WARNING: found snapshot ${VG}/root-backsnap of root left by an earlier run"
check_contains "it warns about the partial slices" "${RUN_ERR}" "unfinished file(s) left in ${TARGET} by an earlier run"
check_lacks "no ERROR" "${RUN_ERR}" "ERROR"
check_contains "it made an INC on the last one" "${RUN_LOG}" "Based on parent: ${inc3}"
inc4=$(cat -- "${SET}/latest_successful")
check_chain "${SET}" "${full}" "${inc1}" "${inc2}" "${inc3}" "${inc4}"
check_no_leftovers "after the waiter" "${TARGET}"
check_eq "no archive under a final name that backup_deps does not list" '' "$(orphan_archives "${TARGET}")"

say "a normal run afterwards"
check_normal_run "the run after" "${SET}"
check_eq "at the end: LVs, dm devices, mounts, temp dirs as after the FULL" "${GUEST_AT_REST}" "$(guest_state)"
