#!/usr/bin/env bash
# 02: --noop on the real VG, and the noop variant (backup-gen --noop): they print the commands a real
# run would run and change nothing: the same LVs, dm devices, mounts, /tmp and target tree before and
# after, on an empty target and on one that already holds a FULL.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly ROOT=${W}/origin/root TARGET=${W}/target

# Everything a run could change; the LV table has every attribute lvs shows.
guest_state() {
  printf '== lvs\n'
  lvs -a --noheadings -o lv_name,lv_attr,origin,lv_size,seg_count -- "${VG}"
  printf '== dmsetup\n'
  dmsetup ls
  printf '== findmnt\n'
  findmnt -rn -o TARGET,SOURCE,FSTYPE,OPTIONS
  printf '== /tmp\n'
  find /tmp -mindepth 1 -maxdepth 1 -printf '%p\n' | sort
  printf '== target\n'
  tree_state "${TARGET}"
}

# check_noop_run LABEL SCRIPT ARG...: the run exits 0, prints the real commands, and changes nothing.
check_noop_run() {
  local -r label=$1
  shift
  local before
  before=$(guest_state)
  run_script "$@"
  check_eq "${label}: exits 0" 0 "${RUN_STATUS}"
  check_eq "${label}: LVs, dm devices, mounts, /tmp and the target are unchanged" "${before}" "$(guest_state)"
  check_contains "${label}: prints the lvcreate" "${RUN_OUT}" "lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag backup-gen-run."
  check_contains "${label}: ... the run's tag, then the size and origin" "${RUN_OUT}" " --size 32M ${VG}/root"
  check_contains "${label}: prints the ext4 mount, read-only" "${RUN_OUT}" "mount -t ext4 -o ro -- /dev/${VG}/root-backsnap"
  check_contains "${label}: prints the bind mount of /boot" "${RUN_OUT}" "mount --bind -o ro -- /boot /tmp/backup-gen."
  check_contains "${label}: prints the dar" "${RUN_OUT}" "dar -c ${TARGET}/$(month)/.bgl02-"
  check_contains "${label}: prints the lvremove" "${RUN_OUT}" "lvremove --force ${VG}/root-backsnap"
  check "${label}: what it prints is valid shell (bash -n)" bash -n <<<"${RUN_OUT}"
}

say "setup: VG ${VG} with an ext4 LV, /boot on a plain loop device"
make_vg 256
make_lv root 64M ext4 "${ROOT}"
make_plain_fs boot 16M /boot
mkdir -p -- "${ROOT}/boot" "${ROOT}/etc" "${TARGET}"
printf 'root\n' >"${ROOT}/etc/hostname"
printf 'kernel\n' >/boot/vmlinuz-bgl

say "noop on an empty target"
check_noop_run "--noop, empty target" "${SCRIPT}" --noop
check_contains "--noop, empty target: a FULL" "${RUN_OUT}" "# Full backup: bgl02-"
check_eq "--noop, empty target: no month directory was created" '' "$(find "${TARGET}" -mindepth 1)"
check_noop_run "noop variant, empty target" "${NOOP_VARIANT}"

say "a real FULL, then noop again"
run_script "${SCRIPT}"
check_eq "the real FULL exits 0" 0 "${RUN_STATUS}"
check_no_leftovers "after the FULL" "${TARGET}"
full=$(cat -- "${TARGET}/$(month)/latest_successful")
check_noop_run "--noop after a FULL" "${SCRIPT}" --noop
check_contains "--noop after a FULL: an INC based on it" "${RUN_OUT}" "-A ${TARGET}/$(month)/${full}"
check_noop_run "noop variant after a FULL" "${NOOP_VARIANT}"
check_eq "latest_successful still names the FULL" "${full}" "$(cat -- "${TARGET}/$(month)/latest_successful")"
