#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# The archive never holds the backup target, the mirror, the lock file or the log file, even where
# the profile's paths do not show that they lie inside the source (a symbolic link leads there):
# the script finds it at run time and leaves them out (dar -P), saying so. Real dar and rsync.

bats_require_minimum_version 1.5.0

setup() {
  REPO=$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)
  W=${BATS_TEST_TMPDIR}
  mkdir -p -- "${W}/src/data" "${W}/src/var-backups" "${W}/src/mirror" "${W}/src/logs"
  printf 'precious\n' >"${W}/src/data/file"
  # The profile names paths outside the source; each is a symbolic link into it.
  ln -s -- "${W}/src/var-backups" "${W}/backups"
  ln -s -- "${W}/src/mirror" "${W}/mirror"
  ln -s -- "${W}/src/logs" "${W}/logs"
  cat >"${W}/p.ini" <<EOF
[backup]
source_type = directory
source_root = ${W}/src
target = ${W}/backups
archive_prefix = self-
log_file = ${W}/logs/backup.log

[rsync]
enabled = yes
target_dir = ${W}/mirror
EOF
  node "${REPO}/dist/cli.js" "${W}/p.ini" -o "${W}/p.sh"
  export BACKUP_GEN_PATH=${REPO}/test/bats/helpers/fake-clock:/usr/bin:/bin
}

teardown() {
  local mount_point
  for mount_point in "${W}/src/data/outside" "${W}/src/data/proc" "${W}/src/data/ram"; do
    if mountpoint -q -- "${mount_point}" 2>/dev/null; then
      umount -- "${mount_point}" || true
    fi
  done
}

# listing ARCHIVE: the paths dar recorded in ARCHIVE, one a line.
listing() {
  dar -l "$1" -Q | awk 'NR > 2 { print $NF }'
}

assert_line() { # assert_line TEXT LINE
  [[ $'\n'$1$'\n' == *$'\n'"$2"$'\n'* ]] || { printf 'no line: %s\nin:\n%s\n' "$2" "$1" >&2; return 1; }
}

@test "a target, mirror and log file reached through symbolic links into the source are left out of every archive" {
  BG_TEST_NOW='2024-03-05 09:10' run -0 --separate-stderr "${W}/p.sh" -l INFO
  local -r full_info=${stderr}
  printf 'changed\n' >>"${W}/src/data/file"
  BG_TEST_NOW='2024-03-05 09:20' run -0 --separate-stderr "${W}/p.sh" -l INFO
  assert_line "${full_info}" "INFO: not archiving var-backups: it is the backup target (${W}/backups)"
  assert_line "${full_info}" "INFO: not archiving mirror: it is the mirror (${W}/mirror)"
  assert_line "${full_info}" "INFO: not archiving var-backups/.backup-gen.lock: it is the lock file (${W}/backups/.backup-gen.lock)"
  assert_line "${full_info}" "INFO: not archiving logs/backup.log: it is the log file (${W}/logs/backup.log)"
  local archive paths
  for archive in self-2024-03-05T0910-FULL self-2024-03-05T0920-INC; do
    paths=$(listing "${W}/src/var-backups/2024-03/${archive}")
    [[ $'\n'${paths}$'\n' == *$'\n'data/file$'\n'* ]] || { printf '%s has no data/file:\n%s\n' "${archive}" "${paths}" >&2; return 1; }
    if grep -E '^(var-backups|mirror)/|^logs/backup\.log$' <<<"${paths}"; then
      printf '%s holds the files above, which it must not\n' "${archive}" >&2
      return 1
    fi
  done
}

@test "a target inside the source whose name dar -P would read as a glob fails the run before dar" {
  mkdir -p -- "${W}/src/back[1]"
  ln -sfn -- "${W}/src/back[1]" "${W}/backups"
  run -1 --separate-stderr "${W}/p.sh"
  [[ ${stderr} == *"the backup target ${W}/backups lies inside what this source archives, and its name has * ? [ or ]"* ]]
  [[ -z $(find "${W}/src" -name '*.dar') ]]
}

@test "a target that shows up inside the source through a bind mount is left out of the archive" {
  if ((EUID != 0)); then
    skip 'needs root, for the bind mount'
  fi
  # /W/outside holds the target; the source sees it at src/data/outside through a bind mount.
  mkdir -p -- "${W}/outside/backups" "${W}/src/data/outside"
  rm -f -- "${W}/backups"
  ln -s -- "${W}/outside/backups" "${W}/backups"
  mount --bind -- "${W}/outside" "${W}/src/data/outside"
  local first=0 second=0 info paths
  info=$(BG_TEST_NOW='2024-03-05 09:10' "${W}/p.sh" -l INFO 2>&1 >/dev/null) || first=$?
  BG_TEST_NOW='2024-03-05 09:20' "${W}/p.sh" >/dev/null 2>&1 || second=$?
  paths=$(listing "${W}/outside/backups/2024-03/self-2024-03-05T0920-INC" || true)
  umount -- "${W}/src/data/outside"
  [[ ${first} -eq 0 && ${second} -eq 0 ]] || { printf 'exits %d and %d:\n%s\n' "${first}" "${second}" "${info}" >&2; return 1; }
  assert_line "${info}" "INFO: not archiving data/outside/backups: it is the backup target (${W}/backups)"
  if grep -E '^data/outside/backups/' <<<"${paths}"; then
    printf 'the INC holds the files above, which it must not\n' >&2
    return 1
  fi
}

@test "a kernel filesystem mounted inside a directory source (proc) is left out, another one (tmpfs) is archived and named" {
  if ((EUID != 0)); then
    skip 'needs root, for the mounts'
  fi
  mkdir -p -- "${W}/src/data/proc" "${W}/src/data/ram"
  mount -t proc proc "${W}/src/data/proc"
  mount -t tmpfs -o size=1M bgl-ram "${W}/src/data/ram"
  printf 'on the tmpfs\n' >"${W}/src/data/ram/file"
  # Reading all of /proc (its kmsg never ends) is what must not happen: bounded, so the test ends.
  BG_TEST_NOW='2024-03-05 09:10' run -0 --separate-stderr timeout 120 "${W}/p.sh" -l INFO
  assert_line "${stderr}" 'INFO: not archiving data/proc: a kernel filesystem (proc) mounted there, with no files to back up'
  assert_line "${stderr}" "INFO: archived with this source: ${W}/src/data/ram is another filesystem (tmpfs on bgl-ram) mounted inside source_root; dar reads it too"
  local -r paths=$(listing "${W}/src/var-backups/2024-03/self-2024-03-05T0910-FULL")
  assert_line "${paths}" data/ram/file
  if grep -E '^data/proc/' <<<"${paths}" | head -n 5 | grep .; then
    printf 'the archive holds the /proc files above\n' >&2
    return 1
  fi
}
