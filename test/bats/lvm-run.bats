#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# A successful run of the script compiled from fixtures/lvm-one-volume.ini, against stubs of LVM
# and mount and the real dar: the commands it runs, the archives and the bookkeeping it leaves.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  export SCRIPT
}

setup() {
  setup_run_environment
}

@test "a successful run runs exactly the snapshot, mount, dar and teardown commands, in order" {
  run -0 --separate-stderr "${SCRIPT}"
  local -r partial=${MONTH_DIR}/.${PREFIX}${STAMP}-FULL.partial
  assert_equal "lvs --noheadings --separator '|' -o lv_name,origin,lv_tags vg0
lvs --noheadings -o segtype vg0/root
lvs --noheadings -o lv_attr vg0/root
blkid -o value -s TYPE -- /dev/vg0/root
lvs --noheadings --separator '|' -o lv_kernel_major,lv_kernel_minor vg0/root
findmnt -rn -o TARGET,MAJ:MIN,FSROOT,FSTYPE,SOURCE
vgs --noheadings --units b --nosuffix -o vg_free,vg_extent_size,vg_size vg0
lvs --noheadings --units b --nosuffix -o lv_size vg0/root
lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag RUN_TAG --size 2G vg0/root
mount --bind -- ANCHOR ANCHOR
mount --make-private -- ANCHOR
mount -t ext4 -o ro -- /dev/vg0/root-backsnap MNT
findmnt -rn -o TARGET,MAJ:MIN,FSROOT,FSTYPE,SOURCE
mount --bind -o ro -- /boot MNT/boot
mount --make-private -- MNT/boot
dar -c ${partial} -R MNT -N -Q -n -D --modified-data-detection=any-inode-change --hash sha512 -s 1875000000 -zzstd:3 -m 150 -an -Z '*.7z' -Z '*.apk' -Z '*.br' -Z '*.bz2' -Z '*.cab' -Z '*.crx' -Z '*.deb' -Z '*.ear' -Z '*.gem' -Z '*.gz' -Z '*.jar' -Z '*.lz' -Z '*.lz4' -Z '*.lzma' -Z '*.lzo' -Z '*.rar' -Z '*.rpm' -Z '*.snap' -Z '*.squashfs' -Z '*.tbz' -Z '*.tbz2' -Z '*.tgz' -Z '*.txz' -Z '*.tzst' -Z '*.war' -Z '*.whl' -Z '*.xpi' -Z '*.xz' -Z '*.Z' -Z '*.zip' -Z '*.zst' -Z '*.avif' -Z '*.gif' -Z '*.heic' -Z '*.heif' -Z '*.jp2' -Z '*.jpeg' -Z '*.jpg' -Z '*.jxl' -Z '*.png' -Z '*.webp' -Z '*.aac' -Z '*.flac' -Z '*.m4a' -Z '*.mp3' -Z '*.ogg' -Z '*.opus' -Z '*.wma' -Z '*.3gp' -Z '*.avi' -Z '*.flv' -Z '*.m4v' -Z '*.mkv' -Z '*.mov' -Z '*.mp4' -Z '*.mpeg' -Z '*.mpg' -Z '*.webm' -Z '*.wmv' -Z '*.docx' -Z '*.epub' -Z '*.odp' -Z '*.ods' -Z '*.odt' -Z '*.pdf' -Z '*.pptx' -Z '*.xlsx' -Z '*.woff' -Z '*.woff2' -Z '*.gpg' -Z '*.age' -acase
lvs --noheadings --units b --nosuffix -o lv_attr,snap_percent,lv_size vg0/root-backsnap
lvs --noheadings -o data_percent vg0/root-backsnap
umount -- MNT/boot
umount -- MNT
umount -- ANCHOR
lvs --noheadings --separator '|' -o lv_name,origin,lv_tags vg0
lvremove --force vg0/root-backsnap
dar -t ${partial} -N -Q" "$(calls_with_mnt lvs vgs lvcreate lvchange lvremove blkid mount umount mountpoint findmnt dar)" 'the commands run'
}

@test "the stubs record each argument byte-exact, NUL-terminated, one record per call" {
  run -0 "${SCRIPT}"
  { printf '%s\0' date +%s && printf '\036\n' && printf '%s\0' lvs --noheadings --separator '|' -o lv_name,origin,lv_tags vg0 && printf '\036\n'; } >"${BATS_TEST_TMPDIR}/expected"
  head -c "$(wc -c <"${BATS_TEST_TMPDIR}/expected")" "${STUB_LOG}" >"${BATS_TEST_TMPDIR}/actual"
  cmp -- "${BATS_TEST_TMPDIR}/expected" "${BATS_TEST_TMPDIR}/actual"
}

@test "the snapshot is mounted on a fresh directory under TMPDIR, which is gone afterwards" {
  run -0 "${SCRIPT}"
  [[ $(mount_dir) == "${TMPDIR}"/backup-gen.??????????/root ]]
  [[ ! -e $(mount_dir) && ! -e $(mount_dir)/.. ]]
  assert_host_clean
}

# archive_files: the target's files without each slice's sha512 and the "verified" record (restore.bats
# checks those).
archive_files() {
  target_files | grep -v -e '\.sha512$' -e '/verified$'
}

@test "the first run of a month publishes a FULL archive and starts latest_successful and backup_deps" {
  run -0 --separate-stderr "${SCRIPT}"
  local -r name=${PREFIX}${STAMP}-FULL
  assert_equal ".backup-gen.lock
${MONTH}
${MONTH}/backup_deps
${MONTH}/latest_successful
${MONTH}/${name}.1.dar" "$(archive_files)" 'the files in the target'
  assert_latest_successful "${name}"
  assert_equal "${name}:" "$(<"${MONTH_DIR}/backup_deps")" backup_deps
  assert_has_line "${output}" 'Source main: vg0/root' stdout
  assert_has_line "${output}" "Full backup: ${name}" stdout
  assert_host_clean
}

@test "the FULL archive holds the snapshot's files and the bind-mounted /boot" {
  run -0 "${SCRIPT}"
  run -0 dar -Q -l "${MONTH_DIR}/${PREFIX}${STAMP}-FULL"
  assert_contains "${output}" 'etc/hostname'
  assert_contains "${output}" 'home/ann/notes.txt'
  assert_contains "${output}" 'boot/stub-bind-source'
}

@test "the second run is an INC of the first: dar -A names the parent and backup_deps says child:parent" {
  run -0 "${SCRIPT}"
  : >"${STUB_LOG}"
  run -0 --separate-stderr "${SCRIPT}"
  local -r full=${PREFIX}${STAMP}-FULL inc=${PREFIX}${STAMP}-INC
  assert_has_line "${output}" "Incremental backup: ${inc}" stdout
  assert_has_line "${output}" "Based on parent: ${full}" stdout
  assert_contains "$(calls_with_mnt dar)" "dar -c ${MONTH_DIR}/.${inc}.partial -R MNT "
  [[ $(calls_with_mnt dar | grep -e '^dar -c ') == *" -A ${MONTH_DIR}/${full}" ]]
  assert_equal "${full}:
${inc}:${full}" "$(<"${MONTH_DIR}/backup_deps")" backup_deps
  assert_latest_successful "${inc}"
  [[ -f ${MONTH_DIR}/${inc}.1.dar ]]
  assert_host_clean
}

@test "runs in the same minute get distinct names and each INC's parent is the run before it" {
  local -r full=${PREFIX}${STAMP}-FULL inc=${PREFIX}${STAMP}-INC inc2=${PREFIX}${STAMP}.2-INC inc3=${PREFIX}${STAMP}.3-INC
  run -0 "${SCRIPT}"
  run -0 "${SCRIPT}"
  run -0 "${SCRIPT}"
  run -0 "${SCRIPT}"
  assert_equal ".backup-gen.lock
${MONTH}
${MONTH}/backup_deps
${MONTH}/latest_successful
${MONTH}/${full}.1.dar
${MONTH}/${inc}.1.dar
${MONTH}/${inc2}.1.dar
${MONTH}/${inc3}.1.dar" "$(archive_files)" 'the files in the target, sorted by name in chain order'
  assert_equal "${full}:
${inc}:${full}
${inc2}:${inc}
${inc3}:${inc2}" "$(<"${MONTH_DIR}/backup_deps")" backup_deps
  assert_latest_successful "${inc3}"
}

@test "dar can test and list the INC archive, which names its FULL as reference" {
  run -0 "${SCRIPT}"
  run -0 "${SCRIPT}"
  run -0 dar -Q -t "${MONTH_DIR}/${PREFIX}${STAMP}-INC"
  run -0 dar -Q -l "${MONTH_DIR}/${PREFIX}${STAMP}-INC"
  assert_contains "${output}" 'etc/hostname'
}

@test "an XFS origin is mounted ro,nouuid" {
  export STUB_BLKID_TYPE=xfs
  run -0 "${SCRIPT}"
  assert_equal 'mount -t xfs -o ro,nouuid -- /dev/vg0/root-backsnap MNT' "$(calls_with_mnt mount | grep -e "^mount -t ")" 'the snapshot mount'
  assert_host_clean
}

@test "an ext4 origin is mounted ro without nouuid" {
  run -0 "${SCRIPT}"
  assert_equal 'mount -t ext4 -o ro -- /dev/vg0/root-backsnap MNT' "$(calls_with_mnt mount | grep -e "^mount -t ")" 'the snapshot mount'
}

@test "the snapshot's bind-mount point must exist inside the volume, else the run fails cleanly" {
  cp -a -- "${SNAPSHOT_TREE}" "${BATS_TEST_TMPDIR}/tree" && rmdir -- "${BATS_TEST_TMPDIR}/tree/boot"
  export STUB_SNAPSHOT_TREE=${BATS_TEST_TMPDIR}/tree
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'cannot bind-mount /boot'
  assert_equal 0 "$(stub_call_count dar)" 'dar calls'
  assert_host_clean
  assert_no_archive
}
