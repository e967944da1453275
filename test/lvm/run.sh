#!/usr/bin/env bash
# The real-LVM suite (npm run test:lvm): generated scripts against real LVM snapshots, in a QEMU guest.
#
# The host kernel here has no device-mapper, so the suite boots Debian's kernel in QEMU (KVM when it
# works, else TCG), with the host's root shared read-only over 9p and a tiny initramfs built now
# (busybox-static and the virtio/9p modules; never committed). The guest boots once, runs every
# scenario (test/lvm/scenarios/NN-name.sh) through test/lvm/guest/runner.sh, and writes results to a
# writable 9p share. Profiles (scenarios/NN-name.ini) are compiled on the host by the real CLI first.
#
# Usage: bash test/lvm/run.sh [NN|NN-name ...]   (no argument: every scenario)
# Environment: BGL_ACCEL=auto|kvm|tcg (default auto: try KVM briefly, then TCG),
#   BGL_KEEP=1 (keep the work directory), BGL_TIMEOUT (whole guest run, seconds, default 2400),
#   BGL_SCENARIO_TIMEOUT (per scenario, seconds, default 600), BGL_MEMORY (MiB, default 2048).
# Exit: 0 every scenario passed, 1 a scenario or the harness failed, 77 skipped (the reason is printed).
set -Eeuo pipefail
shopt -s nullglob

readonly SKIP_STATUS=77
LVM_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd -- "${LVM_DIR}/../.." && pwd -P)
readonly LVM_DIR REPO
readonly PACKAGES=(qemu-system-x86 linux-image-amd64 busybox-static cpio kmod lvm2 thin-provisioning-tools xfsprogs e2fsprogs btrfs-progs attr acl dar rsync)
# The modules /init loads with insmod to reach the 9p root; everything else is modprobed in the guest.
readonly INITRAMFS_MODULES=(virtio_pci 9p 9pnet_virtio)
readonly KVM_PROBE_SECONDS=10
readonly ACCEL=${BGL_ACCEL:-auto}
readonly GUEST_TIMEOUT=${BGL_TIMEOUT:-2400}
readonly SCENARIO_TIMEOUT=${BGL_SCENARIO_TIMEOUT:-600}
readonly GUEST_MEMORY=${BGL_MEMORY:-2048}

WORK=
QEMU_PID=
SUITE_START=${EPOCHREALTIME}

say() { printf 'test/lvm: %s\n' "$*"; }

skip() {
  printf 'test/lvm: SKIPPED, the real-LVM suite did not run: %s\n' "$*" >&2
  exit "${SKIP_STATUS}"
}

harness_error() {
  printf 'test/lvm: HARNESS ERROR: %s\n' "$*" >&2
  exit 1
}

elapsed_since() {
  awk -v start="$1" -v now="${EPOCHREALTIME}" 'BEGIN { printf "%.1f", now - start }'
}

cleanup() {
  local status=$?
  if [[ -n ${QEMU_PID} ]] && kill -0 "${QEMU_PID}" 2>/dev/null; then
    kill "${QEMU_PID}" 2>/dev/null || true
    wait "${QEMU_PID}" 2>/dev/null || true
  fi
  if [[ -n ${WORK} && -d ${WORK} ]]; then
    if [[ ${BGL_KEEP:-0} == 1 ]] || ((status != 0 && status != SKIP_STATUS)); then
      say "work directory kept: ${WORK}"
    else
      rm -rf -- "${WORK}"
    fi
  fi
}

# ---- prerequisites ----
package_missing() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) != 'install ok installed' ]]
}

install_missing_packages() {
  local package
  local -a missing=()
  command -v dpkg-query >/dev/null || skip "not a Debian-like system (no dpkg-query); install ${PACKAGES[*]} by hand"
  for package in "${PACKAGES[@]}"; do
    if package_missing "${package}"; then
      missing+=("${package}")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  say "installing ${missing[*]} (apt-get)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"${WORK}/apt.log" 2>&1; then
    tail -n 20 "${WORK}/apt.log" >&2
    skip "apt-get could not install ${missing[*]} (log above)"
  fi
}

# The newest /boot/vmlinuz-VERSION whose modules (with 9p) are installed.
find_kernel() {
  local image version found=
  for image in /boot/vmlinuz-*; do
    version=${image#/boot/vmlinuz-}
    if [[ -r ${image} && -f /lib/modules/${version}/modules.dep ]] &&
      modprobe -S "${version}" --show-depends 9p >/dev/null 2>&1; then
      found+="${version}"$'\n'
    fi
  done
  [[ -n ${found} ]] || skip "no /boot/vmlinuz-* with its modules (and 9p) in /lib/modules; install linux-image-amd64"
  printf '%s' "${found}" | sort -V | tail -n 1
}

# ---- the initramfs, built at test time ----
# Copies one module, decompressed (busybox insmod reads plain .ko), and appends it to modules.order.
add_module() {
  local -r source=$1 root=$2
  local name=${source##*/}
  case ${name} in
    *.ko.xz) name=${name%.xz}; xz -dc -- "${source}" >"${root}/modules/${name}" ;;
    *.ko.zst) name=${name%.zst}; zstd -qdc -- "${source}" >"${root}/modules/${name}" ;;
    *.ko.gz) name=${name%.gz}; gzip -dc -- "${source}" >"${root}/modules/${name}" ;;
    *) cp -- "${source}" "${root}/modules/${name}" ;;
  esac
  printf '%s\n' "${name}" >>"${root}/modules.order"
}

# initramfs_tree ROOT VERSION INIT MODULE...: busybox-static, INIT as /init, and the modules with their
# dependencies (from modprobe --show-depends) in load order.
initramfs_tree() {
  local -r root=$1 version=$2 init=$3
  shift 3
  local busybox module
  busybox=$(dpkg -L busybox-static | grep -m 1 '/busybox$') || harness_error "busybox-static has no busybox binary"
  mkdir -p -- "${root}/bin" "${root}/modules" "${root}/dev" "${root}/proc" "${root}/sys" "${root}/newroot"
  cp -- "${busybox}" "${root}/bin/busybox"
  install -m 0755 -- "${init}" "${root}/init"
  : >"${root}/modules.order"
  while read -r module; do
    add_module "${module}" "${root}"
  done < <(modprobe -S "${version}" -a --show-depends "$@" | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
  # The kernel opens /dev/console before /init runs; /init also reopens it from devtmpfs if this fails.
  mknod -m 600 "${root}/dev/console" c 5 1 2>/dev/null || true
}

pack_initramfs() {
  (cd -- "$1" && find . -print0 | cpio --null -o -H newc --quiet) >"$2"
}

build_initramfs() {
  initramfs_tree "${WORK}/initramfs" "$1" "${LVM_DIR}/guest/init" "${INITRAMFS_MODULES[@]}"
  pack_initramfs "${WORK}/initramfs" "$2"
}

# ---- profiles and the share ----
build_cli() {
  if [[ -x ${REPO}/node_modules/.bin/tsc ]]; then
    (cd -- "${REPO}" && npm run --silent build) || harness_error "npm run build failed"
  elif [[ ! -f ${REPO}/dist/cli.js ]]; then
    harness_error "no dist/cli.js and no node_modules to build it: run npm ci first"
  fi
}

# Every scenarios/NAME.ini becomes scripts/NAME.sh and its noop variant scripts/NAME.noop.sh.
compile_profiles() {
  local -r scripts=$1
  local profile name
  mkdir -p -- "${scripts}"
  for profile in "${LVM_DIR}"/scenarios/*.ini; do
    name=${profile##*/}
    name=${name%.ini}
    node "${REPO}/dist/cli.js" "${profile}" -o "${scripts}/${name}.sh" ||
      harness_error "backup-gen could not compile ${profile}"
    node "${REPO}/dist/cli.js" --noop "${profile}" -o "${scripts}/${name}.noop.sh" ||
      harness_error "backup-gen --noop could not compile ${profile}"
  done
}

select_scenarios() {
  local scenario name wanted selected
  for scenario in "${LVM_DIR}"/scenarios/[0-9][0-9]-*.sh; do
    name=${scenario##*/}
    name=${name%.sh}
    selected=$(($# == 0))
    for wanted in "$@"; do
      if [[ ${name} == "${wanted}" || ${name} == "${wanted}"-* ]]; then
        selected=1
      fi
    done
    if ((selected)); then
      printf '%s\n' "${scenario}"
    fi
  done
}

write_boot_env() {
  local -r share=$1
  {
    # The guest sees the repository as its own share at /run/bgl-repo: its path on the host may be
    # under /tmp, which the guest covers with a tmpfs (CI clones anywhere).
    printf 'BGL_RUNNER=%q\n' "/run/bgl-repo/${LVM_DIR#"${REPO}"/}/guest/runner.sh"
    printf 'BGL_LVM_DIR=%q\n' "/run/bgl-repo/${LVM_DIR#"${REPO}"/}"
    printf 'BGL_SCENARIO_TIMEOUT=%q\n' "${SCENARIO_TIMEOUT}"
  } >"${share}/boot.env"
}

# ---- the guest ----
# Under TCG the plain qemu64 model runs this workload (mostly fork and exec) faster than -cpu max,
# whose AVX and friends are emulated.
cpu_model() {
  if [[ $1 == kvm ]]; then
    printf 'host\n'
  else
    printf 'qemu64\n'
  fi
}

start_guest() {
  local -r accel=$1 kernel=$2 initrd=$3 share=$4 console=$5
  : >"${console}"
  qemu-system-x86_64 -accel "${accel}" -cpu "$(cpu_model "${accel}")" -smp 2 -m "${GUEST_MEMORY}" \
    -display none -monitor none -serial "file:${console}" -nic none -no-reboot \
    -kernel "${kernel}" -initrd "${initrd}" -append 'console=ttyS0 panic=-1 loglevel=4 mitigations=off' \
    -virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap \
    -virtfs "local,path=${share},mount_tag=share,security_model=passthrough,multidevs=remap" \
    -virtfs "local,path=${REPO},mount_tag=repo,security_model=passthrough,readonly=on,multidevs=remap" \
    </dev/null >"${WORK}/qemu.log" 2>&1 &
  QEMU_PID=$!
}

# KVM hangs at boot on some nested hosts: give it KVM_PROBE_SECONDS to reach /init, else use TCG.
boot_guest() {
  local -r kernel=$1 initrd=$2 share=$3 console=$4
  local waited=0
  if [[ ${ACCEL} == tcg ]] || { [[ ${ACCEL} == auto ]] && [[ ! -w /dev/kvm ]]; }; then
    start_guest tcg "${kernel}" "${initrd}" "${share}" "${console}"
    GUEST_ACCEL=tcg
    return 0
  fi
  start_guest kvm "${kernel}" "${initrd}" "${share}" "${console}"
  GUEST_ACCEL=kvm
  while ((waited < KVM_PROBE_SECONDS * 10)); do
    if grep -q 'bgl-init: started' "${console}"; then
      return 0
    fi
    if ! kill -0 "${QEMU_PID}" 2>/dev/null; then
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  if [[ ${ACCEL} == kvm ]]; then
    harness_error "the KVM guest did not reach /init within ${KVM_PROBE_SECONDS} s (BGL_ACCEL=kvm): $(tail -c 500 "${WORK}/qemu.log")"
  fi
  say "KVM guest did not reach /init within ${KVM_PROBE_SECONDS} s; falling back to TCG (-accel tcg)"
  kill "${QEMU_PID}" 2>/dev/null || true
  wait "${QEMU_PID}" 2>/dev/null || true
  start_guest tcg "${kernel}" "${initrd}" "${share}" "${console}"
  GUEST_ACCEL=tcg
}

# Prints each scenario's result as soon as the guest writes it; stops when the guest powers off.
follow_guest() {
  local -r results=$1
  shift
  local -a pending=("$@")
  local -a still=()
  local deadline=$((SECONDS + GUEST_TIMEOUT)) name guest_status=0
  while kill -0 "${QEMU_PID}" 2>/dev/null; do
    still=()
    for name in "${pending[@]}"; do
      if [[ -f ${results}/${name}/status ]]; then
        report_line "${results}" "${name}"
      else
        still+=("${name}")
      fi
    done
    pending=("${still[@]}")
    if ((SECONDS > deadline)); then
      say "the guest did not finish within ${GUEST_TIMEOUT} s (BGL_TIMEOUT); stopping it"
      kill "${QEMU_PID}" 2>/dev/null || true
    fi
    sleep 1
  done
  wait "${QEMU_PID}" || guest_status=$?
  QEMU_PID=
  if ((guest_status != 0)); then
    say "qemu exited with status ${guest_status}: $(tail -c 500 "${WORK}/qemu.log")"
  fi
  for name in "${pending[@]}"; do
    report_line "${results}" "${name}"
  done
}

# ---- a second boot, from a scenario's disk ----
# A scenario asks for one with a file boot.request in its result directory (12: a restored root
# filesystem must boot), lines KEY=VALUE:
#   disk=NAME         a raw disk image in the result directory, attached as virtio-blk (/dev/vda)
#   root=/dev/VG/LV   the root guest/boot-init activates with lvm, mounts and switch_roots into
#   expect=LINE       a line the boot must print on its console (one line each, one at least)
# The boot's checks join the scenario's: ok / not ok lines in its output.log, status 1 on failure.
readonly BOOT_MODULES=(virtio_pci virtio_blk dm_mod ext4 crc32c_generic)
readonly BOOT_TIMEOUT=${BGL_BOOT_TIMEOUT:-180}

# add_program ROOT PROGRAM: a dynamically linked program and the libraries ldd names, at their paths.
add_program() {
  local -r root=$1 program=$2
  local library
  cp --parents -L -- "${program}" "${root}"
  while read -r library; do
    cp --parents -L -- "${library}" "${root}"
  done < <(ldd "${program}" | grep -o -E '/[^ ]+')
}

build_boot_initramfs() {
  initramfs_tree "${WORK}/boot-initramfs" "$1" "${LVM_DIR}/guest/boot-init" "${BOOT_MODULES[@]}"
  add_program "${WORK}/boot-initramfs" "$(command -v lvm)"
  pack_initramfs "${WORK}/boot-initramfs" "$2"
}

# boot_check DIR OK DESCRIPTION: one check of the boot, in the scenario's output.log.
boot_check() {
  if (($2)); then
    printf 'ok - %s\n' "$3" >>"$1/output.log"
  else
    printf 'not ok - %s\n' "$3" >>"$1/output.log"
    printf '1\n' >"$1/status"
  fi
}

boot_from_disk() {
  local -r dir=$1/$2 version=$3 initrd=${WORK}/boot-initrd.cpio
  local -r console=${dir}/boot-console.log
  local key value disk='' root='' line start seconds status=0 ok
  local -a expected=()
  : >"${console}"
  while IFS='=' read -r key value; do
    case ${key} in
      disk) disk=${value} ;;
      root) root=${value} ;;
      expect) expected+=("${value}") ;;
    esac
  done <"${dir}/boot.request"
  printf '\n## host: boot a second guest from %s, root=%s\n' "${disk}" "${root}" >>"${dir}/output.log"
  if [[ ! ${disk} =~ ^[A-Za-z0-9._-]+$ || ! -f ${dir}/${disk} || ! ${root} =~ ^/dev/[A-Za-z0-9._+-]+/[A-Za-z0-9._+-]+$ ]] || ((${#expected[@]} == 0)); then
    boot_check "${dir}" 0 "boot.request names a disk image in the result directory, root=/dev/VG/LV and a line to expect"
    return 0
  fi
  [[ -f ${initrd} ]] || build_boot_initramfs "${version}" "${initrd}"
  say "${2}: booting a second guest from its disk (${GUEST_ACCEL}, at most ${BOOT_TIMEOUT} s)"
  start=${EPOCHREALTIME}
  timeout --foreground -k 5 "${BOOT_TIMEOUT}" qemu-system-x86_64 -accel "${GUEST_ACCEL}" -cpu "$(cpu_model "${GUEST_ACCEL}")" \
    -smp 2 -m 512 -display none -monitor none -serial "file:${console}" -nic none -no-reboot \
    -kernel "/boot/vmlinuz-${version}" -initrd "${initrd}" \
    -append "console=ttyS0 panic=-1 loglevel=4 mitigations=off root=${root}" \
    -drive "file=${dir}/${disk},format=raw,if=virtio" </dev/null >>"${WORK}/qemu.log" 2>&1 || status=$?
  seconds=$(elapsed_since "${start}")
  printf 'second boot, from %s: %s s, qemu exit %s\n' "${root}" "${seconds}" "${status}" >>"${dir}/notes"
  ok=1
  if ((status == 124 || status == 137)); then
    ok=0
  fi
  boot_check "${dir}" "${ok}" "the second guest powered off within ${BOOT_TIMEOUT} s (BGL_BOOT_TIMEOUT)"
  for line in "${expected[@]}"; do
    ok=0
    if grep -q -x -F -- "${line}" < <(tr -d '\r' <"${console}"); then
      ok=1
    fi
    boot_check "${dir}" "${ok}" "its console shows: ${line}"
  done
  awk -v a="$(<"${dir}/seconds")" -v b="${seconds}" 'BEGIN { printf "%.1f\n", a + b }' >"${dir}/seconds.tmp"
  mv -f -- "${dir}/seconds.tmp" "${dir}/seconds"
}

# ---- results ----
scenario_passed() {
  [[ -f $1/status && $(<"$1/status") == 0 ]]
}

report_line() {
  local -r dir=$1/$2
  local seconds='?' verdict=FAIL detail=''
  if [[ -f ${dir}/seconds ]]; then
    seconds=$(<"${dir}/seconds")
  fi
  if scenario_passed "${dir}"; then
    verdict=PASS
  elif [[ -f ${dir}/status ]]; then
    detail=" (exit $(<"${dir}/status"))"
  else
    detail=' (no result: the guest crashed, hung or timed out)'
  fi
  if [[ -f ${dir}/boot.request && ! -f ${dir}/boot-console.log ]]; then
    detail+=' (a boot from its disk follows)'
  fi
  printf '%-4s %-34s %6s s%s\n' "${verdict}" "$2" "${seconds}" "${detail}"
}

print_file() {
  local -r title=$1 file=$2
  printf '\n----- %s (%s) -----\n' "${title}" "${file##*/}"
  if [[ -s ${file} ]]; then
    cat -- "${file}"
  else
    printf '(empty or missing)\n'
  fi
}

print_failure() {
  local -r dir=$1/$2 console=$3
  local log
  printf '\n===== %s FAILED: its output, the scripts\x27 logs, the guest\x27s kernel log =====\n' "$2"
  printf '\n----- what failed -----\n'
  grep -E '^(not ok|SETUP FAILED|runner:|the scenario stopped)' -- "${dir}/output.log" 2>/dev/null || printf '(no failed check recorded)\n'
  print_file 'scenario output' "${dir}/output.log"
  for log in "${dir}"/*.script.log; do
    print_file 'generated script DEBUG log' "${log}"
  done
  print_file 'guest kernel messages during the scenario' "${dir}/dmesg.log"
  if [[ -f ${dir}/boot.request ]]; then
    print_file 'console of the second boot, from its disk' "${dir}/boot-console.log"
  fi
  printf '\n----- guest console (last 60 lines) -----\n'
  tail -n 60 -- "${console}" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g'
}

print_notes() {
  local -r results=$1
  shift
  local name
  for name in "$@"; do
    if [[ -s ${results}/${name}/notes ]]; then
      printf '\nObserved in %s:\n' "${name}"
      sed 's/^/  /' -- "${results}/${name}/notes"
    fi
  done
}

main() {
  local kernel_version share results console initrd scenario name guest_start failed=0
  local -a scenarios=() names=()
  [[ $(uname -s) == Linux ]] || skip "needs Linux (QEMU with 9p, LVM tools)"
  ((EUID == 0)) || skip "needs root: apt-get for missing packages, and QEMU's 9p passthrough keeps the guest's file owners only as root"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  WORK=$(mktemp -d -- "${TMPDIR:-/tmp}/backup-gen-lvm.XXXXXX")
  install_missing_packages
  command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed and could not be installed"
  mapfile -t scenarios < <(select_scenarios "$@")
  ((${#scenarios[@]} > 0)) || harness_error "no scenario matches: ${*:-(none in ${LVM_DIR}/scenarios)}"
  for scenario in "${scenarios[@]}"; do
    name=${scenario##*/}
    names+=("${name%.sh}")
  done

  kernel_version=$(find_kernel)
  share=${WORK}/share
  results=${share}/results
  console=${WORK}/console.log
  initrd=${WORK}/initrd.cpio
  mkdir -p -- "${results}"
  build_cli
  compile_profiles "${share}/scripts"
  # As the guest sees them: the repository is its /run/bgl-repo.
  printf '%s\n' "${scenarios[@]/#"${REPO}"//run/bgl-repo}" >"${share}/scenarios.list"
  write_boot_env "${share}"
  build_initramfs "${kernel_version}" "${initrd}"
  say "kernel ${kernel_version}; ${#scenarios[@]} scenario(s); work directory ${WORK}"

  guest_start=${EPOCHREALTIME}
  boot_guest "/boot/vmlinuz-${kernel_version}" "${initrd}" "${share}" "${console}"
  say "guest booting (${GUEST_ACCEL}, 2 CPUs, ${GUEST_MEMORY} MiB)"
  follow_guest "${results}" "${names[@]}"
  if [[ ! -f ${share}/runner.log ]]; then
    say "the in-guest runner never started; the guest console:"
    tr -d '\r' <"${console}" | tail -n 40
  elif ! grep -q '^bgl-runner: done' "${share}/runner.log"; then
    say "the in-guest runner did not finish:"
    cat -- "${share}/runner.log"
  fi

  for name in "${names[@]}"; do
    if [[ -f ${results}/${name}/boot.request ]]; then
      boot_from_disk "${results}" "${name}" "${kernel_version}"
    fi
  done
  for name in "${names[@]}"; do
    if ! scenario_passed "${results}/${name}"; then
      failed=$((failed + 1))
      print_failure "${results}" "${name}" "${console}"
    fi
  done
  print_notes "${results}" "${names[@]}"
  printf '\n'
  for name in "${names[@]}"; do
    report_line "${results}" "${name}"
  done
  say "guest ${GUEST_ACCEL}: $(elapsed_since "${guest_start}") s from boot to power-off; whole suite $(elapsed_since "${SUITE_START}") s"
  if ((failed > 0)); then
    say "${failed} of ${#names[@]} scenario(s) FAILED"
    exit 1
  fi
  say "all ${#names[@]} scenario(s) passed"
}

main "$@"
