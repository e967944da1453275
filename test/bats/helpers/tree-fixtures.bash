# Test helper, sourced by dar-chain.bats: builds a source tree that exercises everything a restore
# must reproduce, then changes it twice. Each function takes the tree's root; names are chosen to
# break careless quoting (spaces, quotes, a newline, glob characters, a leading dash, non-ASCII).
#
# Two changes are left out on purpose because dar 2.7.8 itself cannot restore them from a chain,
# whatever options backup-gen passes (checked by hand with plain dar):
# - a directory replaced by a plain file of the same name: the INC restores the file's data over
#   the directory but leaves it mode 0700 with the restore time as its mtime;
# - a name that was a separate file in the reference becoming a hard link to an unchanged file:
#   the INC records the inode as unchanged, so the old separate copy stays.

readonly NL=$'\n'

# set_mtime DATE PATH...: sets the modification time without following symlinks.
set_mtime() {
  local -r when=$1
  shift
  touch -h -d "${when}" -- "$@"
}

# tree_version_1 ROOT: the tree of the FULL backup.
tree_version_1() {
  local -r root=$1
  mkdir -p -- "${root}/dir/sub/deep" "${root}/dir with space/inner" "${root}/gone dir/a/b" \
    "${root}/setgid dir" "${root}/sticky" "${root}/empty dir"
  printf 'plain text\n' >"${root}/plain.txt"
  : >"${root}/empty"
  head -c 20000 /dev/urandom >"${root}/dir/sub/deep/file.bin"
  printf 'in a spaced dir\n' >"${root}/dir with space/inner/f"
  printf 'to be deleted\n' >"${root}/gone dir/a/b/c"
  printf 'space\n' >"${root}/with space"
  printf 'single\n' >"${root}/single'quote"
  printf 'double\n' >"${root}/double\"quote"
  printf 'newline\n' >"${root}/new${NL}line"
  printf 'non-ascii\n' >"${root}/non-ascii-é-ü-日本"
  printf 'dash\n' >"${root}/-leading-dash"
  printf 'glob\n' >"${root}/*glob?[x]"
  printf 'backslash\n' >"${root}/back\\slash \$(touch pwned) \`x\`"
  printf 'linked\n' >"${root}/hard-a"
  ln -- "${root}/hard-a" "${root}/dir/hard-b"
  printf 'also linked\n' >"${root}/pair-1"
  ln -- "${root}/pair-1" "${root}/pair-2"
  ln -s -- plain.txt "${root}/link-to-plain"
  ln -s -- no/such/target "${root}/dangling"
  ln -s -- dir/sub "${root}/link-to-dir"
  # A 50 MB file that is almost all hole, with data at the start, in the middle and at the end.
  truncate -s 50M -- "${root}/sparse.img"
  printf 'head' | dd of="${root}/sparse.img" bs=1 conv=notrunc status=none
  printf 'middle' | dd of="${root}/sparse.img" bs=1 seek=20000000 conv=notrunc status=none
  printf 'tail' | dd of="${root}/sparse.img" bs=1 seek=$((50 * 1024 * 1024 - 4)) conv=notrunc status=none

  chmod 0640 -- "${root}/plain.txt"
  chmod 0600 -- "${root}/single'quote"
  chmod 0755 -- "${root}/-leading-dash"
  chmod 4755 -- "${root}/*glob?[x]"
  chmod 0444 -- "${root}/double\"quote"
  chmod 2750 -- "${root}/setgid dir"
  chmod 1777 -- "${root}/sticky"
  chmod 0700 -- "${root}/dir/sub"
  chown 65534:65534 -- "${root}/plain.txt" "${root}/dir/sub/deep/file.bin" "${root}/setgid dir"
  chown -h 65534:65534 -- "${root}/link-to-plain"
  chown 1234:5678 -- "${root}/non-ascii-é-ü-日本"

  set_mtime '2020-01-02 03:04:05.123456789' "${root}/plain.txt" "${root}/link-to-plain"
  set_mtime '2019-07-08 09:10:11' "${root}/dir/sub/deep/file.bin" "${root}/new${NL}line" "${root}/dangling"
  set_mtime '2018-12-31 23:59:59' "${root}/hard-a" "${root}/sparse.img"
  set_mtime '2017-06-15 12:00:00' "${root}/dir/sub/deep" "${root}/dir/sub" "${root}/empty dir" "${root}/setgid dir"
}

# tree_version_2 ROOT: the changes the first INC must carry.
tree_version_2() {
  local -r root=$1
  # added
  mkdir -p -- "${root}/new dir/with\"quote'"
  printf 'added\n' >"${root}/added file"
  printf 'deep new\n' >"${root}/new dir/with\"quote'/x"
  printf 'two\n' >"${root}/two${NL}lines${NL}name"
  # modified: content and mtime; content only; metadata only
  printf 'more text\n' >>"${root}/plain.txt"
  set_mtime '2022-02-22 22:22:22.222222222' "${root}/plain.txt"
  printf 'XXXXXXXX' | dd of="${root}/dir/sub/deep/file.bin" bs=1 seek=100 conv=notrunc status=none
  printf 'changed' | dd of="${root}/sparse.img" bs=1 seek=30000000 conv=notrunc status=none
  chmod 0644 -- "${root}/single'quote"
  chown 65534:65534 -- "${root}/double\"quote"
  # deleted: a file and a directory tree
  rm -f -- "${root}/empty"
  rm -rf -- "${root}/gone dir"
  # renamed
  mv -- "${root}/with space" "${root}/renamed with space"
  mv -- "${root}/dir with space" "${root}/renamed dir"
  # symlink retargeted
  ln -sfn -- dir/sub "${root}/link-to-plain"
  set_mtime '2021-01-01 00:00:01' "${root}/link-to-plain"
  # hard links: one pair broken (hard-b becomes a copy), one added to an unchanged file
  rm -f -- "${root}/dir/hard-b"
  printf 'linked\n' >"${root}/dir/hard-b"
  ln -- "${root}/non-ascii-é-ü-日本" "${root}/also-é"
}

# tree_version_3 ROOT: the changes the second INC (on the first INC) must carry.
tree_version_3() {
  local -r root=$1
  printf 'added, then changed\n' >"${root}/added file"
  rm -rf -- "${root}/new dir"
  # a symlink replaced by a regular file, a file by a symlink
  rm -f -- "${root}/link-to-dir"
  printf 'no longer a link\n' >"${root}/link-to-dir"
  rm -f -- "${root}/-leading-dash"
  ln -s -- "renamed with space" "${root}/-leading-dash"
  # a hard link to a changed file, one name of a pair removed, a deleted name recreated
  ln -- "${root}/added file" "${root}/added file, linked"
  rm -f -- "${root}/pair-2"
  : >"${root}/empty"
  chmod 0600 -- "${root}/sticky"
  chown -R 65534:65534 -- "${root}/renamed dir"
  set_mtime '2023-03-03 03:03:03' "${root}/renamed dir/inner/f" "${root}/renamed dir"
}
