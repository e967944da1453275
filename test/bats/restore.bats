#!/usr/bin/env bats
# The other half of a backup, end to end with the real dar and the real rsync (source_type =
# directory): backup.sh restore, list, verify and prune on two months of sets, a chain of a FULL
# and two INCs in March and one of a FULL and an INC in April; damaged, missing and tampered sets;
# the free-space reserve. `date` is frozen per run by helpers/fake-clock, so every name is known.
# Needs root (the tree fixtures chown), dar 2.7 with zstd, rsync and node.

bats_require_minimum_version 1.5.0

M1=2024-03
M2=2024-04
FULL1=rt-2024-03-05T0910-FULL
INC1=rt-2024-03-06T0910-INC
INC2=rt-2024-03-07T0910-INC
FULL2=rt-2024-04-01T0910-FULL
INC3=rt-2024-04-02T0910-INC

# backup_at TIME: one run of the profile's script at TIME; stops the setup if it fails.
backup_at() {
  BG_TEST_NOW=$1 bash "${WORK}/rt.sh" >>"${WORK}/runs.log" 2>&1 || {
    printf 'the backup at %s failed:\n' "$1" >&3
    tail -n 20 "${WORK}/runs.log" >&3
    return 1
  }
}

setup_file() {
  REPO=$(cd -- "${BATS_TEST_DIRNAME}/../.." && pwd)
  HELPERS=${REPO}/test/bats/helpers
  WORK=${BATS_FILE_TMPDIR}
  BACKUP_GEN_PATH=${HELPERS}/fake-clock:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  export REPO HELPERS WORK BACKUP_GEN_PATH
  ((EUID == 0)) || {
    printf 'these tests chown files to another user: run them as root\n' >&3
    return 1
  }
  # shellcheck source=helpers/tree-fixtures.bash
  source "${HELPERS}/tree-fixtures.bash"
  mkdir -p -- "${WORK}/src" "${WORK}/target" "${WORK}/mirror"
  cat >"${WORK}/rt.ini" <<EOF
[backup]
source_type = directory
source_root = ${WORK}/src
target = ${WORK}/target
archive_prefix = rt-

[dar]
compression = zstd
compression_level = 3
slice_size = 64k

[rsync]
enabled = true
target_dir = ${WORK}/mirror
EOF
  node "${REPO}/dist/cli.js" "${WORK}/rt.ini" >"${WORK}/rt.sh"
  tree_version_1 "${WORK}/src"
  head -c 200000 /dev/urandom >"${WORK}/src/big.bin"
  backup_at '2024-03-05 09:10:30'
  cp -a -- "${WORK}/src" "${WORK}/as-of-full1"
  tree_version_2 "${WORK}/src"
  backup_at '2024-03-06 09:10:30'
  cp -a -- "${WORK}/src" "${WORK}/as-of-inc1"
  tree_version_3 "${WORK}/src"
  backup_at '2024-03-07 09:10:30'
  printf 'april\n' >"${WORK}/src/april.txt"
  backup_at '2024-04-01 09:10:30'
  printf 'april, later\n' >"${WORK}/src/april.txt"
  rm -f -- "${WORK}/src/big.bin"
  backup_at '2024-04-02 09:10:30'
  cp -a -- "${WORK}/src" "${WORK}/as-of-inc3"
}

setup() {
  # Each test works on its own copy of the sets, so that damage done by one never reaches another.
  T=${BATS_TEST_TMPDIR}
  cp -a -- "${WORK}/target" "${WORK}/mirror" "${T}/"
  sed -e "s#${WORK}/target#${T}/target#; s#${WORK}/mirror#${T}/mirror#" "${WORK}/rt.ini" >"${T}/rt.ini"
  node "${REPO}/dist/cli.js" "${T}/rt.ini" >"${T}/rt.sh"
  SCRIPT=${T}/rt.sh
}

# same_tree EXPECTED ACTUAL: content, modes, owners, times, links (compare-trees.mjs).
same_tree() {
  run -0 node "${HELPERS}/compare-trees.mjs" "$1" "$2"
}

# with_retention LINE...: the profile with a [retention] section of these lines, compiled again.
with_retention() {
  printf '\n[retention]\n' >>"${T}/rt.ini"
  printf '%s\n' "$@" >>"${T}/rt.ini"
  node "${REPO}/dist/cli.js" "${T}/rt.ini" >"${T}/rt.sh"
}

@test "every archive has a sha512 file beside each slice, naming the slice under its final name" {
  local sums
  sums=$(find "${WORK}/target" -name '*.dar.sha512' | wc -l)
  (($(find "${WORK}/target" -name '*.dar' | wc -l) == sums))
  cd "${WORK}/target/${M1}"
  run -0 sha512sum -c -- "${FULL1}".1.dar.sha512 "${INC2}".1.dar.sha512
  # The copies on the mirror were checked after each copy, and the result recorded.
  grep -qE "^${INC3} mirror ok [0-9]+$" "${WORK}/target/${M2}/verified"
}

@test "restore with no choice applies the newest chain, FULL then INC, and the tree comes back exactly" {
  run -0 bash "${SCRIPT}" restore --to "${T}/r"
  assert_line() { grep -qxF "$1" <<<"${output}"; }
  assert_line "Restoring ${FULL2} (1 of 2)"
  assert_line "Restoring ${INC3} (2 of 2)"
  same_tree "${WORK}/as-of-inc3" "${T}/r"
  # big.bin was deleted before the INC: the restore removed it again.
  [[ ! -e ${T}/r/big.bin ]]
}

@test "restore --at picks the last archive made at or before that time, across months" {
  run -0 bash "${SCRIPT}" restore --at '2024-03-06 20:00' --to "${T}/r"
  grep -qF "as of ${INC1}: 2 archive(s), ${FULL1} first" <<<"${output}"
  same_tree "${WORK}/as-of-inc1" "${T}/r"
  run -1 bash "${SCRIPT}" restore --at '2024-03-01' --to "${T}/r2"
  grep -qF 'has no archive made at or before 2024-03-01 00:00' <<<"${output}"
  [[ ! -e ${T}/r2 ]]
}

@test "restore --archive NAME restores that archive's chain; a name of another pattern is refused" {
  run -0 bash "${SCRIPT}" restore --archive "${FULL1}" --to "${T}/r"
  same_tree "${WORK}/as-of-full1" "${T}/r"
  run -64 bash "${SCRIPT}" restore --archive "../${FULL1}" --to "${T}/r2"
  grep -qF 'is not an archive name of source main' <<<"${output}"
}

@test "restore PATH... restores only those paths, given as the live system shows them or relative" {
  run -0 bash "${SCRIPT}" restore --to "${T}/r" "${WORK}/src/april.txt"
  [[ $(find "${T}/r" -type f) == "${T}/r/april.txt" ]]
  [[ $(<"${T}/r/april.txt") == 'april, later' ]]
  run -0 bash "${SCRIPT}" restore --archive "${FULL1}" --to "${T}/r2" big.bin
  cmp -- "${WORK}/as-of-full1/big.bin" "${T}/r2/big.bin"
  run -64 bash "${SCRIPT}" restore --to "${T}/r3" /etc/passwd
  grep -qF "/etc/passwd is not inside source main (${WORK}/src)" <<<"${output}"
  run -64 bash "${SCRIPT}" restore --to "${T}/r3" 'a/../../x'
  grep -qF "'..' is not allowed" <<<"${output}"
  [[ ! -e ${T}/r3 ]]
}

@test "restore refuses a non-empty DIR (not one holding only lost+found), / and the live source, each saying how" {
  mkdir -p -- "${T}/full" "${T}/fresh/lost+found"
  printf 'mine\n' >"${T}/full/keep.txt"
  run -64 bash "${SCRIPT}" restore --to "${T}/full"
  grep -qF 'is not empty' <<<"${output}"
  grep -qF -- '--force' <<<"${output}"
  [[ $(ls -A -- "${T}/full") == keep.txt ]]
  run -64 bash "${SCRIPT}" restore --to /
  grep -qF -- 'add --onto-live-system' <<<"${output}"
  run -64 bash "${SCRIPT}" restore --to "${WORK}/src/"
  grep -qF 'a source of this profile is live there' <<<"${output}"
  run -0 bash "${SCRIPT}" restore --to "${T}/fresh"
  [[ -f ${T}/fresh/april.txt ]]
  run -0 bash "${SCRIPT}" restore --force --to "${T}/full"
  [[ -f ${T}/full/keep.txt && -f ${T}/full/april.txt ]]
}

@test "a missing link is named before anything is written, with whether the mirror has it; --from-mirror then restores" {
  rm -f -- "${T}/target/${M1}/${INC1}.1.dar"
  run -1 bash "${SCRIPT}" restore --archive "${INC2}" --to "${T}/r"
  grep -qF "the chain needs ${INC1}, and it has no slice ${INC1}.1.dar" <<<"${output}"
  grep -qF "the mirror has a copy (${T}/mirror/${M1}): try --from-mirror" <<<"${output}"
  grep -qF 'nothing was written' <<<"${output}"
  [[ ! -e ${T}/r ]]
  run -0 bash "${SCRIPT}" restore --from-mirror --archive "${INC2}" --to "${T}/r"
  run -0 bash "${SCRIPT}" restore --archive "${INC2}" --to "${T}/r-target" --from-mirror
  same_tree "${T}/r" "${T}/r-target"
}

@test "a flipped byte in a middle slice: verify names the slice and exits 1; restore refuses before writing" {
  local slice=${T}/target/${M1}/${FULL1}.2.dar
  [[ -f ${slice} ]]
  printf '\x5a' | dd of="${slice}" bs=1 seek=1000 conv=notrunc status=none
  run -1 bash "${SCRIPT}" verify --all
  grep -qF "${FULL1} is damaged: slice ${FULL1}.2.dar in ${T}/target/${M1} does not match the sha512 written with it" <<<"${output}"
  grep -qF 'of 5 archive(s) on the target are damaged or missing' <<<"${output}"
  grep -qF "${FULL1} target damaged" "${T}/target/${M1}/verified"
  run -1 bash "${SCRIPT}" restore --archive "${INC1}" --to "${T}/r"
  grep -qF "${FULL1}.2.dar in ${T}/target/${M1} does not match" <<<"${output}"
  [[ ! -e ${T}/r ]]
  # The newest set alone (the default) is whole.
  run -0 bash "${SCRIPT}" verify
  grep -qF 'verified 2 archive(s) on the target: all whole' <<<"${output}"
}

@test "verify --mirror checks the mirror's copies, and a damaged one there is named" {
  run -0 bash "${SCRIPT}" verify --mirror --set "${M1}"
  printf '\x00\x01' | dd of="${T}/mirror/${M2}/${INC3}.1.dar" bs=1 seek=100 conv=notrunc status=none
  run -1 bash "${SCRIPT}" verify --mirror
  grep -qF "mirror: ${INC3} is damaged: slice ${INC3}.1.dar in ${T}/mirror/${M2}" <<<"${output}"
}

@test "list --json: each source's sets, chains and archives with kind, time, size, parent and verification" {
  run -0 bash "${SCRIPT}" list --json
  run -0 node -e '
    const doc = JSON.parse(process.argv[1]);
    const [source] = doc.sources;
    const shape = source.sets.map((s) => [s.month, s.latest_successful, s.chains.map((c) => [c.full, c.archives.map((a) => [a.name, a.kind, a.parent, a.state, a.slices > 0, a.size_bytes > 0, a.checksums === a.slices, a.verified && a.verified.result])])]);
    console.log(JSON.stringify([doc.format, source.name, source.prefix, shape]));
  ' "${output}"
  local -r ok=true
  [[ ${output} == "[1,\"main\",\"rt-\",[[\"${M1}\",\"${INC2}\",[[\"${FULL1}\",[[\"${FULL1}\",\"FULL\",null,\"present\",${ok},${ok},${ok},\"ok\"],[\"${INC1}\",\"INC\",\"${FULL1}\",\"present\",${ok},${ok},${ok},\"ok\"],[\"${INC2}\",\"INC\",\"${INC1}\",\"present\",${ok},${ok},${ok},\"ok\"]]]]],[\"${M2}\",\"${INC3}\",[[\"${FULL2}\",[[\"${FULL2}\",\"FULL\",null,\"present\",${ok},${ok},${ok},\"ok\"],[\"${INC3}\",\"INC\",\"${FULL2}\",\"present\",${ok},${ok},${ok},\"ok\"]]]]]]]" ]]
  run -0 bash "${SCRIPT}" list
  grep -qE "^      INC   2024-04-02 09:10  ${INC3}  .*, 1 slice\(s\), sha512, verified ok " <<<"${output}"
}

@test "names are data: tampered latest_successful and backup_deps never lead outside the set" {
  local -r outside=${T}/outside
  mkdir -p -- "${outside}"
  cp -- "${T}/target/${M2}/${FULL2}.1.dar" "${outside}/victim.1.dar"
  printf '../../outside/victim\n' >"${T}/target/${M2}/latest_successful"
  {
    printf '../../outside/victim:\n'
    printf 'rt-2024-04-03T0910-INC:../../outside/victim\n'
    printf 'rt-2024-04-03T0911-INC:rt-2024-04-02T0910-INC/../../../outside/victim\n'
    printf 'rt-2024-04-03T0912-INC\x1b[2J:\n'
  } >>"${T}/target/${M2}/backup_deps"
  # Each line that is not a record of this set is a disagreement: restore chooses nothing from it.
  run -1 bash "${SCRIPT}" restore --to "${T}/r"
  grep -qF 'the records disagree' <<<"${output}"
  [[ ! -e ${T}/r ]] || [[ -z $(ls -A -- "${T}/r") ]]
  # A point named with --archive is restored by its own recorded chain, with a WARNING.
  run -2 bash "${SCRIPT}" restore --to "${T}/r" --archive "${INC3}"
  grep -qF "as of ${INC3}" <<<"${output}"
  run -2 --separate-stderr bash "${SCRIPT}" list --json
  node -e 'JSON.parse(process.argv[1])' "${output}"
  refute_outside() { ! grep -qF outside <<<"$1"; }
  refute_outside "${output}"
  with_retention 'keep_days = 1'
  BG_TEST_NOW='2024-06-01 00:00' run -2 bash "${SCRIPT}" prune
  [[ -f ${outside}/victim.1.dar ]]
  BG_TEST_NOW='2024-06-01 00:00' run -1 bash "${SCRIPT}" verify
  grep -qF 'the records of 1 set(s) on the target disagree' <<<"${output}"
  refute_outside "$(grep -v 'backup_deps line' <<<"${output}")"
  [[ -f ${outside}/victim.1.dar ]]
}

@test "a chain whose archives retention deleted is named as such by restore; backup_deps stays a history" {
  # Two chains in April (a FULL made by hand-shaped full_every): the older one goes, the month stays.
  sed -i 's/^archive_prefix = rt-$/archive_prefix = rt-\nfull_every = 1 runs/' "${T}/rt.ini"
  with_retention 'keep_days = 10'
  BG_TEST_NOW='2024-04-15 09:10:30' run -0 bash "${SCRIPT}"
  local -r deps_before=$(<"${T}/target/${M2}/backup_deps")
  BG_TEST_NOW='2024-04-20 00:00' run -0 bash "${SCRIPT}" prune
  grep -qF "pruning the chain of ${FULL2} in ${T}/target/${M2}: 2 archive(s)" <<<"${output}"
  grep -qF 'its newest archive is 17 day(s) old (keep_days = 10)' <<<"${output}"
  [[ -f ${T}/target/${M2}/rt-2024-04-15T0910-FULL.1.dar && ! -e ${T}/target/${M2}/${FULL2}.1.dar ]]
  [[ $(<"${T}/target/${M2}/backup_deps") == "${deps_before}" ]]
  grep -qE "^${INC3} [0-9]+$" "${T}/target/${M2}/pruned"
  run -1 bash "${SCRIPT}" restore --archive "${INC3}" --to "${T}/r"
  grep -qF "the chain needs ${FULL2}, and retention deleted it on 2024-04-20 00:00; the mirror has a copy" <<<"${output}"
  run -0 bash "${SCRIPT}" list
  grep -qE "^      FULL  2024-04-01 09:10  ${FULL2}  pruned 2024-04-20 00:00" <<<"${output}"
}

@test "prune deletes whole chains that no rule keeps, never the newest; --noop lists them and why" {
  with_retention 'keep_months = 1'
  BG_TEST_NOW='2024-04-20 00:00' run -0 bash "${SCRIPT}" prune --noop
  grep -qF "pruning the chain of ${FULL1} in ${T}/target/${M1}: 3 archive(s)" <<<"${output}"
  grep -qF "${M1} is not one of the newest 1 month(s)" <<<"${output}"
  # The newest archive first, each one's highest slice first: .1.dar of the FULL goes last.
  grep -qE "^rm -f -- ${T}/target/${M1}/${INC2}\.1\.dar\.sha512 ${T}/target/${M1}/${INC2}\.1\.dar .* ${T}/target/${M1}/${FULL1}\.4\.dar\.sha512 ${T}/target/${M1}/${FULL1}\.4\.dar .* ${T}/target/${M1}/${FULL1}\.1\.dar$" <<<"${output}"
  [[ -f ${T}/target/${M1}/${FULL1}.1.dar ]]
  [[ -f ${T}/target/${M1}/${INC2}.1.dar.sha512 ]]
  BG_TEST_NOW='2024-04-20 00:00' run -0 bash "${SCRIPT}" prune
  # The month had nothing else: it is gone with its bookkeeping.
  [[ ! -e ${T}/target/${M1} ]]
  [[ -f ${T}/target/${M2}/${FULL2}.1.dar && -f ${T}/target/${M2}/${INC3}.1.dar ]]
  run -0 bash "${SCRIPT}" restore --from-mirror --archive "${INC1}" --to "${T}/r"
  # The mirror was not pruned: the old chain restores from there.
  same_tree "${WORK}/as-of-inc1" "${T}/r"
  # A year later, keep_days alone: the newest chain is still kept.
  with_retention 'keep_days = 2'
  BG_TEST_NOW='2025-04-20 00:00' run -0 bash "${SCRIPT}" prune
  [[ -f ${T}/target/${M2}/${FULL2}.1.dar && -f ${T}/target/${M2}/${INC3}.1.dar ]]
}

@test "prune without keep rules refuses, and prune --mirror is off unless the profile turns it on" {
  run -64 bash "${SCRIPT}" prune
  grep -qF 'the profile keeps everything' <<<"${output}"
  run -64 bash "${SCRIPT}" prune --mirror
  grep -qF 'pruning the mirror is off' <<<"${output}"
  with_retention 'mirror_keep_months = 1'
  # The mirror keeps at least what the target keeps: the next run would only copy it back.
  BG_TEST_NOW='2024-04-20 00:00' run -0 bash "${SCRIPT}" prune --mirror
  [[ -f ${T}/mirror/${M1}/${FULL1}.1.dar && -f ${T}/target/${M1}/${FULL1}.1.dar ]]
  # Once the target no longer holds March, the mirror's rule applies.
  with_retention 'keep_months = 1'
  BG_TEST_NOW='2024-04-20 00:00' run -0 bash "${SCRIPT}" prune
  BG_TEST_NOW='2024-04-20 00:00' run -0 bash "${SCRIPT}" prune --mirror
  [[ ! -e ${T}/mirror/${M1} && -f ${T}/mirror/${M2}/${FULL2}.1.dar ]]
  BG_TEST_NOW='2024-04-21 09:10:30' run -0 bash "${SCRIPT}"
  [[ ! -e ${T}/mirror/${M1} ]]
}

@test "prune_after_backup: a successful run prunes the target after the copy" {
  with_retention 'keep_months = 1' 'prune_after_backup = yes'
  BG_TEST_NOW='2024-05-01 09:10:30' run -0 bash "${SCRIPT}"
  [[ -f ${T}/target/2024-05/rt-2024-05-01T0910-FULL.1.dar ]]
  [[ ! -e ${T}/target/${M1} && ! -e ${T}/target/${M2}/${FULL2}.1.dar ]]
  [[ -f ${T}/mirror/${M1}/${FULL1}.1.dar ]]
}

@test "target_reserve: a run that would leave less free stops before dar, with the numbers" {
  sed -i 's/^archive_prefix = rt-$/archive_prefix = rt-\ntarget_reserve = 900000T/' "${T}/rt.ini"
  node "${REPO}/dist/cli.js" "${T}/rt.ini" >"${T}/rt.sh"
  BG_TEST_NOW='2024-04-03 09:10:30' run -1 bash "${SCRIPT}"
  grep -qE 'the target has .* free; this INC is expected to take about .* \(the size of the last one\), which would leave less than the reserve of .* \(\[backup\] target_reserve\): nothing was started' <<<"${output}"
  [[ -z $(find "${T}/target" -name 'rt-2024-04-03*') ]]
}

@test "the README's Quick start does the whole job for real and ends with exit 0" {
  TMPDIR=${BATS_TEST_TMPDIR} run -0 bash "${REPO}/examples/quick-start.sh"
  (($(grep -cE ' ok$' <<<"${output}") == 6))
  grep -qE '^      INC   .*-INC  .*, verified ok ' <<<"${output}"
  # It can be run as any user: as one who is not root too, where restore leaves owners alone.
  if command -v runuser >/dev/null && runuser -u nobody -- test -r "${REPO}/dist/cli.js"; then
    local -r shared=$(mktemp -d)
    chmod 1777 "${shared}"
    run -0 runuser -u nobody -- env TMPDIR="${shared}" bash "${REPO}/examples/quick-start.sh"
    rm -rf -- "${shared}"
    (($(grep -cE ' ok$' <<<"${output}") == 6))
  fi
}

# compare_profile: a small directory profile with [dar] compare_with_source = yes, compiled into
# ${T}/cmp.sh, with its own source and target.
compare_profile() {
  mkdir -p -- "${T}/cmp-src" "${T}/cmp-target"
  printf 'one\n' >"${T}/cmp-src/a.txt"
  cat >"${T}/cmp.ini" <<INI
[backup]
source_type = directory
source_root = ${T}/cmp-src
target = ${T}/cmp-target
archive_prefix = cmp-

[dar]
compare_with_source = yes
INI
  node "${REPO}/dist/cli.js" "${T}/cmp.ini" >"${T}/cmp.sh"
}

@test "compare_with_source: dar -d proves the archive against its source before it is published" {
  compare_profile
  BG_TEST_NOW='2024-04-03 09:10:30' run -0 bash "${T}/cmp.sh" -lINFO
  grep -qF 'dar -d: cmp-2024-04-03T0910-FULL matches' <<<"${output}"
  [[ -f ${T}/cmp-target/2024-04/cmp-2024-04-03T0910-FULL.1.dar ]]
}

@test "compare_with_source: a difference fails the source and nothing is published" {
  compare_profile
  # A dar that, once the archive is written, changes the source: dar -d must see it.
  mkdir -p -- "${T}/wrap"
  cat >"${T}/wrap/dar" <<WRAP
#!/usr/bin/env bash
status=0
/usr/bin/dar "\$@" || status=\$?
if [[ \$1 == -c ]]; then
  printf 'changed after the archive\n' >"${T}/cmp-src/a.txt"
fi
exit "\${status}"
WRAP
  chmod +x -- "${T}/wrap/dar"
  BACKUP_GEN_PATH=${T}/wrap:${BACKUP_GEN_PATH} BG_TEST_NOW='2024-04-03 09:10:30' run -1 bash "${T}/cmp.sh"
  grep -qF "dar -d found cmp-2024-04-03T0910-FULL different from ${T}/cmp-src" <<<"${output}"
  [[ -z $(find "${T}/cmp-target" -name '*.dar') ]]
  [[ ! -e ${T}/cmp-target/2024-04/latest_successful ]]
}

@test "prune keeps the newest chain that is whole: a damaged newest chain never takes the only good one with it" {
  with_retention 'keep_months = 1'
  printf '\x5a' | dd of="${T}/target/${M2}/${FULL2}.2.dar" bs=1 seek=1000 conv=notrunc status=none
  run -1 bash "${SCRIPT}" verify
  BG_TEST_NOW='2024-04-20 00:00' run -0 bash "${SCRIPT}" prune
  [[ -f ${T}/target/${M1}/${FULL1}.1.dar && -f ${T}/target/${M1}/${INC2}.1.dar ]]
  # The same when a slice of it is gone, unverified.
  rm -f -- "${T}/target/${M2}/verified" "${T}/target/${M2}/${FULL2}.3.dar"
  BG_TEST_NOW='2024-04-20 00:00' run -0 bash "${SCRIPT}" prune
  [[ -f ${T}/target/${M1}/${FULL1}.1.dar ]]
}

@test "a lost last slice is found by its sha512 file left beside it, on the target and the mirror" {
  rm -f -- "${T}/target/${M1}/${FULL1}.4.dar"
  run -0 bash "${SCRIPT}" list
  grep -qE "^      FULL  2024-03-05 09:10  ${FULL1}  MISSING" <<<"${output}"
  rm -f -- "${T}/mirror/${M2}/${FULL2}.4.dar"
  run -1 bash "${SCRIPT}" verify --mirror
  grep -qF "mirror: ${FULL2} is missing: its slice ${FULL2}.4.dar is missing from ${T}/mirror/${M2}" <<<"${output}"
}

@test "verify that checks nothing fails: an empty or unmounted target is not all whole" {
  run -1 bash "${SCRIPT}" verify --set 2099-01
  grep -qF 'nothing to verify on the target: no recorded archive in the sets chosen (--set 2099-01)' <<<"${output}"
  rm -rf -- "${T:?}/target/"*
  run -1 bash "${SCRIPT}" verify
}

@test "verify --mirror reads a local mirror's own record: months the target pruned are checked there too" {
  with_retention 'keep_months = 1'
  BG_TEST_NOW='2024-04-20 00:00' run -0 bash "${SCRIPT}" prune
  run -0 bash "${SCRIPT}" verify --mirror --all
  grep -qF 'verified 5 archive(s) on the mirror: all whole' <<<"${output}"
}

@test "a bookkeeping file that is a symbolic link is never appended to" {
  local -r outside=${T}/outside-file
  : >"${outside}"
  ln -s -- "${outside}" "${T}/target/${M2}/verified.new"
  rm -f -- "${T}/target/${M2}/verified"
  mv -- "${T}/target/${M2}/verified.new" "${T}/target/${M2}/verified"
  run -2 bash "${SCRIPT}" verify
  grep -qF "not appending to ${T}/target/${M2}/verified: it is a symbolic link" <<<"${output}"
  [[ ! -s ${outside} ]]
}

@test "restore of a PATH the chain does not hold fails naming it; bad arguments exit 64 even after the lock" {
  run -1 bash "${SCRIPT}" restore --to "${T}/r" "${WORK}/src/april.txt" "${WORK}/src/no-such-file"
  grep -qF "not in main's archives as of ${INC3}, so not restored: no-such-file" <<<"${output}"
  with_retention 'keep_months = 1'
  run -64 bash "${SCRIPT}" prune --volume bogus
  grep -qF "no source 'bogus'" <<<"${output}"
  sed -i '/^\[rsync\]/,$d' "${T}/rt.ini"
  node "${REPO}/dist/cli.js" "${T}/rt.ini" >"${T}/rt.sh"
  run -64 bash "${SCRIPT}" restore --from-mirror --to "${T}/r2"
  grep -qF 'this profile has no mirror' <<<"${output}"
}
