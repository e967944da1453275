#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# Each external command failing in turn. After any failure the host is as before the run (no
# mount, no snapshot, no temporary directory), the target holds exactly what it held (no new or
# partial archive, backup_deps and latest_successful unchanged), and the exit code is 1.
# Every test starts from a FULL (made once per file), so "unchanged" has something to compare with.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  export SCRIPT
  prime_full_backup "${SCRIPT}"
}

setup() {
  setup_from_full_backup
  : >"${STUB_LOG}"
}

# The target and the host are exactly as the FULL left them.
assert_nothing_changed() {
  assert_equal "${BEFORE}" "$(target_files)" 'the files in the target'
  assert_equal "${DEPS_BEFORE}" "$(<"${MONTH_DIR}/backup_deps")" backup_deps
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

# The snapshot was created, so it was removed: lvremove came after lvcreate.
assert_snapshot_removed_after_creation() {
  local -r calls=$(stub_calls lvcreate lvremove)
  assert_equal "lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag RUN_TAG --size 2G vg0/root" "$(head -n 1 <<<"${calls}")" 'the first LVM change'
  assert_equal "lvremove --force vg0/root-backsnap" "$(tail -n 1 <<<"${calls}")" 'the last LVM change'
}

@test "lvcreate failing stops the run before anything is mounted and nothing is left to remove" {
  export STUB_FAIL_lvcreate=5 STUB_STDERR_lvcreate='  Volume group "vg0" has insufficient free space (10 extents): 512 required.'
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'insufficient free space'
  assert_equal 1 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_equal 0 "$(stub_call_count mount)" 'mount calls'
  assert_equal 0 "$(stub_call_count lvremove)" 'lvremove calls'
  assert_equal 0 "$(stub_call_count dar)" 'dar calls'
  assert_nothing_changed
}

@test "blkid failing stops the run before the snapshot is created" {
  export STUB_FAIL_blkid=2
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'cannot tell the filesystem type of /dev/vg0/root'
  assert_equal 0 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_equal 0 "$(stub_call_count mount)" 'mount calls'
  assert_nothing_changed
}

@test "blkid finding no filesystem stops the run before the snapshot is created" {
  export STUB_BLKID_TYPE=
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'blkid found none'
  assert_equal 0 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_nothing_changed
}

@test "the snapshot mount failing removes the snapshot and the mount directory" {
  export STUB_FAIL_mount=32 STUB_MATCH_mount=-t STUB_STDERR_mount='mount: wrong fs type, bad option, bad superblock'
  run -1 --separate-stderr "${SCRIPT}"
  assert_equal 0 "$(stub_call_count dar)" 'dar calls'
  refute_contains "$(stub_calls mount)" '--bind -o ro' 'the mount calls'
  assert_snapshot_removed_after_creation
  assert_nothing_changed
}

@test "the bind mount failing unmounts the snapshot and removes it" {
  export STUB_FAIL_mount=32 STUB_MATCH_mount=/boot STUB_STDERR_mount='mount: /boot: special device does not exist.'
  run -1 --separate-stderr "${SCRIPT}"
  assert_equal 0 "$(stub_call_count dar)" 'dar calls'
  assert_has_line "$(calls_with_mnt umount)" 'umount -- MNT' 'the umount calls'
  assert_snapshot_removed_after_creation
  assert_nothing_changed
}

@test "dar failing after writing part of the archive removes the partial slice and publishes nothing" {
  export STUB_EXIT_dar=2 STUB_MATCH_dar=-c
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'dar failed (exit 2: hardware problem or out of memory); nothing was published'
  assert_equal 1 "$(stub_calls dar | grep -c '^dar -c ')" 'dar -c calls'
  assert_snapshot_removed_after_creation
  assert_nothing_changed
}

@test "dar failing at once (exit 1, a syntax error) publishes nothing" {
  export STUB_FAIL_dar=1 STUB_MATCH_dar=-c
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'dar failed (exit 1: syntax error on the command line)'
  assert_snapshot_removed_after_creation
  assert_nothing_changed
}

@test "dar -t failing on the archive just written publishes nothing, after the snapshot is gone" {
  export STUB_FAIL_dar=4 STUB_MATCH_dar=-t
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "ERROR: dar -t found ${PREFIX}${STAMP}-INC damaged or unreadable (exit 4: "
  assert_contains "${stderr}" 'it was not published and the chain did not move'
  local -r calls=$(stub_calls lvremove dar)
  assert_equal 'lvremove --force vg0/root-backsnap' "$(grep -e '^lvremove' <<<"${calls}" | head -n 1)" 'the snapshot removal'
  [[ ${calls} == *$'lvremove --force vg0/root-backsnap\ndar -t '* ]] || { printf 'dar -t did not come after lvremove:\n%s\n' "${calls}" >&2; return 1; }
  assert_nothing_changed
}

@test "a slice damaged after dar wrote it is found by the real dar -t: nothing published" {
  # dar as usual, but 16 bytes in the middle of each new slice are overwritten right after dar -c
  # wrote it (a bad disk, a bit flip on the way).
  rm -f -- "${STUB_BIN}/dar"
  cat >"${STUB_BIN}/dar" <<STUB
#!/usr/bin/env bash
/usr/bin/dar "\$@"
status=\$?
if [[ \$1 == -c ]]; then
  for slice in "\$2".*.dar; do
    size=\$(stat -c %s -- "\${slice}")
    printf '\\xa5%.0s' {1..16} | dd of="\${slice}" bs=1 seek=\$((size / 2 - 8)) conv=notrunc status=none
  done
fi
exit "\${status}"
STUB
  chmod +x -- "${STUB_BIN}/dar"
  # File data in the INC, where dar keeps a checksum (an INC of only a catalogue has none mid-slice).
  seq 1 20000 >"${SNAPSHOT_TREE}/etc/new-data"
  run -1 --separate-stderr "${SCRIPT}"
  rm -f -- "${SNAPSHOT_TREE}/etc/new-data"
  assert_contains "${stderr}" "ERROR: dar -t found ${PREFIX}${STAMP}-INC damaged or unreadable"
  assert_nothing_changed
}

@test "umount busy once (a process that lets go a moment later) is tried again: the run goes on and publishes" {
  export STUB_FAIL_umount=32 STUB_TIMES_umount=1 STUB_STDERR_umount='umount: target is busy.'
  run -0 --separate-stderr "${SCRIPT}"
  [[ ${stderr} =~ WARNING:\ umount\ [^\ ]+\ failed\ \(exit\ 32,\ attempt\ 1\ of\ 3\)\;\ retrying\ in\ 1\ s ]]
  refute_contains "${stderr}" 'ERROR'
  assert_latest_successful "${PREFIX}${STAMP}-INC"
  assert_snapshot_removed_after_creation
  assert_host_clean
}

@test "umount failing through its retries (target is busy) fails the run, publishes nothing, and the exit cleanup retries it" {
  export STUB_FAIL_umount=32 STUB_TIMES_umount=3 STUB_STDERR_umount='umount: target is busy.'
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: could not unmount '
  assert_has_line "$(calls_with_mnt mountpoint)" 'mountpoint -q -- MNT/boot' 'the mountpoint calls'
  assert_snapshot_removed_after_creation
  assert_nothing_changed
}

@test "lvremove failing through all its retries fails the run, publishes nothing, and the exit cleanup retries it" {
  export STUB_FAIL_lvremove=5 STUB_TIMES_lvremove=5 STUB_STDERR_lvremove='  Logical volume vg0/root-backsnap in use.'
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'could not remove snapshot vg0/root-backsnap'
  assert_equal 6 "$(stub_call_count lvremove)" 'lvremove calls'
  assert_snapshot_removed_after_creation
  assert_nothing_changed
}

@test "umount saying 'not mounted' (exit 32) during teardown is not an error" {
  export STUB_SKIP_mount=1 STUB_MATCH_mount=/boot
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal "umount -- MNT/boot
umount -- MNT
umount -- ANCHOR" "$(calls_with_mnt umount)" 'the umount calls'
  assert_has_line "$(calls_with_mnt mountpoint)" 'mountpoint -q -- MNT/boot' 'the mountpoint calls'
  refute_contains "${stderr}" 'ERROR'
  assert_latest_successful "${PREFIX}${STAMP}-INC"
  assert_host_clean
}

@test "dar exit 5 (some files not saved) publishes the archive and exits 2 with a warning" {
  export STUB_EXIT_dar=5 STUB_MATCH_dar=-c
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'WARNING: dar could not read some files and did not save them (exit 5)'
  assert_latest_successful "${PREFIX}${STAMP}-INC"
  [[ -f ${MONTH_DIR}/${PREFIX}${STAMP}-INC.1.dar ]]
  assert_has_line "$(<"${MONTH_DIR}/backup_deps")" "${PREFIX}${STAMP}-INC:${PREFIX}${STAMP}-FULL" backup_deps
  assert_host_clean
}

@test "dar exit 11 (files changed while saved) publishes the archive and exits 2 with a warning" {
  export STUB_EXIT_dar=11 STUB_MATCH_dar=-c
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'WARNING: some files changed while dar saved them (exit 11)'
  assert_latest_successful "${PREFIX}${STAMP}-INC"
  [[ -f ${MONTH_DIR}/${PREFIX}${STAMP}-INC.1.dar ]]
  assert_host_clean
}
