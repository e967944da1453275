#!/usr/bin/env bats
# Before dar starts, the script estimates the memory dar's catalogue will need from the number of
# files (the inodes in use on the source's file system, a cheap upper bound; when that does not fit,
# the source's own entries, counted as far as would fit) and warns when the memory and swap free now
# cannot hold it, rather than leaving the OOM killer to end dar hours in. Real dar on a small tree;
# df and find are wrapped only to make the file count as large as a host that would not fit.
bats_require_minimum_version 1.5.0

setup() {
  REPO=$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)
  WORK=${BATS_TEST_TMPDIR}
  mkdir -p "${WORK}/bin" "${WORK}/target" "${WORK}/src/sub"
  yes data | head -c 50000 >"${WORK}/src/sub/file"
  # df --output=iused answers FAKE_IUSED when it is set; everything else is the real df.
  cat >"${WORK}/bin/df" <<'STUB'
#!/bin/bash
if [[ -n ${FAKE_IUSED:-} && " $* " == *" --output=iused "* ]]; then
  printf '  IUsed\n%s\n' "${FAKE_IUSED}"
  exit 0
fi
exec /usr/bin/df "$@"
STUB
  chmod +x "${WORK}/bin/df"
  # find ROOT -xdev -printf . prints FAKE_ENTRIES dots when it is set (a source of that many files);
  # everything else is the real find.
  cat >"${WORK}/bin/find" <<'STUB'
#!/bin/bash
if [[ -n ${FAKE_ENTRIES:-} && " $* " == *" -xdev -printf . "* ]]; then
  head -c "${FAKE_ENTRIES}" /dev/zero | tr '\0' .
  exit 0
fi
exec /usr/bin/find "$@"
STUB
  chmod +x "${WORK}/bin/find"
  export BACKUP_GEN_PATH=${WORK}/bin:/usr/sbin:/usr/bin:/sbin:/bin
  printf '%s\n' '[backup]' 'source_type = directory' "source_root = ${WORK}/src" "target = ${WORK}/target" \
    'archive_prefix = mem-' >"${WORK}/p.ini"
  node "${REPO}/dist/cli.js" "${WORK}/p.ini" -o "${WORK}/p.sh"
  MONTH_DIR=${WORK}/target/$(date +%Y-%m)
}

# available_bytes: MemAvailable plus SwapFree, as the script adds them up.
available_bytes() {
  awk '$1 == "MemAvailable:" || $1 == "SwapFree:" { sum += $2 * 1024 } END { printf "%.0f\n", sum }' /proc/meminfo
}

@test "a tree that fits: the estimate is logged at INFO from the real file count, and the run is clean" {
  run -0 --separate-stderr "${WORK}/p.sh" -l INFO
  # The inodes in use on the file system that holds the tree (other tests may be adding some).
  local -r pattern="INFO: dar's catalogue: ${WORK}/src holds up to ([0-9]+) files; for this FULL dar needs about [0-9.]+ [KMG]iB of memory, of [0-9.]+ [KMG]iB available"
  [[ ${stderr} =~ ${pattern} ]]
  local -r files=$(df --output=iused -- "${WORK}/src" | tail -n 1 | tr -d ' ')
  ((BASH_REMATCH[1] > 0 && BASH_REMATCH[1] <= files + 10000))
  [[ ${stderr} != *WARNING* ]]
}

@test "a small source on a file system with more inodes in use than memory can hold: counted, no warning, exit 0" {
  # The file system's count would not fit (1,100 bytes a file for a FULL), the source's 1,356 do.
  local -r files=$(($(available_bytes) * 2 / 1100 + 1000))
  for ((i = 0; i < 1353; i++)); do
    : >"${WORK}/src/sub/f${i}"
  done
  FAKE_IUSED=${files} run -0 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ ${stderr} == *"INFO: dar's catalogue: ${WORK}/src holds 1356 files; for this FULL dar needs about 1.4 MiB of memory, of "*" available"* ]]
  [[ ${stderr} != *WARNING* ]]
}

@test "more files than memory and swap can hold: a WARNING with the numbers before dar starts, exit 2, and the archive is still made" {
  # 1,100 bytes a file for a FULL: more than twice what this host has free; the source is counted
  # only as far as what would fit.
  local -r files=$(($(available_bytes) * 2 / 1100 + 1000)) limit=$(($(available_bytes) / 1100))
  FAKE_IUSED=${files} FAKE_ENTRIES=${files} run -2 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ ${stderr} == *"WARNING: dar's catalogue: ${WORK}/src holds more than "*" files; for this FULL dar needs more than "*" of memory (about 1.0 KiB a file), and this host has "*" available (memory and swap): dar may be killed for want of memory. Split the source (its subdirectories into sources of their own) or add swap"* ]]
  [[ ${stderr} =~ holds\ more\ than\ ([0-9]+)\ files ]]
  # Free memory moves a little between the test's reading and the script's.
  ((BASH_REMATCH[1] > limit * 9 / 10 && BASH_REMATCH[1] < limit * 11 / 10))
  # It only warns: the FULL is published and the chain can go on.
  [[ $(<"${MONTH_DIR}/latest_successful") == mem-*-FULL ]]
  dar -N -Q -t "${MONTH_DIR}/$(<"${MONTH_DIR}/latest_successful")" >/dev/null
}

@test "an INC is estimated with the larger per-file figure: dar holds its reference's catalogue too" {
  run -0 "${WORK}/p.sh"
  # Between 1,100 and 1,700 bytes a file of what is free: a FULL would fit, an INC does not.
  local -r files=$(($(available_bytes) / 1400))
  FAKE_IUSED=${files} FAKE_ENTRIES=${files} run -2 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ ${stderr} == *"WARNING: dar's catalogue: ${WORK}/src holds more than "*" files; for this INC dar needs more than "* ]]
  [[ $(<"${MONTH_DIR}/latest_successful") == mem-*-INC ]]
}

@test "a file system that counts no inodes (btrfs says 0): the source's entries are counted" {
  FAKE_IUSED=0 run -0 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ ${stderr} == *"INFO: dar's catalogue: ${WORK}/src holds 3 files; for this FULL dar needs about 3.2 KiB of memory, of "* ]]
}

@test "the noop variant estimates nothing (it runs no dar)" {
  FAKE_IUSED=999999999999 run -0 --separate-stderr "${WORK}/p.sh" --noop -l INFO
  [[ ${stderr} != *"dar's catalogue"* ]]
}
