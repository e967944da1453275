#!/usr/bin/env bash
# 05: a thin origin. FULL, changes, INC with no snapshot_size: the snapshot is a thin snapshot (segment
# type thin, activated despite LVM's activation skip flag, no extents taken from the VG), and the
# chain restored with dar equals what dar read. Then a profile that gives snapshot_size for the thin
# origin, and one that gives none for a linear origin: exit 1 with a clear message, before anything is
# created. A normal run afterwards succeeds. Last, the pool near full (a ballast file): the snapshot
# is refused, since the pool could not take a rewrite of all that root maps below the threshold
# (issue 21, class 10); with thin_snapshot_reserve (05-thin.reserve.ini) it is made, and a writer
# overwrites the ballast on the origin during dar (each block it rewrites is a new pool block while
# the snapshot keeps the old one): the run fails saying the pool passed thin_pool_threshold, the
# snapshot is gone, the writer's writes did not fail (no "out-of-data-space" in dmesg), nothing is
# published; then a normal run works.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly ROOT=${W}/origin/root TARGET=${W}/target SPY=${W}/spy
readonly SIZED_SCRIPT=${SCRIPTS}/${SCENARIO}.sized.sh LINEAR_SCRIPT=${SCRIPTS}/${SCENARIO}.linear.sh
readonly RESERVE_SCRIPT=${SCRIPTS}/${SCENARIO}.reserve.sh
SET=${TARGET}/$(month)
readonly SET

# check_thin_snapshot NAME: what the dar stand-in saw while dar wrote archive NAME.
check_thin_snapshot() {
  local -r name=$1
  local row attr origin segtype free_during
  row=$(awk '$2 == "root-backsnap"' "${SPY}/${name}.lvs")
  read -r _ _ attr origin segtype <<<"${row}"
  free_during=$(awk -v vg="${VG}" '$1 == vg { print $2 }' "${SPY}/${name}.vgs")
  note "${name}: during dar, lvs: '${row//  / }'; VG free ${free_during} (before the run ${VG_FREE_BEFORE})"
  check_eq "${name}: the snapshot's segment type is thin" thin "${segtype}"
  check_eq "${name}: the snapshot is a thin volume (lv_attr V)" V "${attr:0:1}"
  check_eq "${name}: the snapshot's origin is root" root "${origin}"
  check_eq "${name}: the snapshot is active despite the activation skip flag (lv_attr 5th letter a)" a "${attr:4:1}"
  check_eq "${name}: the snapshot took no extent from the VG" "${VG_FREE_BEFORE}" "${free_during}"
  check_eq "${name}: the snapshot is mounted read-only as ext4" "ext4 ro" \
    "$(awk 'NR == 1 { split($4, o, ","); print $3, o[1] }' "${SPY}/${name}.mounts")"
}

# check_thin_commands LOG: lvcreate without a size, then lvchange -ay -K.
check_thin_commands() {
  local -r log=$1
  local created
  created=$(grep -E 'run: lvcreate ' "${log}" || true)
  check_contains "lvcreate made a snapshot of root" "${created}" "--snapshot --name root-backsnap"
  check_lacks "lvcreate got no --size" "${created}" "--size"
  check_lacks "lvcreate got no --extents" "${created}" "--extents"
  check "the thin snapshot was activated with lvchange (-ay -K)" grep -q -E 'run: lvchange .*(-K|--ignoreactivationskip)' "${log}"
}

say "setup: VG ${VG} with a thin pool and a thin ext4 LV"
make_vg 256
lvcreate -qq -y --type thin-pool -L 96M -n pool -- "${VG}" >/dev/null
lvcreate -qq -y --type thin -V 64M --thinpool pool -n root -- "${VG}" >/dev/null
mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 -- "/dev/${VG}/root"
# A linear LV for the profile without snapshot_size (refused before its file system is even looked at).
lvcreate -qq -y -n plain -L 8M -- "${VG}" >/dev/null
mkdir -p -- "${ROOT}" "${TARGET}"
mount -- "/dev/${VG}/root" "${ROOT}"
CLEANUP_MOUNTS+=("${ROOT}")
populate "${ROOT}"
check_eq "precondition: root's segment type is thin" thin "$(lvs --noheadings -o segtype -- "${VG}/root" | tr -d ' ')"
VG_FREE_BEFORE=$(vgs --noheadings --units m -o vg_free -- "${VG}" | tr -d ' ')
readonly VG_FREE_BEFORE
export BACKUP_GEN_PATH=${WRAPPED_PATH} BGL_DAR_SPY_DIR=${SPY}

say "FULL of the thin volume"
run_script "${SCRIPT}"
check_eq "the FULL exits 0" 0 "${RUN_STATUS}"
full=$(cat -- "${SET}/latest_successful")
check_contains "the log announces the FULL" "${RUN_LOG}" "Full backup: ${full}"
check_thin_snapshot "${full}"
check_thin_commands "${RESULT_DIR}/run-${RUNS}.script.log"
check_no_leftovers "after the FULL" "${TARGET}"

say "changes, then the INC"
mutate "${ROOT}"
run_script "${SCRIPT}"
check_eq "the INC exits 0" 0 "${RUN_STATUS}"
inc=$(cat -- "${SET}/latest_successful")
check_contains "it is an INC based on the FULL" "${RUN_LOG}" "Based on parent: ${full}"
check_chain "${SET}" "${full}" "${inc}"
check_thin_snapshot "${inc}"
check_no_leftovers "after the INC" "${TARGET}"

say "restore the chain with dar"
restore_chain "${W}/restore/full" "${SET}/${full}"
check_same_tree "FULL restore = what dar read from the thin snapshot" "${SPY}/${full}.manifest" "${W}/restore/full"
restore_chain "${W}/restore/inc" "${SET}/${full}" "${SET}/${inc}"
check_same_tree "FULL+INC restore = what dar read from the thin snapshot (the hard-link-after-chmod case apart)" \
  "${SPY}/${inc}.manifest" "${W}/restore/inc" "${HARDLINK_AFTER_CHMOD}"

say "a profile with snapshot_size for the thin origin"
guest_before=$(guest_state)
target_before=$(tree_content "${TARGET}")
chain_before=$(chain_state "${SET}")
run_script "${SIZED_SCRIPT}"
check_failed_cleanly "snapshot_size on a thin origin" 1 "${guest_before}" "${target_before}" "${chain_before}" "${SET}"
check_contains "the ERROR says the origin is a thin volume" "${RUN_ERR}" "is a thin volume"
check_contains "the ERROR says to remove snapshot_size" "${RUN_ERR}" "remove snapshot_size"
check_contains "it is an ERROR" "${RUN_ERR}" "ERROR: "
if ran_command "${RESULT_DIR}/run-${RUNS}.script.log" lvcreate; then
  fail "it ran no lvcreate"
else
  pass "it ran no lvcreate"
fi

say "a profile without snapshot_size for a linear origin"
guest_before=$(guest_state)
run_script "${LINEAR_SCRIPT}"
check_failed_cleanly "no snapshot_size for a linear origin" 1 "${guest_before}" "${target_before}" "${chain_before}" "${SET}"
check_contains "the ERROR says the origin needs snapshot_size" "${RUN_ERR}" "needs snapshot_size"
note "no snapshot_size for a linear origin: $(grep -E '^ERROR' <<<"${RUN_ERR}" | head -n 1)"
if ran_command "${RESULT_DIR}/run-${RUNS}.script.log" lvcreate; then
  fail "it ran no lvcreate"
else
  pass "it ran no lvcreate"
fi

say "a normal run afterwards"
check_normal_run "the run after the refusal" "${SET}"
check_thin_snapshot "$(cat -- "${SET}/latest_successful")"

say "the pool near full, a writer on the origin while dar runs"
# 46 MiB that the snapshot shares: rewriting all of it would need 46 MiB more than the 96M pool has left.
dd if=/dev/urandom of="${ROOT}/ballast" bs=1M count=46 conv=fsync status=none
pool_before=$(lvs --noheadings -o data_percent,metadata_percent -- "${VG}/pool" | xargs)
note "pool before the run (data% metadata%): ${pool_before}"
guest_before=$(guest_state)
target_before=$(tree_content "${TARGET}")
chain_before=$(chain_state "${SET}")
run_script "${SCRIPT}"
check_failed_cleanly "a pool without room for a rewrite of root" 1 "${guest_before}" "${target_before}" "${chain_before}" "${SET}"
check_contains "the ERROR says the pool cannot take a rewrite of root" "${RUN_ERR}" "ERROR: thin pool ${VG}/pool cannot take a rewrite of all that root holds while the snapshot exists"
note "refused: $(grep -E '^ERROR: thin pool' <<<"${RUN_ERR}" | head -n 1 | cut -c 1-240)"
if ran_command "${RESULT_DIR}/run-${RUNS}.script.log" lvcreate; then
  fail "it ran no lvcreate"
else
  pass "it ran no lvcreate"
fi
rm -f -- "${W}/writer.failures"
# The writer is the scenario's, not the script's (never among dar's processes): it waits for the
# snapshot, then rewrites the ballast 1 MiB at a time, noting every write that fails.
(
  wait_for 300 lvs -- "${VG}/root-backsnap" >/dev/null 2>&1 || exit 0
  for ((i = 0; i < 46; i++)); do
    dd if=/dev/urandom of="${ROOT}/ballast" bs=1M count=1 seek="${i}" conv=notrunc,fsync status=none 2>>"${W}/writer.failures" ||
      printf 'block %d failed\n' "${i}" >>"${W}/writer.failures"
    sleep 0.2
  done
) &
writer=$!
# dar holds the run for 120 s after writing its archive: only the watcher can end it sooner.
BGL_DAR_AFTER='sleep 120' run_script "${RESERVE_SCRIPT}"
writer_status=0
wait "${writer}" || writer_status=$?
check_failed_cleanly "the pool passing the threshold" 1 "${guest_before}" "${target_before}" "${chain_before}" "${SET}"
check_contains "the ERROR says the pool passed the threshold" "${RUN_ERR}" "ERROR: thin pool ${VG}/pool passed thin_pool_threshold = 80% [lvm] while dar read the snapshot of root: data "
check_contains "the ERROR says dar was stopped and the snapshot removed" "${RUN_ERR}" "dar was stopped and the snapshot removed"
note "pool passing: $(grep -E '^ERROR: thin pool' <<<"${RUN_ERR}" | head -n 1 | cut -c 1-160)"
note "pool after the run (data% metadata%): $(lvs --noheadings -o data_percent,metadata_percent -- "${VG}/pool" | xargs)"
check_eq "the writer ended normally" 0 "${writer_status}"
check_eq "none of the writer's writes failed" '' "$(cat -- "${W}/writer.failures" 2>/dev/null)"
check_eq "the kernel never switched the pool to out-of-data-space mode" 0 "$(dmesg | grep -c -i 'out-of-data-space' || true)"

say "a normal run after the pool was given back its space"
check_normal_run "the run after the pool alarm" "${SET}" 0 "${RESERVE_SCRIPT}"
