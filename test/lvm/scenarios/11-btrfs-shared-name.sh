#!/usr/bin/env bash
# 11: origins that are not what a snapshot can take for granted.
# (a) A btrfs origin mounted live with subvol=@: refused before lvcreate with the reason (exit 1):
#     no LV, dm device or mount appears, nothing published.
# (b) Two profiles with one snapshot_lv_name on one LV, targets of their own: while A's dar runs,
#     B fails (exit 1) naming A's pid, and touches nothing of A's: A finishes with exit 0 and an
#     archive dar -t accepts, holding the whole volume; nothing is left.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly A_SCRIPT=${SCRIPTS}/${SCENARIO}.a.sh B_SCRIPT=${SCRIPTS}/${SCENARIO}.b.sh
A_SET=${W}/target-a/$(month)
readonly A_SET

say "setup: a btrfs LV mounted with subvol=@, an ext4 LV with data that takes dar a while"
modprobe btrfs
make_vg 512
lvcreate -qq -y -n data -L 128M -- "${VG}" >/dev/null
mkfs.btrfs -q -f -- "/dev/${VG}/data" >/dev/null
mkdir -p -- "${W}/btrfs-top" "${W}/btrfs-live" "${W}/target-btrfs" "${W}/target-a" "${W}/target-b"
mount -- "/dev/${VG}/data" "${W}/btrfs-top"
btrfs -q subvolume create "${W}/btrfs-top/@" >/dev/null
printf 'on the subvolume\n' >"${W}/btrfs-top/@/file"
umount -- "${W}/btrfs-top"
mount -o subvol=@ -- "/dev/${VG}/data" "${W}/btrfs-live"
CLEANUP_MOUNTS+=("${W}/btrfs-live")
make_lv root 64M ext4 "${W}/origin/root"
mkdir -p -- "${W}/origin/root/etc"
printf 'host-11\n' >"${W}/origin/root/etc/hostname"
head -c 4500000 /dev/urandom >"${W}/origin/root/etc/random.bin"
export BACKUP_GEN_PATH=${WRAPPED_PATH}

say "(a) the btrfs origin"
guest_before=$(guest_state)
run_script "${SCRIPT}"
check_eq "(a) exit 1" 1 "${RUN_STATUS}"
check_contains "(a) the ERROR says why btrfs is refused" "${RUN_ERR}" "ERROR: ${VG}/data holds btrfs, which backup-gen does not snapshot with LVM"
check "(a) lvcreate never ran" bash -c "! grep -q -E 'run: lvcreate ' '${RESULT_DIR}/run-${RUNS}.script.log'"
check_eq "(a) the guest is as it was" "${guest_before}" "$(guest_state)"
check_eq "(a) nothing published" '' "$(find "${W}/target-btrfs" -name '*.dar')"

say "(b) two profiles, one snapshot name, one LV: B runs while A's dar does"
rm -f -- "${W}/dar.pid"
BGL_DAR_SLICE_PAUSE=3 BGL_DAR_PID_FILE=${W}/dar.pid start_script "${A_SCRIPT}"
a_pid=${SCRIPT_PID} a_base=${SCRIPT_BASE}
if wait_for 120 compgen -G "${A_SET}/.*.partial.2.dar"; then
  pass "(b) A's dar is in the middle of the archive"
else
  fail "(b) A's dar reached slice 2 within 120 s" "$(ls -la -- "${A_SET}" 2>&1)"
fi
a_mounts=$(findmnt -rn -o TARGET | grep -F -- /backup-gen. || true)
run_script "${B_SCRIPT}"
check_eq "(b) B exits 1" 1 "${RUN_STATUS}"
check_contains "(b) B names A's run" "${RUN_ERR}" "ERROR: ${VG}/root-backsnap belongs to a backup that is running now (pid ${a_pid}): two profiles use snapshot_lv_name root-backsnap on ${VG}/root"
check_eq "(b) A's mounts are all still there after B" "${a_mounts}" "$(findmnt -rn -o TARGET | grep -F -- /backup-gen. || true)"
check "(b) B ran no umount, lvremove or lvcreate" bash -c "! grep -q -E 'run: (umount|lvremove|lvcreate) ' '${RESULT_DIR}/run-${RUNS}.script.log'"
SCRIPT_PID=${a_pid} SCRIPT_BASE=${a_base}
wait_script
check_eq "(b) A exits 0" 0 "${RUN_STATUS}"
a_full=$(cat -- "${A_SET}/latest_successful" 2>/dev/null || true)
check "(b) dar -t accepts A's archive ${a_full}" dar -t "${A_SET}/${a_full}" -Q
check "(b) ... which holds the whole volume (etc/random.bin)" bash -c "dar -l '${A_SET}/${a_full}' -Q | grep -q -F etc/random.bin"
check_no_leftovers "after A and B" "${W}/target-a" "${W}/target-b"
