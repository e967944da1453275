#!/usr/bin/env bash
# 04: SIGKILL of the whole run (script, dar and all) while dar writes the archive: no trap runs, so the
# snapshot, its mounts (with the /boot bind mount), the temp dir and partial slices stay. The next
# run must sweep them, say so with a WARNING, and publish an INC on the FULL; the run after it is clean.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly TARGET=${W}/target
SET=${TARGET}/$(month)
readonly SET

say "setup and a FULL"
make_slow_source
run_script "${SCRIPT}"
check_eq "the FULL exits 0" 0 "${RUN_STATUS}"
full=$(cat -- "${SET}/latest_successful")

say "SIGKILL to the whole process group, in the middle of dar"
start_slow_run "${SET}"
kill -KILL -- "-${SCRIPT_PID}"
wait_script
check_eq "the killed run exits 137" 137 "${RUN_STATUS}"
leftovers=$(snapshot_traces)
note "left by SIGKILL: $(printf '%s' "${leftovers}" | tr '\n' ';') partial slices: $(compgen -G "${SET}/.*.partial.*.dar" | wc -l)"
check_contains "precondition: the snapshot LV is left" "${leftovers}" "lv: root-backsnap"
check_contains "precondition: its mount is left" "${leftovers}" "mount: /tmp/backup-gen."
check "precondition: partial slices are left" compgen -G "${SET}/.*.partial.*.dar"
check_chain "${SET}" "${full}"

say "the next run sweeps and succeeds"
run_script "${SCRIPT}"
check_eq "the next run finishes with warnings (exit 2: the sweep is a warning; archives complete)" 2 "${RUN_STATUS}"
check_contains "it warns about the leftover snapshot" "${RUN_ERR}" "WARNING: found snapshot ${VG}/root-backsnap of root left by an earlier run"
check_contains "it warns about the partial slices" "${RUN_ERR}" "unfinished file(s) left in ${TARGET} by an earlier run"
check_lacks "no ERROR" "${RUN_ERR}" "ERROR"
inc=$(cat -- "${SET}/latest_successful")
check_chain "${SET}" "${full}" "${inc}"
check_contains "it is an INC based on the FULL" "${RUN_LOG}" "Based on parent: ${full}"
check "dar -t accepts the INC" dar -t "${SET}/${inc}" -Q
check_no_leftovers "after the sweeping run" "${TARGET}"

say "and the run after that is clean"
run_script "${SCRIPT}"
check_eq "the following run exits 0, no warning" 0 "${RUN_STATUS}"
check_lacks "no WARNING" "${RUN_ERR}" "WARNING"
check_no_leftovers "after the following run" "${TARGET}"
