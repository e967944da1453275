#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# A directory source read by a user who cannot read all of it, with the real dar run as that user
# (nobody, through setpriv): dar saves a directory it cannot list as an empty one and exits 0, and
# leaves out a file it cannot read with exit 5. The run ends with a WARNING naming each (exit 2),
# never "finished successfully"; what the profile excludes is not named. Needs root (setpriv).

load test_helper/common

setup() {
  ((EUID == 0)) || skip 'needs root: the run is made as nobody through setpriv'
  # Below /tmp with mode 0755: nobody has to reach it (BATS_TEST_TMPDIR is root's alone).
  W=$(mktemp -d /tmp/backup-gen-unreadable.XXXXXXXXXX)
  chmod 755 "${W}"
  mkdir -p -- "${W}/src/ok" "${W}/src/secret dir"$'\n'"x" "${W}/src/cache/private" "${W}/target" "${W}/tmp"
  printf 'a\n' >"${W}/src/ok/a"
  printf 's\n' >"${W}/src/secret dir"$'\n'"x/s"
  printf 'p\n' >"${W}/src/cache/private/p"
  chmod 000 "${W}/src/secret dir"$'\n'"x" "${W}/src/cache/private"
  chown nobody -- "${W}/target" "${W}/tmp"
  printf '[backup]\nsource_type = directory\nsource_root = %s\ntarget = %s\narchive_prefix = u-\nexcludes = cache/private\n' "${W}/src" "${W}/target" >"${W}/u.ini"
  node "${PROJECT_ROOT}/dist/cli.js" -o "${W}/u.sh" "${W}/u.ini"
  chmod 755 "${W}/u.sh"
  export TMPDIR=${W}/tmp
}

teardown() {
  if [[ -n ${W:-} ]]; then
    chmod -R u+rwx -- "${W}" 2>/dev/null || true
    rm -rf -- "${W}"
  fi
}

as_nobody() {
  setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- env TMPDIR="${TMPDIR}" "$@"
}

@test "a directory the user cannot list: dar saves it empty and exits 0; the run warns naming it and exits 2" {
  run -2 --separate-stderr as_nobody bash "${W}/u.sh"
  assert_contains "${stderr}" "WARNING: dar could not read 1 director(y/ies) of ${W}/src (uid $(id -u nobody) may not list them) and saved each as an empty directory: 'secret dir"$'\n'"x'"
  assert_contains "${stderr}" 'WARNING: finished with warnings'
  refute_contains "${stderr}" 'finished successfully'
  refute_contains "${stderr}" 'cache/private' 'stderr (an excluded directory is not named)'
}

@test "a file the user cannot read: dar leaves it out (exit 5); the run warns naming it and exits 2" {
  chmod 755 "${W}/src/secret dir"$'\n'"x"
  printf 'u\n' >"${W}/src/ok/unreadable.txt"
  chmod 000 "${W}/src/ok/unreadable.txt"
  run -2 --separate-stderr as_nobody bash "${W}/u.sh"
  assert_contains "${stderr}" "WARNING: dar could not read 1 file(s) of ${W}/src (uid $(id -u nobody) may not read them) and did not save them (dar exit 5): ok/unreadable.txt; the archive is complete otherwise"
  refute_contains "${stderr}" 'director(y/ies)'
}
