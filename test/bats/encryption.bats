#!/usr/bin/env bats
# [encryption], end to end with the real dar, the real gpg and the real rsync (source_type =
# directory): public-key encryption for a throw-away GnuPG key made here (the backup side's keyring
# holds only its public key; the owner's holds the secret key too; a third keyring has another
# person's key pair), and symmetric encryption with a key file. A FULL and an INC in March and a
# FULL in April of each; restore, verify, prune and the mirror on copies of those sets. dar is run
# through a wrapper first on PATH that records every argument list (to prove the key never is one)
# and the mode of every -B file. `date` is frozen per run by helpers/fake-clock. Needs dar 2.7 built
# with libgcrypt and gpgme, gpg 2.2, rsync and node.

bats_require_minimum_version 1.5.0

M1=2024-03
M2=2024-04
GFULL=g-2024-03-05T0910-FULL
GINC=g-2024-03-06T0910-INC
GAPRIL=g-2024-04-01T0910-FULL
KFULL=k-2024-03-05T0910-FULL
KINC=k-2024-03-06T0910-INC

# backup_at PROFILE TIME: one run of WORK/PROFILE.sh at TIME; stops the setup if it fails.
backup_at() {
  BG_TEST_NOW=$2 bash "${WORK}/$1.sh" >>"${WORK}/runs.log" 2>&1 || {
    printf 'the backup of %s at %s failed:\n' "$1" "$2" >&3
    tail -n 20 "${WORK}/runs.log" >&3
    return 1
  }
}

# profile NAME TARGET MIRROR PREFIX LINE...: WORK/NAME.ini, a directory profile with these
# [encryption] lines, compiled to WORK/NAME.sh.
profile() {
  local -r name=$1 target=$2 mirror=$3 prefix=$4
  shift 4
  {
    printf '[backup]\nsource_type = directory\nsource_root = %s\ntarget = %s\narchive_prefix = %s\n' "${WORK}/src" "${target}" "${prefix}"
    # No compression: a file's text would be in the slices as it is, unless they are encrypted.
    printf '[dar]\ncompression = none\nslice_size = 64k\n'
    printf '[rsync]\nenabled = true\ntarget_dir = %s\n' "${mirror}"
    printf '[encryption]\n'
    printf '%s\n' "$@"
  } >"${WORK}/${name}.ini"
  node "${REPO}/dist/cli.js" "${WORK}/${name}.ini" -o "${WORK}/${name}.sh"
}

# new_keyring DIR UID [ALGO USAGE]: a GnuPG home with one key pair without a passphrase.
new_keyring() {
  mkdir -m 700 -p -- "$1"
  GNUPGHOME=$1 gpg --batch --pinentry-mode loopback --passphrase '' --quick-gen-key "$2" "${3:-future-default}" "${4:-default}" never 2>/dev/null
}

setup_file() {
  REPO=$(cd -- "${BATS_TEST_DIRNAME}/../.." && pwd)
  HELPERS=${REPO}/test/bats/helpers
  WORK=${BATS_FILE_TMPDIR}
  OWNER_HOME=${WORK}/gnupg-owner
  HOST_HOME=${WORK}/gnupg-host
  OTHER_HOME=${WORK}/gnupg-other
  MARKER="plaintext marker $(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
  export REPO HELPERS WORK OWNER_HOME HOST_HOME OTHER_HOME MARKER
  # The dar wrapper: every argument list dar is given, NUL-separated, one run a line, and the mode
  # of each -B file while dar runs.
  mkdir -p -- "${WORK}/wrap" "${WORK}/src" "${WORK}/tmp"
  cat >"${WORK}/wrap/dar" <<'EOF'
#!/bin/bash
previous=
{
  printf '%s\0' "$@"
  printf '\n'
  for argument in "$@"; do
    if [[ ${previous} == -B ]]; then
      printf 'DCF %s %s\n' "$(stat -c %a -- "${argument}")" "${argument}"
    fi
    previous=${argument}
  done
} >>"${WORK}/dar-argv.log"
exec /usr/bin/dar "$@"
EOF
  chmod 755 "${WORK}/wrap/dar"
  BACKUP_GEN_PATH=${WORK}/wrap:${HELPERS}/fake-clock:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  export BACKUP_GEN_PATH TMPDIR=${WORK}/tmp

  new_keyring "${OWNER_HOME}" 'Backup Owner <owner@backup.test>'
  new_keyring "${OTHER_HOME}" 'Someone Else <other@backup.test>'
  mkdir -m 700 -p -- "${HOST_HOME}"
  GNUPGHOME=${OWNER_HOME} gpg --batch --export owner@backup.test | GNUPGHOME=${HOST_HOME} gpg --batch --import 2>/dev/null
  # A key that can only sign, whose public key the backup host has too.
  new_keyring "${WORK}/gnupg-signer" 'Signer Only <signer@backup.test>' ed25519 sign
  GNUPGHOME=${WORK}/gnupg-signer gpg --batch --export signer@backup.test | GNUPGHOME=${HOST_HOME} gpg --batch --import 2>/dev/null

  (umask 077 && head -c 48 /dev/urandom | base64 >"${WORK}/backup.key")
  (umask 077 && head -c 48 /dev/urandom | base64 >"${WORK}/wrong.key")
  profile g "${WORK}/gtarget" "${WORK}/gmirror" g- 'recipients = owner@backup.test' "gnupg_home = ${HOST_HOME}"
  profile k "${WORK}/ktarget" "${WORK}/kmirror" k- "key_file = ${WORK}/backup.key"
  mkdir -p -- "${WORK}/gtarget" "${WORK}/gmirror" "${WORK}/ktarget" "${WORK}/kmirror"

  printf '%s\n' "${MARKER}" >"${WORK}/src/known.txt"
  seq 1 20000 >"${WORK}/src/numbers"
  mkdir -p -- "${WORK}/src/dir"
  printf 'first\n' >"${WORK}/src/dir/changes"
  backup_at g '2024-03-05 09:10:30'
  backup_at k '2024-03-05 09:10:30'
  printf 'second\n' >"${WORK}/src/dir/changes"
  printf 'new in the INC\n' >"${WORK}/src/dir/added"
  backup_at g '2024-03-06 09:10:30'
  backup_at k '2024-03-06 09:10:30'
  cp -a -- "${WORK}/src" "${WORK}/as-of-inc"
  printf 'april\n' >"${WORK}/src/dir/changes"
  backup_at g '2024-04-01 09:10:30'
}

teardown_file() {
  local home
  for home in "${OWNER_HOME}" "${HOST_HOME}" "${OTHER_HOME}" "${WORK}/gnupg-signer"; do
    gpgconf --homedir "${home}" --kill all 2>/dev/null || true
  done
}

setup() {
  # Each test works on its own copy of the sets, so that what one does never reaches another.
  T=${BATS_TEST_TMPDIR}
  cp -a -- "${WORK}/gtarget" "${WORK}/gmirror" "${WORK}/ktarget" "${WORK}/kmirror" "${T}/"
  local name
  for name in g k; do
    sed -e "s#${WORK}/\([gk]\)target#${T}/\1target#; s#${WORK}/\([gk]\)mirror#${T}/\1mirror#" "${WORK}/${name}.ini" >"${T}/${name}.ini"
    node "${REPO}/dist/cli.js" "${T}/${name}.ini" -o "${T}/${name}.sh"
  done
  unset GNUPGHOME
}

# same_tree EXPECTED ACTUAL: content, modes, owners, times, links (compare-trees.mjs).
same_tree() {
  run -0 node "${HELPERS}/compare-trees.mjs" "$1" "$2"
}

@test "the slices are encrypted: a known file's text is not in them, and dar cannot read them without the key" {
  local slice
  # Without encryption the same tree's slices hold the text as it is (no compression here).
  dar -N -Q -c "${T}/plain" -R "${WORK}/src" -s 64k >/dev/null
  grep -q -a -F -- "${MARKER}" "${T}"/plain.*.dar
  for slice in "${WORK}"/gtarget/*/*.dar "${WORK}"/ktarget/*/*.dar "${WORK}"/gtarget/*/catalogues/*.dar; do
    run -1 grep -q -a -F -- "${MARKER}" "${slice}"
  done
  # The backup host's own keyring has no secret key: it cannot read what it wrote.
  GNUPGHOME=${HOST_HOME} run ! dar -N -Q -l "${WORK}/gtarget/${M1}/${GFULL}"
  run ! dar -N -Q -l "${WORK}/ktarget/${M1}/${KFULL}"
}

@test "an INC of a public-key set is made against its parent's isolated catalogue, kept in catalogues/ beside the set" {
  local line
  # The INC's dar -c: encrypted for the recipient, -A on the catalogue, its own catalogue on the fly.
  line=$(grep -a -F -- "${WORK}/gtarget/${M1}/.${GINC}.partial" "${WORK}/dar-argv.log" | head -n 1 | tr '\0' ' ')
  [[ ${line} == *" -A ${WORK}/gtarget/${M1}/catalogues/${GFULL} "* ]]
  [[ ${line} == *" -K gnupg:aes256:owner@backup.test "* ]]
  [[ ${line} == *" -@ ${WORK}/gtarget/${M1}/catalogues/.${GINC}.partial"* ]]
  grep -qxF "${GINC}:${GFULL}" "${WORK}/gtarget/${M1}/backup_deps"
  # Each archive has its catalogue, with a sha512 under its final name; the catalogue is readable.
  cd "${WORK}/gtarget/${M1}/catalogues"
  run -0 sha512sum -c -- "${GFULL}.1.dar.sha512" "${GINC}.1.dar.sha512"
  run -0 dar -N -Q -l "${GINC}"
  grep -qF 'added' <<<"${output}"
  [[ -f ${WORK}/gtarget/${M2}/catalogues/${GAPRIL}.1.dar ]]
}

@test "restore of a public-key set with the owner's secret key brings the tree back exactly" {
  GNUPGHOME=${OWNER_HOME} run -0 bash "${T}/g.sh" restore --archive "${GINC}" --to "${T}/r"
  grep -qF "Restoring ${GINC} (2 of 2)" <<<"${output}"
  same_tree "${WORK}/as-of-inc" "${T}/r"
}

@test "restore without the secret key, or with someone else's, fails naming the key before anything is written" {
  run -1 bash "${T}/g.sh" restore --archive "${GINC}" --to "${T}/r"
  grep -qF "the chain needs ${GFULL}, and dar cannot decrypt it" <<<"${output}"
  grep -qF "a wrong or missing key (no secret key of owner@backup.test in GnuPG home ${HOST_HOME}" <<<"${output}"
  grep -qF 'nothing was written' <<<"${output}"
  [[ ! -e ${T}/r ]]
  GNUPGHOME=${OTHER_HOME} run -1 bash "${T}/g.sh" restore --to "${T}/r"
  grep -qF "a wrong or missing key (no secret key of owner@backup.test in GnuPG home ${OTHER_HOME}" <<<"${output}"
  [[ ! -e ${T}/r ]]
}

@test "verify on the backup host checks slices, sha512 and catalogues, and says the content was not decrypted" {
  run -0 bash "${T}/g.sh" verify --all -l INFO
  grep -qF "no secret key of owner@backup.test in GnuPG home ${HOST_HOME}" <<<"${output}"
  # (How many slices an archive has depends on what dar saved again: only "N of N" is fixed.)
  grep -qE "target: ${GINC} is whole \(every slice there, ([0-9]+) of \1 sha512 as written, dar -t of its isolated catalogue; not decrypted \(no secret key here\)\)" <<<"${output}"
  # A damaged slice is still found without the key.
  printf 'X' | dd of="${T}/gtarget/${M1}/${GFULL}.1.dar" bs=1 seek=5000 conv=notrunc status=none
  run -1 bash "${T}/g.sh" verify --all
  grep -qF "${GFULL} is damaged: slice ${GFULL}.1.dar in ${T}/gtarget/${M1} does not match the sha512 written with it" <<<"${output}"
}

@test "verify where the secret key is decrypts and tests every archive with dar -t" {
  GNUPGHOME=${OWNER_HOME} run -0 bash "${T}/g.sh" verify --all -l INFO
  grep -qF "holds a secret key of owner@backup.test: dar -t decrypts and reads every archive" <<<"${output}"
  grep -qE "target: ${GINC} is whole \(every slice there, ([0-9]+) of \1 sha512 as written, dar -t\)" <<<"${output}"
  grep -qF "target: ${GAPRIL} is whole" <<<"${output}"
}

@test "the mirror gets the encrypted slices and the bookkeeping, and no catalogue" {
  [[ -f ${WORK}/gmirror/${M1}/${GINC}.1.dar && -f ${WORK}/gmirror/${M1}/latest_successful ]]
  cmp -- "${WORK}/gtarget/${M1}/${GINC}.1.dar" "${WORK}/gmirror/${M1}/${GINC}.1.dar"
  [[ -z $(find "${WORK}/gmirror" -path '*catalogues*') ]]
  [[ -n $(find "${WORK}/gtarget" -path '*catalogues*' -name '*.dar') ]]
  # A restore from the mirror needs no catalogue: the archive holds its own.
  GNUPGHOME=${OWNER_HOME} run -0 bash "${T}/g.sh" restore --from-mirror --archive "${GINC}" --to "${T}/r"
  same_tree "${WORK}/as-of-inc" "${T}/r"
}

@test "prune deletes a chain's catalogues with it, and a pruned month leaves none behind" {
  printf '\n[retention]\nkeep_months = 1\n' >>"${T}/g.ini"
  node "${REPO}/dist/cli.js" "${T}/g.ini" -o "${T}/g.sh"
  run -0 bash "${T}/g.sh" prune
  grep -qF "pruning the chain of ${GFULL} in ${T}/gtarget/${M1}: 2 archive(s)" <<<"${output}"
  [[ ! -e ${T}/gtarget/${M1} ]]
  [[ -f ${T}/gtarget/${M2}/catalogues/${GAPRIL}.1.dar ]]
}

@test "a killed run's catalogues are swept with its slices, and its unfinished catalogue is not kept" {
  local -r dir=${T}/gtarget/${M2} killed=g-2024-04-01T0930-INC
  : >"${dir}/catalogues/.g-2024-04-01T0920-INC.partial.1.dar"
  : >"${dir}/${killed}.1.dar"
  : >"${dir}/catalogues/${killed}.1.dar"
  : >"${dir}/catalogues/${killed}.1.dar.sha512"
  BG_TEST_NOW='2024-04-02 09:10:30' run -2 bash "${T}/g.sh"
  grep -qF "removing 1 unfinished file(s) left in ${T}/gtarget by an earlier run" <<<"${output}"
  grep -qF "removing 3 file(s) in ${T}/gtarget that backup_deps does not record" <<<"${output}"
  [[ ! -e ${dir}/catalogues/${killed}.1.dar && ! -e ${dir}/catalogues/.g-2024-04-01T0920-INC.partial.1.dar ]]
  # And the run went on: an INC against April's FULL, with its own catalogue.
  [[ -f ${dir}/catalogues/g-2024-04-02T0910-INC.1.dar ]]
  grep -qxF "g-2024-04-02T0910-INC:${GAPRIL}" "${dir}/backup_deps"
}

@test "a backup stops before anything is made when a recipient's public key is missing or cannot encrypt" {
  local recipient
  for recipient in nobody@backup.test signer@backup.test; do
    sed -e "s/^recipients = .*/recipients = owner@backup.test ${recipient}/" "${T}/g.ini" >"${T}/bad.ini"
    node "${REPO}/dist/cli.js" "${T}/bad.ini" -o "${T}/bad.sh"
    BG_TEST_NOW='2024-05-01 09:10:30' run -1 bash "${T}/bad.sh"
    grep -qF "cannot encrypt for every [encryption] recipient with the keyring in GnuPG home ${HOST_HOME}" <<<"${output}"
    [[ ! -e ${T}/gtarget/2024-05 ]]
  done
  grep -qF 'signer@backup.test: its public key cannot encrypt' <<<"${output}"
  sed -e "s/^recipients = .*/recipients = nobody@backup.test/" "${T}/g.ini" >"${T}/bad.ini"
  node "${REPO}/dist/cli.js" "${T}/bad.ini" -o "${T}/bad.sh"
  run -1 bash "${T}/bad.sh"
  grep -qF 'nobody@backup.test: no public key for it' <<<"${output}"
}

@test "the key file's key is never in any process's arguments: dar reads it from a 0600 file that is gone after the run" {
  local key
  key=$(<"${WORK}/backup.key")
  run -1 grep -a -c -F -- "${key}" "${WORK}/dar-argv.log"
  # Every dar of the key-file profile got -B, a file of mode 600, and each of those files is gone.
  grep -a -F -- "${WORK}/ktarget" "${WORK}/dar-argv.log" | grep -a -q -F -- "-B"
  run -0 grep -a '^DCF ' "${WORK}/dar-argv.log"
  [[ -z $(grep -a '^DCF ' "${WORK}/dar-argv.log" | grep -v '^DCF 600 ') ]]
  [[ -z $(find "${WORK}/tmp" -name 'backup-gen-key.*') ]]
  # The noop variant shows where the key is, never the key, and leaves no key file behind.
  BG_TEST_NOW='2024-03-07 09:10:30' run -0 bash "${T}/k.sh" --noop
  grep -qE -- "^dar -c .* -B ${WORK}/tmp/backup-gen-key\.k\.ini\.[0-9]+\.[0-9]+\.[A-Za-z0-9]{10}/dar-key\.dcf$" <<<"${output}"
  [[ ${output} != *"${key}"* && ${output} != *'it failed'* ]]
  run -0 bash "${T}/k.sh" restore --noop --to "${T}/r"
  grep -qE -- "^# read-only query, run in noop mode too: dar -l ${T}/ktarget/${M1}/${KFULL} .* -B " <<<"${output}"
  [[ ${output} != *"${key}"* && ${output} != *'it failed'* && ! -e ${T}/r ]]
  [[ -z $(find "${WORK}/tmp" -name 'backup-gen-key.*') ]]
}

@test "a key directory a run killed with SIGKILL left is found and removed by the next run, with a warning" {
  local pid left
  mkdir -p -- "${T}/hang"
  # dar -c waits, so that the run is killed while its key is in its directory.
  printf '#!/bin/bash\nif [[ $1 == -c ]]; then printf "%%s\\n" "$$" >%q; exec sleep 60; fi\nexec /usr/bin/dar "$@"\n' "${T}/dar.pid" >"${T}/hang/dar"
  chmod 755 "${T}/hang/dar"
  # In a session of its own: SIGKILL goes to all of it (the run, its source's subshell, dar), as
  # systemd's does at the end of TimeoutStopSec.
  BACKUP_GEN_PATH=${T}/hang:${BACKUP_GEN_PATH} BG_TEST_NOW='2024-03-07 09:10:30' setsid bash "${T}/k.sh" >/dev/null 2>&1 3>&- &
  pid=$!
  for _ in {1..100}; do
    [[ -s ${T}/dar.pid ]] && break
    sleep 0.1
  done
  left=$(find "${WORK}/tmp" -maxdepth 1 -name 'backup-gen-key.*')
  [[ -n ${left} && -f ${left}/dar-key.dcf && $(stat -c %a -- "${left}") == 700 ]]
  # The directory of a run that is alive stays: another command of the profile leaves it alone.
  run -0 bash "${T}/k.sh" list
  [[ -f ${left}/dar-key.dcf ]]
  kill -KILL -- "-${pid}"
  wait "${pid}" || true
  [[ -d ${left} ]]
  # A run of another command sweeps it too (restore takes no lock): here, the next backup.
  BG_TEST_NOW='2024-03-07 09:20:30' run -0 --separate-stderr bash "${T}/k.sh"
  grep -qF -- "WARNING: removed ${left}: a copy of dar's key left by a run of this profile that was killed (pid " <<<"${stderr}"
  [[ -z $(find "${WORK}/tmp" -name 'backup-gen-key.*') ]]
}

@test "restore with the key file brings the tree back; a wrong --key-file fails naming the key before anything is written" {
  run -0 bash "${T}/k.sh" restore --to "${T}/r"
  same_tree "${WORK}/as-of-inc" "${T}/r"
  run -1 bash "${T}/k.sh" restore --key-file "${WORK}/wrong.key" --to "${T}/r2"
  grep -qF "the chain needs ${KFULL}, and dar cannot decrypt it" <<<"${output}"
  grep -qF "a wrong or missing key (the key in ${WORK}/wrong.key is not the one the archive was made with" <<<"${output}"
  [[ ! -e ${T}/r2 ]]
  # A rescue host: the profile's key file is not there; --key-file names the copy that is.
  cp -p -- "${WORK}/backup.key" "${T}/rescue.key"
  sed -i -e "s#^key_file = .*#key_file = ${T}/absent.key#" "${T}/k.ini"
  node "${REPO}/dist/cli.js" "${T}/k.ini" -o "${T}/k.sh"
  run -1 bash "${T}/k.sh" restore --to "${T}/r3"
  grep -qF "the key file ${T}/absent.key does not exist ([encryption] key_file; on a rescue host: --key-file FILE)" <<<"${output}"
  run -0 bash "${T}/k.sh" restore --key-file "${T}/rescue.key" --to "${T}/r3"
  same_tree "${WORK}/as-of-inc" "${T}/r3"
}

@test "verify of a key-file set tests every archive with dar -t; with a wrong key it names the key" {
  run -0 bash "${T}/k.sh" verify -l INFO
  grep -qE "target: ${KINC} is whole \(every slice there, ([0-9]+) of \1 sha512 as written, dar -t\)" <<<"${output}"
  cp -- "${T}/ktarget/${M1}/verified" "${T}/verified.before"
  run -1 bash "${T}/k.sh" verify --key-file "${WORK}/wrong.key"
  grep -qF "target: ${KINC} is undecryptable: dar -t cannot read it (exit 2) although every slice matches its sha512: a wrong or missing key (the key in ${WORK}/wrong.key is not the one" <<<"${output}"
  # A wrong key says nothing about the archive: it is not recorded as damaged.
  cmp -- "${T}/verified.before" "${T}/ktarget/${M1}/verified"
}

@test "a key file others can read, or one that holds no usable key, is refused before anything is made" {
  local -a cases=(
    "644:$(<"${WORK}/backup.key")"
    '600:short'
    '600:a key with spaces in it that is long enough to pass'
  )
  local entry
  for entry in "${cases[@]}"; do
    printf '%s\n' "${entry#*:}" >"${T}/bad.key"
    chmod "${entry%%:*}" "${T}/bad.key"
    run -1 bash "${T}/k.sh" restore --key-file "${T}/bad.key" --to "${T}/r"
    [[ ! -e ${T}/r ]]
    [[ ${output} == *"refusing the key file ${T}/bad.key: its mode is 644"* || ${output} == *"the key file ${T}/bad.key does not hold a usable key"* ]]
  done
  grep -qF 'found 51 characters, some of them outside that set' <<<"${output}"
  sed -e "s#^key_file = .*#key_file = ${T}/bad.key#" "${T}/k.ini" >"${T}/bad.ini"
  node "${REPO}/dist/cli.js" "${T}/bad.ini" -o "${T}/bad.sh"
  BG_TEST_NOW='2024-05-01 09:10:30' run -1 bash "${T}/bad.sh"
  grep -qF "the key file ${T}/bad.key does not hold a usable key" <<<"${output}"
  [[ ! -e ${T}/ktarget/2024-05 ]]
}

@test "a public-key INC whose parent has no isolated catalogue is a FULL, with a warning" {
  local -r dir=${T}/gtarget/${M2}
  rm -f -- "${dir}/catalogues/${GAPRIL}.1.dar" "${dir}/catalogues/${GAPRIL}.1.dar.sha512"
  BG_TEST_NOW='2024-04-02 09:10:30' run -2 bash "${T}/g.sh"
  grep -qF "the last good archive ${dir}/${GAPRIL} cannot be the reference of an INC: it has no isolated catalogue ${dir}/catalogues/${GAPRIL}.1.dar" <<<"${output}"
  grep -qxF 'g-2024-04-02T0910-FULL:' "${dir}/backup_deps"
  [[ -f ${dir}/catalogues/g-2024-04-02T0910-FULL.1.dar ]]
}

@test "a recipient named by its fingerprint, with or without 0x, or by its long key id works as its e-mail address does" {
  local fingerprint form n=0
  fingerprint=$(GNUPGHOME=${HOST_HOME} gpg --batch --with-colons --list-keys owner@backup.test | awk -F: '$1 == "fpr" { print $10; exit }')
  [[ ${fingerprint} =~ ^[0-9A-F]{40}$ ]]
  for form in "${fingerprint}" "0x${fingerprint}" "${fingerprint: -16}"; do
    n=$((n + 1))
    mkdir -p -- "${T}/fp${n}" "${T}/fpm${n}"
    profile "fp${n}" "${T}/fp${n}" "${T}/fpm${n}" fp- "recipients = ${form}" "gnupg_home = ${HOST_HOME}"
    run -0 --separate-stderr env BG_TEST_NOW='2024-03-05 09:10:30' bash "${WORK}/fp${n}.sh"
    # The owner's secret key reads it: it was encrypted for that key.
    GNUPGHOME=${OWNER_HOME} dar -l "${T}/fp${n}/2024-03/fp-2024-03-05T0910-FULL" -Q -N >/dev/null
  done
}
