#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# The snapshot's life: a leftover from a run that could not clean up is swept loudly, but only if
# it is a snapshot of the right origin; lvremove is retried while the device is busy.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  export SCRIPT
}

setup() {
  setup_run_environment
}

# line_number PATTERN: the number of the first recorded call that starts with PATTERN.
line_number() {
  stub_calls | grep -n -m 1 -F -e "$1" | cut -d: -f1
}

@test "a leftover snapshot of the same origin is removed, with a warning, before lvcreate" {
  stub_lv "${VG}" "${SNAPSHOT}" "${ORIGIN}"
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'WARNING: found snapshot vg0/root-backsnap of root left by an earlier run that did not finish; removing it'
  assert_equal "lvs --noheadings --separator '|' -o lv_name,origin vg0
findmnt -rn -o TARGET -S /dev/vg0/root-backsnap
lvs vg0/root-backsnap
lvremove --force vg0/root-backsnap
lvs --noheadings -o segtype vg0/root
blkid -o value -s TYPE -- /dev/vg0/root" "$(stub_calls lvs lvcreate lvremove blkid findmnt umount | head -n 6)" 'the first commands'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "a leftover snapshot still mounted by a killed run is unmounted, its directory removed, then the snapshot" {
  stub_lv "${VG}" "${SNAPSHOT}" "${ORIGIN}"
  local -r old=${TMPDIR}/backup-gen.0ldRun0123
  mkdir -p -- "${old}"
  "${STUB_BIN}/mount" -t ext4 -o ro -- /dev/vg0/root-backsnap "${old}"
  "${STUB_BIN}/mount" --bind -o ro -- /boot "${old}/boot"
  : >"${STUB_LOG}"
  run -2 --separate-stderr "${SCRIPT}"
  assert_equal "findmnt -rn -o TARGET -S /dev/vg0/root-backsnap
umount --recursive -- ${old}
lvs vg0/root-backsnap
lvremove --force vg0/root-backsnap" "$(stub_calls lvs lvremove findmnt umount | sed -n 2,5p)" 'the sweep'
  [[ ! -e ${old} ]]
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "an LV with the snapshot's name but another origin stops the run before lvcreate and is kept" {
  stub_lv "${VG}" "${SNAPSHOT}" home
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "vg0/root-backsnap exists but is not a snapshot of root (its origin: 'home'); not touching it"
  assert_equal 0 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_equal 0 "$(stub_call_count lvremove)" 'lvremove calls'
  assert_equal "root|
root-backsnap|home" "$(stub_lvs "${VG}")" 'the volumes of vg0'
  # Only the lock file, which stays (removing a lock file others may wait on would let two hold it).
  assert_equal '.backup-gen.lock' "$(target_files)" 'the files in the target'
}

@test "an LV with the snapshot's name that is no snapshot at all is kept too" {
  stub_lv "${VG}" "${SNAPSHOT}"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "vg0/root-backsnap exists but is not a snapshot of root (its origin: ''); not touching it"
  assert_equal 0 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_equal 0 "$(stub_call_count lvremove)" 'lvremove calls'
}

@test "a snapshot of another name and the same origin is left alone" {
  stub_lv "${VG}" someone-elses-snap "${ORIGIN}"
  run -0 --separate-stderr "${SCRIPT}"
  refute_contains "$(stub_calls lvremove)" someone-elses-snap 'the lvremove calls'
  assert_equal "root|
someone-elses-snap|root" "$(stub_lvs "${VG}")" 'the volumes of vg0'
}

@test "lvremove failing twice (in use) is retried with back-off and the run succeeds" {
  export STUB_FAIL_lvremove=5 STUB_TIMES_lvremove=2 STUB_STDERR_lvremove='  Logical volume vg0/root-backsnap in use.'
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal 3 "$(stub_call_count lvremove)" 'lvremove calls'
  assert_equal 'sleep 1
sleep 2' "$(stub_calls sleep)" 'the sleeps'
  assert_contains "${stderr}" 'WARNING: lvremove vg0/root-backsnap failed (attempt 1 of 5); retrying in 1 s'
  assert_contains "${stderr}" 'WARNING: lvremove vg0/root-backsnap failed (attempt 2 of 5); retrying in 2 s'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "lvremove failing always fails the run with a message saying how to remove the snapshot" {
  export STUB_FAIL_lvremove=5 STUB_STDERR_lvremove='  Logical volume vg0/root-backsnap in use.'
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: could not remove snapshot vg0/root-backsnap (mounted at: nowhere'
  assert_contains "${stderr}" 'remove it by hand: lvremove vg0/root-backsnap'
  assert_equal 6 "$(stub_call_count lvremove)" 'lvremove calls (5, then once more by the exit cleanup, without waiting again)'
  assert_equal "root|
root-backsnap|root" "$(stub_lvs "${VG}")" 'the volumes of vg0'
  assert_no_mounts
  assert_tmpdir_empty
  assert_no_archive
  assert_latest_successful ''
}

@test "the run after one that could not remove its snapshot sweeps it and succeeds" {
  export STUB_FAIL_lvremove=5
  run -1 "${SCRIPT}"
  unset STUB_FAIL_lvremove
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'WARNING: found snapshot vg0/root-backsnap of root left by an earlier run'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}
