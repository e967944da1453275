#!/usr/bin/env bash
# 03: SIGTERM while dar is writing the archive: to the script alone (kill PID), then to its whole
# process group (as timeout(1), a service manager or a shell's job control would). Each time: exit
# 143, no snapshot LV, mount, dm device, temp dir, partial archive or dar process left, and the chain
# unchanged. Then a normal run succeeds with an INC on the FULL.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly TARGET=${W}/target
SET=${TARGET}/$(month)
readonly SET

# check_stopped LABEL STATE_BEFORE: after a run stopped by SIGTERM.
check_stopped() {
  local -r label=$1 before=$2
  check_eq "${label}: exit 143" 143 "${RUN_STATUS}"
  check_contains "${label}: the log says it was stopped" "${RUN_ERR}" "stopped by SIGTERM"
  check_no_leftovers "${label}" "${TARGET}"
  check_eq "${label}: the target holds what it held before (no archive, chain not advanced)" "${before}" "$(tree_content "${TARGET}")"
  check_chain "${SET}" "${full}"
  check "${label}: dar (pid ${DAR_PID}) is gone" bash -c "! kill -0 ${DAR_PID} 2>/dev/null"
  check_eq "${label}: only the origin LV is left" "root -wi-ao----  64.00m" "$(lv_table)"
}

say "setup and a FULL"
make_slow_source
run_script "${SCRIPT}"
check_eq "the FULL exits 0" 0 "${RUN_STATUS}"
full=$(cat -- "${SET}/latest_successful")
before=$(tree_content "${TARGET}")

say "SIGTERM to the script alone, in the middle of dar"
start_slow_run "${SET}"
started=${EPOCHREALTIME}
kill -TERM "${SCRIPT_PID}"
wait_script
note "kill -TERM PID: the script exited ${RUN_STATUS} $(awk -v s="${started}" -v e="${EPOCHREALTIME}" 'BEGIN { printf "%.1f", e - s }') s after the signal"
check_stopped "SIGTERM to the script" "${before}"

say "SIGTERM to the whole process group, in the middle of dar"
start_slow_run "${SET}"
started=${EPOCHREALTIME}
kill -TERM -- "-${SCRIPT_PID}"
wait_script
note "kill -TERM -PGID: the script exited ${RUN_STATUS} $(awk -v s="${started}" -v e="${EPOCHREALTIME}" 'BEGIN { printf "%.1f", e - s }') s after the signal"
check_stopped "SIGTERM to the process group" "${before}"

say "a normal run afterwards"
run_script "${SCRIPT}"
check_eq "the next run exits 0" 0 "${RUN_STATUS}"
inc=$(cat -- "${SET}/latest_successful")
check_chain "${SET}" "${full}" "${inc}"
check_contains "it is an INC based on the FULL" "${RUN_LOG}" "Based on parent: ${full}"
check "dar -t accepts the INC" dar -t "${SET}/${inc}" -Q
check_no_leftovers "after the normal run" "${TARGET}"
