#!/usr/bin/env bash
# manifest.sh DIR: one sorted line per entry below DIR, for comparing a tree with its restore:
#   path  type  mode  uid:gid  mtime  then, by type: f size sha256 links hard-link-group | l target
# mtime has nanoseconds (find %T@). A hard-link group is the first path (sorted) sharing the entry's
# device and inode, so two trees compare equal when the same names are linked together.
# File names must not contain tabs or newlines (the scenarios never make such names).
set -euo pipefail
export LC_ALL=C
cd -- "$1"
entries=$(mktemp)
hashes=$(mktemp)
trap 'rm -f -- "${entries}" "${hashes}"' EXIT
find . -mindepth 1 -printf '%P\t%y\t%#m\t%U:%G\t%T@\t%s\t%l\t%D:%i\t%n\n' >"${entries}"
find . -mindepth 1 -type f -print0 | xargs -0 -r sha256sum -- >"${hashes}"
awk -F '\t' '
  FNR == NR { name = substr($0, 67); sub(/^\.\//, "", name); hash[name] = substr($0, 1, 64); next }
  { line[FNR] = $0; if ($2 == "f" && $9 > 1 && (!($8 in group) || $1 < group[$8])) group[$8] = $1 }
  END {
    for (i = 1; i in line; i++) {
      split(line[i], f, "\t")
      out = f[1] "\t" f[2] "\t" f[3] "\t" f[4] "\t" f[5]
      if (f[2] == "f") out = out "\tsize=" f[6] "\tsha256=" hash[f[1]] "\tlinks=" f[9] (f[9] > 1 ? "\tlinked-with=" group[f[8]] : "")
      else if (f[2] == "l") out = out "\t-> " f[7]
      print out
    }
  }' "${hashes}" "${entries}" | sort
