#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# [backup] target_must_be_mounted and [rsync] target_dir_must_be_mounted: an NFS or USB file system
# that is not mounted leaves an empty directory on the file system below it, which must not fill up
# with a backup or a copy. And [rsync] io_timeout: a hung file server never makes the run wait for
# ever. The fake mount table of the stubs says what is mounted (stub_mount_point).

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-mounted)
  export SCRIPT
}

setup() {
  setup_run_environment
  rm -f -- "${TARGET}.lock" "${MIRROR}.wake"
}

mirror_files() {
  (cd "${MIRROR:?}" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort)
}

@test "a target that is not a mount point stops the run before the lock and before any snapshot, naming the key" {
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "ERROR: target directory ${TARGET} is not a mount point: is its file system mounted? ([backup] target_must_be_mounted)"
  assert_equal "mountpoint -q -- ${TARGET}" "$(stub_calls)" 'the commands run'
  [[ ! -e ${TARGET}.lock ]]
  assert_equal '' "$(target_files)" 'the files in the target'
  assert_equal '' "$(mirror_files)" 'the files in the mirror'
}

@test "a target and a mirror that are mount points are backed up and copied, with rsync bounded by io_timeout" {
  stub_mount_point "${TARGET}"
  stub_mount_point "${MIRROR}" usb-disk
  run -0 --separate-stderr "${SCRIPT}"
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_equal "$(target_files | grep -vx .backup-gen.lock | grep -v "/verified$")" "$(mirror_files)" 'the files in the mirror'
  local -r filter="'--exclude=.*.partial.*' '--exclude=.*.tmp' --exclude=/.backup-gen.lock --exclude=backup_deps --exclude=latest_successful --exclude=verified --exclude=pruned '--exclude=[0-9][0-9][0-9][0-9]-[0-9][0-9]/catalogues/'"
  assert_equal "mountpoint -q -- ${TARGET}
mountpoint -q -- ${MIRROR}
rsync -a -v --timeout=2 --from0 --files-from=LIST --ignore-existing ${filter} -- ${TARGET}/ ${MIRROR}/
rsync -a -n -i --size-only --timeout=2 --from0 --files-from=LIST ${filter} -- ${TARGET}/ ${MIRROR}/
rsync -a -v --timeout=2 '--exclude=[0-9][0-9][0-9][0-9]-[0-9][0-9]/catalogues/' '--include=*/' --include=backup_deps --include=latest_successful '--exclude=*' -- ${MIRROR}/ STAGING/
rsync -a -v --timeout=2 '--include=*/' --include=backup_deps --include=latest_successful '--exclude=*' -- STAGING/ ${MIRROR}/" "$(stub_calls mountpoint rsync | sed -E -e 's|--files-from=[^ ]*/backup-gen-mirror\.[^ ]*|--files-from=LIST|' -e 's|[^ ]*/backup-gen-mirror\.[^ /]*/|STAGING/|g')" 'the mount checks and the copy'
}

@test "a mirror that is not a mount point is not copied to, naming the key; the backup is kept" {
  stub_mount_point "${TARGET}"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "ERROR: mirror directory ${MIRROR} is not a mount point: is its file system mounted? ([rsync] target_dir_must_be_mounted)"
  assert_equal 0 "$(stub_call_count rsync)" 'rsync calls'
  assert_equal '' "$(mirror_files)" 'the files in the mirror'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
}

@test "a touch_file that does not answer (a hung file server) is given up after io_timeout seconds, naming the keys" {
  stub_mount_point "${TARGET}"
  stub_mount_point "${MIRROR}"
  ln -s -- "${STUB_HELPER_DIR}/stub-command" "${STUB_BIN}/touch"
  export STUB_HANG_touch=10 STUB_MATCH_touch=${MIRROR}.wake STUB_TIMES_touch=1
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "ERROR: touch ${MIRROR}.wake did not return within 2 s: is the mirror's file server hung? ([rsync] touch_file, io_timeout)"
  assert_equal 1 "$(stub_call_count touch)" 'touch calls'
  assert_equal 0 "$(stub_call_count rsync)" 'rsync calls'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
}
