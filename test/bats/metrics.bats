#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# [monitoring] metrics_dir: node_exporter textfile metrics, written atomically once per backup run,
# failed runs too; checked with promtool (the Prometheus project's own parser and linter) and read
# back with python3-prometheus-client's parser.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  compile_metered metered
}

setup() {
  setup_run_environment
  reset_metered
  export STUB_SNAP_PERCENT=12.50
  FILE=${METRICS}/backup-gen-metered.prom
}

# metric NAME LABEL=VALUE...: the value of that sample in FILE (profile=metered.ini is added), as
# read-metrics.py reads it; nothing when there is no such sample.
metric() {
  local -r name=$1
  shift
  local labels line
  labels=$(printf '%s\n' profile=metered.ini "$@" | LC_ALL=C sort | paste -s -d ' ')
  while IFS= read -r line; do
    if [[ ${line} == "${name} ${labels} = "* ]]; then
      printf '%s\n' "${line##* = }"
    fi
  done < <(/usr/bin/python3 "${BATS_TEST_DIRNAME}/helpers/read-metrics.py" "${FILE}")
}

assert_promtool_accepts() {
  run promtool check metrics <"${FILE}"
  assert_equal 0 "${status}" 'promtool check metrics exit'
  assert_equal '' "${output}" 'what promtool says'
}

# archive_bytes DIR NAME: the size of an archive's slices.
archive_bytes() {
  stat -c %s -- "$1/$2".[0-9]*.dar | awk '{ total += $1 } END { print total }'
}

assert_about_now() { # assert_about_now VALUE WHAT
  local -r now=$(printf '%(%s)T' -1)
  ((now - $1 >= 0 && now - $1 < 120)) || assert_equal "about ${now}" "$1" "$2"
}

@test "a successful run writes metrics promtool accepts, with this run's values; a directory source has no snapshot series" {
  run -0 --separate-stderr "${SCRIPT}"
  assert_promtool_accepts
  assert_equal 644 "$(stat -c %a -- "${FILE}")" 'the mode of the metrics file (node_exporter runs as another user)'
  assert_about_now "$(metric backup_gen_last_success_timestamp_seconds source=main)" 'the last success of main'
  assert_about_now "$(metric backup_gen_last_success_timestamp_seconds source=www)" 'the last success of www'
  assert_about_now "$(metric backup_gen_last_run_timestamp_seconds source=main)" 'the last run of main'
  assert_equal "$(archive_bytes "${MONTH_DIR}" "${PREFIX}${STAMP}-FULL")" "$(metric backup_gen_last_archive_bytes source=main)" "main's archive bytes"
  assert_equal "$(archive_bytes "${TARGET}/www/${MONTH}" "testhost-root-www-${STAMP}-FULL")" "$(metric backup_gen_last_archive_bytes source=www)" "www's archive bytes"
  assert_equal 1 "$(metric backup_gen_last_archive_kind kind=FULL source=main)" 'main is a FULL'
  assert_equal 0 "$(metric backup_gen_last_archive_kind kind=INC source=main)" 'main is not an INC'
  assert_equal 0 "$(metric backup_gen_last_run_exit_status source=main)" "main's exit status"
  assert_equal 12.5 "$(metric backup_gen_snapshot_used_percent source=main)" "main's snapshot use"
  assert_equal '' "$(metric backup_gen_snapshot_used_percent source=www)" "www's snapshot use (a directory: no series)"
  assert_equal 0 "$(metric backup_gen_run_exit_status)" "the run's exit status"
  assert_about_now "$(metric backup_gen_mirror_last_success_timestamp_seconds)" 'the last copy to the mirror'
  local duration
  duration=$(metric backup_gen_last_run_duration_seconds source=main)
  ((duration >= 0 && duration < 60))
  assert_equal 'backup-gen-metered.prom' "$(ls -A -- "${METRICS}")" 'the metrics directory (no temporary file left)'
}

@test "a failed run writes the file too: the failed source keeps its last success and archive, its exit status is 1" {
  run -0 "${SCRIPT}"
  local -r success=$(metric backup_gen_last_success_timestamp_seconds source=main) bytes=$(metric backup_gen_last_archive_bytes source=main)
  local -r mirrored=$(metric backup_gen_mirror_last_success_timestamp_seconds) inode=$(stat -c %i -- "${FILE}")
  /usr/bin/sleep 1
  export STUB_EXIT_dar=2 STUB_MATCH_dar=-c STUB_TIMES_dar=1
  run -1 --separate-stderr "${SCRIPT}"
  assert_promtool_accepts
  assert_equal "${success}" "$(metric backup_gen_last_success_timestamp_seconds source=main)" "main's last success, carried over"
  assert_equal "${bytes}" "$(metric backup_gen_last_archive_bytes source=main)" "main's last archive, carried over"
  assert_equal 1 "$(metric backup_gen_last_run_exit_status source=main)" "main's exit status"
  assert_equal NaN "$(metric backup_gen_snapshot_used_percent source=main)" "main's snapshot use (dar failed before it was read)"
  (($(metric backup_gen_last_run_timestamp_seconds source=main) > success - 60))
  (($(metric backup_gen_last_success_timestamp_seconds source=www) > success))
  assert_equal 0 "$(metric backup_gen_last_run_exit_status source=www)" "www's exit status"
  assert_equal 1 "$(metric backup_gen_run_exit_status)" "the run's exit status"
  assert_equal "${mirrored}" "$(metric backup_gen_mirror_last_success_timestamp_seconds)" 'the last copy to the mirror, carried over (none this time)'
  # Replaced by a rename, never rewritten in place: a scraper reads the old file or the new one.
  [[ $(stat -c %i -- "${FILE}") != "${inode}" ]]
  assert_equal 'backup-gen-metered.prom' "$(ls -A -- "${METRICS}")" 'the metrics directory'
}

@test "a profile name with quotes and backslashes is escaped in the labels as the exposition format says" {
  local -r profile=${BATS_TEST_TMPDIR}/we\"ird\\name.ini
  printf '[backup]\nsource_type = directory\nsource_root = %s\ntarget = %s\narchive_prefix = x-\n\n[monitoring]\nmetrics_dir = %s\n' "${WWW}" "${TARGET}" "${METRICS}" >"${profile}"
  node "${PROJECT_ROOT}/dist/cli.js" -o "${BATS_TEST_TMPDIR}/weird.sh" "${profile}"
  run -0 "${BATS_TEST_TMPDIR}/weird.sh"
  FILE=${METRICS}/backup-gen-we_ird_name.prom
  assert_promtool_accepts
  assert_contains "$(<"${FILE}")" 'backup_gen_run_exit_status{profile="we\"ird\\name.ini"} 0'
  assert_equal 'backup_gen_run_exit_status profile=we"ird\name.ini = 0' "$(/usr/bin/python3 "${BATS_TEST_DIRNAME}/helpers/read-metrics.py" "${FILE}" | grep -e '^backup_gen_run_exit_status ')" 'the label as a parser reads it'
}

@test "a metrics directory that is not there is a warning; the backup's exit code is unchanged" {
  rm -rf -- "${METRICS}"
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal "WARNING: cannot write the metrics file ${FILE}: is its directory there and writable? ([monitoring] metrics_dir)" "${stderr}" 'stderr'
}

@test "--noop writes no metrics and says where a real run would" {
  run -0 "${SCRIPT}" --noop
  assert_contains "${output}" "# a real run writes its metrics to ${FILE} here (a temporary file beside it, then mv)"
  assert_equal '' "$(ls -A -- "${METRICS}")" 'the metrics directory'
}

@test "a snapshot that overflowed is reported as 100 percent used, and its source as failed" {
  export STUB_SNAP_ATTR=swi-Ios--- STUB_SNAP_PERCENT=42.00
  run -1 --separate-stderr "${SCRIPT}"
  assert_promtool_accepts
  assert_equal 100 "$(metric backup_gen_snapshot_used_percent source=main)" "main's snapshot use (LVM invalidated it)"
  assert_equal 1 "$(metric backup_gen_last_run_exit_status source=main)" "main's exit status"
}

@test "a temporary metrics file a killed run left is removed by the next run, with a warning; a live run's is kept" {
  # pid 999999999 exists on no host (pid_max is at most 4194304): that run is gone. $$ is alive.
  local -r dead=${FILE}.999999999.1.AbCdEfGhIj alive=${FILE}.$$.$(awk '{ print $22 }' "/proc/$$/stat").AbCdEfGhIj
  printf 'half a file\n' >"${dead}"
  printf 'being written\n' >"${alive}"
  run -0 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "WARNING: removed ${dead}: a temporary metrics file left by a run of this profile that was killed (pid 999999999)"
  [[ ! -e ${dead} && -f ${alive} && -f ${FILE} ]]
  assert_equal "${FILE} ${alive}" "$(echo "${METRICS}"/*)" 'the metrics directory'
}
