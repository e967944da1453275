#!/usr/bin/env bats
# backup_gen_profiles[].config, rendered by the role's template and filter into NAME.ini: what
# backup-gen reads from the file is what the inventory said, or the play fails naming the setting.
# Needs ansible-playbook (test/run-all.sh installs it); no host.

setup_file() {
  if ! command -v ansible-playbook >/dev/null; then
    skip 'needs ansible-playbook'
  fi
  export ANSIBLE_FILTER_PLUGINS=${BATS_TEST_DIRNAME}/../../ansible/roles/backup_gen/filter_plugins
  export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
  export ANSIBLE_LOCAL_TEMP=${BATS_FILE_TMPDIR}/ansible-local
}

# render JSON: the template's output for backup_gen_profile JSON, in BATS_TEST_TMPDIR/rendered.ini.
render() {
  run ansible-playbook -i localhost, -e "out=${BATS_TEST_TMPDIR}/rendered.ini" -e "{\"backup_gen_profile\": $1}" \
    "${BATS_TEST_DIRNAME}/render.yml"
}

# dar_options PROFILE: every source's dar options, as backup-gen plans them, one per line.
dar_options() {
  node "${BATS_TEST_DIRNAME}/../../dist/cli.js" plan "$1" |
    /usr/bin/python3 -c 'import json, sys; [print(s["name"], *s["darOptions"], sep="\n") for s in json.load(sys.stdin)["sources"]]'
}

@test "lists, volume sections, booleans and numbers from the inventory are read by backup-gen as they were given" {
  mkdir -p -- "${BATS_TEST_TMPDIR}/src" "${BATS_TEST_TMPDIR}/logs"
  local -r src=${BATS_TEST_TMPDIR}/src logs=${BATS_TEST_TMPDIR}/logs
  render '{"name": "odd", "config": {
    "backup": {"source_type": "directory", "source_root": "'"${src}"'", "target": "/var/backups/odd", "archive_prefix": "odd-",
               "excludes": ["tmp uploads", "back\\slash", "say \"hi\"", "it'"'"'s", 2024, "plain"], "full_every": "7 days"},
    "volume logs": {"source_type": "directory", "source_root": "'"${logs}"'", "subdirs": ["a b", "c"]},
    "dar": {"compare_with_source": true}}}'
  [[ ${status} -eq 0 ]] || { echo "${output}"; false; }
  # The same profile written by hand, every item in single quotes (which keep every character).
  cat >"${BATS_TEST_TMPDIR}/by-hand.ini" <<PROFILE
[backup]
source_type = directory
source_root = ${src}
target = /var/backups/odd
archive_prefix = odd-
excludes = 'tmp uploads' 'back\\slash' 'say "hi"' "it's" '2024' 'plain'
full_every = 7 days

[volume logs]
source_type = directory
source_root = ${logs}
subdirs = 'a b' 'c'

[dar]
compare_with_source = yes
PROFILE
  local rendered by_hand
  rendered=$(dar_options "${BATS_TEST_TMPDIR}/rendered.ini")
  by_hand=$(dar_options "${BATS_TEST_TMPDIR}/by-hand.ini")
  [[ ${rendered} == "${by_hand}" ]] || { diff <(echo "${by_hand}") <(echo "${rendered}"); false; }
  # And the items are there, as dar excludes and masks.
  [[ ${rendered} == *$'\n-P\nback\\\\slash\n'* && ${rendered} == *$'\n-P\nsay "hi"\n'* && ${rendered} == *$'\n-g\na b\n'* ]] || { echo "${rendered}"; false; }
}

@test "a value the profile would read differently fails the render, naming the profile, section and key" {
  render '{"name": "bad", "config": {"backup": {"target": "/var/backups/a ; b"}}}'
  [[ ${status} -ne 0 ]]
  [[ ${output} == *'backup_gen_profiles bad: config [backup] target: the value '*'/var/backups/a ; b'*'holds " ;", which starts a comment'* ]] || { echo "${output}"; false; }
  [[ ! -e ${BATS_TEST_TMPDIR}/rendered.ini ]]
  render '{"name": "bad", "config": {"backup": {"excludes": ["a\nb"]}}}'
  [[ ${status} -ne 0 && ${output} == *'config [backup] excludes: the value '*'holds a line break'* ]] || { echo "${output}"; false; }
  render '{"name": "bad", "config": {"backup": {"rem": "x"}}}'
  [[ ${status} -ne 0 && ${output} == *'config [backup] rem: a line that starts with "rem" is a comment'* ]] || { echo "${output}"; false; }
  render '{"name": "bad", "config": {"volume a/b": {"source_type": "directory"}}}'
  [[ ${status} -ne 0 && ${output} == *'config [volume a/b] source_type: a section name is'* ]] || { echo "${output}"; false; }
}
