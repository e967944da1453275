#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# [rsync] target_dir = user@host:/path: the copy goes over ssh, with the profile's key file and port
# and BatchMode (never a password prompt at night). The ssh stub records its arguments and runs the
# remote command on this host, so the real rsync really copies, both passes.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-mirror-remote)
  export SCRIPT
}

setup() {
  setup_run_environment
  ln -s -- "${STUB_HELPER_DIR}/stub-command" "${STUB_BIN}/ssh"
  SSH='ssh -o BatchMode=yes -o ConnectTimeout=600 -p 2222 -i /etc/backup-gen/id_ed25519'
}

mirror_files() {
  (cd "${MIRROR:?}" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort)
}

@test "a remote mirror gets the backup set over ssh, with the profile's key file and port, in batch mode" {
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal "$(target_files | grep -vx .backup-gen.lock | grep -v "/verified$")" "$(mirror_files)" 'the files in the mirror'
  assert_equal 5 "$(stub_call_count ssh)" 'ssh calls (the archives pass, its comparison, the sha512 check of the copy, the bookkeeping read and written back)'
  local call
  while IFS= read -r call; do
    assert_contains "${call}" "${SSH} -l backup mirror.example rsync --server " 'the ssh call'
  done < <(stub_calls ssh | sed -n '1,2p;4,5p')
  # After the copy, the new archive's sha512 is computed on the mirror's host; only the hash comes back.
  assert_equal "${SSH} backup@mirror.example 'sha512sum -- ${MIRROR}/${MONTH}/${PREFIX}${STAMP}-FULL.1.dar'" "$(stub_calls ssh | sed -n 3p)" 'the check of the copy'
  grep -qE "^${PREFIX}${STAMP}-FULL mirror ok [0-9]+$" "${TARGET}/${MONTH}/verified"
  local -r filter="'--exclude=.*.partial.*' '--exclude=.*.tmp' --exclude=/.backup-gen.lock --exclude=backup_deps --exclude=latest_successful --exclude=verified --exclude=pruned '--exclude=[0-9][0-9][0-9][0-9]-[0-9][0-9]/catalogues/'"
  assert_equal "rsync -a -v --timeout=600 -e '${SSH}' --from0 --files-from=LIST --ignore-existing ${filter} -- ${TARGET}/ backup@mirror.example:${MIRROR}/
rsync -a -n -i --size-only --timeout=600 -e '${SSH}' --from0 --files-from=LIST ${filter} -- ${TARGET}/ backup@mirror.example:${MIRROR}/" "$(stub_calls rsync | grep -v -e ' --server ' | head -n 2 | sed -E 's|--files-from=[^ ]*/backup-gen-mirror\.[^ ]*|--files-from=LIST|')" 'the rsync calls of the archives pass'
  assert_equal "${PREFIX}${STAMP}-FULL:" "$(<"${MIRROR}/${MONTH}/backup_deps")" "the mirror's backup_deps"
  assert_equal "${PREFIX}${STAMP}-FULL" "$(<"${MIRROR}/${MONTH}/latest_successful")" "the mirror's latest_successful"
}

@test "the remote directory is not checked here: INFO says so, and no local directory of that name is looked at" {
  # Here the "remote" host is this one: without a local check, rsync's remote side makes it.
  rmdir -- "${MIRROR}"
  run -0 --separate-stderr "${SCRIPT}" -l INFO
  assert_contains "${stderr}" "INFO: the mirror backup@mirror.example:${MIRROR} is remote: its directory is not checked before rsync"
  assert_equal 0 "$(stub_call_count mountpoint)" 'mountpoint calls'
  assert_equal "$(target_files | grep -vx .backup-gen.lock | grep -v "/verified$")" "$(mirror_files)" 'the files in the mirror'
}

@test "ssh failing (host unreachable, key refused) fails the run and keeps the backup, which is complete" {
  export STUB_FAIL_ssh=255 STUB_STDERR_ssh='ssh: connect to host mirror.example port 2222: Connection refused'
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "ERROR: rsync to backup@mirror.example:${MIRROR} failed"
  assert_equal 1 "$(stub_call_count ssh)" 'ssh calls'
  assert_equal '' "$(mirror_files)" 'the files in the mirror'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "restore --from-mirror reads a remote mirror: the chain is fetched over ssh into DIR, restored, and the fetched copy removed" {
  run -0 --separate-stderr "${SCRIPT}"
  # The local target is lost.
  rm -rf -- "${TARGET:?}/${MONTH}"
  local -r restored=${BATS_TEST_TMPDIR}/restored
  run -0 --separate-stderr "${SCRIPT}" restore --from-mirror --to "${restored}"
  assert_contains "${output}" "Restoring ${PREFIX}${STAMP}-FULL (1 of 1)"
  run -0 diff -r -- "${SNAPSHOT_TREE}" "${restored}"
  assert_equal '' "$(find "${restored}" -maxdepth 1 -name '.backup-gen-staging.*')" 'what is left of the fetched copy'
  # Fetched with rsync over the profile's ssh: the bookkeeping first, then only the chain's files.
  assert_contains "$(stub_calls rsync | tail -n 2)" "'--include=${PREFIX}${STAMP}-FULL.*.dar' '--include=${PREFIX}${STAMP}-FULL.*.dar.sha512' '--exclude=*' -- backup@mirror.example:${MIRROR}/${MONTH}/ ${restored}/.backup-gen-staging."
}

@test "verify --mirror on a remote mirror computes the sha512 there and names a damaged slice" {
  local -r name=${PREFIX}${STAMP}-FULL
  run -0 --separate-stderr "${SCRIPT}"
  run -0 --separate-stderr "${SCRIPT}" verify --mirror
  printf '\x00' | dd of="${MIRROR}/${MONTH}/${name}.1.dar" bs=1 seek=40 conv=notrunc status=none
  run -1 --separate-stderr "${SCRIPT}" verify --mirror
  assert_contains "${stderr}" "ERROR: mirror: ${name} is damaged: slice ${name}.1.dar on the mirror backup@mirror.example:${MIRROR}/${MONTH} does not match the sha512 written with it"
  grep -qE "^${name} mirror damaged [0-9]+$" "${MONTH_DIR}/verified"
}

@test "verify --mirror on a remote mirror checks what the mirror holds although the target pruned it, against the mirror's own sha512s" {
  local -r name=${PREFIX}${STAMP}-FULL
  run -0 --separate-stderr "${SCRIPT}"
  # What prune leaves on the target: the record, not the slices.
  rm -- "${MONTH_DIR}/${name}".*
  printf '%s %d\n' "${name}" 1715000000 >"${MONTH_DIR}/pruned"
  run -0 --separate-stderr "${SCRIPT}" verify --mirror --all
  assert_contains "${output}" "verified 1 archive(s) on the mirror: all whole"
  printf '\x00' | dd of="${MIRROR}/${MONTH}/${name}.1.dar" bs=1 seek=40 conv=notrunc status=none
  run -1 --separate-stderr "${SCRIPT}" verify --mirror --all
  assert_contains "${stderr}" "ERROR: mirror: ${name} is damaged: slice ${name}.1.dar on the mirror backup@mirror.example:${MIRROR}/${MONTH} does not match the sha512 written with it"
  assert_equal '' "$(find "${TMPDIR}" -maxdepth 1 -name 'backup-gen-verify.*')" 'the staging copy of the records left behind'
}

@test "restore --from-mirror --noop on a remote mirror reads its bookkeeping and shows the fetch and dar -x, writing nothing" {
  run -0 --separate-stderr "${SCRIPT}"
  local -r restored=${BATS_TEST_TMPDIR}/restored
  run -0 --separate-stderr "${SCRIPT}" restore --from-mirror --noop --to "${restored}"
  assert_contains "${output}" "# Restoring source main as of ${PREFIX}${STAMP}-FULL: 1 archive(s)"
  assert_contains "${output}" "'--include=${PREFIX}${STAMP}-FULL.*.dar' '--include=${PREFIX}${STAMP}-FULL.*.dar.sha512' '--exclude=*' -- backup@mirror.example:${MIRROR}/${MONTH}/ "
  assert_contains "${output}" "dar -x "
  [[ ! -e ${restored} ]]
  assert_equal '' "$(find "${TMPDIR}" -maxdepth 1 -name 'backup-gen-noop.*')" 'the noop scratch copy left behind'
}
