#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# restore PATH... with the real dar: the PATHs are data (every byte but NUL: a newline, a leading
# dash, * ? [, bytes that are not UTF-8), a PATH the point does not hold fails the restore even
# with --force onto a DIR that has it, and files dar -x could not restore fail it, named. A FULL
# and an INC (which deletes gone.txt) of a directory source; `date` frozen by helpers/fake-clock.
# Needs root (chattr +i makes a file dar cannot replace), dar 2.7 and node.

load test_helper/common

FULL=rp-2024-03-05T0910-FULL
INC=rp-2024-03-06T0910-INC

# The odd names, each beside a plain one a glob, a cut newline or a cut trailing newline would
# give instead (new, sta, qxm, brack, trail).
odd_names() {
  printf '%s\0' $'new\nline' '-dash' 'st*r' 'q?m' 'br[ack' $'lat\xe9' $'trail\n' ' lead space' 'back\slash' 'sub dir/in*ner'
}

# shell_quote WORD: WORD as the script quotes it in a message (Python's shlex.quote rules).
shell_quote() {
  if [[ $1 =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\"\'\"\'}"
  fi
}

setup_file() {
  WORK=${BATS_FILE_TMPDIR}
  BACKUP_GEN_PATH=${PROJECT_ROOT}/test/bats/helpers/fake-clock:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  export WORK BACKUP_GEN_PATH
  mkdir -p -- "${WORK}/src/sub dir" "${WORK}/target"
  local name
  while IFS= read -r -d '' name; do
    printf 'odd %s\n' "${name}" >"${WORK}/src/${name}"
  done < <(odd_names)
  for name in new sta qxm brack trail 'sub dir/inxner' gone.txt; do
    printf 'plain %s\n' "${name}" >"${WORK}/src/${name}"
  done
  printf '[backup]\nsource_type = directory\nsource_root = %s\ntarget = %s\narchive_prefix = rp-\n' "${WORK}/src" "${WORK}/target" >"${WORK}/rp.ini"
  node "${PROJECT_ROOT}/dist/cli.js" -o "${WORK}/rp.sh" "${WORK}/rp.ini"
  BG_TEST_NOW='2024-03-05 09:10:30' bash "${WORK}/rp.sh"
  rm -- "${WORK}/src/gone.txt"
  BG_TEST_NOW='2024-03-06 09:10:30' bash "${WORK}/rp.sh"
}

setup() {
  T=${BATS_TEST_TMPDIR}
  export TMPDIR=${T}/tmp
  mkdir -p -- "${TMPDIR}"
}

teardown() {
  # What a test made immutable, so that bats can remove it.
  if [[ -d ${T}/r ]]; then
    chattr -R -i -- "${T}/r" 2>/dev/null || true
  fi
}

@test "restore PATH of a name with a newline, a leading dash, glob characters or non-UTF-8 bytes restores exactly that file" {
  local name got
  while IFS= read -r -d '' name; do
    rm -rf -- "${T}/r"
    run -0 --separate-stderr bash "${WORK}/rp.sh" restore --to "${T}/r" -- "${name}"
    got=$(cd -- "${T}/r" && find . -type f -print0 | tr '\0' '|')
    assert_equal "./${name}|" "${got}" "the files restored for $(printf '%q' "${name}")"
    assert_equal "odd ${name}" "$(<"${T}/r/${name}")" "the content of $(printf '%q' "${name}")"
  done < <(odd_names)
  # As the live system shows it, too.
  rm -rf -- "${T}/r"
  run -0 --separate-stderr bash "${WORK}/rp.sh" restore --to "${T}/r" -- "${WORK}/src/"$'new\nline'
  assert_equal "./new"$'\n'"line|" "$(cd -- "${T}/r" && find . -type f -print0 | tr '\0' '|')" 'the files restored'
}

@test "restore --force of a PATH the point does not hold fails naming it, though DIR already has a file of that name" {
  local name
  for name in absent.txt gone.txt $'no\nsuch' 'st*'; do
    rm -rf -- "${T}/r"
    mkdir -p -- "${T}/r"
    printf 'was here\n' >"${T}/r/${name}"
    run -1 --separate-stderr bash "${WORK}/rp.sh" restore --force --to "${T}/r" -- "${name}"
    assert_contains "${stderr}" "ERROR: not in main's archives as of ${INC}, so not restored: $(shell_quote "${name}"); nothing was written"
    assert_equal 'was here' "$(<"${T}/r/${name}")" 'what DIR held'
  done
  # gone.txt is in the FULL: restoring that point works.
  rm -rf -- "${T}/r"
  run -0 --separate-stderr bash "${WORK}/rp.sh" restore --archive "${FULL}" --to "${T}/r" gone.txt
  assert_equal 'plain gone.txt' "$(<"${T}/r/gone.txt")" 'gone.txt as of the FULL'
}

@test "files dar -x cannot restore fail the restore (exit 1), each named, and the rest is restored" {
  rm -rf -- "${T}/r"
  mkdir -p -- "${T}/r/sub dir"
  printf 'stuck\n' >"${T}/r/sta"
  printf 'stuck\n' >"${T}/r/new"$'\n'"line"
  chattr +i -- "${T}/r/sta" "${T}/r/new"$'\n'"line"
  run -1 --separate-stderr bash "${WORK}/rp.sh" restore --force --to "${T}/r"
  assert_contains "${stderr}" "ERROR: the restore is incomplete: dar could not restore some files (exit 5): ${FULL}: "
  assert_contains "${stderr}" "$(shell_quote "new"$'\n'"line")"
  assert_contains "${stderr}" "${FULL}: sta "
  assert_contains "${stderr}" "every other file of main as of ${INC} is in ${T}/r"
  refute_contains "${stderr}" 'finished with warnings'
  assert_equal 'plain trail' "$(<"${T}/r/trail")" 'a file restored'
  [[ ! -e ${T}/r/gone.txt ]]
  [[ -z $(find "${TMPDIR}" -mindepth 1) ]]
}

@test "restore --noop checks the PATHs against the point too (dar -l is a read-only query) and writes nothing" {
  run -1 --separate-stderr bash "${WORK}/rp.sh" restore --noop --to "${T}/r" -- absent.txt
  assert_contains "${stderr}" "ERROR: not in main's archives as of ${INC}, so not restored: absent.txt; nothing was written"
  run -0 --separate-stderr bash "${WORK}/rp.sh" restore --noop --to "${T}/r" -- $'new\nline'
  assert_contains "${output}" "# read-only query, run in noop mode too: dar -l ${WORK}/target/2024-03/${INC} -N -Q -Txml -g 'new"$'\n'"line'"
  [[ ! -e ${T}/r ]]
}
