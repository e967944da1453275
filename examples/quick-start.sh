#!/usr/bin/env bash
# The README's Quick start: the whole job for real, without root or LVM. Writes a directory profile
# whose source and target are under a new temporary directory, compiles it, backs up (a FULL),
# changes the source, backs up again (an INC), lists the set, restores it with `backup.sh restore`
# and compares the restored tree with the source. Exit 0 and a short summary when all of it worked.
# Needs node (with `npm run build` done), bash and dar.
set -euo pipefail
cd -- "$(dirname -- "$0")/.."

if [[ ! -f dist/cli.js ]]; then
  printf 'quick-start: dist/cli.js is missing: run "npm ci && npm run build" first\n' >&2
  exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/backup-gen-quick-start.XXXXXX")

# step WHAT COMMAND...: runs one step, its output kept in work/steps.log; stops on a failure.
step() {
  local -r what=$1
  shift
  printf '%-52s' "${what}"
  if "$@" >>"${work}/steps.log" 2>&1; then
    printf 'ok\n'
  else
    printf 'FAILED (exit %d); see %s\n' "$?" "${work}/steps.log"
    exit 1
  fi
}

mkdir -p -- "${work}/data/notes" "${work}/backups"
printf 'first line\n' >"${work}/data/notes/todo.txt"
printf 'keep me\n' >"${work}/data/readme.txt"
printf 'remove me later\n' >"${work}/data/old.txt"
ln -s notes/todo.txt "${work}/data/todo-link"
cat >"${work}/quick-start.ini" <<EOF
# Written by examples/quick-start.sh: a directory source, no LVM, no root.
[backup]
source_type = directory
source_root = ${work}/data
target = ${work}/backups
archive_prefix = quick-

[dar]
compression = zstd
compression_level = 3
EOF

step 'compile the profile into backup.sh' node dist/cli.js "${work}/quick-start.ini" -o "${work}/backup.sh"
step 'back up (a FULL)' bash "${work}/backup.sh"
printf 'second line\n' >>"${work}/data/notes/todo.txt"
rm -- "${work}/data/old.txt"
printf 'new\n' >"${work}/data/new.txt"
step 'change, add and delete a file; back up (an INC)' bash "${work}/backup.sh"
step 'check every archive (backup.sh verify)' bash "${work}/backup.sh" verify
step 'restore the chain (backup.sh restore --to restored)' bash "${work}/backup.sh" restore --to "${work}/restored"
step 'compare the restored tree with the source' diff -r --no-dereference -- "${work}/data" "${work}/restored"

printf '\nWhat the target holds now (backup.sh list):\n'
bash "${work}/backup.sh" list
printf '\nEverything is in %s: the profile, backup.sh (read it), the sets in backups/.\n' "${work}"
printf 'Next: %s --noop shows what the original tool'"'"'s LVM example would run.\n' 'node dist/cli.js examples/host-precise.ini -o /tmp/host-precise.sh && /tmp/host-precise.sh'
