#!/usr/bin/env bats
# Before dar starts, the script estimates the memory dar's catalogue will need from the number of
# files (the inodes in use on the source's file system) and warns when the memory and swap free now
# cannot hold it, rather than leaving the OOM killer to end dar hours in. Real dar on a small tree;
# df is wrapped only to make the file count as large as a host that would not fit.
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
  export BACKUP_GEN_PATH=${WORK}/bin:/usr/sbin:/usr/bin:/sbin:/bin
  printf '%s\n' '[backup]' 'source_type = directory' "source_root = ${WORK}/src" "target = ${WORK}/target" \
    'archive_prefix = mem-' >"${WORK}/p.ini"
  node "${REPO}/dist/cli.js" "${WORK}/p.ini" -o "${WORK}/p.sh"
  MONTH_DIR=${WORK}/target/$(date +%Y-%m)
}

# available_bytes: MemAvailable plus SwapFree, as the script adds them up.
available_bytes() {
  awk '$1 == "MemAvailable:" || $1 == "SwapFree:" { sum += $2 * 1024 } END { print sum }' /proc/meminfo
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

@test "more files than memory and swap can hold: a WARNING with the numbers before dar starts, exit 2, and the archive is still made" {
  # 1,100 bytes a file for a FULL: more than twice what this host has free.
  local -r files=$(($(available_bytes) * 2 / 1100 + 1000))
  FAKE_IUSED=${files} run -2 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ ${stderr} == *"WARNING: dar's catalogue: ${WORK}/src holds up to ${files} files; for this FULL dar needs about "*" of memory, and this host has "*" available (memory and swap): dar may be killed for want of memory. Split the source (its subdirectories into sources of their own) or add swap"* ]]
  # It only warns: the FULL is published and the chain can go on.
  [[ $(<"${MONTH_DIR}/latest_successful") == mem-*-FULL ]]
  dar -N -Q -t "${MONTH_DIR}/$(<"${MONTH_DIR}/latest_successful")" >/dev/null
}

@test "an INC is estimated with the larger per-file figure: dar holds its reference's catalogue too" {
  run -0 "${WORK}/p.sh"
  # Between 1,100 and 1,700 bytes a file of what is free: a FULL would fit, an INC does not.
  local -r files=$(($(available_bytes) / 1400))
  FAKE_IUSED=${files} run -2 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ ${stderr} == *"WARNING: dar's catalogue: ${WORK}/src holds up to ${files} files; for this INC dar needs about "* ]]
  [[ $(<"${MONTH_DIR}/latest_successful") == mem-*-INC ]]
}

@test "a file system that counts no inodes (btrfs says 0): nothing is estimated, and the run says so" {
  FAKE_IUSED=0 run -0 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ ${stderr} == *"INFO: dar's catalogue: how many files ${WORK}/src holds is not known (its file system counts no inodes); its memory use is not checked"* ]]
}

@test "the noop variant estimates nothing (it runs no dar)" {
  FAKE_IUSED=999999999999 run -0 --separate-stderr "${WORK}/p.sh" --noop -l INFO
  [[ ${stderr} != *"dar's catalogue"* ]]
}
