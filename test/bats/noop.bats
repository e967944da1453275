#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# Noop mode (--noop, -n, --dry-run, and the script compiled with backup-gen --noop): it prints what
# a real run would do and changes nothing. Only the read-only queries (lvs, blkid) run.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  NOOP_SCRIPT=$(compile_fixture lvm-one-volume --noop)
  export SCRIPT NOOP_SCRIPT
}

setup() {
  setup_run_environment
}

teardown() {
  if [[ -n ${PUBLIC_DIR:-} ]]; then
    rm -rf -- "${PUBLIC_DIR}"
  fi
}

# Of the stubbed commands only the read-only queries ran (and the further ones given, one a line).
assert_only_queries_ran() {
  assert_equal "lvs --noheadings --separator '|' -o lv_name,origin,lv_tags vg0
lvs --noheadings -o segtype vg0/root
lvs --noheadings -o lv_attr vg0/root
blkid -o value -s TYPE -- /dev/vg0/root
lvs --noheadings --separator '|' -o lv_kernel_major,lv_kernel_minor vg0/root
findmnt -rn -o TARGET,MAJ:MIN,FSROOT,FSTYPE,SOURCE
vgs --noheadings --units b --nosuffix -o vg_free,vg_extent_size,vg_size vg0
lvs --noheadings --units b --nosuffix -o lv_size vg0/root
findmnt -rn -o TARGET,MAJ:MIN,FSROOT,FSTYPE,SOURCE${1:+$'\n'$1}" "$(stub_calls lvs vgs lvcreate lvchange lvremove blkid mount umount mountpoint findmnt dar sleep)" 'the commands run'
}

# What a noop run must leave: only the queries ran, and nothing appeared anywhere.
assert_nothing_done() {
  assert_only_queries_ran
  assert_equal '' "$(target_files)" 'the files in the target'
  assert_host_clean
}

# The commands a real run would run, as noop prints them (the mount directory is not made), the
# run's tag written RUN_TAG.
expected_commands() {
  local -r anchor=${TMPDIR}/backup-gen.XXXXXXXXXX name=${PREFIX}${STAMP}-FULL
  local -r mnt=${anchor}/root epoch=$(date -d "${NOW}" +%s)
  cat <<EOF
lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag RUN_TAG --size 2G vg0/root
mktemp -d -- ${anchor}
mount --bind -- ${anchor} ${anchor}
mount --make-private -- ${anchor}
mkdir -- ${mnt}
mount -t ext4 -o ro -- /dev/vg0/root-backsnap ${mnt}
mount --bind -o ro -- /boot ${mnt}/boot
mount --make-private -- ${mnt}/boot
mkdir -p -- ${MONTH_DIR}
dar -c ${MONTH_DIR}/.${name}.partial -R ${mnt} -N -Q -n -D --modified-data-detection=any-inode-change --hash sha512 -s 1875000000 -zzstd:3 -m 150 -an -Z '*.7z' -Z '*.apk' -Z '*.br' -Z '*.bz2' -Z '*.cab' -Z '*.crx' -Z '*.deb' -Z '*.ear' -Z '*.gem' -Z '*.gz' -Z '*.jar' -Z '*.lz' -Z '*.lz4' -Z '*.lzma' -Z '*.lzo' -Z '*.rar' -Z '*.rpm' -Z '*.snap' -Z '*.squashfs' -Z '*.tbz' -Z '*.tbz2' -Z '*.tgz' -Z '*.txz' -Z '*.tzst' -Z '*.war' -Z '*.whl' -Z '*.xpi' -Z '*.xz' -Z '*.Z' -Z '*.zip' -Z '*.zst' -Z '*.avif' -Z '*.gif' -Z '*.heic' -Z '*.heif' -Z '*.jp2' -Z '*.jpeg' -Z '*.jpg' -Z '*.jxl' -Z '*.png' -Z '*.webp' -Z '*.aac' -Z '*.flac' -Z '*.m4a' -Z '*.mp3' -Z '*.ogg' -Z '*.opus' -Z '*.wma' -Z '*.3gp' -Z '*.avi' -Z '*.flv' -Z '*.m4v' -Z '*.mkv' -Z '*.mov' -Z '*.mp4' -Z '*.mpeg' -Z '*.mpg' -Z '*.webm' -Z '*.wmv' -Z '*.docx' -Z '*.epub' -Z '*.odp' -Z '*.ods' -Z '*.odt' -Z '*.pdf' -Z '*.pptx' -Z '*.xlsx' -Z '*.woff' -Z '*.woff2' -Z '*.gpg' -Z '*.age' -acase
umount -- ${mnt}/boot
umount -- ${mnt}
umount -- ${anchor}
rmdir -- ${mnt}
rm -f -- ${anchor}/made-by
rmdir -- ${anchor}
lvremove --force vg0/root-backsnap
dar -t ${MONTH_DIR}/.${name}.partial -N -Q
printf '%s  %s\n' SHA512 ${name}.1.dar > ${MONTH_DIR}/.${name}.partial.1.dar.sha512
mv -- ${MONTH_DIR}/.${name}.partial.1.dar.sha512 ${MONTH_DIR}/${name}.1.dar.sha512
mv -- ${MONTH_DIR}/.${name}.partial.1.dar ${MONTH_DIR}/${name}.1.dar
sync -- ${MONTH_DIR}/${name}.1.dar ${MONTH_DIR}/${name}.1.dar.sha512
printf '%s\n' ${name}: >> ${MONTH_DIR}/backup_deps
printf '%s\n' ${name} > ${MONTH_DIR}/latest_successful
sync -- ${MONTH_DIR}
printf '%s\n' '${name} target ok ${epoch}' >> ${MONTH_DIR}/verified
EOF
}

@test "--noop prints every command of a real run, in order, and changes nothing" {
  run -0 --separate-stderr "${SCRIPT}" --noop
  assert_equal "$(expected_commands)" "$(without_run_tag "$(grep -v '^#' <<<"${output}")")" 'the printed commands'
  assert_has_line "${output}" "# read-only query, run in noop mode too: lvs --noheadings --separator '|' -o lv_name,origin,lv_tags vg0"
  assert_has_line "${output}" "# Full backup: ${PREFIX}${STAMP}-FULL"
  assert_nothing_done
}

@test "-n changes nothing" {
  run -0 "${SCRIPT}" -n
  assert_contains "$(without_run_tag "${output}")" 'lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag RUN_TAG --size 2G vg0/root'
  assert_nothing_done
}

@test "--dry-run changes nothing" {
  run -0 "${SCRIPT}" --dry-run
  assert_contains "$(without_run_tag "${output}")" 'lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag RUN_TAG --size 2G vg0/root'
  assert_nothing_done
}

@test "the script compiled with --noop prints the same commands and changes nothing, without any flag" {
  run -0 --separate-stderr "${NOOP_SCRIPT}"
  assert_equal "$(expected_commands)" "$(without_run_tag "$(grep -v '^#' <<<"${output}")")" 'the printed commands'
  assert_nothing_done
}

@test "the month directory does not appear in noop mode" {
  run -0 "${SCRIPT}" --noop
  [[ ! -e ${MONTH_DIR} ]]
  assert_has_line "${output}" "mkdir -p -- ${MONTH_DIR}"
}

@test "noop after a FULL announces an INC of it and changes nothing" {
  run -0 "${SCRIPT}"
  local -r files=$(target_files)
  : >"${STUB_LOG}"
  run -0 "${SCRIPT}" --noop
  assert_has_line "${output}" "# Incremental backup: ${PREFIX}${STAMP}-INC"
  assert_equal "${files}" "$(target_files)" 'the files in the target'
  # The INC's reference is checked (its catalogue read) in noop mode too.
  assert_only_queries_ran "dar -l ${MONTH_DIR}/${PREFIX}${STAMP}-FULL -Q -g backup-gen-lists-nothing"
  assert_host_clean
}

@test "the --noop variant cannot be switched into a real run" {
  run -0 "${NOOP_SCRIPT}" -l INFO
  assert_nothing_done
  run -0 --separate-stderr "${NOOP_SCRIPT}" --version
  run -64 --separate-stderr "${NOOP_SCRIPT}" --no-noop
}

@test "noop mode works as an unprivileged user without the LVM tools, and creates nothing" {
  PUBLIC_DIR=$(mktemp -d /tmp/backup-gen-bats.XXXXXXXX)
  chmod 755 "${PUBLIC_DIR}"
  cp -- "${SCRIPT}" "${PUBLIC_DIR}/backup.sh"
  chmod 755 "${PUBLIC_DIR}/backup.sh"
  run --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
    env BACKUP_GEN_PATH=/usr/bin:/bin TMPDIR=/tmp "${PUBLIC_DIR}/backup.sh" --noop
  refute_contains "${stderr}" 'need root'
  assert_contains "${stderr}" 'WARNING: not installed here (a real run needs them): lvs vgs lvcreate lvchange lvremove blkid'
  assert_has_line "${output}" '# (lvs is not installed here; skipped)'
  assert_has_line "$(without_run_tag "${output}")" 'lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag RUN_TAG --size 2G vg0/root'
  assert_has_line "${output}" 'mount -t auto -o ro -- /dev/vg0/root-backsnap /tmp/backup-gen.XXXXXXXXXX/root'
  assert_equal 2 "${status}" 'exit status (finished with warnings)'
  assert_equal '' "$(target_files)" 'the files in the target'
  assert_equal '' "$(stub_calls)" 'the stubs called'
}
