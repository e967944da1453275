#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# The snapshot's size: checked against the volume group's free space before anything is created,
# left out for a thin origin, and checked after dar: an overflowed snapshot is never published.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  THIN_SCRIPT=$(compile_fixture lvm-thin)
  PERCENT_SCRIPT=$(compile_fixture lvm-percent)
  export SCRIPT THIN_SCRIPT PERCENT_SCRIPT
}

setup() {
  setup_run_environment
}

# Nothing was created: no lvcreate ran, the host is clean and there is no archive.
assert_nothing_created() {
  assert_equal '' "$(stub_calls lvcreate)" 'lvcreate calls'
  assert_host_clean
  assert_no_archive
}

@test "a volume group without room for the snapshot stops the run before anything is created" {
  export STUB_VG_FREE=$((1024 * 1048576))
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: not enough free space in volume group vg0 for the snapshot of root: it needs 2048 MiB (snapshot_size = 2G), the volume group has 1024 MiB free'
  assert_nothing_created
}

@test "a snapshot that just fits, rounded up to whole extents, goes ahead" {
  export STUB_VG_FREE=$((2048 * 1048576))
  run -0 "${SCRIPT}"
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
}

@test "20%ORIGIN is measured against the origin's size" {
  export STUB_LV_SIZE=$((10240 * 1048576)) STUB_VG_FREE=$((2000 * 1048576))
  run -1 --separate-stderr "${PERCENT_SCRIPT}"
  assert_contains "${stderr}" 'it needs 2048 MiB (snapshot_size = 20%ORIGIN), the volume group has 2000 MiB free'
  assert_nothing_created
}

@test "20%ORIGIN goes to lvcreate as --extents" {
  run -0 "${PERCENT_SCRIPT}"
  assert_has_line "$(stub_calls lvcreate)" 'lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag RUN_TAG --extents 20%ORIGIN vg0/root'
}

@test "a thin origin gets a thin snapshot: no size, activated with -K" {
  export STUB_SEGTYPE=thin
  run -0 "${THIN_SCRIPT}"
  assert_equal 'lvcreate --snapshot --name root-backsnap --addtag backup-gen --addtag RUN_TAG vg0/root
lvchange --activate y --ignoreactivationskip vg0/root-backsnap' "$(stub_calls lvcreate lvchange)" 'the snapshot commands'
  refute_contains "$(stub_calls vgs)" 'vgs' 'the free-space query'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "a snapshot_size for a thin origin is a clear error before anything is created" {
  export STUB_SEGTYPE=thin
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: vg0/root is a thin volume: its snapshot is a thin snapshot, which takes no size; remove snapshot_size from [lvm]'
  assert_nothing_created
}

@test "no snapshot_size for a thick origin is a clear error before anything is created" {
  run -1 --separate-stderr "${THIN_SCRIPT}"
  assert_contains "${stderr}" 'ERROR: vg0/root is not a thin volume (segment type linear): its snapshot needs snapshot_size in [lvm]'
  assert_nothing_created
}

@test "a snapshot LVM invalidated during dar fails the run, publishes nothing and suggests a size" {
  export STUB_SNAP_ATTR=swi-Ios--- STUB_SNAP_PERCENT=100.00 STUB_SNAP_SIZE=$((2048 * 1048576))
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: snapshot vg0/root-backsnap overflowed during the backup (LVM invalidated it): what dar read is not consistent, so the archive was not published; it had 2048 MiB for the writes made while dar ran: give it several times that, e.g. snapshot_size = 8192M'
  assert_host_clean
  assert_no_archive
  assert_latest_successful ''
}

@test "a snapshot that filled up to 100% is treated as overflowed too" {
  export STUB_SNAP_PERCENT=100.00
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'overflowed during the backup'
  assert_no_archive
}

@test "a snapshot that held is reported and the archive published" {
  export STUB_SNAP_PERCENT=37.50
  run -0 --separate-stderr "${SCRIPT}" -l INFO
  assert_contains "${stderr}" 'INFO: snapshot vg0/root-backsnap held: 37.50% of its space used'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
}
