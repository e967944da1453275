#!/usr/bin/env bash
# The in-guest runner: started by /init after it chroots into the host's root (read-only over 9p).
# Prepares what udev and systemd would (device links, devpts, modules), then runs each scenario of
# /run/bgl-share/scenarios.list in its own bash with a time limit, and writes to
# /run/bgl-share/results/NAME/: output.log, status, seconds, dmesg.log (and whatever the scenario adds).
# Between scenarios it sweeps anything one left behind, so a failure does not spill into the next.
set -uo pipefail

readonly SHARE=/run/bgl-share
# shellcheck source=/dev/null
. "${SHARE}/boot.env"
export BGL_SHARE=${SHARE} BGL_LVM_DIR
# No udev in the guest: LVM must create its device nodes itself.
export DM_DISABLE_UDEV=1
export LC_ALL=C

log() {
  printf 'bgl-runner: %s\n' "$*" | tee -a "${SHARE}/runner.log" >/dev/console
}

prepare_devices() {
  ln -sfn /proc/self/fd /dev/fd
  ln -sfn /proc/self/fd/0 /dev/stdin
  ln -sfn /proc/self/fd/1 /dev/stdout
  ln -sfn /proc/self/fd/2 /dev/stderr
  mkdir -p /dev/pts /dev/shm
  mount -t devpts -o gid=5,mode=620 devpts /dev/pts
  mount -t tmpfs -o mode=1777 tmpfs /dev/shm
  mkdir -p /run/lock/lvm /run/lvm
}

# The runner's safety net: unmounts, removes VGs and loop devices a scenario left behind.
sweep_guest() {
  local target vg loop swept=''
  while read -r target; do
    umount -l -- "${target}" 2>/dev/null && swept+=" mount:${target}"
  done < <(findmnt -rn -o TARGET | grep -E '^(/srv/bgl|/tmp/|/boot)' | sort -r)
  while read -r vg; do
    vgremove -ff -y "${vg}" >/dev/null 2>&1 && swept+=" vg:${vg}"
  done < <(vgs --noheadings -o vg_name 2>/dev/null | awk '{ print $1 }')
  dmsetup remove_all >/dev/null 2>&1 || true
  while read -r loop; do
    losetup -d "${loop}" 2>/dev/null && swept+=" loop:${loop}"
  done < <(losetup -n -O NAME 2>/dev/null)
  rm -rf /srv/bgl /tmp/backup-gen.* 2>/dev/null
  if [[ -n ${swept} ]]; then
    printf 'runner: swept what the scenario left:%s\n' "${swept}"
  fi
}

run_scenario() {
  local -r path=$1
  local name=${path##*/}
  name=${name%.sh}
  local -r dir=${SHARE}/results/${name}
  local start status=0
  mkdir -p -- "${dir}"
  dmesg -C
  log "${name}: started"
  start=${EPOCHREALTIME}
  BGL_SCENARIO=${name} BGL_RESULT_DIR=${dir} timeout -k 10 "${BGL_SCENARIO_TIMEOUT}" bash "${path}" >"${dir}/output.log" 2>&1 || status=$?
  if ((status == 124 || status == 137)); then
    printf 'runner: the scenario was stopped after %s s (BGL_SCENARIO_TIMEOUT)\n' "${BGL_SCENARIO_TIMEOUT}" >>"${dir}/output.log"
  fi
  awk -v start="${start}" -v now="${EPOCHREALTIME}" 'BEGIN { printf "%.1f\n", now - start }' >"${dir}/seconds"
  sweep_guest >>"${dir}/output.log" 2>&1
  dmesg >"${dir}/dmesg.log"
  # Written whole, then renamed: the host polls for this file.
  printf '%s\n' "${status}" >"${dir}/status.tmp"
  mv -f -- "${dir}/status.tmp" "${dir}/status"
  log "${name}: exit ${status} after $(<"${dir}/seconds") s"
}

main() {
  local scenario
  : >"${SHARE}/runner.log"
  prepare_devices
  if ! modprobe -a dm-mod dm-snapshot dm-thin-pool loop ext4 xfs; then
    log "modprobe failed: no device-mapper (snapshot, thin-pool), loop, ext4 or xfs in the guest"
  fi
  log "guest ready: kernel $(uname -r), $(nproc) CPUs"
  while IFS= read -r scenario; do
    run_scenario "${scenario}"
  done <"${SHARE}/scenarios.list"
  sync
  log "done"
}

main
