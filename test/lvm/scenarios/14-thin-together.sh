#!/usr/bin/env bash
# 14: thin pools and traces with [backup] snapshots = together (issue 21, classes 9 and 10).
# - Only a thin snapshot and a %FREE one taken together: no volume group room is counted, and the
#   run goes ahead (before: "cannot read the free space of volume group " with an empty name, exit 1,
#   on every run).
# - SIGKILL between a source's anchor mount and its snapshot mount (bin/mount holds there): the next
#   run finds the anchor by the record in its directory, unmounts and removes it.
# - The thin volume b's pool fills while a (linear, archived first) is archived and b's snapshot waits
#   its turn: the run's own watcher stops the run and removes the snapshots before the pool is full;
#   the writer's live writes never fail (before: nobody watched b's pool until b's own dar began).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly A=${W}/origin/a B=${W}/origin/b TARGET=${W}/target
readonly ONLY_SCRIPT=${SCRIPTS}/${SCENARIO}.only.sh
A_SET=${TARGET}/a/$(month) B_SET=${TARGET}/b/$(month)
readonly A_SET B_SET

say "setup: VG ${VG} with a linear ext4 LV a and a thin ext4 LV b in a 96M pool"
make_vg 256
make_lv a 32M ext4 "${A}"
lvcreate -qq -y --type thin-pool -L 96M -n pool -- "${VG}" >/dev/null
lvcreate -qq -y --type thin -V 64M --thinpool pool -n b -- "${VG}" >/dev/null
mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 -- "/dev/${VG}/b"
mkdir -p -- "${B}" "${TARGET}"
mount -- "/dev/${VG}/b" "${B}"
CLEANUP_MOUNTS+=("${B}")
populate "${A}"
populate "${B}"
export BACKUP_GEN_PATH=${WRAPPED_PATH}

say "together, with only a thin and a %FREE snapshot"
run_script "${ONLY_SCRIPT}"
check_eq "the run exits 0" 0 "${RUN_STATUS}"
check_lacks "no volume group without a name" "${RUN_ERR}" "volume group  "
check "a's FULL is published" test -s "${A_SET}/latest_successful"
check "b's FULL is published" test -s "${B_SET}/latest_successful"
check_contains "b's pool was checked for its reserve" "${RUN_LOG}" "room for thin_snapshot_reserve = 8 MiB"
check_no_leftovers "after the run" "${TARGET}"

say "SIGKILL between the anchor mount and the snapshot mount"
rm -f -- "${W}/held"
BGL_MOUNT_HOLD_FILE=${W}/held start_script "${SCRIPT}"
if wait_for 180 test -s "${W}/held"; then
  pass "the run holds after its first anchor mount"
else
  fail "the run reached its first anchor mount within 180 s"
fi
anchor=$(cat -- "${W}/held" 2>/dev/null || true)
kill -KILL -- "-${SCRIPT_PID}"
wait_script
check_eq "the killed run exits 137" 137 "${RUN_STATUS}"
note "left by SIGKILL: $(snapshot_traces | tr '\n' ';')"
check "precondition: the anchor ${anchor} is left mounted" mountpoint -q -- "${anchor}"
check "precondition: the snapshot is not mounted in it" bash -c "! mountpoint -q -- '${anchor}/root'"
a_before=$(cat -- "${A_SET}/latest_successful")
run_script "${SCRIPT}"
check_eq "the next run exits 2 (it swept what the killed run left)" 2 "${RUN_STATUS}"
check_contains "it names the anchor it removes" "${RUN_ERR}" "WARNING: found mount directory ${anchor} left by a run that was killed before it mounted a snapshot there"
check_lacks "no ERROR" "${RUN_ERR}" "ERROR"
check_contains "a's INC is based on its FULL" "${RUN_LOG}" "Based on parent: ${a_before}"
check "the anchor's directory is gone" test ! -e "${anchor}"
check_no_leftovers "after the sweeping run" "${TARGET}"

say "b's pool fills while a is archived and b's snapshot waits its turn"
# 46 MiB that b's snapshot shares: rewriting all of it would need more than the 96M pool has left.
dd if=/dev/urandom of="${B}/ballast" bs=1M count=46 conv=fsync status=none
note "pool before the run (data% metadata%): $(lvs --noheadings -o data_percent,metadata_percent -- "${VG}/pool" | xargs)"
guest_before=$(guest_state)
target_before=$(tree_content "${TARGET}/a")
chain_before=$(chain_state "${A_SET}")
rm -f -- "${W}/writer.failures"
# The writer is the scenario's: it waits until a's dar has started (b's snapshot exists by then),
# then rewrites b's ballast 1 MiB at a time, noting every write that fails.
(
  wait_for 300 compgen -G "${A_SET}/.*.partial.1.dar" >/dev/null || exit 0
  for ((i = 0; i < 46; i++)); do
    dd if=/dev/urandom of="${B}/ballast" bs=1M count=1 seek="${i}" conv=notrunc,fsync status=none 2>>"${W}/writer.failures" ||
      printf 'block %d failed\n' "${i}" >>"${W}/writer.failures"
    sleep 0.2
  done
) &
writer=$!
# a's dar holds the run for 120 s after writing its archive: only a watcher can end it sooner.
# shellcheck disable=SC2016 # expanded by bin/dar's bash -c, where BGL_ARCHIVE is set
BGL_DAR_AFTER='if [[ ${BGL_ARCHIVE:-} == bgl14-a-* ]]; then sleep 120; fi' run_script "${SCRIPT}"
writer_status=0
wait "${writer}" || writer_status=$?
check_failed_cleanly "b's pool passing the threshold" 1 "${guest_before}" "${target_before}" "${chain_before}" "${A_SET}"
check_contains "the ERROR says the pool passed the threshold while the snapshots existed" "${RUN_ERR}" "ERROR: thin pool ${VG}/pool passed thin_pool_threshold = 80% [snapshots = together] while the snapshots taken together existed: data "
note "pool passing: $(grep -E '^ERROR: thin pool' <<<"${RUN_ERR}" | head -n 1 | cut -c 1-160)"
note "pool after the run (data% metadata%): $(lvs --noheadings -o data_percent,metadata_percent -- "${VG}/pool" | xargs)"
check_eq "the writer ended normally" 0 "${writer_status}"
check_eq "none of the writer's writes failed" '' "$(cat -- "${W}/writer.failures" 2>/dev/null)"
check_eq "the kernel never switched the pool to out-of-data-space mode" 0 "$(dmesg | grep -c -i 'out-of-data-space' || true)"

say "a normal run afterwards"
check_normal_run "the run after the pool alarm" "${A_SET}"
finish
