#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# list --json is one valid JSON document whatever the profile's texts hold: a prefix with " & <,
# a target path with " \ a tab and UTF-8. Parsed by python3's json module (strict: no control
# characters in strings, UTF-8 only), with the real dar making the archives.

load test_helper/common

@test "list --json is valid JSON that gives back a prefix with a double quote and a target path with a backslash, a tab and UTF-8 as written" {
  local -r target=${BATS_TEST_TMPDIR}/t"a\"r\\g"$'\t'"é😀t" prefix='q"uo&te<é-'
  mkdir -p -- "${BATS_TEST_TMPDIR}/src" "${target}"
  printf 'x\n' >"${BATS_TEST_TMPDIR}/src/f"
  printf '[backup]\nsource_type = directory\nsource_root = %s\ntarget = %s\narchive_prefix = %s\n' "${BATS_TEST_TMPDIR}/src" "${target}" "${prefix}" >"${BATS_TEST_TMPDIR}/lj.ini"
  node "${PROJECT_ROOT}/dist/cli.js" -o "${BATS_TEST_TMPDIR}/lj.sh" "${BATS_TEST_TMPDIR}/lj.ini"
  BACKUP_GEN_PATH=${PROJECT_ROOT}/test/bats/helpers/fake-clock:/usr/bin:/bin BG_TEST_NOW='2024-03-05 09:10:30' run -0 bash "${BATS_TEST_TMPDIR}/lj.sh"
  run -0 --separate-stderr bash "${BATS_TEST_TMPDIR}/lj.sh" list --json
  printf '%s' "${output}" >"${BATS_TEST_TMPDIR}/list.json"
  run -0 python3 -c '
import json, sys
doc = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
source = doc["sources"][0]
archive = source["sets"][0]["chains"][0]["archives"][0]
print(source["set_root"]); print(source["prefix"]); print(archive["name"]); print(archive["verified"]["result"])
' "${BATS_TEST_TMPDIR}/list.json"
  assert_equal "${target}"$'\n'"${prefix}"$'\n'"${prefix}2024-03-05T0910-FULL"$'\n'ok "${output}" 'what python read'
}
