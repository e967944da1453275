#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, then runs every suite,
# the real-LVM one included. With --no-install (npm test) nothing is installed, and a machine that
# cannot run the real-LVM suite (not root, no QEMU) skips it, saying so and why.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

install=1
if [[ ${1:-} == --no-install ]]; then
  install=0
fi

readonly APT_PACKAGES=(dar rsync shellcheck bash coreutils util-linux systemd patch mariadb-server curl wget prometheus prometheus-node-exporter python3-prometheus-client gnupg ansible openssh-server)

if ((install)); then
  missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "${package}" 2>/dev/null | grep -q 'install ok installed' || missing+=("${package}")
  done
  if ((${#missing[@]} > 0)); then
    echo "test/run-all.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  npm ci --no-audit --no-fund
fi

npm run build
npx vitest run
node_modules/bats/bin/bats test/bats
# The Ansible role against two managed hosts over ssh, each in a root of its own (needs root).
node_modules/bats/bin/bats test/fleet
# The seeded simulator (test/sim/README.md): random steps against the real script, the invariants
# checked after each; a fixed set of seeds, about 3 minutes.
npm run sim -- --ci
bench_work=$(mktemp -d); npm run bench -- --quick --work "${bench_work}"; rm -rf -- "${bench_work}" # quick mode checks that the benchmark works; never a timed test

# The real-LVM suite installs its own packages (QEMU, Debian's kernel, lvm2, ...) when missing.
lvm_status=0
bash test/lvm/run.sh || lvm_status=$?
if ((lvm_status == 77 && !install)); then
  echo "test/run-all.sh: SKIPPED the real-LVM suite (the reason is above); run 'bash test/run-all.sh' as root to include it"
elif ((lvm_status == 77)); then
  echo "test/run-all.sh: the real-LVM suite could not run here (the reason is above); the full test command does not skip it" >&2
  exit 1
elif ((lvm_status != 0)); then
  exit "${lvm_status}"
fi
