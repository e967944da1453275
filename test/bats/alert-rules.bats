#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031 # each @test is a subshell of its own: its exports are meant to stay in it
# prometheus/backup-gen-alerts.yml: the alerting rules shipped for the metrics of [monitoring]
# metrics_dir. promtool checks them and runs their unit tests (backup-gen-alerts.test.yml); the
# series they read are the ones a real run writes; and a real Prometheus, scraping a real
# node_exporter that reads the file a failed run of a generated script wrote, fires the alerts that
# say what went wrong, and no other.

load test_helper/common

readonly RULES_DIR=${BATS_TEST_DIRNAME}/../../prometheus

setup_file() {
  setup_fixture_dirs
  compile_metered watched
}

setup() {
  setup_run_environment
  reset_metered
  FILE=${METRICS}/backup-gen-watched.prom
  EXPORTER_PID='' PROMETHEUS_PID=''
}

teardown() {
  local pid
  for pid in ${EXPORTER_PID} ${PROMETHEUS_PID}; do
    { kill -TERM "${pid}" && wait "${pid}"; } 2>/dev/null || true
  done
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_http URL: until it answers (20 s at most).
wait_for_http() {
  local _
  for _ in $(seq 100); do
    /usr/bin/curl -fsS -o /dev/null -- "$1" 2>/dev/null && return 0
    /usr/bin/sleep 0.2
  done
  printf '%s did not answer\n' "$1" >&2
  return 1
}

# firing_alerts URL: "ALERTNAME source=SOURCE" of each firing alert, sorted.
firing_alerts() {
  /usr/bin/curl -fsS -- "$1/api/v1/alerts" | /usr/bin/python3 -c '
import json, sys
alerts = json.load(sys.stdin)["data"]["alerts"]
for alert in sorted(alerts, key=lambda a: (a["labels"]["alertname"], a["labels"].get("source", ""))):
    if alert["state"] == "firing":
        print(alert["labels"]["alertname"], "source=" + alert["labels"].get("source", ""))
'
}

@test "promtool accepts the rules" {
  run -0 promtool check rules "${RULES_DIR}/backup-gen-alerts.yml"
  assert_contains "${output}" 'SUCCESS: 9 rules found'
}

@test "the rules pass their promtool unit tests" {
  cd "${RULES_DIR}"
  run promtool test rules backup-gen-alerts.test.yml
  assert_equal 0 "${status}" "promtool test rules' exit (its output: ${output})"
  assert_contains "${output}" 'SUCCESS'
}

@test "every backup-gen series the rules and their tests read is one a real run writes" {
  export STUB_SNAP_PERCENT=12.50
  run -0 "${SCRIPT}"
  local name written
  written=$(grep -v '^#' -- "${FILE}" | sed -E 's/[{ ].*//' | sort -u)
  while IFS= read -r name; do
    assert_contains $'\n'"${written}"$'\n' $'\n'"${name}"$'\n' "the names a run writes (the rules read ${name})"
  done < <(grep -ohE 'backup_gen_[a-z_]+' -- "${RULES_DIR}"/backup-gen-alerts*.yml | sort -u)
  # The labels the rules name: profile for every series, source for a source's.
  assert_contains "$(<"${FILE}")" 'backup_gen_last_run_exit_status{profile="watched.ini",source="main"} 0'
  assert_contains "$(<"${FILE}")" 'backup_gen_run_exit_status{profile="watched.ini"} 0'
}

@test "a real Prometheus scraping node_exporter fires the alerts of a run whose snapshot overflowed, and no others" {
  export STUB_SNAP_ATTR=swi-Ios--- STUB_SNAP_PERCENT=42.00
  run -1 --separate-stderr "${SCRIPT}"
  local -r exporter_port=$(free_port) prometheus_port=$(free_port) work=${BATS_TEST_TMPDIR}/prometheus
  mkdir -p -- "${work}"
  prometheus-node-exporter --web.listen-address="127.0.0.1:${exporter_port}" --collector.disable-defaults \
    --collector.textfile --collector.textfile.directory="${METRICS}" >"${work}/exporter.log" 2>&1 3>&- &
  EXPORTER_PID=$!
  cat >"${work}/prometheus.yml" <<CONFIG
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - ${RULES_DIR}/backup-gen-alerts.yml
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:${exporter_port}']
CONFIG
  prometheus --config.file="${work}/prometheus.yml" --storage.tsdb.path="${work}/data" \
    --web.listen-address="127.0.0.1:${prometheus_port}" >"${work}/prometheus.log" 2>&1 3>&- &
  PROMETHEUS_PID=$!
  wait_for_http "http://127.0.0.1:${prometheus_port}/-/ready"
  # main failed (its snapshot overflowed) on its first run: no good backup of it ever; www was
  # published, but the mirror was not copied (the backup failed), so it lacks www's archive. The run
  # failed because a source did: BackupGenRunFailed stays quiet.
  local -r expected='BackupGenLastRunFailed source=main
BackupGenMirrorBehind source=
BackupGenNoRecentSuccess source=main
BackupGenSnapshotOverflowed source=main'
  local alerts='' _
  for _ in $(seq 60); do
    alerts=$(firing_alerts "http://127.0.0.1:${prometheus_port}")
    [[ ${alerts} == "${expected}" ]] && break
    /usr/bin/sleep 0.5
  done
  assert_equal "${expected}" "${alerts}" 'the firing alerts'
}
