#!/usr/bin/env bats
# [backup] parallel: several sources archived at once, each by its own real dar; never two on one
# rotational disk with auto; never more snapshots than the volume group holds; a failure or a signal
# with several running leaves every chain and every other source as it should be.
bats_require_minimum_version 1.5.0

setup() {
  REPO=$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)
  WORK=${BATS_TEST_TMPDIR}
  mkdir -p "${WORK}/bin" "${WORK}/target"
  local name
  for name in one two three; do
    mkdir -p "${WORK}/src/${name}/sub"
    yes "${name}" | head -c 100000 >"${WORK}/src/${name}/sub/file"
  done
  # A dar that notes when each archive starts and ends (and can be made to fail for one source),
  # then runs the real one; every other dar call goes straight through.
  cat >"${WORK}/bin/dar" <<'STUB'
#!/bin/bash
if [[ $1 == -c ]]; then
  archive=${2##*/}
  printf 'start %s %s\n' "${archive}" "${EPOCHREALTIME}" >>"${DAR_TIMES:?}"
  sleep "${DAR_DELAY:-1}"
  if [[ -n ${DAR_FAIL:-} && ${archive} == *"${DAR_FAIL}"* ]]; then
    printf 'end %s %s\n' "${archive}" "${EPOCHREALTIME}" >>"${DAR_TIMES}"
    exit 2
  fi
  status=0
  /usr/bin/dar "$@" || status=$?
  printf 'end %s %s\n' "${archive}" "${EPOCHREALTIME}" >>"${DAR_TIMES}"
  exit "${status}"
fi
exec /usr/bin/dar "$@"
STUB
  # lsblk: every device is read from one disk, rotational or not as LSBLK_ROTA says.
  cat >"${WORK}/bin/lsblk" <<'STUB'
#!/bin/bash
printf 'sdz disk %s\n' "${LSBLK_ROTA:-0}"
STUB
  chmod +x "${WORK}/bin/dar" "${WORK}/bin/lsblk"
  export BACKUP_GEN_PATH=${WORK}/bin:/usr/sbin:/usr/bin:/sbin:/bin DAR_TIMES=${WORK}/dar-times
}

# compile_profile BACKUP_LINE...: sources one, two and three, as [backup] and two [volume NAME].
compile_profile() {
  printf '%s\n' '[backup]' 'source_type = directory' "source_root = ${WORK}/src/one" "target = ${WORK}/target" \
    'archive_prefix = par-' "$@" \
    '[volume two]' 'source_type = directory' "source_root = ${WORK}/src/two" \
    '[volume three]' 'source_type = directory' "source_root = ${WORK}/src/three" >"${WORK}/p.ini"
  node "${REPO}/dist/cli.js" "${WORK}/p.ini" -o "${WORK}/p.sh"
}

# overlaps: how many pairs of archives were being written at the same time (from DAR_TIMES).
overlaps() {
  awk '$1 == "start" { s[$2] = $3 } $1 == "end" { e[$2] = $3 }
    END { n = 0; for (a in s) for (b in s) if (a < b && s[a] < e[b] && s[b] < e[a]) n++; print n }' "${DAR_TIMES}"
}

# chain_ok SET_DIR: the set's latest archive is a complete FULL that dar -t accepts.
chain_ok() {
  local -r latest=$(<"$1/latest_successful")
  [[ ${latest} == *-FULL ]]
  dar -N -Q -t "$1/${latest}" >/dev/null
}

@test "parallel = 3: the three sources are archived at the same time, and each chain is complete" {
  compile_profile 'parallel = 3'
  run -0 --separate-stderr "${WORK}/p.sh" -l INFO --log-file "${WORK}/log"
  [[ ${stderr} == *"INFO: up to 3 sources at a time ([backup] parallel)"* ]]
  [[ $(overlaps) -eq 3 ]]
  local -r month=$(date +%Y-%m)
  chain_ok "${WORK}/target/${month}"
  chain_ok "${WORK}/target/two/${month}"
  chain_ok "${WORK}/target/three/${month}"
  # In the log file a source's lines name it beside the pid, as they interleave.
  grep -qE "p\.sh\[[0-9]+ two\] INFO: no backup yet in ${WORK}/target/two/${month}: FULL" "${WORK}/log"
  # The summary lists the sources in the profile's order, whatever order they ended in.
  [[ $(grep -oE 'INFO:   (main|two|three):' <<<"${stderr}" | tr '\n' ' ') == 'INFO:   main: INFO:   two: INFO:   three: ' ]]
}

@test "parallel = 1: one source after the other, as before" {
  compile_profile 'parallel = 1'
  run -0 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ ${stderr} != *"sources at a time"* ]]
  [[ $(overlaps) -eq 0 ]]
  [[ $(grep -c '^start' "${DAR_TIMES}") -eq 3 ]]
}

@test "parallel = auto takes the CPUs the script may use: one CPU, one source at a time" {
  printf '#!/bin/bash\necho 1\n' >"${WORK}/bin/nproc"
  chmod +x "${WORK}/bin/nproc"
  compile_profile
  run -0 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ $(overlaps) -eq 0 ]]
  printf '#!/bin/bash\necho 8\n' >"${WORK}/bin/nproc"
  DAR_TIMES=${WORK}/dar-times-8 run -0 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ ${stderr} == *"INFO: up to 3 sources at a time ([backup] parallel)"* ]]
  [[ $(DAR_TIMES=${WORK}/dar-times-8 overlaps) -eq 3 ]]
}

@test "parallel = auto never reads one rotational disk with two dar at once; a number given does" {
  printf '#!/bin/bash\necho 4\n' >"${WORK}/bin/nproc"
  chmod +x "${WORK}/bin/nproc"
  compile_profile
  LSBLK_ROTA=1 run -0 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ ${stderr} == *"INFO: source two waits for a source that runs: both read the rotational disk sdz (source main)"* ]]
  [[ $(overlaps) -eq 0 ]]
  rm -f -- "${DAR_TIMES}"
  compile_profile 'parallel = 3'
  LSBLK_ROTA=1 run -0 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ $(overlaps) -eq 3 ]]
}

@test "a source that fails while others run ends only itself: the others are published, the run fails naming it" {
  compile_profile 'parallel = 3'
  DAR_FAIL=two- run -1 --separate-stderr "${WORK}/p.sh" -l INFO
  [[ ${stderr} == *"ERROR: source two failed (exit 1); its chain did not move; going on with the other sources"* ]]
  [[ ${stderr} == *"ERROR: the backup of two failed (see above); backed up and published: "* ]]
  local -r month=$(date +%Y-%m)
  chain_ok "${WORK}/target/${month}"
  chain_ok "${WORK}/target/three/${month}"
  [[ ! -e ${WORK}/target/two/${month}/latest_successful ]]
  [[ -z $(find "${WORK}/target" -name '*.partial*') ]]
}

@test "SIGTERM while three sources run stops every one: exit 143, no partial archive, no process left" {
  compile_profile 'parallel = 3'
  DAR_DELAY=30 setsid "${WORK}/p.sh" -l INFO >"${WORK}/out" 2>"${WORK}/err" &
  local -r pid=$!
  local waited=0
  until [[ -f ${DAR_TIMES} && $(grep -c '^start' "${DAR_TIMES}") -eq 3 ]]; do
    sleep 0.1
    ((++waited < 200))
  done
  # Only the script's own process, as systemd's KillMode=mixed and an administrator's kill do.
  kill -TERM "${pid}"
  local status=0
  wait "${pid}" || status=$?
  [[ ${status} -eq 143 ]]
  grep -q 'WARNING: stopping source two (pid [0-9]*) before cleaning up' "${WORK}/err"
  [[ -z $(find "${WORK}/target" -name '*.dar') ]]
  [[ -z $(find "${WORK}/target" -name 'latest_successful') ]]
  [[ -z $(pgrep -f -- "${WORK}/p.sh" || true) ]]
  [[ -z $(pgrep -f -- 'sleep 30' || true) ]]
  # The next run goes ahead.
  DAR_DELAY=0 run -0 "${WORK}/p.sh"
}
