#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# Sources are independent: one that fails does not cost the others their backup. Every source is
# attempted; the run exits 1 at the end, naming what failed and what was published.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-two-volumes)
  export SCRIPT
}

setup() {
  setup_run_environment
  stub_lv "${VG}" home
}

@test "a root snapshot that cannot be made still lets home be backed up; the run fails, naming root" {
  export STUB_FAIL_lvcreate=5 STUB_MATCH_lvcreate=vg0/root STUB_STDERR_lvcreate='  Volume group "vg0" has insufficient free space.'
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: source main failed (exit 1); its chain did not move; going on with the other sources'
  assert_contains "${stderr}" 'ERROR: the backup of main failed (see above); backed up and published: home'
  [[ -f ${TARGET}/home/${MONTH}/testhost-home-${STAMP}-FULL.1.dar ]]
  assert_equal "testhost-home-${STAMP}-FULL" "$(<"${TARGET}/home/${MONTH}/latest_successful")" 'home latest_successful'
  assert_equal '' "$(find "${TARGET}" -maxdepth 1 -name "${MONTH}")" "main's month directory"
  assert_equal '' "$(stub_mounts)" 'the fake mount table'
  assert_equal "home|
root|" "$(stub_lvs "${VG}" | LC_ALL=C sort)" 'the volumes of vg0'
  assert_tmpdir_empty
}

@test "dar failing for the first source still backs up the second; each source's teardown ran" {
  export STUB_EXIT_dar=2 STUB_MATCH_dar=-c STUB_TIMES_dar=1
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'dar failed (exit 2: hardware problem or out of memory); nothing was published'
  assert_contains "${stderr}" 'backed up and published: home'
  assert_equal '' "$(find "${TARGET}" -name '.*.partial.*')" 'partial slices'
  [[ -f ${TARGET}/home/${MONTH}/testhost-home-${STAMP}-FULL.1.dar ]]
  assert_equal 2 "$(stub_calls lvremove | wc -l)" 'lvremove calls'
  assert_equal '' "$(stub_mounts)" 'the fake mount table'
}

@test "two at a time: home waits while root's snapshot holds the room the volume group has, then both are published" {
  # 2.5 GiB free: root's 2G snapshot, or home's 1G, but not both at once.
  export STUB_VG_FREE=2684354560 STUB_VG_SIZE=10737418240
  printf '#!/bin/bash\necho 2\n' >"${STUB_BIN}/nproc"
  chmod +x "${STUB_BIN}/nproc"
  run -0 --separate-stderr "${SCRIPT}" -l INFO
  assert_contains "${stderr}" 'INFO: up to 2 sources at a time ([backup] parallel)'
  assert_contains "${stderr}" 'INFO: source home waits for a source that runs: volume group vg0 has 2560 MiB free for the snapshots of this run, not enough for this snapshot (1024 MiB) beside theirs'
  assert_equal "testhost-${STAMP}-FULL" "$(<"${TARGET}/${MONTH}/latest_successful")" 'root latest_successful'
  assert_equal "testhost-home-${STAMP}-FULL" "$(<"${TARGET}/home/${MONTH}/latest_successful")" 'home latest_successful'
}

@test "two at a time with room for both: neither waits" {
  export STUB_VG_FREE=4294967296 STUB_VG_SIZE=10737418240
  printf '#!/bin/bash\necho 2\n' >"${STUB_BIN}/nproc"
  chmod +x "${STUB_BIN}/nproc"
  run -0 --separate-stderr "${SCRIPT}" -l INFO
  assert_contains "${stderr}" 'INFO: up to 2 sources at a time ([backup] parallel)'
  [[ ${stderr} != *waits* ]]
}
