#!/usr/bin/env bash
# 13: [backup] snapshots = together on a real VG. before_snapshot writes a marker into both origins,
# after_snapshot another one: both archives hold the first and neither the second, although the
# second volume's dar runs after the first's (taken one at a time, its snapshot would be taken after
# the first after_snapshot). While the first archive is written, both snapshots exist. Then a VG
# with room for each snapshot but not for both: the run stops before the first lvcreate.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly A=${W}/origin/a B=${W}/origin/b TARGET=${W}/target SPY=${W}/spy
readonly TIGHT_SCRIPT=${SCRIPTS}/${SCENARIO}.tight.sh

# listing VOLUME: what its newest archive holds (dar -l, file names only).
listing() {
  local -r set=${TARGET}/$1/$(month)
  dar -l "${set}/$(cat -- "${set}/latest_successful")" -Q -as 2>/dev/null | awk '{ print $NF }'
}

say "setup: VG ${VG} with two ext4 LVs"
make_vg 120
make_lv a 32M ext4 "${A}"
make_lv b 32M ext4 "${B}"
populate "${A}"
populate "${B}"
mkdir -p -- "${TARGET}" "${SPY}"
export BACKUP_GEN_PATH=${WRAPPED_PATH} BGL_DAR_SPY_DIR=${SPY}

say "both snapshots in one window, then the archives one by one"
run_script "${SCRIPT}"
check_eq "the run exits 0" 0 "${RUN_STATUS}"
check_no_leftovers "after the run" "${TARGET}"
check_contains "the log says the snapshots are taken together" "${RUN_LOG}" "Snapshots together, in one quiesce window: a b"
for volume in a b; do
  check_contains "${volume}: the archive holds the marker written before the window" "$(listing "${volume}")" before-window
  check_lacks "${volume}: the archive lacks the marker written after the window" "$(listing "${volume}")" after-window
done
check "the origins have both markers" test -e "${B}/after-window" -a -e "${B}/before-window"
a_full=$(cat -- "${TARGET}/a/$(month)/latest_successful")
note "LVs while the first archive was written: $(tr '\n' ';' <"${SPY}/${a_full}.lvs")"
check_contains "while a's archive was written, b's snapshot existed too" "$(cat -- "${SPY}/${a_full}.lvs")" b-backsnap

say "a VG with room for each snapshot, not for both"
chain_before=$(chain_state "${TARGET}/a/$(month)")
run_script "${TIGHT_SCRIPT}"
check_eq "the run exits 1" 1 "${RUN_STATUS}"
check_contains "it names the volume group and the sum" "${RUN_ERR}" "not enough free space in volume group ${VG} for its snapshots taken together"
check_lacks "no lvcreate was run" "$(cat -- "${RESULT_DIR}/run-${RUNS}.script.log")" "run: lvcreate"
check_no_leftovers "after the refused run" "${TARGET}"
check_eq "a's chain did not move" "${chain_before}" "$(chain_state "${TARGET}/a/$(month)")"
finish
