#!/usr/bin/env bats
# The Ansible role against two real managed hosts over ssh (test/fleet/hosts.bash): alpha renders
# its profile from inventory variables and uses systemd; beta has a profile file, cron and a key.
# The tests are one story and run in order: deploy, run, idempotence, check mode, drift, a broken
# profile, state: absent. Needs root, ansible-playbook and sshd (test/run-all.sh installs them).

setup_file() {
  if [[ ${EUID} -ne 0 ]] || ! command -v ansible-playbook >/dev/null || [[ ! -x /usr/sbin/sshd ]]; then
    skip 'needs root, ansible-playbook and /usr/sbin/sshd'
  fi
  FLEET_DIR=$(mktemp -d /tmp/backup-gen-fleet.XXXXXX)
  export FLEET_DIR
  # shellcheck source=test/fleet/hosts.bash
  source "${BATS_TEST_DIRNAME}/hosts.bash"
  ssh-keygen -q -t ed25519 -N '' -f "${FLEET_DIR}/id_ed25519"
  start_host alpha 22201
  start_host beta 22202
  fleet_ssh 22201 'mkdir -p /srv/data/cache /var/backups/data /var/lib/node-exporter && echo alpha > /srv/data/a && echo junk > /srv/data/cache/x'
  fleet_ssh 22202 'mkdir -p /srv/www /var/backups/www /var/lib/node-exporter /etc/cron.d && echo beta > /srv/www/index.html'
  local -r project=$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)
  cat >"${FLEET_DIR}/inventory.ini" <<INVENTORY
[fleet]
alpha ansible_port=22201
beta ansible_port=22202

[fleet:vars]
ansible_host=127.0.0.1
ansible_user=root
ansible_python_interpreter=/usr/bin/python3
ansible_ssh_private_key_file=${FLEET_DIR}/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=${FLEET_DIR}/known_hosts -o StrictHostKeyChecking=yes'
backup_gen_command=["node", "${project}/dist/cli.js"]
backup_gen_profiles="{{ fleet_profiles[inventory_hostname] }}"
INVENTORY
  export ANSIBLE_ROLES_PATH=${project}/ansible/roles ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
    ANSIBLE_LOCAL_TEMP=${FLEET_DIR}/ansible-local ANSIBLE_SSH_CONTROL_PATH_DIR=${FLEET_DIR}/cp ANSIBLE_FORCE_COLOR=0
}

teardown_file() {
  if [[ -n ${FLEET_DIR:-} ]]; then
    # shellcheck source=test/fleet/hosts.bash
    source "${BATS_TEST_DIRNAME}/hosts.bash"
    stop_hosts
    rm -rf -- "${FLEET_DIR}"
  fi
}

setup() {
  # shellcheck source=test/fleet/hosts.bash
  source "${BATS_TEST_DIRNAME}/hosts.bash"
}

# play [ARGS...]: ansible-playbook on both hosts; its output in ${output}.
play() {
  run ansible-playbook -i "${FLEET_DIR}/inventory.ini" -e "@${BATS_TEST_DIRNAME}/group_vars.yml" "$@" "${BATS_TEST_DIRNAME}/site.yml"
}

# recap HOST: the host's PLAY RECAP counters, e.g. "ok=27 changed=0 unreachable=0 failed=0".
recap() {
  grep -E "^$1 +:" <<<"${output}" | sed -E 's/^[^:]+: +//; s/ +/ /g; s/ skipped=.*//'
}

changed_of() {
  recap "$1" | grep -oE 'changed=[0-9]+' | cut -d = -f 2
}

@test "a play installs each host's script, profile, key and schedule, with the right owners and modes" {
  play
  [[ ${status} -eq 0 ]] || { echo "${output}"; false; }
  [[ $(changed_of alpha) -gt 0 && $(changed_of beta) -gt 0 ]]
  run fleet_ssh 22201 'stat -c "%a %U %n" /usr/local/sbin/data.sh /etc/backup-gen/data.ini /etc/systemd/system/backup-gen-data.service /etc/systemd/system/backup-gen-data.timer; readlink /etc/systemd/system/timers.target.wants/backup-gen-data.timer'
  [[ ${output} == "700 root /usr/local/sbin/data.sh
600 root /etc/backup-gen/data.ini
644 root /etc/systemd/system/backup-gen-data.service
644 root /etc/systemd/system/backup-gen-data.timer
/etc/systemd/system/backup-gen-data.timer" ]] || { echo "${output}"; false; }
  # The script deployed is byte for byte what backup-gen compiles from the rendered profile.
  fleet_ssh 22201 cat /etc/backup-gen/data.ini >"${FLEET_DIR}/data.ini"
  fleet_ssh 22201 cat /usr/local/sbin/data.sh >"${FLEET_DIR}/deployed-data.sh"
  run node "${BATS_TEST_DIRNAME}/../../dist/cli.js" check "${FLEET_DIR}/data.ini" --script "${FLEET_DIR}/deployed-data.sh"
  [[ ${status} -eq 0 ]] || { echo "${output}"; false; }
  grep -qx 'excludes = cache "tmp uploads"' "${FLEET_DIR}/data.ini"
  run fleet_ssh 22202 'stat -c "%a %U %n" /usr/local/sbin/www.sh /etc/backup-gen/keys/www.key /etc/cron.d/backup-gen-www; ls /etc/systemd/system | grep -c backup-gen-www'
  [[ ${output} == "700 root /usr/local/sbin/www.sh
600 root /etc/backup-gen/keys/www.key
644 root /etc/cron.d/backup-gen-www
0" ]] || { echo "${output}"; false; }
  run fleet_ssh 22202 'grep -v "^#" /etc/cron.d/backup-gen-www'
  [[ ${output} == '30 2 * * * root /usr/local/sbin/www.sh --log-file /var/log/backup-gen-www.log' ]]
  # Each host has its own root: alpha's files are not on beta, nor on this machine.
  run fleet_ssh 22202 'test -e /usr/local/sbin/data.sh || test -e /srv/data/a'
  [[ ${status} -ne 0 ]]
  [[ ! -e /usr/local/sbin/data.sh && ! -e /etc/cron.d/backup-gen-www ]]
}

@test "each deployed schedule's command runs a backup on its host, and the metrics say it worked" {
  local command
  command=$(fleet_ssh 22201 "sed -n 's/^ExecStart=//p' /etc/systemd/system/backup-gen-data.service")
  run fleet_ssh 22201 "${command}"
  [[ ${status} -eq 0 ]] || { echo "${output}"; false; }
  run fleet_ssh 22201 'cat /var/backups/data/*/latest_successful; grep -E "^backup_gen_run_exit_status" /var/lib/node-exporter/backup-gen-data.prom'
  [[ ${output} =~ data-[0-9T-]+-FULL ]] || { echo "${output}"; false; }
  [[ ${output} == *'backup_gen_run_exit_status{profile="data.ini"} 0'* ]]
  command=$(fleet_ssh 22202 "grep -v '^#' /etc/cron.d/backup-gen-www | cut -d ' ' -f 7-")
  run fleet_ssh 22202 "${command}"
  [[ ${status} -eq 0 ]] || { echo "${output}"; false; }
  run fleet_ssh 22202 'cat /var/backups/www/*/latest_successful'
  [[ ${output} =~ ^www-[0-9T-]+-FULL$ ]] || { echo "${output}"; false; }
}

@test "a second play changes nothing, and shows no key material even with -v" {
  play -v
  [[ ${status} -eq 0 ]] || { echo "${output}"; false; }
  [[ $(changed_of alpha) -eq 0 && $(changed_of beta) -eq 0 ]] || { echo "${output}"; false; }
  [[ ${output} != *not-a-real-key* ]] || { grep -n not-a-real-key <<<"${output}"; false; }
}

@test "a key file whose place is a directory, or among the backups, fails the host before anything is copied" {
  local before
  before=$(fleet_ssh 22202 'sha256sum /usr/local/sbin/www.sh /etc/backup-gen/www.ini /etc/cron.d/backup-gen-www /etc/backup-gen/www.manifest.json')
  play --limit beta -e '{"fleet_profiles": {"beta": [{"name": "www", "src": "'"${BATS_TEST_DIRNAME}"'/profiles/beta-www.ini", "scheduler": "cron",
    "files": [{"dest": "/var/backups/www/www.key", "content": "k"}, {"dest": "/etc", "content": "k"}]}]}}'
  [[ ${status} -ne 0 && $(recap beta) == *failed=1* ]] || { echo "${output}"; false; }
  [[ ${output} == *'files /etc is a directory on beta'* ]] || { echo "${output}"; false; }
  [[ ${output} == *'profile www: files /var/backups/www/www.key is inside /var/backups/www, where its backups go'* ]] || { echo "${output}"; false; }
  [[ ${before} == "$(fleet_ssh 22202 'sha256sum /usr/local/sbin/www.sh /etc/backup-gen/www.ini /etc/cron.d/backup-gen-www /etc/backup-gen/www.manifest.json')" ]]
  run fleet_ssh 22202 'test -e /var/backups/www/www.key'
  [[ ${status} -ne 0 ]]
}

@test "check mode with --diff reports a changed profile's diff and changes nothing" {
  sed -i 's/^full_every = 7 days$/full_every = 3 days/' "${BATS_TEST_DIRNAME}/profiles/beta-www.ini"
  local before
  before=$(fleet_ssh 22202 sha256sum /usr/local/sbin/www.sh)
  play --check --diff
  sed -i 's/^full_every = 3 days$/full_every = 7 days/' "${BATS_TEST_DIRNAME}/profiles/beta-www.ini"
  [[ ${status} -eq 0 ]] || { echo "${output}"; false; }
  [[ $(changed_of alpha) -eq 0 ]] || { echo "${output}"; false; }
  [[ $(changed_of beta) -gt 0 ]]
  [[ ${output} == *'/usr/local/sbin/www.sh is not what profile www compiles to (it would be replaced)'* ]]
  [[ ${output} == *'+full_every = 3 days'* ]] || { echo "${output}"; false; }
  [[ ${before} == "$(fleet_ssh 22202 sha256sum /usr/local/sbin/www.sh)" ]]
}

@test "a hand-edited script is reported as such, and replaced" {
  fleet_ssh 22201 "sed -i 's/^set -Eeuo pipefail$/set -Eeuo pipefail # edited by hand/' /usr/local/sbin/data.sh"
  play
  [[ ${status} -eq 0 ]] || { echo "${output}"; false; }
  [[ $(changed_of alpha) -eq 1 && $(changed_of beta) -eq 0 ]] || { echo "${output}"; false; }
  [[ ${output} == *'alpha: /usr/local/sbin/data.sh is not what profile data compiles to; it is replaced'* ]]
  [[ ${output} == *'likely cause: its header matches this profile'* ]] || { echo "${output}"; false; }
  run fleet_ssh 22201 'grep -c "edited by hand" /usr/local/sbin/data.sh'
  [[ ${output} == 0 ]]
}

@test "a profile that does not compile fails that host only, with backup-gen's located error, and changes nothing there" {
  local before
  before=$(fleet_ssh 22202 'sha256sum /usr/local/sbin/www.sh /etc/backup-gen/www.ini /etc/cron.d/backup-gen-www')
  cp -- "${BATS_TEST_DIRNAME}/profiles/beta-www.ini" "${FLEET_DIR}/good.ini"
  printf '\n[backup]\nfull_evrey = 3 days\n' >>"${BATS_TEST_DIRNAME}/profiles/beta-www.ini"
  sed -i 's/^full_every = 7 days$/full_every = 2 days/' "${BATS_TEST_DIRNAME}/profiles/beta-www.ini"
  play
  cp -- "${FLEET_DIR}/good.ini" "${BATS_TEST_DIRNAME}/profiles/beta-www.ini"
  [[ ${status} -ne 0 ]]
  [[ $(recap beta) == *failed=1* && $(recap alpha) == *failed=0* ]] || { echo "${output}"; false; }
  [[ ${output} == *'backup-gen could not compile profile www'*'nothing was copied to beta'* ]] || { echo "${output}"; false; }
  [[ ${output} == *'www.ini:'*'full_evrey'* ]] || { echo "${output}"; false; }
  [[ ${before} == "$(fleet_ssh 22202 'sha256sum /usr/local/sbin/www.sh /etc/backup-gen/www.ini /etc/cron.d/backup-gen-www')" ]]
}

@test "state: absent removes the scripts, schedules, keys and metrics, and keeps the backups" {
  play -e backup_gen_state=absent
  [[ ${status} -eq 0 ]] || { echo "${output}"; false; }
  run fleet_ssh 22201 'ls /usr/local/sbin /etc/systemd/system /etc/systemd/system/timers.target.wants /var/lib/node-exporter | grep -c -e data; test -e /etc/backup-gen; echo etc=$?; cat /var/backups/data/*/latest_successful'
  local -r alpha_left=$'^0\netc=1\ndata-[0-9T-]+-FULL$'
  [[ ${output} =~ ${alpha_left} ]] || { echo "${output}"; false; }
  run fleet_ssh 22202 'ls /usr/local/sbin /etc/cron.d | grep -c www; test -e /etc/backup-gen; echo etc=$?; ls /var/backups/www/*/ | grep -c "FULL.1.dar$"'
  [[ ${output} == "0
etc=1
1" ]] || { echo "${output}"; false; }
  play -e backup_gen_state=absent
  [[ ${status} -eq 0 && $(changed_of alpha) -eq 0 && $(changed_of beta) -eq 0 ]] || { echo "${output}"; false; }
}
