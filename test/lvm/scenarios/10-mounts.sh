#!/usr/bin/env bash
# 10: filesystems mounted inside and around the snapshot tree, with mount propagation on.
# (a) /tmp and /srv/bgl/10/boot are shared mounts (as / is on a systemd host), /tmp with a peer at
#     /srv/bgl/10/tmp-peer. While dar runs, a filesystem is mounted on the live boot/late. It must
#     not appear in the snapshot tree, the snapshot must not appear in /tmp's peer, teardown must
#     leave nothing, and the live boot/late must still be mounted afterwards.
# (b) /boot/efi inside the bound /boot: its files are in the archive.
# (c) /var on an LV of its own, mounted inside the live origin: an INFO line names it with the
#     [volume] lines that would back it up; the archive holds what the snapshot has under var.
# (d) subdirs = var/www, which only the var LV has: exit 1 before dar, naming the filesystem;
#     nothing left, nothing published.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly LIVE=${W}/live BOOT=${W}/boot PEER=${W}/tmp-peer TARGET=${W}/target
readonly SUBDIRS_SCRIPT=${SCRIPTS}/${SCENARIO}.subdirs.sh
SET=${TARGET}/$(month)
readonly SET

# archive_paths BASE: the paths dar -l lists for the archive BASE, one a line.
archive_paths() {
  dar -l "$1" -Q 2>/dev/null | awk -F '\t' 'NF > 1 { print $NF }'
}

# shared_tmp_off: /tmp back to private, its peer gone (later scenarios expect the guest as it was).
shared_tmp_off() {
  umount -- "${PEER}" 2>/dev/null || true
  mount --make-private /tmp
}

say "setup: the origin live with /var on its own LV, /boot with /boot/efi, shared propagation"
make_vg 256
make_lv root 64M ext4 "${LIVE}"
mkdir -p -- "${LIVE}/etc" "${LIVE}/var" "${LIVE}${BOOT}" "${TARGET}" "${W}/target-subdirs"
printf 'host-10\n' >"${LIVE}/etc/hostname"
printf 'what the var mount hides\n' >"${LIVE}/var/stale-under-mount"
make_lv var 32M ext4 "${LIVE}/var"
mkdir -p -- "${LIVE}/var/www"
printf 'live web page\n' >"${LIVE}/var/www/index.html"
mkdir -p -- "${BOOT}"
make_plain_fs boot 16M "${BOOT}"
printf 'kernel\n' >"${BOOT}/vmlinuz-bgl"
mkdir -p -- "${BOOT}/efi" "${BOOT}/late"
make_plain_fs efi 8M "${BOOT}/efi"
mkdir -p -- "${BOOT}/efi/EFI"
printf 'efi marker\n' >"${BOOT}/efi/EFI/marker"
mount --make-shared -- "${BOOT}"
mount --make-shared -- "${BOOT}/efi"
mount --make-shared /tmp
mkdir -p -- "${PEER}"
mount --bind /tmp "${PEER}"
trap 'status=$?; shared_tmp_off; (exit "${status}"); finish' EXIT
export BACKUP_GEN_PATH=${WRAPPED_PATH}

say "(a)-(c) a FULL while a filesystem is mounted on the live boot/late"
# Just before dar: the late mount, then what the host's mount table says about the snapshot tree.
BGL_DAR_BEFORE="mount -t tmpfs late ${BOOT}/late && printf 'late file\n' >${BOOT}/late/file && findmnt -rn -o TARGET,SOURCE >${W}/mounts-during-dar" \
  run_script "${SCRIPT}"
check_eq "the FULL exits 0" 0 "${RUN_STATUS}"
during=$(cat -- "${W}/mounts-during-dar" 2>/dev/null || true)
note "backup-gen mounts while dar ran: $(grep -F -- /backup-gen. <<<"${during}" | tr '\n' ' ')"
check_eq "(a) nothing mounted live under boot/late appeared in the snapshot tree" '' "$(grep -E -- '^/tmp/backup-gen\.[^/ ]+/[^ ]*/late ' <<<"${during}" || true)"
check_eq "(a) neither the snapshot nor what is bound into it appeared in /tmp's peer" '' "$(grep -E -- "^${PEER}/[^ ]* (/dev/mapper/${VG}-root--backsnap|/dev/loop)" <<<"${during}" || true)"
check "(b) /boot/efi, mounted inside the bound /boot, was bound too" grep -q -E -- "^/tmp/backup-gen\.[^/ ]+/root${BOOT}/efi " "${W}/mounts-during-dar"
check_no_leftovers "after the FULL" "${TARGET}"
check_eq "(a) nothing of the run is left in /tmp's peer" '' "$(findmnt -rn -o TARGET | grep -F -- "${PEER}/" || true)"
check "(a) the live boot/late is still mounted" mountpoint -q -- "${BOOT}/late"
check "(a) ... and still shows its file" test -f "${BOOT}/late/file"
full=$(cat -- "${SET}/latest_successful" 2>/dev/null || true)
listing=$'\n'$(archive_paths "${SET}/${full}")$'\n'
check_contains "(b) the archive holds boot/efi's file" "${listing}" $'\n'"${BOOT#/}/efi/EFI/marker"$'\n'
check_contains "(b) ... and /boot's own" "${listing}" $'\n'"${BOOT#/}/vmlinuz-bgl"$'\n'
check_contains "(c) an INFO line names /var, a filesystem of its own, with the lines that back it up" "${RUN_ERR}" \
  "INFO: not in this archive: ${LIVE}/var is another filesystem (ext4 on /dev/mapper/${VG}-var) mounted inside this volume; the archive holds only what the snapshot has under var, which that mount hides on the live system; to back it up: [volume var] volume_group = ${VG}, logical_volume = var"
check_contains "(c) the archive has what the snapshot has under var" "${listing}" $'\n'var/stale-under-mount$'\n'
check_lacks "(c) ... not the var LV's files" "${listing}" $'\n'var/www/index.html$'\n'
umount -- "${BOOT}/late"

say "(d) subdirs = var/www, which the snapshot does not have"
guest_before=$(guest_state)
run_script "${SUBDIRS_SCRIPT}"
check_eq "(d) exit 1" 1 "${RUN_STATUS}"
check_contains "(d) the ERROR names the entry and the filesystem it is on" "${RUN_ERR}" \
  "ERROR: subdirs entry var/www is not in the snapshot: on the live system it is on another filesystem (ext4 on /dev/mapper/${VG}-var, mounted at ${LIVE}/var)"
check "(d) dar never ran" bash -c "! grep -q -E 'run: dar ' '${RESULT_DIR}/run-${RUNS}.script.log'"
check_eq "(d) the guest is as it was" "${guest_before}" "$(guest_state)"
check_eq "(d) nothing published" '' "$(find "${W}/target-subdirs" -name '*.dar')"
check_no_leftovers "after the subdirs run" "${W}/target-subdirs"
