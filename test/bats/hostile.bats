#!/usr/bin/env bats
# Hostile profiles: values full of shell metacharacters, quotes, $(...), backticks, ; && |, globs,
# leading dashes, tabs, non-ASCII and continuation lines. Each value must either be rejected with
# a located error (FILE:LINE: error[BGnnn]: ..., exit 1, no script) or compile into a script that
# bash -n and shellcheck -x accept and that hands the value, byte for byte, to the command that
# uses it, without ever executing any of it.
#
# The host commands are recording stubs (helpers/recording-stubs.bash) that keep each argv
# NUL-separated; `date` is frozen by helpers/fake-clock. A payload that ran would create a file
# named `pwned` in the run's working directory or `canary` in the hostile directory tree.

# Hostile strings are single-quoted literals on purpose, and bats runs each @test in a subshell:
# shellcheck disable=SC2016,SC1003,SC2030,SC2031
bats_require_minimum_version 1.5.0

NOW='2024-03-05 09:10:30'
STAMP=2024-03-05T0910
# The options of the mirror's two rsync passes.
RSYNC_FILTER=('--exclude=.*.partial.*' '--exclude=.*.tmp' --exclude=/.backup-gen.lock --exclude=backup_deps --exclude=latest_successful --exclude=verified --exclude=pruned '--exclude=[0-9][0-9][0-9][0-9]-[0-9][0-9]/catalogues/')
# The archives pass and its comparison read the list of recorded files from a scratch file
# (files_from_of gives the option as a call recorded it).
RSYNC_ARCHIVES=(-a -v --timeout=600 --from0 FILES_FROM --ignore-existing "${RSYNC_FILTER[@]}")
RSYNC_COMPARE=(-a -n -i --size-only --timeout=600 --from0 FILES_FROM "${RSYNC_FILTER[@]}")

# files_from_of CALL: the --files-from=FILE word of a recorded rsync call, a scratch file of this
# profile in TMPDIR.
files_from_of() {
  local -a words
  mapfile -d '' -t words <"${STUB_LOG}/$1"
  local word
  for word in "${words[@]}"; do
    if [[ ${word} == --files-from=*/backup-gen-mirror.* ]]; then
      printf '%s\n' "${word}"
      return 0
    fi
  done
  return 1
}

# with_files_from CALL WORD...: the WORDs with FILES_FROM replaced by CALL's --files-from option.
with_files_from() {
  local -r option=$(files_from_of "$1")
  shift
  local word
  for word in "$@"; do
    [[ ${word} == FILES_FROM ]] && word=${option}
    printf '%s\0' "${word}"
  done
}
RSYNC_BOOKKEEPING_READ=(-a -v --timeout=600 '--exclude=[0-9][0-9][0-9][0-9]-[0-9][0-9]/catalogues/' '--include=*/' --include=backup_deps --include=latest_successful '--exclude=*')
RSYNC_BOOKKEEPING=(-a -v --timeout=600 '--include=*/' --include=backup_deps --include=latest_successful '--exclude=*')
MONTH=2024-03
# One path component carrying every shell metacharacter. No white space before ";": in a profile,
# " ;" starts an inline comment, as it did for the original tool's ConfigParser.
SEGMENT='sp ace	tab'\''sq'\''"dq"$(touch pwned)`touch pwned`;&&|<>*?[a]{b,c}~!#\é—🙂%s$IFS${PATH}'
# archive_prefix may not contain "/", ":" or white space, nor start with "." or "-". It also keeps
# clear of ( ) [ ] { } \ $ * ? + | ^ . : dar reads an archive's name as a regex when it opens it
# again (see the archive_prefix test below), so those may well become invalid in a prefix.
PREFIX='p'\''"`>pwned`;&&<>~!#é—🙂%s=,@-'
# subdirs as the profile writes them (shell-style words over continuation lines) and as words.
SUBDIRS_INI=(
  "subdirs = \"sub dir\" 'it'\"'\"'s' -rf --delete"
  "    '\$(touch pwned)' \`touch\\ pwned\` \"a;b&&c|d\" 'glob*?[x]' é/ü\\ 日本 \"dq\\\"x\" 'back\\slash'"
  "    'tab	in' ./dot"
)
SUBDIRS=('sub dir' "it's" -rf --delete '$(touch pwned)' '`touch pwned`' 'a;b&&c|d' 'glob*?[x]' 'é/ü 日本' 'dq"x' 'back\slash' $'tab\tin' ./dot)
# excludes are dar -P paths; glob characters in them are tested against the real dar further down.
EXCLUDES_INI=("excludes = 'ex clude' -P '\$(touch pwned)' \"semi;colon|pipe&&and\"" "    '\`touch pwned\`' --version")
EXCLUDES=('ex clude' -P '$(touch pwned)' 'semi;colon|pipe&&and' '`touch pwned`' --version)
NO_COMPRESS_INI=("no_compress = '*.\$(touch pwned)' \"*.a b\" -Z --foo" "    '*;&&|' '[!x]*' '*.é' \"*'\\\"*\"")
NO_COMPRESS=('*.$(touch pwned)' '*.a b' -Z --foo '*;&&|' '[!x]*' '*.é' "*'\"*")
EXCLUDE_MASKS_INI=("exclude_masks = '\`touch pwned\`' '*~' -X" "    \"#not-a-comment\" '%s%n'")
EXCLUDE_MASKS=('`touch pwned`' '*~' -X '#not-a-comment' '%s%n')
# shlex_quote WORD: WORD as one profile list word (single quotes; a ' written '"'"').
shlex_quote() {
  printf "'%s'" "${1//\'/\'\"\'\"\'}"
}
# [bindmounts] equals: absolute paths.
BINDS_INI=("equals = $(shlex_quote "/boot ${SEGMENT}") '/srv/\$(touch pwned)/x' /-rf /opt/é\\ ü" "    '/a;b&&c|d' '/g*?[x]' \"/q'\\\"x\"")
BINDS=("/boot ${SEGMENT}" '/srv/$(touch pwned)/x' /-rf '/opt/é ü' '/a;b&&c|d' '/g*?[x]' "/q'\"x")

setup_file() {
  REPO=$(cd -- "${BATS_TEST_DIRNAME}/../.." && pwd)
  HELPERS=${REPO}/test/bats/helpers
  STUBS=${BATS_FILE_TMPDIR}/stubs
  export REPO HELPERS STUBS
  [[ -f ${REPO}/dist/cli.js ]] || {
    printf 'dist/cli.js is missing: run npm run build first\n' >&3
    return 1
  }
  # shellcheck source=helpers/recording-stubs.bash
  source "${HELPERS}/recording-stubs.bash"
  install_recording_stubs "${STUBS}"
}

setup() {
  # shellcheck source=helpers/recording-stubs.bash
  source "${HELPERS}/recording-stubs.bash"
  export STUB_LOG=${BATS_TEST_TMPDIR}/calls TMPDIR=${BATS_TEST_TMPDIR}/tmp
  mkdir -p -- "${STUB_LOG}" "${TMPDIR}" "${BATS_TEST_TMPDIR}/cwd"
}

# ini LINE...: profile lines, as they are: the original's ConfigParser kept a % as it is (and %% as
# two characters) in a value without %(.
ini() {
  printf '%s\n' "$@"
}

# hostile_directory_profile DIR: writes DIR/<hostile name>.ini and creates every directory it names.
# Sets PROFILE, SRC, TARGET, VOLUME_SRC, MIRROR, TOUCH_FILE, LOG_FILE.
hostile_directory_profile() {
  local -r dir=$1
  SRC="${dir}/src ${SEGMENT}"
  TARGET="${dir}/target ${SEGMENT}/\$(touch ${dir}/canary)/\`touch ${dir}/canary\`/-rf"
  VOLUME_SRC="${dir}/volume ${SEGMENT}"
  MIRROR="${dir}/mirror ${SEGMENT}"
  TOUCH_FILE="${MIRROR}/.wake ${SEGMENT}"
  LOG_FILE="${dir}/log ${SEGMENT}/backup.log"
  PROFILE="${dir}/hostile \$(touch pwned) 'q' \"dq\" \`x\`;&&|*?"$'\n''é.ini'
  mkdir -p -- "${SRC}" "${TARGET}" "${VOLUME_SRC}" "${MIRROR}" "${LOG_FILE%/*}"
  {
    ini '[backup]' 'source_type = directory' "source_root = ${SRC}" "target = ${TARGET}" "archive_prefix = ${PREFIX}"
    ini "${SUBDIRS_INI[@]}" "${EXCLUDES_INI[@]}" "log_file = ${LOG_FILE}"
    printf '%s\n' '[dar]' "${NO_COMPRESS_INI[@]}" "${EXCLUDE_MASKS_INI[@]}"
    ini '[rsync]' 'enabled = true' "target_dir = ${MIRROR}" "touch_file = ${TOUCH_FILE}"
    ini '[volume extra-1]' 'source_type = directory' "source_root = ${VOLUME_SRC}" "subdirs = 'v sub' -x" "excludes = \"\\\$HOME\" '\$HOME'"
  } >"${PROFILE}"
}

# hostile_lvm_profile DIR: an LVM profile with hostile paths, bind mounts and the LVM values allowed.
hostile_lvm_profile() {
  local -r dir=$1
  TARGET="${dir}/target ${SEGMENT}"
  PROFILE="${dir}/lvm \$(touch pwned).ini"
  mkdir -p -- "${TARGET}"
  {
    ini '[lvm]' 'volume_group = vg.data+1_x-y' 'logical_volume = os-root+1.x' 'snapshot_lv_name = os-root+1.x-backsnap'
    ini 'snapshot_size = 20%ORIGIN ; a comment, not part of the value' 'mount_options = noatime, nodev ,data=ordered,x-gvfs-hide'
    ini '[backup]' 'source_type = lvm' "target = ${TARGET}" "archive_prefix = ${PREFIX}"
    printf '%s\n' "${SUBDIRS_INI[@]}" "${EXCLUDES_INI[@]}"
    ini '[bindmounts]' "${BINDS_INI[@]}"
  } >"${PROFILE}"
}

compile() {
  node "${REPO}/dist/cli.js" "${PROFILE}" >"${BATS_TEST_TMPDIR}/script.sh" 2>"${BATS_TEST_TMPDIR}/compile.err" || {
    printf 'compile failed:\n'
    cat -- "${BATS_TEST_TMPDIR}/compile.err"
    return 1
  }
  SCRIPT=${BATS_TEST_TMPDIR}/script.sh
}

# run_script ARG...: runs the compiled script from an empty directory with the stubs first on PATH.
run_script() {
  local -r path=${STUBS}:${HELPERS}/fake-clock:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  run --separate-stderr env -C "${BATS_TEST_TMPDIR}/cwd" BACKUP_GEN_PATH="${path}" BG_TEST_NOW="${NOW}" bash "${SCRIPT}" "$@"
}

# words_with OPTION WORD...: OPTION before each WORD.
words_with() {
  local -r option=$1
  shift
  local word
  for word in "$@"; do
    printf '%s\0%s\0' "${option}" "${word}"
  done
}

# expected_dar_options MASKS EXCLUDE... -- SUBDIR...: dar's options, in plan order. MASKS is
# "hostile" for the directory profile's [dar] masks, "default" for a profile without [dar].
expected_dar_options() {
  local -r masks=$1
  shift
  local -a excludes=() subdirs=()
  while [[ $1 != -- ]]; do
    excludes+=("$(dar_literal "$1")")
    shift
  done
  shift
  subdirs=("$@")
  printf '%s\0' -N -Q -n -D --modified-data-detection=any-inode-change --hash sha512 -s 1875000000 -zzstd:3 -m 150 -an
  if [[ ${masks} == hostile ]]; then
    words_with -Z "${NO_COMPRESS[@]}"
    printf '%s\0' -acase
    words_with -X "${EXCLUDE_MASKS[@]}"
  else
    # The default list, as the compiler has it (test/unit/plan.test.ts checks what it holds).
    local -a default_masks
    read -r -a default_masks < <(node --input-type=module -e "import { DEFAULT_NO_COMPRESS } from '${REPO}/dist/profile/schema.js'; console.log(DEFAULT_NO_COMPRESS)")
    words_with -Z "${default_masks[@]}"
    printf '%s\0' -acase
  fi
  words_with -P "${excludes[@]}"
  words_with -g "${subdirs[@]}"
}

# dar_literal PATH: PATH as a dar glob that matches only itself (\, *, ? and [ escaped), as excludes
# reach -P.
dar_literal() {
  local path=${1//\\/\\\\}
  path=${path//\*/\\*}
  path=${path//\?/\\?}
  printf '%s\n' "${path//\[/\\[}"
}

assert_nothing_executed() {
  run -0 find "${BATS_FILE_TMPDIR}" "${BATS_TEST_TMPDIR}" \( -name pwned -o -name canary \) -print
  [[ -z ${output} ]]
  [[ ! -e ${REPO}/pwned ]]
}

# ---- the directory profile ----

@test "the hostile directory profile compiles without any diagnostic" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  run -0 --separate-stderr node "${REPO}/dist/cli.js" "${PROFILE}"
  [[ -z ${stderr} ]]
  [[ ${output} == '#!/usr/bin/env bash'* ]]
  assert_nothing_executed
}

@test "bash -n accepts the hostile directory script" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  compile
  bash -n "${SCRIPT}"
}

# A value holding "$" or "`" is single-quoted on purpose, and the line before it says so to
# shellcheck (a directive with its reason): nothing at any severity is accepted.
assert_shellcheck_accepts() {
  run shellcheck -x --severity=style --format=gcc "$1"
  printf '%s\n' "${output}"
  ((status == 0))
  [[ -z ${output} ]]
}

@test "shellcheck -x accepts the hostile directory script" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  compile
  assert_shellcheck_accepts "${SCRIPT}"
}

@test "dar gets source_root, target, archive_prefix, subdirs, excludes and masks byte for byte" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  compile
  run_script
  printf 'stderr: %s\n' "${stderr}"
  ((status == 0))
  # Each archive is written (dar -c), then read back (dar -t) before it is published.
  mapfile -t dar_calls < <(calls_of dar)
  ((${#dar_calls[@]} == 4))
  local -a options
  mapfile -d '' -t options < <(expected_dar_options hostile "${EXCLUDES[@]}" -- "${SUBDIRS[@]}")
  assert_call "${dar_calls[0]}" -c "${TARGET}/${MONTH}/.${PREFIX}${STAMP}-FULL.partial" -R "${SRC}" "${options[@]}"
  assert_call "${dar_calls[1]}" -t "${TARGET}/${MONTH}/.${PREFIX}${STAMP}-FULL.partial" -N -Q
  mapfile -d '' -t options < <(expected_dar_options hostile '\$HOME' '$HOME' -- 'v sub' -x)
  assert_call "${dar_calls[2]}" -c "${TARGET}/extra-1/${MONTH}/.${PREFIX}extra-1-${STAMP}-FULL.partial" -R "${VOLUME_SRC}" "${options[@]}"
  assert_call "${dar_calls[3]}" -t "${TARGET}/extra-1/${MONTH}/.${PREFIX}extra-1-${STAMP}-FULL.partial" -N -Q
  assert_nothing_executed
}

@test "rsync gets target and target_dir byte for byte, after --" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  compile
  run_script
  ((status == 0))
  mapfile -t rsync_calls < <(calls_of rsync)
  # The archives first, never over a file there; what differs, compared; the bookkeeping last, read
  # from the mirror, merged in a staging directory and written back (a copy that fails part-way
  # never leaves the mirror's latest_successful naming an archive it does not hold).
  ((${#rsync_calls[@]} == 4))
  local -a expected
  mapfile -d '' -t expected < <(with_files_from "${rsync_calls[0]}" "${RSYNC_ARCHIVES[@]}")
  assert_call "${rsync_calls[0]}" "${expected[@]}" -- "${TARGET}/" "${MIRROR}/"
  mapfile -d '' -t expected < <(with_files_from "${rsync_calls[1]}" "${RSYNC_COMPARE[@]}")
  assert_call "${rsync_calls[1]}" "${expected[@]}" -- "${TARGET}/" "${MIRROR}/"
  local -a words
  mapfile -d '' -t words <"${STUB_LOG}/${rsync_calls[3]}"
  local -r staging=${words[-2]}
  [[ ${staging} == */backup-gen-mirror.*/ ]]
  assert_call "${rsync_calls[2]}" "${RSYNC_BOOKKEEPING_READ[@]}" -- "${MIRROR}/" "${staging}"
  assert_call "${rsync_calls[3]}" "${RSYNC_BOOKKEEPING[@]}" -- "${staging}" "${MIRROR}/"
}

@test "the archive is published under the hostile name and the chain files hold it exactly" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  compile
  run_script
  ((status == 0))
  local -r name=${PREFIX}${STAMP}-FULL
  # The profile has a log_file and stdout is no terminal: what the run says goes to the log (quiet cron).
  [[ $(<"${LOG_FILE}") == *"Full backup: ${name}"* ]]
  [[ -f ${TARGET}/${MONTH}/${name}.1.dar ]]
  [[ $(<"${TARGET}/${MONTH}/latest_successful") == "${name}" ]]
  [[ $(<"${TARGET}/${MONTH}/backup_deps") == "${name}:" ]]
  [[ $(<"${TARGET}/extra-1/${MONTH}/latest_successful") == "${PREFIX}extra-1-${STAMP}-FULL" ]]
}

@test "a second run chains an INC on the hostile names (dar -A gets the parent byte for byte)" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  compile
  run_script
  ((status == 0))
  run_script
  ((status == 0))
  local call first
  local -a dar_calls=()
  # dar -c only: an INC also runs dar -l first, to check that its reference is readable.
  while IFS= read -r call; do
    IFS= read -r -d '' first <"${STUB_LOG}/${call}" || true
    [[ ${first} == -c ]] && dar_calls+=("${call}")
  done < <(calls_of dar)
  ((${#dar_calls[@]} == 4))
  local -a options
  mapfile -d '' -t options < <(expected_dar_options hostile "${EXCLUDES[@]}" -- "${SUBDIRS[@]}")
  assert_call "${dar_calls[2]}" -c "${TARGET}/${MONTH}/.${PREFIX}${STAMP}-INC.partial" -R "${SRC}" "${options[@]}" \
    -A "${TARGET}/${MONTH}/${PREFIX}${STAMP}-FULL"
  [[ $(<"${TARGET}/${MONTH}/backup_deps") == "${PREFIX}${STAMP}-FULL:"$'\n'"${PREFIX}${STAMP}-INC:${PREFIX}${STAMP}-FULL" ]]
}

@test "touch_file and log_file are used at exactly their hostile paths" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  compile
  run_script
  ((status == 0))
  [[ -f ${TOUCH_FILE} ]]
  grep -qF 'finished successfully' -- "${LOG_FILE}"
  # and nowhere else: the only files beside them are the ones the profile names
  run -0 find "${LOG_FILE%/*}" -mindepth 1
  [[ ${output} == "${LOG_FILE}" ]]
}

@test "nothing in the hostile values is ever executed" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  compile
  run_script -l DEBUG
  ((status == 0))
  run_script --noop
  ((status == 0))
  assert_nothing_executed
}

@test "--version names the hostile profile file exactly" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  compile
  run_script --version
  ((status == 0))
  [[ ${output} == "backup-gen "*", profile ${PROFILE##*/} (sha256 "*")" ]]
}

@test "the commands --noop prints for dar and rsync, pasted into bash, run them with the same argv" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  compile
  run_script --noop
  ((status == 0))
  local line
  local -a pasted=()
  while IFS= read -r line; do
    if [[ ${line} == 'dar '* || ${line} == 'rsync '* ]]; then
      pasted+=("${line}")
    fi
  done <<<"${output}"
  # four dar commands (-c and -t, for main and extra-1) and the rsync of the archives (the mirror's
  # bookkeeping is read and merged only by a real run), none of them run by the noop run itself
  # (which only runs read-only findmnt, to find what to leave out of the archives)
  ((${#pasted[@]} == 5))
  [[ -z $(calls_of dar) && -z $(calls_of rsync) ]] || { cat -- "${STUB_LOG}/calls"; false; }
  for line in "${pasted[@]}"; do
    env -C "${BATS_TEST_TMPDIR}/cwd" PATH="${STUBS}:/usr/bin:/bin" bash -c "${line}"
  done
  local -a options
  mapfile -d '' -t options < <(expected_dar_options hostile "${EXCLUDES[@]}" -- "${SUBDIRS[@]}")
  mapfile -t calls < <(calls_of dar)
  assert_call "${calls[0]}" -c "${TARGET}/${MONTH}/.${PREFIX}${STAMP}-FULL.partial" -R "${SRC}" "${options[@]}"
  mapfile -t calls < <(calls_of rsync)
  local -a expected
  mapfile -d '' -t expected < <(with_files_from "${calls[0]}" "${RSYNC_ARCHIVES[@]}")
  assert_call "${calls[0]}" "${expected[@]}" -- "${TARGET}/" "${MIRROR}/"
  assert_nothing_executed
}

# run_real: runs the compiled script with the real dar and rsync (only `date` is frozen).
run_real() {
  run --separate-stderr env -C "${BATS_TEST_TMPDIR}/cwd" BG_TEST_NOW="${NOW}" \
    BACKUP_GEN_PATH="${HELPERS}/fake-clock:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" bash "${SCRIPT}"
  printf 'exit %s; stderr:\n%s\n' "${status}" "${stderr}"
}

@test "the hostile directory profile runs for real twice (FULL, INC), mirrors, and restores with dar" {
  hostile_directory_profile "${BATS_TEST_TMPDIR}/h"
  mkdir -p -- "${SRC}/sub dir" "${SRC}/-rf" "${SRC}/a;b&&c|d"
  printf 'kept\n' >"${SRC}/sub dir/f"
  printf 'kept\n' >"${SRC}/-rf/f"
  printf 'left out\n' >"${SRC}/not a subdir"
  compile
  run_real
  ((status == 0))
  printf 'added\n' >"${SRC}/a;b&&c|d/f"
  run_real
  ((status == 0))
  local -r full=${PREFIX}${STAMP}-FULL inc=${PREFIX}${STAMP}-INC
  [[ $(<"${TARGET}/${MONTH}/backup_deps") == "${full}:"$'\n'"${inc}:${full}" ]]
  # the mirror holds the target's files, and the touch_file the profile puts there
  run -0 diff -r -x '.wake *' -x .backup-gen.lock -x verified -- "${TARGET}" "${MIRROR}"
  [[ -f ${TOUCH_FILE} ]]
  local -r restored=${BATS_TEST_TMPDIR}/restored
  mkdir -- "${restored}"
  run -0 "${HELPERS}/restore-chain" "${MIRROR}/${MONTH}" "${inc}" "${restored}"
  [[ -f ${restored}/sub\ dir/f && -f ${restored}/-rf/f && -f ${restored}/a\;b\&\&c\|d/f ]]
  [[ ! -e ${restored}/not\ a\ subdir ]]
  assert_nothing_executed
}

@test "an archive_prefix that dar could not open again is rejected (real dar, two runs)" {
  # dar 2.7 turns an archive's basename into a POSIX regex when it opens an existing archive
  # (dar -A for the next INC, dar -x, -l, -t): an unbalanced ( [ { or a trailing \ in the name
  # breaks it, so the FULL is written but every later run and every restore fails.
  local -r dir=${BATS_TEST_TMPDIR}/p
  local prefix
  local -a broken=()
  mkdir -p -- "${dir}/src"
  printf 'x\n' >"${dir}/src/f"
  PROFILE=${dir}/prefix.ini
  SCRIPT=${dir}/prefix.sh
  for prefix in 'db(prod-' 'test[' 'x{' 'host{b,c}-' 'p$(touch${IFS}pwned)-' 'back\'; do
    rm -rf -- "${dir}/target" && mkdir -- "${dir}/target"
    ini '[backup]' 'source_type = directory' "source_root = ${dir}/src" "target = ${dir}/target" "archive_prefix = ${prefix}" >"${PROFILE}"
    run --separate-stderr node "${REPO}/dist/cli.js" "${PROFILE}" -o "${SCRIPT}"
    if ((status == 1)); then
      [[ ${stderr} == *"${PROFILE}:5: error[BG027]: "* ]]
      continue
    fi
    run_real
    ((status == 0))
    run_real
    if ((status != 0)) || ! dar -l "${dir}/target/${MONTH}/${prefix}${STAMP}-INC" -Q >/dev/null; then
      broken+=("${prefix}")
    fi
  done
  printf 'accepted, but the second run or dar -l failed: %s\n' "${broken[*]}"
  ((${#broken[@]} == 0))
}

@test "a profile line that is not valid UTF-8 is rejected at its line, never silently changed" {
  # A profile from the Python 2 tool may hold Latin-1 paths; decoding them as UTF-8 replaces the
  # byte with U+FFFD, and the script would back up, or write to, another path.
  PROFILE=${BATS_TEST_TMPDIR}/latin1.ini
  printf '[backup]\nsource_type = directory\nsource_root = /srv/caf\xe9\ntarget = /var/backups\narchive_prefix = p-\n' >"${PROFILE}"
  run --separate-stderr node "${REPO}/dist/cli.js" "${PROFILE}" -o "${BATS_TEST_TMPDIR}/out.sh"
  printf 'exit %s; stderr:\n%s\n' "${status}" "${stderr}"
  if ((status == 0)); then
    # accepted: then the script must hold the path's bytes exactly
    LC_ALL=C grep -q $'/srv/caf\xe9\'' -- "${BATS_TEST_TMPDIR}/out.sh"
  else
    ((status == 1))
    [[ ${stderr} == *"${PROFILE}:3: error[BG"* ]]
  fi
}

@test "an excludes path with glob characters leaves out exactly that path, as subdirs takes exactly its path (real dar)" {
  # [backup] excludes are documented as paths; dar -P reads its argument as a glob(7) mask, so a
  # path with *, ? or [ must reach dar escaped. dar -g takes paths literally.
  local -r dir=${BATS_TEST_TMPDIR}/g
  local d
  for d in 'music [live]' 'music l' 'star*' starry keep 'take [me]' 'take m'; do
    mkdir -p -- "${dir}/src/${d}"
    printf 'x\n' >"${dir}/src/${d}/f"
  done
  mkdir -p -- "${dir}/target"
  {
    ini '[backup]' 'source_type = directory' "source_root = ${dir}/src" "target = ${dir}/target" 'archive_prefix = g-'
    ini "excludes = 'music [live]' 'star*'"
    ini '[volume only]' 'source_type = directory' "source_root = ${dir}/src" "subdirs = 'take [me]'"
  } >"${dir}/glob.ini"
  PROFILE=${dir}/glob.ini
  compile
  run_real
  ((status == 0))
  mkdir -- "${dir}/main" "${dir}/only"
  dar -x "${dir}/target/${MONTH}/g-${STAMP}-FULL" -R "${dir}/main" -w -Q >/dev/null
  dar -x "${dir}/target/only/${MONTH}/g-only-${STAMP}-FULL" -R "${dir}/only" -w -Q >/dev/null
  run -0 find "${dir}/main" "${dir}/only" -name f -printf '%P\n'
  run -0 env LC_ALL=C sort <<<"${output}"
  local -r expected=$'keep/f\nmusic l/f\nstarry/f\ntake [me]/f\ntake [me]/f\ntake m/f'
  printf 'restored files:\n%s\nexpected:\n%s\n' "${output}" "${expected}"
  [[ ${output} == "${expected}" ]]
}

# ---- the LVM profile: bind mounts and mount options ----

@test "the hostile LVM profile compiles, and bash -n and shellcheck -x accept the script" {
  hostile_lvm_profile "${BATS_TEST_TMPDIR}/h"
  compile
  [[ ! -s ${BATS_TEST_TMPDIR}/compile.err ]]
  bash -n "${SCRIPT}"
  assert_shellcheck_accepts "${SCRIPT}"
}

@test "lvcreate, mount, the bind mounts, dar, umount and lvremove get the LVM values byte for byte" {
  hostile_lvm_profile "${BATS_TEST_TMPDIR}/h"
  compile
  printf '%s\0' "${BINDS[@]}" "${SUBDIRS[@]/#//}" >"${STUB_LOG}/bind-dirs"
  run_script
  printf 'stderr: %s\n' "${stderr}"
  ((status == 0))
  local -r vg=vg.data+1_x-y lv=os-root+1.x snap=os-root+1.x-backsnap
  mapfile -t calls < <(calls_of lvcreate)
  ((${#calls[@]} == 1))
  local -a argv
  mapfile -d '' -t argv <"${STUB_LOG}/${calls[0]}"
  [[ ${argv[6]} == backup-gen-run.* ]]
  assert_call "${calls[0]}" --snapshot --name "${snap}" --addtag backup-gen --addtag "${argv[6]}" --extents 20%ORIGIN "${vg}/${lv}"

  # The anchor (the mount directory bound on itself, made private), the snapshot on anchor/root,
  # then each bind mount, made private.
  mapfile -t calls < <(calls_of mount)
  ((${#calls[@]} == 3 + 2 * ${#BINDS[@]}))
  mapfile -d '' -t argv <"${STUB_LOG}/${calls[2]}"
  local -r mount_dir=${argv[-1]} anchor=${argv[-1]%/root}
  [[ ${anchor} == "${TMPDIR}/backup-gen."?????????? ]]
  assert_call "${calls[0]}" --bind -- "${anchor}" "${anchor}"
  assert_call "${calls[1]}" --make-private -- "${anchor}"
  assert_call "${calls[2]}" -t ext4 -o ro,noatime,nodev,data=ordered,x-gvfs-hide -- "/dev/${vg}/${snap}" "${mount_dir}"
  local i
  for ((i = 0; i < ${#BINDS[@]}; i++)); do
    assert_call "${calls[3 + 2 * i]}" --bind -o ro -- "${BINDS[i]}" "${mount_dir}${BINDS[i]}"
    assert_call "${calls[4 + 2 * i]}" --make-private -- "${mount_dir}${BINDS[i]}"
  done

  mapfile -t calls < <(calls_of dar)
  local -a options
  mapfile -d '' -t options < <(expected_dar_options default "${EXCLUDES[@]}" -- "${SUBDIRS[@]}")
  assert_call "${calls[0]}" -c "${TARGET}/${MONTH}/.${PREFIX}${STAMP}-FULL.partial" -R "${mount_dir}" "${options[@]}"

  # Every mount is undone, binds first, and the snapshot removed.
  mapfile -t calls < <(calls_of umount)
  ((${#calls[@]} == 2 + ${#BINDS[@]}))
  for ((i = 0; i < ${#BINDS[@]}; i++)); do
    assert_call "${calls[i]}" -- "${mount_dir}${BINDS[-1 - i]}"
  done
  assert_call "${calls[-2]}" -- "${mount_dir}"
  assert_call "${calls[-1]}" -- "${anchor}"
  mapfile -t calls < <(calls_of lvremove)
  assert_call "${calls[-1]}" --force "${vg}/${snap}"
  [[ ! -e ${anchor} ]]
  assert_nothing_executed
}

# ---- values that must be rejected, each with its code and line ----

# profile LINE...: writes the profile to check, one argument a line.
profile() {
  PROFILE=${BATS_TEST_TMPDIR}/bad.ini
  printf '%s\n' "$@" >"${PROFILE}"
}

# compile_rejected: compiling PROFILE must fail with exit 1 and write no script. Keeps its stderr
# in COMPILE_ERRORS.
compile_rejected() {
  rm -f -- "${BATS_TEST_TMPDIR}/out.sh"
  run -1 --separate-stderr env -C "${BATS_TEST_TMPDIR}/cwd" node "${REPO}/dist/cli.js" "${PROFILE}" -o "${BATS_TEST_TMPDIR}/out.sh"
  COMPILE_ERRORS=${stderr}
  printf 'stderr:\n%s\n' "${COMPILE_ERRORS}"
  [[ ! -e ${BATS_TEST_TMPDIR}/out.sh ]]
  assert_nothing_executed
}

# assert_error CODE LINE [MESSAGE PART]: the last compile reported "PROFILE:LINE: error[CODE]: "
# (with MESSAGE PART in the same line, if given).
assert_error() {
  local -r code=$1 line=$2 part=${3:-}
  local diagnostic
  diagnostic=$(grep -F "${PROFILE}:${line}: error[${code}]: " <<<"${COMPILE_ERRORS}") || {
    printf 'expected a line starting %s\n' "${PROFILE}:${line}: error[${code}]: "
    return 1
  }
  [[ ${diagnostic} == *"${part}"* ]] || {
    printf 'expected %s in: %s\n' "${part}" "${diagnostic}"
    return 1
  }
}

# assert_rejected CODE LINE [MESSAGE PART]: compile_rejected, then assert_error.
assert_rejected() {
  compile_rejected
  assert_error "$@"
}

# The smallest valid directory profile, lines 1-5; KEY=VALUE arguments replace a value.
directory_profile() {
  local -A value=([source_root]=/srv/data [target]=/var/backups/dar [archive_prefix]=host-)
  local pair
  for pair in "$@"; do
    value[${pair%%=*}]=${pair#*=}
  done
  profile '[backup]' 'source_type = directory' "source_root = ${value[source_root]}" "target = ${value[target]}" "archive_prefix = ${value[archive_prefix]}"
}

# An LVM profile whose [lvm] keys are lines 2-5; KEY=VALUE arguments replace a value.
lvm_profile() {
  local -A value=([volume_group]=data [logical_volume]=root [snapshot_lv_name]=root-backsnap [snapshot_size]=2G)
  local pair
  for pair in "$@"; do
    value[${pair%%=*}]=${pair#*=}
  done
  profile '[lvm]' "volume_group = ${value[volume_group]}" "logical_volume = ${value[logical_volume]}" \
    "snapshot_lv_name = ${value[snapshot_lv_name]}" "snapshot_size = ${value[snapshot_size]}" \
    '[backup]' 'source_type = lvm' 'target = /var/backups/dar' 'archive_prefix = host-'
}

# volumes_profile ROW...: one profile, many rows. Lines 1-3 are [backup]; each ROW (a "key = value"
# line, written as is, so it may continue over indented lines) ends a valid LVM [volume vN] section
# of its own. ROW_LINES gets the line each row starts on.
volumes_profile() {
  local -a lines=('[backup]' 'target = /var/backups/dar' 'archive_prefix = host-')
  local row key default n=0 line=3 newlines
  ROW_LINES=()
  for row in "$@"; do
    n=$((n + 1))
    key=${row%% *}
    lines+=("[volume v${n}]")
    for default in 'volume_group = data' "logical_volume = lv${n}" 'snapshot_size = 2G'; do
      if [[ ${default} == "${key} = "* ]]; then
        lines+=("# ${key}: see below")
      else
        lines+=("${default}")
      fi
    done
    lines+=("${row}")
    ROW_LINES+=($((line + 5)))
    newlines=${row//[!$'\n']/}
    line=$((line + 5 + ${#newlines}))
  done
  profile "${lines[@]}"
}

# assert_rows_rejected CODE ROW...: volumes_profile ROW..., compiled once: every row is reported as
# CODE at its own line.
assert_rows_rejected() {
  local -r code=$1
  shift
  local n
  volumes_profile "$@"
  compile_rejected
  for ((n = 1; n <= $#; n++)); do
    assert_error "${code}" "${ROW_LINES[n - 1]}" || {
      printf 'row %d: %s\n' "${n}" "${!n}"
      return 1
    }
  done
}

@test "rejects snapshot_size = 2G; rm -rf / (BG022, line 5)" {
  lvm_profile 'snapshot_size=2G; rm -rf /'
  assert_rejected BG022 5 '"2G; rm -rf /"'
}

@test "rejects LVM names with shell characters or a leading dash (BG021, lines 2-4)" {
  lvm_profile 'volume_group=data;rm' 'logical_volume=$(touch pwned)' 'snapshot_lv_name=-rf'
  compile_rejected
  assert_error BG021 2
  assert_error BG021 3
  assert_error BG021 4
}

@test "rejects hostile snapshot sizes (BG022)" {
  assert_rows_rejected BG022 'snapshot_size = $(rm -rf /)' 'snapshot_size = 2G&&rm' 'snapshot_size = `id`' \
    'snapshot_size = -2G' 'snapshot_size = 20%%ORIGIN|x'
}

@test "rejects a relative target (BG020, line 4)" {
  directory_profile 'target=backups/dar'
  assert_rejected BG020 4 'must be an absolute path'
}

@test "rejects a target written ~/backups (BG020, line 4)" {
  directory_profile 'target=~/backups'
  assert_rejected BG020 4
}

@test "rejects a relative source_root (BG020, line 3)" {
  directory_profile 'source_root=$(pwd)/data'
  assert_rejected BG020 3
}

@test "rejects a target continued on a second line (BG020, line 4)" {
  directory_profile $'target=/var/backups\n  /etc/passwd'
  assert_rejected BG020 4 'one line'
}

@test "rejects a relative rsync target_dir, touch_file and log_file (BG020, lines 8, 9 and 11)" {
  directory_profile
  printf '%s\n' '[rsync]' 'enabled = true' 'target_dir = mirror;rm -rf /' 'touch_file = .wake' '[backup]' 'log_file = `id`/log' >>"${PROFILE}"
  compile_rejected
  assert_error BG020 8
  assert_error BG020 9
  assert_error BG020 11
}

@test "rejects a control character (U+0001) in a value (BG002, line 5)" {
  directory_profile $'archive_prefix=a\x01b'
  assert_rejected BG002 5 'U+0001'
}

@test "rejects an escape sequence (U+001B) in a value (BG002, line 4)" {
  directory_profile $'target=/var/\e[31mred'
  assert_rejected BG002 4 'U+001B'
}

@test "rejects a carriage return inside a line (BG002, line 4)" {
  directory_profile $'target=/var/a\rb'
  assert_rejected BG002 4 'U+000D'
}

@test "rejects a NUL byte (BG002, line 6)" {
  directory_profile
  printf 'subdirs = a\0b\n' >>"${PROFILE}"
  assert_rejected BG002 6 'U+0000'
}

@test "rejects %(x)s interpolation (BG004, line 5)" {
  directory_profile 'archive_prefix=p%(x)s'
  assert_rejected BG004 5 '%%'
}

@test "rejects %(HOME)s interpolation in a path (BG004, line 4)" {
  directory_profile 'target=/var/%(HOME)s/x'
  assert_rejected BG004 4
}

@test "rejects a duplicate key (BG005, line 6, naming line 4)" {
  directory_profile
  printf '%s\n' 'target = /tmp/$(touch pwned)' >>"${PROFILE}"
  assert_rejected BG005 6 'first set on line 4'
}

@test "rejects a duplicate key that differs only in case (BG005, line 6)" {
  directory_profile
  printf '%s\n' 'TARGET = /other' >>"${PROFILE}"
  assert_rejected BG005 6
}

@test "rejects a key with shell characters as an unknown key (BG011, line 6)" {
  directory_profile
  printf '%s\n' 'subdirs$(touch pwned) = a' >>"${PROFILE}"
  assert_rejected BG011 6
}

@test "rejects an archive_prefix with /, :, white space, or a leading - or . (BG027, line 5)" {
  local prefix
  for prefix in 'a/b' 'a:b' 'a$(touch pwned) b' $'a\tb' '-rf' '..hidden'; do
    directory_profile "archive_prefix=${prefix}"
    assert_rejected BG027 5
  done
}

@test "rejects source_type = directory;rm -rf / (BG024, line 2)" {
  profile '[backup]' 'source_type = directory;rm -rf /' 'source_root = /srv' 'target = /var/b' 'archive_prefix = p-'
  assert_rejected BG024 2
}

@test "rejects subdirs and excludes that are absolute, climb out, hold a newline or are badly quoted (BG026)" {
  assert_rows_rejected BG026 'subdirs = /etc' 'excludes = a ../../etc' $'subdirs = \'a\n  b\'' "excludes = 'unterminated" 'subdirs = trailing\' \
    'excludes = "$(touch pwned)/../.."'
}

@test "rejects bind mounts that are relative, / or climb out (BG026)" {
  assert_rows_rejected BG026 'bindmounts = boot' 'bindmounts = /ok /' 'bindmounts = /boot/../etc' $'bindmounts = /ok\n    `id`'
}

@test "rejects mount options with shell characters, rw, remount or bind (BG028)" {
  assert_rows_rejected BG028 'mount_options = noatime;touch pwned' 'mount_options = noatime,$(id)' 'mount_options = ro,rw' \
    'mount_options = remount' 'mount_options = bind' 'mount_options = a b' 'mount_options = `id`'
}

@test "rejects enabled = yes;rm -rf / (BG023, line 7)" {
  directory_profile
  printf '%s\n' '[rsync]' 'enabled = yes;rm -rf /' 'target_dir = /mnt/m' >>"${PROFILE}"
  assert_rejected BG023 7
}

@test "rejects [dar] values with shell characters (BG024 line 7, BG025 lines 8-10)" {
  directory_profile
  printf '%s\n' '[dar]' 'compression = gzip;rm' 'compression_level = $(echo 9)' 'slice_size = 100k&&rm' 'min_compress_size = `id`' >>"${PROFILE}"
  compile_rejected
  assert_error BG024 7
  assert_error BG025 8
  assert_error BG025 9
  assert_error BG025 10
}

@test "reports every bad value of a profile at once, each at its line" {
  profile '[backup]' 'source_type = directory' 'source_root = rel' 'target = /t' 'archive_prefix = a/b' \
    'subdirs = /abs' '[dar]' 'slice_size = 1x'
  compile_rejected
  assert_error BG020 3
  assert_error BG027 5
  assert_error BG026 6
  assert_error BG025 8
}
