#!/usr/bin/env bash
# 06: snapshot overflow. A 4M (one extent) snapshot; while the script waits for dar, 12 MiB are written
# to the origin, so LVM invalidates the snapshot. The run must fail (exit 1) with "overflowed" and a
# larger snapshot_size to try, publish nothing, leave latest_successful as it was and leave no LV, dm
# device, mount or temp dir. The same when the overflow comes before dar reads the snapshot. Then the
# profile with a big enough snapshot makes the INC under the same writes.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly ROOT=${W}/origin/root TARGET=${W}/target
readonly BIG_SCRIPT=${SCRIPTS}/${SCENARIO}.big.sh
SET=${TARGET}/$(month)
readonly SET
# 12 MiB to the origin, synced, so that dm-snapshot copies 12 MiB of chunks into a 4 MiB store.
readonly FILL="dd if=/dev/zero of=${ROOT}/fill.\${BGL_ARCHIVE} bs=1M count=12 conv=fsync status=none"

# size_mib SIZE: an lvcreate size (9M, 1.5G, 512k) in MiB, rounded up; empty when it is not one.
size_mib() {
  awk -v s="$1" 'BEGIN {
    if (match(s, /^[0-9]+(\.[0-9]+)?/) == 0) exit
    n = substr(s, 1, RLENGTH); u = tolower(substr(s, RLENGTH + 1, 1))
    f = (u == "k") ? 1 / 1024 : (u == "g") ? 1024 : (u == "t") ? 1048576 : (u == "m" || u == "") ? 1 : -1
    if (f < 0) exit
    m = n * f; printf "%d\n", (m == int(m)) ? m : int(m) + 1
  }'
}

# check_overflow_refused LABEL: after a run whose snapshot overflowed.
check_overflow_refused() {
  local -r label=$1
  local suggestion mib
  check_failed_cleanly "${label}" 1 "${guest_before}" "${target_before}" "${chain_before}" "${SET}"
  check_contains "${label}: the ERROR says the snapshot overflowed" "${RUN_ERR}" "overflowed"
  check_contains "${label}: the ERROR suggests a snapshot_size" "${RUN_ERR}" "snapshot_size = "
  suggestion=$(grep -o -E 'snapshot_size = [^ ;,)]+' <<<"${RUN_ERR}" | head -n 1 | sed 's/^snapshot_size = //') || true
  suggestion=${suggestion%.}
  mib=$(size_mib "${suggestion}")
  note "${label}: $(grep -E '^ERROR' <<<"${RUN_ERR}" | head -n 1)"
  if [[ -n ${mib} ]] && ((mib > 4)); then
    pass "${label}: the suggested snapshot_size (${suggestion}) is larger than the 4M that overflowed"
  else
    fail "${label}: the suggested snapshot_size is larger than the 4M that overflowed" "suggested: '${suggestion}'"
  fi
  check_contains "${label}: the kernel invalidated the snapshot (precondition)" "$(dmesg | tail -n +"$((dmesg_before + 1))")" "Invalidating snapshot"
}

say "setup: VG ${VG} with an ext4 LV"
make_vg 256
make_lv root 64M ext4 "${ROOT}"
populate "${ROOT}"
mkdir -p -- "${TARGET}"
export BACKUP_GEN_PATH=${WRAPPED_PATH}

say "FULL with the 4M snapshot, nothing written meanwhile"
run_script "${SCRIPT}"
check_eq "the FULL exits 0" 0 "${RUN_STATUS}"
full=$(cat -- "${SET}/latest_successful")
check_no_leftovers "after the FULL" "${TARGET}"
note "FULL: $(grep -o -E 'snapshot [^ ]+ held: .*' "${RESULT_DIR}/run-${RUNS}.script.log" | head -n 1)"

say "INC while 12 MiB are written to the origin, after dar read the snapshot and before it returns"
guest_before=$(guest_state)
target_before=$(tree_content "${TARGET}")
chain_before=$(chain_state "${SET}")
dmesg_before=$(dmesg | wc -l)
BGL_DAR_AFTER=${FILL} run_script "${SCRIPT}"
check_overflow_refused "overflow while dar ran"
check_chain "${SET}" "${full}"
rm -f -- "${ROOT}"/fill.*

say "INC with the overflow before dar reads the snapshot"
dmesg_before=$(dmesg | wc -l)
BGL_DAR_BEFORE=${FILL} run_script "${SCRIPT}"
check_overflow_refused "overflow before dar read"
# dmeventd's snapshot plugin unmounts an invalidated snapshot: dar may then read an empty directory
# and succeed, so only the overflow check stops an INC that records every file as deleted.
note "overflow before dar read: dar reported '$(grep -E 'inode\(s\) (saved|recorded as deleted)|considered' <<<"${RUN_LOG}" | sed 's/^.*dar: *//' | tr '\n' ';')'; dmeventd: $(pgrep -a -x dmeventd || echo 'not running')"
check_chain "${SET}" "${full}"
rm -f -- "${ROOT}"/fill.*

say "the same writes with a big enough snapshot (06-overflow.big.ini)"
BGL_DAR_AFTER=${FILL} check_normal_run "32M snapshot" "${SET}" 0 "${BIG_SCRIPT}"
check_chain "${SET}" "${full}" "$(cat -- "${SET}/latest_successful")"
held=$(grep -o -E 'snapshot [^ ]+ held: [0-9.]+%' "${RESULT_DIR}/run-${RUNS}.script.log" | head -n 1) || true
note "32M snapshot after 12 MiB written: ${held:-no 'held' line in the DEBUG log}"
check_contains "the script logged how full the snapshot got" "${held}" "held: "
