#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# A [bindmounts] path is mounted only on a real directory inside the snapshot: a symbolic link
# there (absolute, or with ..) would put the read-only bind mount on the live system. The run must
# fail before it mounts any bind mount, and leave nothing behind.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  export SCRIPT
}

setup() {
  setup_run_environment
  # This test's own snapshot content: /boot in the volume is a link to a live directory.
  export STUB_SNAPSHOT_TREE=${BATS_TEST_TMPDIR}/volume
  LIVE=${BATS_TEST_TMPDIR}/live-boot
  mkdir -p -- "${STUB_SNAPSHOT_TREE}/etc" "${LIVE}"
  printf 'live data\n' >"${LIVE}/kernel"
}

assert_failed_before_any_bind_mount() {
  refute_contains "$(stub_calls mount)" '--bind -o ro' 'the mount calls'
  assert_equal "live data" "$(<"${LIVE}/kernel")" 'the live directory'
  assert_host_clean
  assert_no_archive
  assert_latest_successful ''
}

@test "a [bindmounts] path that is a symbolic link in the volume fails the run before any bind mount" {
  ln -s -- "${LIVE}" "${STUB_SNAPSHOT_TREE}/boot"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "ERROR: cannot bind-mount /boot into the snapshot: /boot in the volume is a symbolic link (to ${LIVE}), and a bind mount on it would land outside the snapshot"
  assert_failed_before_any_bind_mount
}

@test "a relative symbolic link that leads out of the snapshot is refused as well" {
  ln -s -- ../../../../.. "${STUB_SNAPSHOT_TREE}/boot"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "/boot in the volume is a symbolic link (to ../../../../..)"
  assert_failed_before_any_bind_mount
}

@test "a [bindmounts] path missing from the volume names the directory to create" {
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'cannot bind-mount /boot into the snapshot: the volume has no directory /boot to mount it on; create it (empty) in the volume'
  assert_failed_before_any_bind_mount
}
