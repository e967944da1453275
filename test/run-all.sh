#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, then runs every suite.
# Needs root for apt-get when a package is missing; everything else runs from the checkout.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

readonly APT_PACKAGES=(dar rsync shellcheck bash coreutils util-linux)

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
npm run build
npx vitest run
node_modules/bats/bin/bats test/bats
