#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# What a real host has and a snapshot does not show: filesystems mounted inside the origin (/var on
# an LV of its own, /proc), filesystems mounted inside a [bindmounts] path (/boot/efi in /boot),
# subdirs entries the volume does not hold, origins that are no filesystem a snapshot can archive
# (LUKS, swap, btrfs, an inactive LV), and the run's own tag on the snapshot it makes. Every one is
# decided before anything is created, or said at INFO, never archived wrong with exit 0.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  SUBDIRS_SCRIPT=$(compile_fixture lvm-subdirs)
  export SCRIPT SUBDIRS_SCRIPT
}

setup() {
  setup_run_environment
}

# The live host: the origin (254:0) mounted at /, /var on an LV of its own, /proc, /boot on a plain
# partition and /boot/efi inside it.
live_host() {
  stub_lv "${VG}" var
  stub_mount_point / /dev/vg0/root ext4 254:0
  stub_mount_point /boot /dev/sda1 ext4 8:1
  stub_mount_point /boot/efi /dev/sda2 vfat 8:2
  stub_mount_point /proc proc proc 0:21
  stub_mount_point /var /dev/vg0/var ext4 254:3
  LIVE_MOUNTS=$(stub_mounts)
}

# Only the live host's mounts are left, no snapshot, nothing in TMPDIR.
assert_live_host_only() {
  assert_equal "${LIVE_MOUNTS}" "$(stub_mounts)" 'the fake mount table'
  assert_equal "${ORIGIN}|
var|" "$(stub_lvs "${VG}")" "the volumes of ${VG}"
  assert_tmpdir_empty
}

@test "the snapshot carries the backup-gen tag and this run's own: this boot, the script's pid and start time" {
  run -0 --separate-stderr "${SCRIPT}" --log-file "${BATS_TEST_TMPDIR}/run.log"
  local -r call=$(stub_calls_raw lvcreate)
  local -r pid=$(sed -n '1s/^[^[]*\[\([0-9]*\)\].*/\1/p' "${BATS_TEST_TMPDIR}/run.log")
  [[ ${call} =~ --addtag\ backup-gen\ --addtag\ backup-gen-run\.([0-9a-f-]+)\.([0-9]+)\.([0-9]+)\  ]]
  assert_equal "$(</proc/sys/kernel/random/boot_id)" "${BASH_REMATCH[1]}" 'the boot id in the tag'
  assert_equal "${pid}" "${BASH_REMATCH[2]}" "the pid in the tag (the script's, as its log says)"
  [[ ${BASH_REMATCH[3]} =~ ^[1-9][0-9]*$ ]]
}

@test "a filesystem mounted inside the origin (/var) is named at INFO with the profile lines that would back it up; virtual ones in one line" {
  live_host
  run -0 --separate-stderr "${SCRIPT}" --log=INFO
  assert_has_line "${stderr}" 'INFO: not in this archive: /var is another filesystem (ext4 on /dev/vg0/var) mounted inside this volume; the archive holds only what the snapshot has under var, which that mount hides on the live system; to back it up: [volume var] volume_group = vg0, logical_volume = var (with a snapshot_size)'
  assert_has_line "${stderr}" 'INFO: not in this archive (virtual filesystems, no files to back up): /proc'
  refute_contains "${stderr}" 'not in this archive: /boot'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_live_host_only
}

@test "a filesystem mounted inside a [bindmounts] path (/boot/efi in /boot) is bound too, read-only and private, and unmounted first" {
  live_host
  run -0 --separate-stderr "${SCRIPT}" --log=INFO
  assert_has_line "${stderr}" 'INFO: binding /boot/efi too: a filesystem mounted inside /boot'
  assert_equal "mount --bind -o ro -- /boot MNT/boot
mount --make-private -- MNT/boot
mount --bind -o ro -- /boot/efi MNT/boot/efi
mount --make-private -- MNT/boot/efi" "$(calls_with_mnt mount | grep -e 'MNT/boot')" 'the bind mounts'
  assert_equal "umount -- MNT/boot/efi
umount -- MNT/boot
umount -- MNT
umount -- ANCHOR" "$(calls_with_mnt umount)" 'the umount calls'
  run -0 dar -Q -l "${MONTH_DIR}/${PREFIX}${STAMP}-FULL"
  assert_contains "${output}" 'boot/efi/stub-bind-source'
  assert_live_host_only
}

@test "every bind mount is made private at once, so that nothing mounted live under it while dar runs shows up in the snapshot tree" {
  run -0 --separate-stderr "${SCRIPT}" --log=INFO
  assert_equal "mount --bind -- ANCHOR ANCHOR
mount --make-private -- ANCHOR
mount -t ext4 -o ro -- /dev/vg0/root-backsnap MNT
mount --bind -o ro -- /boot MNT/boot
mount --make-private -- MNT/boot" "$(calls_with_mnt mount)" 'the mount calls'
}

@test "a subdirs entry on another filesystem that the snapshot does not have fails the run before dar, naming the filesystem" {
  live_host
  mkdir -p -- "${SNAPSHOT_TREE}/var"
  run -1 --separate-stderr "${SUBDIRS_SCRIPT}"
  assert_contains "${stderr}" 'ERROR: subdirs entry var/www is not in the snapshot: on the live system it is on another filesystem (ext4 on /dev/vg0/var, mounted at /var); to back it up: [volume var] volume_group = vg0, logical_volume = var (with a snapshot_size)'
  assert_equal 0 "$(stub_call_count dar)" 'dar calls'
  assert_no_archive
  assert_live_host_only
}

@test "a subdirs entry the snapshot has but the live system shows from another filesystem is archived with a warning (exit 2)" {
  live_host
  mkdir -p -- "${SNAPSHOT_TREE}/var/www"
  run -2 --separate-stderr "${SUBDIRS_SCRIPT}"
  assert_contains "${stderr}" 'WARNING: subdirs entry var/www: on the live system it is on another filesystem (ext4 on /dev/vg0/var, mounted at /var); the archive holds what the snapshot has there instead, which that mount hides'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  rm -rf -- "${SNAPSHOT_TREE:?}/var"
}

@test "a subdirs entry missing from the volume fails the run before dar instead of archiving nothing" {
  run -1 --separate-stderr "${SUBDIRS_SCRIPT}"
  assert_contains "${stderr}" 'ERROR: subdirs entry var/www is not in the snapshot (the volume has nothing at /var/www); correct the entry, or create it in the volume'
  assert_equal 0 "$(stub_call_count dar)" 'dar calls'
  assert_no_archive
  assert_host_clean
}

# The origin is refused before anything is created.
assert_refused_before_lvcreate() {
  assert_equal 0 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_equal 0 "$(stub_call_count mount)" 'mount calls'
  assert_no_archive
  assert_host_clean
}

@test "a LUKS container is refused before lvcreate, saying what to back up instead" {
  export STUB_BLKID_TYPE=crypto_LUKS
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: vg0/root holds a LUKS container, not a filesystem: its snapshot is encrypted too and cannot be mounted'
  assert_refused_before_lvcreate
}

@test "swap is refused before lvcreate" {
  export STUB_BLKID_TYPE=swap
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: vg0/root is swap space: there are no files to back up'
  assert_refused_before_lvcreate
}

@test "btrfs is refused before lvcreate, with the reason and what to use instead" {
  export STUB_BLKID_TYPE=btrfs
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: vg0/root holds btrfs, which backup-gen does not snapshot with LVM: a block-level copy of a mounted btrfs cannot be mounted beside it (its filesystem UUID is already in use), and mounted alone it shows the top-level subvolume'
  assert_refused_before_lvcreate
}

@test "an inactive origin is refused before lvcreate, saying how to activate it" {
  export STUB_ORIGIN_ATTR=-wi-------
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: vg0/root is not active (lv_attr -wi-------): it cannot be read, nor can a snapshot of it; activate it (lvchange --activate y vg0/root)'
  assert_refused_before_lvcreate
}

@test "the free-space preflight asks only what lvcreate would take: a 2G snapshot of a 32 MiB origin needs 36 MiB" {
  export STUB_LV_SIZE=33554432 STUB_VG_FREE=41943040
  run -0 --separate-stderr "${SCRIPT}" --log=INFO
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  export STUB_VG_FREE=33554432
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'not enough free space in volume group vg0 for the snapshot of root: it needs 36 MiB (snapshot_size = 2G), the volume group has 32 MiB free'
}

@test "a kernel filesystem or a backup's snapshot tree mounted inside a [bindmounts] path is not bound, and said" {
  live_host
  stub_mount_point /boot/chroot/proc proc proc 0:22
  stub_mount_point /boot/tmp/backup-gen.0therRun01 tmpfs tmpfs 0:23
  stub_mount_point /boot/tmp/backup-gen.0therRun01/root /dev/vg0/x ext4 254:9
  LIVE_MOUNTS=$(stub_mounts)
  run -0 --separate-stderr "${SCRIPT}" --log=INFO
  assert_has_line "${stderr}" 'INFO: not binding /boot/chroot/proc (proc) mounted inside /boot: a kernel filesystem or a backup'"'"'s snapshot tree'
  assert_has_line "${stderr}" 'INFO: not binding /boot/tmp/backup-gen.0therRun01 (tmpfs) mounted inside /boot: a kernel filesystem or a backup'"'"'s snapshot tree'
  assert_equal "mount --bind -o ro -- /boot MNT/boot
mount --bind -o ro -- /boot/efi MNT/boot/efi" "$(calls_with_mnt mount | grep -e '^mount --bind -o ro')" 'the bind mounts'
  assert_live_host_only
}
