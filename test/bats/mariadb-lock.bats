#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# examples/hooks/mariadb-lock, the README's MariaDB example, against a real MariaDB server started
# by the test (a private data directory and socket, no network): the read lock is held between
# before_snapshot and after_snapshot, released after it, and dropped when a run dies in between.
# The LVM host is the stubbed one. Needs root and Debian's mariadb-server.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-mariadb)
  DB=${BATS_FILE_TMPDIR}/db
  SOCKET=${DB}.sock
  export SCRIPT DB SOCKET
  command -v mariadbd >/dev/null || command -v /usr/sbin/mariadbd >/dev/null || {
    printf 'mariadbd is not installed (Debian: mariadb-server; test/run-all.sh installs it)\n' >&3
    return 1
  }
  mariadb-install-db --user=root --datadir="${DB}" --auth-root-authentication-method=socket >"${DB}.install.log" 2>&1
  /usr/sbin/mariadbd --no-defaults --user=root --datadir="${DB}" --socket="${SOCKET}" --skip-networking \
    --pid-file="${DB}.pid" --log-error="${DB}.err" &
  local tick
  for ((tick = 0; tick < 300; tick++)); do
    mariadb --no-defaults --socket="${SOCKET}" -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.1
  done
  mariadb --no-defaults --socket="${SOCKET}" -e 'CREATE DATABASE t; CREATE TABLE t.x (n INT) ENGINE=InnoDB'
}

teardown_file() {
  if [[ -f ${DB}.pid ]]; then
    kill "$(<"${DB}.pid")" 2>/dev/null || true
    for _ in {1..100}; do
      [[ -f ${DB}.pid ]] || break
      sleep 0.1
    done
  fi
}

setup() {
  setup_run_environment
  stub_lv "${VG}" home
  export STUB_LV_SIZE=$((20 * 1024 * 1024 * 1024))
  export MARIADB_LOCK=${PROJECT_ROOT}/examples/hooks/mariadb-lock
  export MARIADB_LOCK_CLIENT="mariadb --no-defaults --socket=${SOCKET}"
  export MARIADB_LOCK_STATE=${BATS_TEST_TMPDIR}/lock-state
  export PROBE_LOG=${BATS_TEST_TMPDIR}/probe
  # The probe: a write from another session, given 2 s; "blocked" if it had to wait for the lock.
  export MARIADB_PROBE=${BATS_TEST_TMPDIR}/probe.sh
  cat >"${MARIADB_PROBE}" <<PROBE
#!/bin/bash
if timeout 2 mariadb --no-defaults --socket='${SOCKET}' -e 'INSERT INTO t.x VALUES (1)'; then
  echo written >>'${PROBE_LOG}'
else
  echo blocked >>'${PROBE_LOG}'
fi
PROBE
  chmod +x -- "${MARIADB_PROBE}"
}

# write_works: a write from another session goes through within 5 s (no read lock is held).
write_works() {
  timeout 5 mariadb --no-defaults --socket="${SOCKET}" -e 'INSERT INTO t.x VALUES (2)'
}

@test "the read lock is held from before_snapshot to after_snapshot, across both snapshots, and released after" {
  run -0 --separate-stderr "${SCRIPT}" -l INFO
  assert_equal blocked "$(<"${PROBE_LOG}")" 'the write tried inside the window'
  assert_contains "${stderr}" 'INFO: hook before_snapshot: mariadb-lock: tables flushed and locked'
  assert_contains "${stderr}" 'INFO: hook after_snapshot: mariadb-lock: unlocked'
  write_works
  [[ ! -e ${MARIADB_LOCK_STATE} ]]
  assert_equal 2 "$(stub_call_count lvcreate)" 'lvcreate calls'
}

@test "a run that fails between the two hooks drops the lock: the session it left is stopped" {
  export RELEASE_FAILS=1
  run -1 --separate-stderr "${SCRIPT}" -l INFO
  assert_equal blocked "$(<"${PROBE_LOG}")" 'the write tried inside the window'
  assert_contains "${stderr}" 'ERROR: hook after_snapshot failed (exit 3)'
  assert_contains "${stderr}" 'INFO: stopping what the hooks left running'
  write_works
  assert_equal '' "$(pgrep -f -- "--socket=${SOCKET} --batch" || true)" 'lock clients still running'
}
