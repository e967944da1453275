#!/usr/bin/env bats
# End to end with the real dar and the real rsync, source_type = directory: a FULL, an INC on it
# and an INC on that INC, restored by hand with plain dar exactly as a user would, and compared
# with the source (content, modes, owners, mtimes, symlinks, hard links, a sparse file). Also a
# zstd profile cut into 100 kB slices, and two runs that overlap.
#
# `date` is frozen by helpers/fake-clock (first on BACKUP_GEN_PATH): all runs happen "in the same
# minute", so the script's collision suffix is exercised and the names are known in advance; the
# rest of PATH is the real one. Needs root (chown), dar 2.7 with zstd, rsync and node.

bats_require_minimum_version 1.5.0

MONTH=2024-03
STAMP=2024-03-05T0910
FULL=test-${STAMP}-FULL
INC1=test-${STAMP}-INC
INC2=test-${STAMP}.2-INC

# run_backup NUMBER: runs the chain's script once; keeps stdout, stderr and the exit status.
run_backup() {
  local -r n=$1
  local status=0
  BG_TEST_NOW='2024-03-05 09:10:30' bash "${WORK}/chain.sh" >"${WORK}/run${n}.out" 2>"${WORK}/run${n}.err" || status=$?
  printf '%s\n' "${status}" >"${WORK}/run${n}.status"
}

# snapshot NAME: a copy of the source as it is now, to compare a partial restore with later.
snapshot() {
  cp -a --sparse=always -- "${WORK}/src" "${WORK}/$1"
}

setup_chain() {
  mkdir -p -- "${WORK}/src" "${WORK}/target" "${WORK}/mirror/${MONTH}"
  # Already in the mirror before the first run: an rsync --delete would remove them.
  printf 'not ours\n' >"${WORK}/mirror/keep-me.txt"
  printf 'not ours either\n' >"${WORK}/mirror/${MONTH}/notes from elsewhere"
  cat >"${WORK}/chain.ini" <<EOF
[backup]
source_type = directory
source_root = ${WORK}/src
target = ${WORK}/target
archive_prefix = test-

[rsync]
enabled = true
target_dir = ${WORK}/mirror
EOF
  node "${REPO}/dist/cli.js" "${WORK}/chain.ini" >"${WORK}/chain.sh"
  tree_version_1 "${WORK}/src"
  snapshot after-run1
  run_backup 1
  tree_version_2 "${WORK}/src"
  snapshot after-run2
  run_backup 2
  tree_version_3 "${WORK}/src"
  run_backup 3
}

setup_slices() {
  local -r dir=${WORK}/sliced
  mkdir -p -- "${dir}/src/nested dir" "${dir}/target" "${dir}/mirror"
  head -c 1200000 /dev/urandom >"${dir}/src/random.bin"
  printf 'small\n' >"${dir}/src/nested dir/small 'file'"
  cat >"${dir}/sliced.ini" <<EOF
[backup]
source_type = directory
source_root = ${dir}/src
target = ${dir}/target
archive_prefix = sliced-

[dar]
compression = zstd
slice_size = 100k

[rsync]
enabled = true
target_dir = ${dir}/mirror
EOF
  node "${REPO}/dist/cli.js" "${dir}/sliced.ini" >"${dir}/sliced.sh"
  BG_TEST_NOW='2024-04-30 23:58:10' bash "${dir}/sliced.sh" >"${dir}/run1.out" 2>&1 || printf '%s\n' "$?" >"${dir}/failed"
  head -c 300000 /dev/urandom | dd of="${dir}/src/random.bin" bs=1k seek=200 conv=notrunc status=none
  BG_TEST_NOW='2024-04-30 23:59:50' bash "${dir}/sliced.sh" >"${dir}/run2.out" 2>&1 || printf '%s\n' "$?" >>"${dir}/failed"
}

setup_file() {
  REPO=$(cd -- "${BATS_TEST_DIRNAME}/../.." && pwd)
  HELPERS=${REPO}/test/bats/helpers
  WORK=${BATS_FILE_TMPDIR}
  BACKUP_GEN_PATH=${HELPERS}/fake-clock:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  export REPO HELPERS WORK BACKUP_GEN_PATH
  [[ -f ${REPO}/dist/cli.js ]] || {
    printf 'dist/cli.js is missing: run npm run build first\n' >&3
    return 1
  }
  ((EUID == 0)) || {
    printf 'these tests chown files to another user: run them as root\n' >&3
    return 1
  }
  # shellcheck source=helpers/tree-fixtures.bash
  source "${HELPERS}/tree-fixtures.bash"
  setup_chain
  setup_slices
}

# restore_into DEST MONTH_DIR ARCHIVE: the chain ending at ARCHIVE, extracted into a new DEST.
restore_into() {
  mkdir -p -- "$1"
  "${HELPERS}/restore-chain" "$2" "$3" "$1"
}

assert_run_succeeded() {
  local -r n=$1
  local status
  status=$(<"${WORK}/run${n}.status")
  if [[ ${status} != 0 ]]; then
    printf 'run %s exited %s; stderr:\n' "${n}" "${status}"
    cat -- "${WORK}/run${n}.err"
    return 1
  fi
}

@test "the first run makes a FULL and starts the month's chain" {
  assert_run_succeeded 1
  grep -qxF "Full backup: ${FULL}" "${WORK}/run1.out"
  [[ -f ${WORK}/target/${MONTH}/${FULL}.1.dar ]]
}

@test "the second run in the same minute makes an INC whose parent is the FULL" {
  assert_run_succeeded 2
  grep -qxF "Incremental backup: ${INC1}" "${WORK}/run2.out"
  grep -qxF "Based on parent: ${FULL}" "${WORK}/run2.out"
  [[ -f ${WORK}/target/${MONTH}/${INC1}.1.dar ]]
}

@test "a third run in the same minute gets a distinct name and an INC on the INC" {
  assert_run_succeeded 3
  grep -qxF "Incremental backup: ${INC2}" "${WORK}/run3.out"
  grep -qxF "Based on parent: ${INC1}" "${WORK}/run3.out"
  [[ -f ${WORK}/target/${MONTH}/${INC2}.1.dar ]]
}

@test "latest_successful names the last archive and backup_deps records the whole chain" {
  run -0 cat "${WORK}/target/${MONTH}/latest_successful"
  [[ ${output} == "${INC2}" ]]
  run -0 cat "${WORK}/target/${MONTH}/backup_deps"
  [[ ${output} == "${FULL}:"$'\n'"${INC1}:${FULL}"$'\n'"${INC2}:${INC1}" ]]
}

@test "the month directory holds only the published archives with their sha512 files, in chain order, and the bookkeeping" {
  run -0 env LC_ALL=C ls -A "${WORK}/target/${MONTH}"
  [[ ${output} == "backup_deps"$'\n'"latest_successful"$'\n'"${FULL}.1.dar"$'\n'"${FULL}.1.dar.sha512"$'\n'"${INC1}.1.dar"$'\n'"${INC1}.1.dar.sha512"$'\n'"${INC2}.1.dar"$'\n'"${INC2}.1.dar.sha512"$'\n'"verified" ]]
}

@test "the INCs hold only the changes: the second one is much smaller than the FULL" {
  local full inc2
  full=$(stat -c %s -- "${WORK}/target/${MONTH}/${FULL}.1.dar")
  inc2=$(stat -c %s -- "${WORK}/target/${MONTH}/${INC2}.1.dar")
  ((inc2 * 3 < full))
}

@test "the tree comparison helper reports differences (it is not vacuous)" {
  cp -a -- "${WORK}/src" "${BATS_TEST_TMPDIR}/copy"
  run -0 node "${HELPERS}/compare-trees.mjs" "${WORK}/src" "${BATS_TEST_TMPDIR}/copy"
  chmod 0601 -- "${BATS_TEST_TMPDIR}/copy/plain.txt"
  touch -h -d '2001-01-01' -- "${BATS_TEST_TMPDIR}/copy/link-to-plain"
  rm -f -- "${BATS_TEST_TMPDIR}/copy/added file, linked"
  cp -- "${BATS_TEST_TMPDIR}/copy/added file" "${BATS_TEST_TMPDIR}/copy/added file, linked"
  chown 1:1 -- "${BATS_TEST_TMPDIR}/copy/hard-a"
  run -1 node "${HELPERS}/compare-trees.mjs" "${WORK}/src" "${BATS_TEST_TMPDIR}/copy"
  [[ ${output} == *'"plain.txt": mode: expected 640, found 601'* ]]
  [[ ${output} == *'"link-to-plain": mtime (ns)'* ]]
  [[ ${output} == *'"added file": hard links: expected ["added file", "added file, linked"], found ["added file"]'* ]]
  [[ ${output} == *'"hard-a": owner: expected 0:0, found 1:1'* ]]
}

@test "restoring the FULL alone gives back the tree of the first run" {
  run -0 restore_into "${BATS_TEST_TMPDIR}/restored" "${WORK}/target/${MONTH}" "${FULL}"
  run -0 node "${HELPERS}/compare-trees.mjs" "${WORK}/after-run1" "${BATS_TEST_TMPDIR}/restored"
}

@test "restoring the FULL then the first INC gives back the tree of the second run" {
  run -0 restore_into "${BATS_TEST_TMPDIR}/restored" "${WORK}/target/${MONTH}" "${INC1}"
  [[ ${output} == "${FULL}"$'\n'"${INC1}" ]]
  run -0 node "${HELPERS}/compare-trees.mjs" "${WORK}/after-run2" "${BATS_TEST_TMPDIR}/restored"
}

@test "restoring the whole chain gives back the source exactly, deletions included" {
  run -0 restore_into "${BATS_TEST_TMPDIR}/restored" "${WORK}/target/${MONTH}" "$(<"${WORK}/target/${MONTH}/latest_successful")"
  [[ ${output} == "${FULL}"$'\n'"${INC1}"$'\n'"${INC2}" ]]
  run -0 node "${HELPERS}/compare-trees.mjs" "${WORK}/src" "${BATS_TEST_TMPDIR}/restored"
  # Spot checks of what the comparison covers, so a broken fixture cannot pass silently.
  local -r r=${BATS_TEST_TMPDIR}/restored
  [[ ! -e ${r}/gone\ dir && ! -e ${r}/new\ dir && ! -e ${r}/with\ space && ! -e ${r}/pair-2 ]]
  [[ -f ${r}/renamed\ with\ space && -f ${r}/two$'\n'lines$'\n'name && -f ${r}/non-ascii-é-ü-日本 ]]
  [[ $(readlink -- "${r}/link-to-plain") == dir/sub && $(readlink -- "${r}/-leading-dash") == "renamed with space" ]]
  [[ $(stat -c '%u:%g %a' -- "${r}/plain.txt") == '65534:65534 640' ]]
  [[ $(stat -c %i -- "${r}/non-ascii-é-ü-日本") == $(stat -c %i -- "${r}/also-é") ]]
  [[ $(stat -c %i -- "${r}/hard-a") != $(stat -c %i -- "${r}/dir/hard-b") ]]
}

@test "the sparse file is restored with its content and its holes" {
  run -0 restore_into "${BATS_TEST_TMPDIR}/restored" "${WORK}/target/${MONTH}" "${INC2}"
  cmp -- "${WORK}/src/sparse.img" "${BATS_TEST_TMPDIR}/restored/sparse.img"
  [[ $(stat -c %s -- "${BATS_TEST_TMPDIR}/restored/sparse.img") == 52428800 ]]
  # 50 MB long, a few bytes of data: a restore that filled the holes would allocate all of it.
  (($(stat -c '%b * %B' -- "${BATS_TEST_TMPDIR}/restored/sparse.img") < 1024 * 1024))
}

@test "rsync copied every file of the target to the mirror, unchanged" {
  local file count=0
  while IFS= read -r -d '' file; do
    cmp -- "${WORK}/target/${file}" "${WORK}/mirror/${file}"
    count=$((count + 1))
  done < <(find "${WORK}/target" -type f ! -name .backup-gen.lock ! -name verified -printf '%P\0')
  ((count >= 5))
  # The lock is the target's own, never copied.
  [[ -f ${WORK}/target/.backup-gen.lock && ! -e ${WORK}/mirror/.backup-gen.lock ]]
}

@test "rsync never deletes: files that were in the mirror before the first run are still there" {
  [[ $(<"${WORK}/mirror/keep-me.txt") == 'not ours' ]]
  [[ $(<"${WORK}/mirror/${MONTH}/notes from elsewhere") == 'not ours either' ]]
}

@test "the chain restores from the mirror too" {
  run -0 restore_into "${BATS_TEST_TMPDIR}/restored" "${WORK}/mirror/${MONTH}" "$(<"${WORK}/mirror/${MONTH}/latest_successful")"
  run -0 node "${HELPERS}/compare-trees.mjs" "${WORK}/src" "${BATS_TEST_TMPDIR}/restored"
}

@test "zstd with slice_size = 100k cuts each archive into more than ten slices, all under final names" {
  local -r month=${WORK}/sliced/target/2024-04
  [[ ! -e ${WORK}/sliced/failed ]] || cat -- "${WORK}/sliced/run1.out" "${WORK}/sliced/run2.out"
  [[ ! -e ${WORK}/sliced/failed ]]
  local name n count
  for name in sliced-2024-04-30T2358-FULL sliced-2024-04-30T2359-INC; do
    local -a slices=("${month}/${name}".*.dar)
    count=${#slices[@]}
    ((count > 10))
    for ((n = 1; n <= count; n++)); do
      [[ -f ${month}/${name}.${n}.dar ]]
    done
    run -0 dar -l "${month}/${name}" -q -Q
    [[ ${output} == *'Compression algorithm used           : zstd'* ]]
    [[ ${output} == *"Archive is composed of ${count} file(s)"* ]]
    run -0 dar -t "${month}/${name}" -Q
  done
  [[ $(<"${month}/backup_deps") == "sliced-2024-04-30T2358-FULL:"$'\n'"sliced-2024-04-30T2359-INC:sliced-2024-04-30T2358-FULL" ]]
}

@test "no .partial slice remains in the target or the mirror" {
  run -0 find "${WORK}/target" "${WORK}/mirror" "${WORK}/sliced/target" "${WORK}/sliced/mirror" -name '*partial*'
  [[ -z ${output} ]]
}

@test "a sliced chain restores exactly, from the target and from the mirror" {
  local root
  for root in target mirror; do
    run -0 restore_into "${BATS_TEST_TMPDIR}/${root}" "${WORK}/sliced/${root}/2024-04" sliced-2024-04-30T2359-INC
    run -0 node "${HELPERS}/compare-trees.mjs" "${WORK}/sliced/src" "${BATS_TEST_TMPDIR}/${root}"
  done
}

@test "every slice reached the mirror" {
  # verified is the target's own record of its checks: it is not copied.
  run -0 diff -r -x .backup-gen.lock -x verified -- "${WORK}/sliced/target" "${WORK}/sliced/mirror"
}

@test "two overlapping runs never publish two archives under one name" {
  # cron can start a run while the last one still runs. Here the first run's dar is slowed down
  # (it waits for the second run to finish) so the two overlap for sure.
  local -r dir=${BATS_TEST_TMPDIR}/overlap
  mkdir -p -- "${dir}/src" "${dir}/target" "${dir}/slow"
  printf 'x\n' >"${dir}/src/f"
  cat >"${dir}/slow/dar" <<EOF2
#!/usr/bin/env bash
: >'${dir}/first dar started'
for _ in {1..100}; do [[ -e '${dir}/second run ended' ]] && break; sleep 0.1; done
exec '$(command -v dar)' "\$@"
EOF2
  chmod +x -- "${dir}/slow/dar"
  printf '[backup]\nsource_type = directory\nsource_root = %s/src\ntarget = %s/target\narchive_prefix = o-\n' "${dir}" "${dir}" >"${dir}/o.ini"
  node "${REPO}/dist/cli.js" "${dir}/o.ini" >"${dir}/o.sh"
  BG_TEST_NOW='2024-03-05 09:10:30' BACKUP_GEN_PATH="${dir}/slow:${BACKUP_GEN_PATH}" bash "${dir}/o.sh" >"${dir}/first.out" 2>&1 3>&- &
  local -r first=$!
  for _ in {1..100}; do
    [[ -e ${dir}/first\ dar\ started ]] && break
    sleep 0.1
  done
  local second=0 first_status=0
  BG_TEST_NOW='2024-03-05 09:10:31' bash "${dir}/o.sh" >"${dir}/second.out" 2>&1 || second=$?
  : >"${dir}/second run ended"
  wait "${first}" || first_status=$?
  printf 'first run: exit %s\nsecond run: exit %s\nbackup_deps:\n%s\n' "${first_status}" "${second}" "$(cat -- "${dir}/target/${MONTH}/backup_deps")"
  # Each name in backup_deps once, and one published archive per line: one run may refuse to
  # start, but none may overwrite the other's archive.
  run -0 cut -d: -f1 "${dir}/target/${MONTH}/backup_deps"
  local -r names=${output}
  [[ -z $(sort <<<"${names}" | uniq -d) ]]
  local -a archives=("${dir}/target/${MONTH}/"*.1.dar)
  ((${#archives[@]} == $(wc -l <<<"${names}")))
}

@test "without [dar] an archive is zstd: text is compressed, compressed formats are stored as they are, whatever the case of their name" {
  local -r dir=${BATS_TEST_TMPDIR}
  mkdir -p -- "${dir}/src" "${dir}/target"
  yes 'a line of text that compresses well' | head -c 200000 >"${dir}/src/notes.txt"
  cp -- "${dir}/src/notes.txt" "${dir}/src/IMG_0001.JPG"
  cp -- "${dir}/src/notes.txt" "${dir}/src/photo.jpeg"
  gzip -c "${dir}/src/notes.txt" >"${dir}/src/notes.txt.gz"
  printf '%s\n' '[backup]' 'source_type = directory' "source_root = ${dir}/src" "target = ${dir}/target" 'archive_prefix = z-' >"${dir}/z.ini"
  node "${REPO}/dist/cli.js" "${dir}/z.ini" -o "${dir}/z.sh"
  run -0 "${dir}/z.sh"
  local -r archive=$(find "${dir}/target" -name '*-FULL.1.dar')
  run -0 dar -N -Q -l "${archive%.1.dar}" -q
  [[ ${output} == *"Compression algorithm used           : zstd"* ]]
  run -0 dar -N -Q -l "${archive%.1.dar}"
  # The ratio column: a percentage for a file dar compressed, blank for one it stored as it is.
  [[ $(grep -E '\[ *[0-9]+%\].*notes\.txt$' <<<"${output}") ]]
  [[ $(grep -E '\[ +\].*IMG_0001\.JPG$' <<<"${output}") ]]
  [[ $(grep -E '\[ +\].*photo\.jpeg$' <<<"${output}") ]]
  [[ $(grep -E '\[ +\].*notes\.txt\.gz$' <<<"${output}") ]]
}
