#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# What a real host does to a run that is going well: the terminal or pipe it writes to goes away,
# dar has children of its own when the run is stopped, lvs fails once during teardown. Whatever
# happens, teardown completes: no mount, no snapshot, no half archive is left.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  export SCRIPT
  prime_full_backup "${SCRIPT}"
}

setup() {
  setup_from_full_backup
  SCRIPT_PID='' LINGERING=''
}

teardown() {
  kill_started "${SCRIPT_PID}" "${LINGERING}"
}

assert_no_partial() {
  assert_equal '' "$(find "${TARGET}" -name '.*.partial.*')" 'partial slices in the target'
}

@test "stdout and stderr closed while dar runs (a dropped ssh session): teardown still completes" {
  export STUB_HANG_dar=2 STUB_MATCH_dar=-c
  # The reader goes away once dar is running: every later write of the script meets a closed pipe.
  {
    code=0
    "${SCRIPT}" -l INFO || code=$?
    printf '%d\n' "${code}" >"${BATS_TEST_TMPDIR}/status"
  } 2>&1 |
    { read -r _ && stub_wait_hanging dar >/dev/null; }
  local -r status=$(<"${BATS_TEST_TMPDIR}/status")
  if ((status != 0 && status != 1 && status != 2)); then
    printf 'the script ended with %d (141 is SIGPIPE)\n' "${status}" >&2
    return 1
  fi
  assert_host_clean
  assert_no_partial
}

@test "SIGTERM while dar runs stops dar's own children too, not only dar" {
  mkdir -p -- "${BATS_TEST_TMPDIR}/wrap"
  # A dar that has started a child of its own (as a filter or a helper would be).
  cat >"${BATS_TEST_TMPDIR}/wrap/dar" <<WRAP
#!/usr/bin/env bash
tail -f /dev/null >/dev/null 2>&1 3>&- &
printf '%d\n' "\$!" >${BATS_TEST_TMPDIR}/child.pid
PATH=${BACKUP_GEN_PATH} exec ${STUB_BIN}/dar "\$@"
WRAP
  chmod +x -- "${BATS_TEST_TMPDIR}/wrap/dar"
  export BACKUP_GEN_PATH=${BATS_TEST_TMPDIR}/wrap:${BACKUP_GEN_PATH}
  export STUB_HANG_dar=20 STUB_MATCH_dar=-c
  start_script "${SCRIPT}"
  stub_wait_hanging dar >/dev/null
  LINGERING=$(<"${BATS_TEST_TMPDIR}/child.pid")
  kill -TERM "${SCRIPT_PID}"
  local status=0
  wait "${SCRIPT_PID}" || status=$?
  assert_equal 143 "${status}" 'exit status'
  sleep 0.2
  # Alive: still there and not a zombie waiting for init to reap it.
  if [[ -r /proc/${LINGERING}/stat && $(awk '{ print $3 }' "/proc/${LINGERING}/stat") != Z ]]; then
    printf "dar's child (pid %s) is still running after the run stopped\n" "${LINGERING}" >&2
    return 1
  fi
  assert_host_clean
  assert_no_partial
}

@test "lvs failing during teardown is not taken for 'the snapshot is gone': it is still removed" {
  # The first call naming the snapshot (the overflow check after dar) works; the next one fails.
  export STUB_FAIL_lvs=5 STUB_MATCH_lvs=vg0/root-backsnap STUB_AFTER_lvs=1 STUB_STDERR_lvs='  Reading VG vg0 failed.'
  run -0 --separate-stderr "${SCRIPT}"
  assert_has_line "$(stub_calls lvremove)" 'lvremove --force vg0/root-backsnap' 'the lvremove calls'
  assert_host_clean
  assert_latest_successful "${PREFIX}${STAMP}-INC"
}
