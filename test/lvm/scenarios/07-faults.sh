#!/usr/bin/env bash
# 07: faults, each followed by an inspection and a normal run (an INC on the chain's last archive):
# SIGINT to the process group and SIGHUP to the script in the middle of dar (exit 130, 129); dar
# failing (exit 2); the snapshot failing to mount; a VG without room for the snapshot (the preflight
# refuses before lvcreate); lvremove refused because a process holds the snapshot device (retried,
# then exit 1 naming the holder; the next run sweeps the snapshot). After each failure: no LV, dm
# device, mount, temp dir or dar process that was not there, no partial slice, no half archive under
# a final name, latest_successful and backup_deps unchanged.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly TARGET=${W}/target
readonly BADMOUNT_SCRIPT=${SCRIPTS}/${SCENARIO}.badmount.sh
SET=${TARGET}/$(month)
readonly SET

# before_fault: the state a failing run must leave as it found it.
before_fault() {
  guest_before=$(guest_state)
  target_before=$(tree_content "${TARGET}")
  chain_before=$(chain_state "${SET}")
  fault_started=${EPOCHREALTIME}
}

seconds_since() {
  awk -v s="$1" -v e="${EPOCHREALTIME}" 'BEGIN { printf "%.1f", e - s }'
}

say "setup and a FULL"
make_slow_source
export BACKUP_GEN_PATH=${WRAPPED_PATH}
run_script "${SCRIPT}"
check_eq "the FULL exits 0" 0 "${RUN_STATUS}"
check_no_leftovers "after the FULL" "${TARGET}"
GUEST_AT_REST=$(guest_state)
readonly GUEST_AT_REST

say "SIGINT to the process group (Ctrl-C), in the middle of dar"
before_fault
start_slow_run "${SET}"
kill -INT -- "-${SCRIPT_PID}"
wait_script
note "SIGINT to the process group: exit ${RUN_STATUS}"
check_failed_cleanly "SIGINT" 130 "${guest_before}" "${target_before}" "${chain_before}" "${SET}"
check_contains "SIGINT: the log says so" "${RUN_ERR}" "stopped by SIGINT"
check "SIGINT: dar (pid ${DAR_PID}) is gone" bash -c "! kill -0 ${DAR_PID} 2>/dev/null"
check_normal_run "the run after SIGINT" "${SET}"

say "SIGHUP to the script alone (a closed terminal), in the middle of dar"
before_fault
start_slow_run "${SET}"
kill -HUP "${SCRIPT_PID}"
wait_script
note "SIGHUP to the script: exit ${RUN_STATUS}"
check_failed_cleanly "SIGHUP" 129 "${guest_before}" "${target_before}" "${chain_before}" "${SET}"
check_contains "SIGHUP: the log says so" "${RUN_ERR}" "stopped by SIGHUP"
check "SIGHUP: dar (pid ${DAR_PID}) is gone" bash -c "! kill -0 ${DAR_PID} 2>/dev/null"
check_normal_run "the run after SIGHUP" "${SET}"

say "dar fails (exit 2) after writing its slices"
before_fault
BGL_DAR_EXIT=2 run_script "${SCRIPT}"
check_failed_cleanly "dar failure" 1 "${guest_before}" "${target_before}" "${chain_before}" "${SET}"
check_contains "dar failure: the ERROR gives dar's exit status" "${RUN_ERR}" "dar failed (exit 2"
check "dar failure: the slices dar wrote were removed (precondition: there were some)" \
  grep -q 'removing unfinished archive' "${RESULT_DIR}/run-${RUNS}.script.log"
check_normal_run "the run after the dar failure" "${SET}"

say "the snapshot does not mount (mount_options = bgl_no_such_option)"
before_fault
run_script "${BADMOUNT_SCRIPT}"
check_failed_cleanly "mount failure" 1 "${guest_before}" "${target_before}" "${chain_before}" "${SET}"
check_contains "mount failure: it is an ERROR" "${RUN_ERR}" "ERROR: "
check "mount failure: the mount was tried (precondition)" grep -q -E 'run: mount .*bgl_no_such_option' "${RESULT_DIR}/run-${RUNS}.script.log"
note "mount failure: $(grep -E '^ERROR|mount:' <<<"${RUN_ERR}" | tr '\n' '|')"
check_normal_run "the run after the mount failure" "${SET}"

say "no room in the VG for the snapshot (16M free, snapshot_size = 32M)"
free_extents=$(vgs --noheadings -o vg_free_count -- "${VG}" | tr -d ' ')
lvcreate -qq -y -n filler -l "$((free_extents - 4))" -- "${VG}" >/dev/null
before_fault
run_script "${SCRIPT}"
check_failed_cleanly "no free space" 1 "${guest_before}" "${target_before}" "${chain_before}" "${SET}"
check_contains "no free space: the ERROR says so" "${RUN_ERR}" "not enough free space in volume group"
note "no free space: $(grep -E '^ERROR' <<<"${RUN_ERR}" | head -n 1)"
if ran_command "${RESULT_DIR}/run-${RUNS}.script.log" lvcreate; then
  fail "no free space: it ran no lvcreate"
else
  pass "no free space: it ran no lvcreate"
fi
lvremove -qq -y -- "${VG}/filler" >/dev/null
check_normal_run "the run after the preflight refusal" "${SET}"

say "a process holds the snapshot device when lvremove runs"
before_fault
rm -f -- "${W}/holder.pid"
# Started by the dar stand-in after dar wrote the archive, in a session of its own, like a scanner
# that opened the device; it keeps whatever else it inherited (the lock too) until it is killed.
BGL_DAR_AFTER="setsid sleep 300 </dev/${VG}/root-backsnap >/dev/null 2>&1 & echo \$! >${W}/holder.pid" run_script "${SCRIPT}"
holder=$(cat -- "${W}/holder.pid")
BACKGROUND_PIDS+=("${holder}")
note "lvremove refused: exit ${RUN_STATUS} $(seconds_since "${fault_started}") s after the start; $(grep -E '^ERROR' <<<"${RUN_ERR}" | head -n 1)"
check_eq "held device: exit 1" 1 "${RUN_STATUS}"
check_contains "held device: the ERROR names the holder" "${RUN_ERR}" "held by: pid ${holder} (sleep)"
# 5 tries with back-off, then 1 more from the EXIT trap's teardown (a mount holding it may be gone by then).
check_eq "held device: lvremove was tried 5 times, then once more on the way out" 6 "$(grep -c -E 'run: lvremove ' "${RESULT_DIR}/run-${RUNS}.script.log")"
check_eq "held device: 4 retries announced" 4 "$(grep -c -E 'WARNING: lvremove .* failed \(attempt [1-4] of 5\); retrying in (1|2|4|8) s' <<<"${RUN_ERR}")"
traces=$(snapshot_traces)
check_contains "held device: the snapshot LV stays (it could not be removed)" "${traces}" "lv: root-backsnap"
check_lacks "held device: no mount left" "${traces}" "mount: "
check_lacks "held device: no temp dir left" "${traces}" "temp dir: "
check_lacks "held device: no dar process left" "${traces}" "process: "
check_eq "held device: no partial slice or temporary file in the target" '' "$(partial_files "${TARGET}")"
check_eq "held device: no archive under a final name that backup_deps does not list" '' "$(orphan_archives "${TARGET}")"
check_eq "held device: latest_successful and backup_deps unchanged" "${chain_before}" "$(chain_state "${SET}")"
check_eq "held device: the target holds what it held before" "${target_before}" "$(tree_content "${TARGET}")"
# The holder was started under the script (through dar), but no command gets the lock's descriptor:
# it must not keep later runs out.
if flock -n "${TARGET}/.backup-gen.lock" true; then lock_state=free; else lock_state='still held (by the holder, which inherited the descriptor)'; fi
check_eq "held device: after the run the lock is free, though a process it started lives on" free "${lock_state}"

say "the holder goes; the next run sweeps the snapshot and succeeds"
kill "${holder}"
wait_for 10 bash -c "! kill -0 ${holder} 2>/dev/null" || true
check_normal_run "the run after the held device" "${SET}" 2
check_contains "it warns about the leftover snapshot" "${RUN_ERR}" "WARNING: found snapshot ${VG}/root-backsnap of root left by an earlier run"
check_lacks "no ERROR" "${RUN_ERR}" "ERROR"
check_eq "at the end: LVs, dm devices, mounts, temp dirs as after the FULL" "${GUEST_AT_REST}" "$(guest_state)"
