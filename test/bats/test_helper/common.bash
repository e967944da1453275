# shellcheck shell=bash source-path=SCRIPTDIR
# common.bash: what every bats file for the generated script shares. Load it at the top of a file
# with `load test_helper/common`; it loads stubs.bash too.
#
#   compile_fixture NAME [CLI OPTION...]  fixtures/NAME.ini with @TARGET@ (and @MIRROR@) replaced
#       by this file's directories, compiled once by the real CLI into $BATS_FILE_TMPDIR/NAME.sh
#       (or NAME.noop.sh with --noop); prints the script's path. Call it from setup_file.
#   setup_fixture_dirs       (setup_file) the file's TARGET, MIRROR and SNAPSHOT_TREE.
#   setup_run_environment    (setup) fresh target, stubs, fake vg0/root, TMPDIR and a fixed "now".
#   compile_metered NAME     (setup_file) fixtures/lvm-mirror.ini plus a directory source [volume www]
#       in $WWW and [monitoring] metrics_dir = $METRICS, compiled into $BATS_FILE_TMPDIR/NAME.sh;
#       exports WWW, METRICS and SCRIPT. reset_metered (setup): WWW with one file, METRICS empty.
#   start_script SCRIPT ARG...  runs the script in the background with default signal handling;
#       sets SCRIPT_PID; stdout and stderr go to $BATS_TEST_TMPDIR/{stdout,stderr}.
#   assert_* helpers below; each prints what it expected and what it found.

bats_require_minimum_version 1.5.0

# shellcheck source=stubs.bash
source "${BATS_TEST_DIRNAME}/test_helper/stubs.bash"

PROJECT_ROOT=$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)
readonly PROJECT_ROOT
# The fake host the fixtures describe (used by the test files that load this).
# shellcheck disable=SC2034
readonly VG=vg0 ORIGIN=root SNAPSHOT=root-backsnap PREFIX=testhost-root-
# STUB_DATE in every test: a fixed minute, so names are exact and runs never straddle a month.
# shellcheck disable=SC2034
readonly NOW='2024-05-17 10:30:42' MONTH=2024-05 STAMP=2024-05-17T1030

setup_fixture_dirs() {
  export TARGET=${BATS_FILE_TMPDIR}/target
  export MIRROR=${BATS_FILE_TMPDIR}/mirror
  export SNAPSHOT_TREE=${BATS_FILE_TMPDIR}/snapshot-tree
  rm -rf -- "${SNAPSHOT_TREE}"
  mkdir -p -- "${TARGET}" "${MIRROR}" "${SNAPSHOT_TREE}/etc" "${SNAPSHOT_TREE}/home/ann" "${SNAPSHOT_TREE}/boot"
  printf 'testhost\n' >"${SNAPSHOT_TREE}/etc/hostname"
  printf 'notes of ann\n' >"${SNAPSHOT_TREE}/home/ann/notes.txt"
}

compile_fixture() {
  local -r name=$1
  shift
  local -r profile=${BATS_FILE_TMPDIR}/${name}.ini
  local script=${BATS_FILE_TMPDIR}/${name}.sh text
  [[ " $* " == *' --noop '* ]] && script=${BATS_FILE_TMPDIR}/${name}.noop.sh
  if [[ ! -f ${PROJECT_ROOT}/dist/cli.js ]]; then
    printf 'dist/cli.js is missing: run npm run build first\n' >&2
    return 1
  fi
  text=$(<"${BATS_TEST_DIRNAME}/fixtures/${name}.ini")
  text=${text//@TARGET@/${TARGET:?}}
  text=${text//@MIRROR@/${MIRROR:?}}
  printf '%s\n' "${text}" >"${profile}"
  node "${PROJECT_ROOT}/dist/cli.js" "$@" -o "${script}" "${profile}" || return 1
  printf '%s\n' "${script}"
}

compile_metered() {
  local -r profile=${BATS_FILE_TMPDIR}/$1.ini
  local text
  export WWW=${BATS_FILE_TMPDIR}/www METRICS=${BATS_FILE_TMPDIR}/metrics SCRIPT=${BATS_FILE_TMPDIR}/$1.sh
  text=$(<"${BATS_TEST_DIRNAME}/fixtures/lvm-mirror.ini")
  text=${text//@TARGET@/${TARGET:?}}
  text=${text//@MIRROR@/${MIRROR:?}}
  printf '%s\n\n[volume www]\nsource_type = directory\nsource_root = %s\n\n[monitoring]\nmetrics_dir = %s\n' "${text}" "${WWW}" "${METRICS}" >"${profile}"
  node "${PROJECT_ROOT}/dist/cli.js" -o "${SCRIPT}" "${profile}"
}

reset_metered() {
  rm -rf -- "${WWW:?}" "${METRICS:?}"
  mkdir -p -- "${WWW}" "${METRICS}"
  printf 'index\n' >"${WWW}/index.html"
}

setup_run_environment() {
  rm -rf -- "${TARGET:?}" "${MIRROR:?}"
  mkdir -p -- "${TARGET}" "${MIRROR}"
  stubs_setup "${STUB_COMMANDS[@]}"
  stub_lv "${VG}" "${ORIGIN}"
  export STUB_SNAPSHOT_TREE=${SNAPSHOT_TREE:?}
  export STUB_DATE=${NOW}
  export TMPDIR=${BATS_TEST_TMPDIR}/tmp
  mkdir -p -- "${TMPDIR}"
  MONTH_DIR=${TARGET}/${MONTH}
}

# In the background with SIGINT and SIGQUIT at their defaults (bash ignores them in background
# jobs, and a script cannot trap a signal that was ignored when it started).
start_script() {
  rm -f -- "${BATS_TEST_TMPDIR}/stdout" "${BATS_TEST_TMPDIR}/stderr"
  env --default-signal=HUP,INT,QUIT,TERM "$@" >"${BATS_TEST_TMPDIR}/stdout" 2>"${BATS_TEST_TMPDIR}/stderr" 3>&- &
  # shellcheck disable=SC2034 # for the test that called it
  SCRIPT_PID=$!
}

# The directory the snapshot was mounted on, from the recorded mount call.
mount_dir() {
  local line
  line=$(stub_calls mount | grep -m 1 -e '^mount -t ') || return 1
  printf '%s\n' "${line##* }"
}

# The recorded calls, with the snapshot's mount point written MNT and the mount directory holding it
# (the private anchor, MNT's parent) ANCHOR.
calls_with_mnt() {
  local mnt calls
  calls=$(stub_calls "$@")
  if mnt=$(mount_dir); then
    calls=${calls//"${mnt}"/MNT}
    calls=${calls//"${mnt%/root}"/ANCHOR}
  fi
  printf '%s\n' "${calls}"
}

# without_run_tag TEXT: TEXT with the run's LVM tag written RUN_TAG (strip_run_tag).
without_run_tag() {
  strip_run_tag <<<"$1"
}

# kill_started PID...: for a test's teardown: what the test started, by its id, if a failed assertion
# left it running.
kill_started() {
  local pid
  for pid in "$@"; do
    if [[ -n ${pid} ]] && kill -0 "${pid}" 2>/dev/null; then
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  done
}

# ---- assertions ----
assert_equal() { # assert_equal EXPECTED ACTUAL [WHAT]
  if [[ $1 != "$2" ]]; then
    printf '%s differs\n-- expected --\n%s\n-- actual --\n%s\n--\n' "${3:-value}" "$1" "$2" >&2
    return 1
  fi
}

assert_contains() { # assert_contains TEXT PART [WHAT]
  if [[ $1 != *"$2"* ]]; then
    printf '%s does not contain: %s\n-- it is --\n%s\n--\n' "${3:-text}" "$2" "$1" >&2
    return 1
  fi
}

refute_contains() { # refute_contains TEXT PART [WHAT]
  if [[ $1 == *"$2"* ]]; then
    printf '%s contains, but should not: %s\n-- it is --\n%s\n--\n' "${3:-text}" "$2" "$1" >&2
    return 1
  fi
}

assert_no_mounts() {
  assert_equal '' "$(stub_mounts)" 'the fake mount table'
}

assert_no_snapshot() {
  assert_equal "${ORIGIN}|" "$(stub_lvs "${VG}")" "the volumes of ${VG}"
}

assert_tmpdir_empty() {
  assert_equal '' "$(find "${TMPDIR:?}" -mindepth 1)" "what is left in TMPDIR"
}

# No archive slice of any kind (published or partial) in the target.
assert_no_archive() {
  assert_equal '' "$(find "${TARGET:?}" -name '*.dar')" 'the .dar files in the target'
}

# assert_latest_successful NAME|'' : '' means there is no latest_successful at all.
assert_latest_successful() {
  if [[ -z $1 ]]; then
    assert_equal '' "$(find "${TARGET:?}" -name latest_successful)" 'latest_successful files'
  else
    assert_equal "$1" "$(cat -- "${MONTH_DIR}/latest_successful")" 'latest_successful'
  fi
}

# Nothing of the run is left: no mount, no snapshot, no temporary directory.
assert_host_clean() {
  assert_no_mounts
  assert_no_snapshot
  assert_tmpdir_empty
}

# The files in the target, relative to it, sorted.
target_files() {
  (cd "${TARGET:?}" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort)
}

assert_has_line() { # assert_has_line TEXT LINE [WHAT]: LINE is one whole line of TEXT
  if [[ $'\n'$1$'\n' != *$'\n'"$2"$'\n'* ]]; then
    printf '%s has no line: %s\n-- it is --\n%s\n--\n' "${3:-text}" "$2" "$1" >&2
    return 1
  fi
}

# prime_full_backup SCRIPT (setup_file): one real run makes a FULL, kept aside for restore_full_backup.
prime_full_backup() {
  (
    BATS_TEST_TMPDIR=${BATS_FILE_TMPDIR}/prime
    mkdir -p -- "${BATS_TEST_TMPDIR}"
    setup_run_environment
    "$1" >/dev/null 2>&1
  ) || return 1
  rm -rf -- "${BATS_FILE_TMPDIR}/target-with-full"
  cp -a -- "${TARGET:?}" "${BATS_FILE_TMPDIR}/target-with-full"
}

# restore_full_backup (setup, after setup_run_environment): the target as prime_full_backup left it.
restore_full_backup() {
  cp -a -- "${BATS_FILE_TMPDIR}/target-with-full/." "${TARGET:?}/"
}

# setup_from_full_backup (setup): a run environment whose target holds prime_full_backup's FULL;
# BEFORE and DEPS_BEFORE record it, for "unchanged" assertions.
setup_from_full_backup() {
  setup_run_environment
  restore_full_backup
  BEFORE=$(target_files)
  DEPS_BEFORE=$(<"${MONTH_DIR}/backup_deps")
}
