#!/usr/bin/env bats
# Time and the chain, with the real dar on a directory source: one "now" per run names both the
# month directory and the archive; full_every = N days counts calendar days; two runs in one minute
# sort in the order they ran, whatever their kinds. `date` is a fake clock first on PATH.

bats_require_minimum_version 1.5.0

setup() {
  WORK=${BATS_TEST_TMPDIR}
  REPO=$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)
  mkdir -p -- "${WORK}/src" "${WORK}/target" "${WORK}/clock"
  printf 'one\n' >"${WORK}/src/file"
  # The clock: BG_TEST_NOW, or the next line of BG_TEST_TIMES on each call (the last one stays).
  cat >"${WORK}/clock/date" <<'CLOCK'
#!/usr/bin/env bash
for word in "$@"; do
  [[ ${word} == -d* ]] && exec /usr/bin/date "$@"
done
if [[ -n ${BG_TEST_TIMES:-} ]]; then
  count=0
  [[ -f ${BG_TEST_TIMES}.count ]] && count=$(<"${BG_TEST_TIMES}.count")
  printf '%d\n' $((count + 1)) >"${BG_TEST_TIMES}.count"
  mapfile -t times <"${BG_TEST_TIMES}"
  ((count < ${#times[@]})) || count=$((${#times[@]} - 1))
  exec /usr/bin/date -d "${times[count]}" "$@"
fi
exec /usr/bin/date -d "${BG_TEST_NOW:?}" "$@"
CLOCK
  chmod +x -- "${WORK}/clock/date"
  export BACKUP_GEN_PATH=${WORK}/clock:/usr/bin:/bin
}

# compile [KEY = VALUE line for [backup]]...
compile() {
  {
    printf '[backup]\nsource_type = directory\nsource_root = %s\ntarget = %s\narchive_prefix = t-\n' "${WORK}/src" "${WORK}/target"
    printf '%s\n' "$@"
  } >"${WORK}/p.ini"
  node "${REPO}/dist/cli.js" "${WORK}/p.ini" -o "${WORK}/p.sh"
}

backup_at() { # backup_at TIME
  BG_TEST_NOW=$1 run -0 --separate-stderr "${WORK}/p.sh"
  printf 'change %s\n' "$1" >>"${WORK}/src/file"
}

@test "a run that starts at 23:59:59 on March 31 names its archive and month directory from one time" {
  compile
  printf '%s\n' '2024-03-31 23:59:59' '2024-04-01 00:00:01' >"${WORK}/times"
  BG_TEST_TIMES=${WORK}/times run -0 --separate-stderr "${WORK}/p.sh"
  [[ $(ls -- "${WORK}/target") == 2024-03 ]]
  [[ -f ${WORK}/target/2024-03/t-2024-03-31T2359-FULL.1.dar ]]
  [[ $(<"${WORK}/target/2024-03/latest_successful") == t-2024-03-31T2359-FULL ]]
}

@test "full_every = 7 days makes a FULL 7 calendar days later, though a DST change made it 23 hours shorter" {
  export TZ=America/New_York
  compile 'full_every = 7 days'
  backup_at '2024-03-04 03:15'
  backup_at '2024-03-10 03:15'
  # Clocks went forward on March 10: from the FULL this is 6 days and 23 hours, 7 calendar days.
  backup_at '2024-03-11 03:15'
  [[ $(<"${WORK}/target/2024-03/backup_deps") == "t-2024-03-04T0315-FULL:
t-2024-03-10T0315-INC:t-2024-03-04T0315-FULL
t-2024-03-11T0315-FULL:" ]]
}

@test "an INC and then a FULL in one minute sort in the order they were made" {
  compile 'full_every = 2 runs'
  backup_at '2024-03-05 09:09'
  backup_at '2024-03-05 09:10'
  backup_at '2024-03-05 09:10'
  [[ $(<"${WORK}/target/2024-03/backup_deps") == "t-2024-03-05T0909-FULL:
t-2024-03-05T0910-INC:t-2024-03-05T0909-FULL
t-2024-03-05T0910.2-FULL:" ]]
  # Name order is chain order: what a restore or a listing by name sees.
  [[ $(cd "${WORK}/target/2024-03" && printf '%s\n' *.dar) == "t-2024-03-05T0909-FULL.1.dar
t-2024-03-05T0910-INC.1.dar
t-2024-03-05T0910.2-FULL.1.dar" ]]
}

@test "after a FULL that started a new chain in the same minute, the INC on it sorts after it" {
  compile
  backup_at '2024-03-05 09:10'
  # The FULL is damaged: the next run starts a new chain with a FULL, the one after is an INC on it.
  truncate -s 100 -- "${WORK}/target/2024-03/t-2024-03-05T0910-FULL.1.dar"
  BG_TEST_NOW='2024-03-05 09:10' run -2 --separate-stderr "${WORK}/p.sh"
  backup_at '2024-03-05 09:10'
  [[ $(tail -n 2 -- "${WORK}/target/2024-03/backup_deps") == "t-2024-03-05T0910.2-FULL:
t-2024-03-05T0910.2-INC:t-2024-03-05T0910.2-FULL" ]]
}
