#!/usr/bin/env bash
# 12: a whole-volume restore of a root filesystem boots. LV root holds a tiny root filesystem (a
# static busybox, an /sbin/init that prints /etc/restore-marker and powers off); FULL, then the marker
# (a random token), then INC. The origin LV is removed, a new LV gets a new ext4, and the generated
# script's restore subcommand fills it. The VG lives on a disk image in the result directory, which
# this guest leaves detached with a boot.request: run.sh then boots a second guest from that disk
# (guest/boot-init activates the VG, mounts root=/dev/bgl12/root, switch_root), and the restored
# init must print the token.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly ROOT=${W}/origin/root NEW_ROOT=${W}/restored TARGET=${W}/target SPY=${W}/spy
# The new LV gets the origin's name, as after a lost disk: mounted at --to it is where the profile's
# source would be live, and restore writes there only because the new file system is empty (a
# non-empty one would need --onto-live-system).
readonly DISK=${RESULT_DIR}/boot-disk.img NEW_LV=root
SET=${TARGET}/$(month)
TOKEN=${SCENARIO%%-*}-$(od -A n -N 8 -t x1 /dev/urandom | tr -d ' \n')
readonly SET TOKEN

# make_root_fs DIR: what the second guest runs as its root: busybox and an init of a few lines.
make_root_fs() {
  local -r d=$1
  mkdir -p -- "${d}/bin" "${d}/sbin" "${d}/etc" "${d}/dev" "${d}/proc" "${d}/sys"
  cp -- "$(dpkg -L busybox-static | grep -m 1 '/busybox$')" "${d}/bin/busybox"
  cat >"${d}/sbin/init" <<'INIT'
#!/bin/busybox sh
# The restored root's init (PID 1 after switch_root): says where it runs and what the marker holds.
/bin/busybox mount -t proc proc /proc
echo "bgl-restored-root: pid $$, / is $(/bin/busybox awk '$2 == "/" { print $1, $3 }' /proc/mounts | /bin/busybox tail -n 1)"
echo "bgl-restored-root: marker $(/bin/busybox cat /etc/restore-marker)"
/bin/busybox sync
/bin/busybox poweroff -f
INIT
  chmod 0755 -- "${d}/sbin/init"
  printf 'restored-root\n' >"${d}/etc/hostname"
}

say "setup: VG ${VG} on a disk image in the share (it outlives this guest), an ext4 root LV"
truncate -s 128M -- "${DISK}"
loop=$(losetup --find --show -- "${DISK}")
CLEANUP_LOOPS+=("${loop}")
pvcreate -qq -- "${loop}"
vgcreate -qq -- "${VG}" "${loop}"
make_lv root 32M ext4 "${ROOT}"
make_root_fs "${ROOT}"
mkdir -p -- "${TARGET}"
export BACKUP_GEN_PATH=${WRAPPED_PATH} BGL_DAR_SPY_DIR=${SPY}

say "FULL, then the marker, then INC"
run_script "${SCRIPT}"
check_eq "the FULL exits 0" 0 "${RUN_STATUS}"
full=$(cat -- "${SET}/latest_successful")
check_lacks "the FULL's snapshot had no marker yet (only the INC can bring it)" "$(cat -- "${SPY}/${full}.manifest")" $'etc/restore-marker\t'
check_contains "the FULL's snapshot had /sbin/init (precondition of the check above)" "$(cat -- "${SPY}/${full}.manifest")" $'sbin/init\tf'

printf '%s\n' "${TOKEN}" >"${ROOT}/etc/restore-marker"
run_script "${SCRIPT}"
check_eq "the INC exits 0" 0 "${RUN_STATUS}"
inc=$(cat -- "${SET}/latest_successful")
check_contains "the INC is based on the FULL" "${RUN_LOG}" "Based on parent: ${full}"
check_chain "${SET}" "${full}" "${inc}"
check_contains "the INC's snapshot had the marker" "$(cat -- "${SPY}/${inc}.manifest")" $'etc/restore-marker\tf'

say "the origin LV removed"
origin_uuid=$(blkid -o value -s UUID -- "/dev/${VG}/root")
umount -- "${ROOT}"
lvremove -qq -y -- "${VG}/root"
check_eq "${VG} has no LV left (no origin, no snapshot)" '' "$(lv_table)"
check "/dev/${VG}/root is gone" test ! -e "/dev/${VG}/root"

say "a new LV with a new ext4, filled by the generated script's restore"
lvcreate -qq -y -n "${NEW_LV}" -L 40M -- "${VG}" >/dev/null
mkfs.ext4 -q -- "/dev/${VG}/${NEW_LV}"
mkdir -p -- "${NEW_ROOT}"
mount -- "/dev/${VG}/${NEW_LV}" "${NEW_ROOT}"
CLEANUP_MOUNTS+=("${NEW_ROOT}")
new_uuid=$(blkid -o value -s UUID -- "/dev/${VG}/${NEW_LV}")
check "the new ext4 is not the origin's (UUID ${new_uuid} vs ${origin_uuid})" test "${new_uuid}" != "${origin_uuid}"
check_eq "the new ext4 holds only lost+found" 'lost+found' "$(ls -A -- "${NEW_ROOT}")"
run_script "${SCRIPT}" restore --to "${NEW_ROOT}"
check_eq "restore exits 0" 0 "${RUN_STATUS}"
check_same_tree "the restored LV = what dar read from the INC's snapshot" "${SPY}/${inc}.manifest" "${NEW_ROOT}"
check_eq "the restored marker is the token" "${TOKEN}" "$(cat -- "${NEW_ROOT}/etc/restore-marker" 2>&1)"
check "the restored /sbin/init is executable" test -x "${NEW_ROOT}/sbin/init"

say "the disk handed to the host: unmounted, VG deactivated, loop device detached"
umount -- "${NEW_ROOT}"
vgchange -qq -a n -- "${VG}" >/dev/null
losetup -d "${loop}"
CLEANUP_LOOPS=()
check_eq "no loop device on the disk image" '' "$(losetup -n -O NAME -j "${DISK}")"
{
  printf 'disk=%s\n' "${DISK##*/}"
  printf 'root=/dev/%s/%s\n' "${VG}" "${NEW_LV}"
  printf 'expect=bgl-restored-root: marker %s\n' "${TOKEN}"
  printf 'expect=bgl-restored-root: pid 1, / is /dev/mapper/%s-%s ext4\n' "${VG}" "${NEW_LV}"
} >"${RESULT_DIR}/boot.request"
note "boot request for run.sh: $(tr '\n' ';' <"${RESULT_DIR}/boot.request")"
