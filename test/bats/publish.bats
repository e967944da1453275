#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# Publishing is the commit of a backup: a signal in the middle of it, a killed run, a damaged
# reference archive or a full disk must never delete a published archive, leave one that no chain
# records, or stop later runs. LVM tools are stubs; dar, mv and sync are the real ones.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  export SCRIPT
  prime_full_backup "${SCRIPT}"
}

setup() {
  setup_from_full_backup
  stubs_setup "${STUB_COMMANDS[@]}" mv sync
  stub_lv "${VG}" "${ORIGIN}"
  SCRIPT_PID=''
  FULL=${PREFIX}${STAMP}-FULL INC=${PREFIX}${STAMP}-INC
}

teardown() {
  local mounted
  if [[ -n ${SCRIPT_PID} ]] && kill -0 "${SCRIPT_PID}" 2>/dev/null; then
    kill -KILL "${SCRIPT_PID}" 2>/dev/null || true
  fi
  # What the full-disk test mounted, if it stopped before unmounting it.
  for mounted in "${TARGET}" "${BATS_TEST_TMPDIR}/small"; do
    if mountpoint -q -- "${mounted}" 2>/dev/null; then
      umount -- "${mounted}" || true
    fi
  done
}

@test "SIGTERM right after latest_successful moved keeps the archive it names, and the run exits 143" {
  export STUB_HANG_mv=2 STUB_MATCH_mv=${MONTH_DIR}/latest_successful
  start_script "${SCRIPT}"
  stub_wait_hanging mv >/dev/null
  kill -TERM "${SCRIPT_PID}"
  STATUS=0
  wait "${SCRIPT_PID}" || STATUS=$?
  assert_equal 143 "${STATUS}" 'exit status'
  assert_latest_successful "${INC}"
  [[ -f ${MONTH_DIR}/${INC}.1.dar ]]
  assert_has_line "$(<"${MONTH_DIR}/backup_deps")" "${INC}:${FULL}" backup_deps
  assert_contains "$(<"${BATS_TEST_TMPDIR}/stderr")" "SIGTERM came while ${INC} was being published; it was published whole first"
  assert_host_clean
}

@test "the slices and the new bookkeeping are flushed to disk before latest_successful moves" {
  run -0 --separate-stderr "${SCRIPT}"
  local -r calls=$(stub_calls sync mv)
  local -r commit="mv -f -- ${MONTH_DIR}/.latest_successful.tmp ${MONTH_DIR}/latest_successful"
  assert_has_line "${calls}" "${commit}" 'the sync and mv calls'
  local -r before_commit=${calls%%"${commit}"*}
  assert_has_line "${before_commit}" "sync -- ${MONTH_DIR}/${INC}.1.dar ${MONTH_DIR}/${INC}.1.dar.sha512" 'the calls before the commit'
  assert_has_line "${before_commit}" "sync -- ${MONTH_DIR}/.backup_deps.tmp" 'the calls before the commit'
  assert_has_line "${before_commit}" "sync -- ${MONTH_DIR}/.latest_successful.tmp" 'the calls before the commit'
}

@test "slices a killed run had renamed but not recorded are removed with a warning, never chained" {
  # Killed between renaming its slices and writing backup_deps: whole-looking, but in no chain.
  # Made after the last recorded archive, as such a run's are.
  cp -- "${MONTH_DIR}/${FULL}.1.dar" "${MONTH_DIR}/${PREFIX}${STAMP}.2-INC.1.dar"
  printf 'x' >"${MONTH_DIR}/${PREFIX}${STAMP}.2-INC.2.dar"
  printf 'x' >"${MONTH_DIR}/${PREFIX}${STAMP}.2-INC.2.dar.sha512"
  # Another profile's archive and partial slice in the same target are not this run's to judge.
  printf 'x' >"${MONTH_DIR}/${PREFIX}db-2024-05-17T1031-FULL.1.dar"
  printf 'x' >"${MONTH_DIR}/.${PREFIX}db-2024-05-17T1031-INC.partial.1.dar"
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "removing 3 file(s) in ${TARGET} that backup_deps does not record"
  [[ ! -e ${MONTH_DIR}/${PREFIX}${STAMP}.2-INC.1.dar ]]
  [[ ! -e ${MONTH_DIR}/${PREFIX}${STAMP}.2-INC.2.dar ]]
  [[ -e ${MONTH_DIR}/${PREFIX}db-2024-05-17T1031-FULL.1.dar ]]
  [[ -e ${MONTH_DIR}/.${PREFIX}db-2024-05-17T1031-INC.partial.1.dar ]]
  # Named after what the minute held when the run began: a name is never used twice.
  assert_latest_successful "${PREFIX}${STAMP}.3-INC"
  assert_has_line "$(<"${MONTH_DIR}/backup_deps")" "${PREFIX}${STAMP}.3-INC:${FULL}" backup_deps
}

@test "slices backup_deps does not record that are not one killed publish are a disagreement: kept, a new chain, restore fails naming them" {
  # Older than the last recorded archive, or two of them: not what a killed publisher leaves.
  printf 'x' >"${MONTH_DIR}/${PREFIX}2024-05-17T0400-INC.1.dar"
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "disagree: backup_deps does not record ${PREFIX}2024-05-17T0400-INC, whose slices are there; STARTING A NEW CHAIN WITH A FULL"
  [[ -e ${MONTH_DIR}/${PREFIX}2024-05-17T0400-INC.1.dar ]]
  assert_latest_successful "${PREFIX}${STAMP}.2-FULL"
  run -1 --separate-stderr "${SCRIPT}" restore --to "${BATS_TEST_TMPDIR}/restored"
  assert_contains "${stderr}" "the records disagree"
}

@test "without a readable backup_deps no slice is taken for a killed run's" {
  rm -- "${MONTH_DIR}/backup_deps"
  run -2 --separate-stderr "${SCRIPT}"
  [[ -f ${MONTH_DIR}/${FULL}.1.dar ]]
  refute_contains "${stderr}" 'removing'
  assert_contains "${stderr}" "latest_successful names ${FULL}, which backup_deps does not record"
}

@test "a reference whose catalogue dar cannot read starts a new chain with a FULL, loudly" {
  local -r size=$(stat -c %s -- "${MONTH_DIR}/${FULL}.1.dar")
  truncate -s $((size / 2)) -- "${MONTH_DIR}/${FULL}.1.dar"
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "WARNING: the last good archive ${MONTH_DIR}/${FULL} cannot be the reference of an INC: dar cannot read its catalogue"
  assert_contains "${stderr}" 'STARTING A NEW CHAIN WITH A FULL'
  assert_latest_successful "${PREFIX}${STAMP}.2-FULL"
  assert_has_line "$(<"${MONTH_DIR}/backup_deps")" "${PREFIX}${STAMP}.2-FULL:" backup_deps
  run -0 dar -Q -t "${MONTH_DIR}/${PREFIX}${STAMP}.2-FULL"
  assert_host_clean
}

@test "a reference with a missing slice starts a new chain with a FULL, naming the slice" {
  # The FULL as a set of three slices with the middle one gone (dar -l alone would not notice).
  mv -- "${MONTH_DIR}/${FULL}.1.dar" "${MONTH_DIR}/${FULL}.3.dar"
  printf 'x' >"${MONTH_DIR}/${FULL}.1.dar"
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "cannot be the reference of an INC: its slice ${FULL}.2.dar is missing"
  assert_latest_successful "${PREFIX}${STAMP}.2-FULL"
}

@test "a full disk while writing backup_deps leaves no temporary file, publishes nothing, and says so" {
  if ((EUID != 0)); then
    skip 'needs root: the target is a small tmpfs that the test fills'
  fi
  local -r small=${BATS_TEST_TMPDIR}/small
  mkdir -p -- "${small}"
  mount -t tmpfs -o size=2m -- backup-gen-test "${small}"
  cp -a -- "${TARGET}/." "${small}/"
  # A target made a mount point with the small tmpfs in it: the script's paths stay the same.
  mount --bind -- "${small}" "${TARGET}"
  # The disk fills up between dar and the bookkeeping (the first sync is that of the slices).
  rm -f -- "${STUB_BIN}/sync"
  cat >"${STUB_BIN}/sync" <<SYNC
#!/usr/bin/env bash
if [[ \$2 == *.dar ]]; then
  dd if=/dev/zero of=${TARGET}/filler bs=64k status=none 2>/dev/null
fi
exec /usr/bin/sync "\$@"
SYNC
  chmod +x -- "${STUB_BIN}/sync"
  run -1 --separate-stderr "${SCRIPT}"
  rm -f -- "${TARGET}/filler"
  local -r left=$(find "${TARGET}" -name '*.tmp')
  local -r files=$(target_files)
  umount -- "${TARGET}"
  umount -- "${small}"
  assert_contains "${stderr}" "cannot write ${MONTH_DIR}/.backup_deps.tmp"
  assert_contains "${stderr}" "${INC} was not published and the chain did not move"
  assert_equal '' "${left}" 'temporary files left in the target'
  assert_equal "${BEFORE}" "${files}" 'the files in the target'
  assert_host_clean
}

@test "SIGTERM to the whole process group while latest_successful moves cannot cut the rename short" {
  export STUB_HANG_mv=2 STUB_MATCH_mv=${MONTH_DIR}/latest_successful
  # In a process group of its own, as under cron or systemd, so that the group can be signalled.
  setsid env --default-signal=HUP,INT,QUIT,TERM "${SCRIPT}" >"${BATS_TEST_TMPDIR}/stdout" 2>"${BATS_TEST_TMPDIR}/stderr" 3>&- &
  SCRIPT_PID=$!
  stub_wait_hanging mv >/dev/null
  kill -TERM -- "-${SCRIPT_PID}"
  STATUS=0
  wait "${SCRIPT_PID}" || STATUS=$?
  assert_equal 143 "${STATUS}" 'exit status'
  assert_latest_successful "${INC}"
  [[ -f ${MONTH_DIR}/${INC}.1.dar ]]
  assert_has_line "$(<"${MONTH_DIR}/backup_deps")" "${INC}:${FULL}" backup_deps
  assert_host_clean
}
