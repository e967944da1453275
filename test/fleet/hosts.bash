# shellcheck shell=bash
# Managed hosts for the Ansible role's test: each an sshd on a loopback port, chrooted into a root of
# its own (an overlay of this machine's / with a private upper layer, in a mount namespace of its
# own), so that what one host writes neither the other nor this machine sees.

# start_host NAME PORT: FLEET_DIR/NAME/{upper,work,root}; the sshd's pid in FLEET_DIR/NAME/pid.
start_host() {
  local -r name=$1 port=$2
  local -r dir=${FLEET_DIR:?}/${name}
  mkdir -p -- "${dir}/upper" "${dir}/work" "${dir}/root" "${dir}/upper/root/.ssh" "${dir}/upper/etc/ssh" "${dir}/upper/run/sshd"
  chmod 0700 -- "${dir}/upper/root" "${dir}/upper/root/.ssh"
  cp -- "${FLEET_DIR}/id_ed25519.pub" "${dir}/upper/root/.ssh/authorized_keys"
  ssh-keygen -q -t ed25519 -N '' -C "${name}" -f "${dir}/upper/etc/ssh/fleet_host_key"
  printf '[127.0.0.1]:%s %s\n' "${port}" "$(cut -d ' ' -f 1-2 "${dir}/upper/etc/ssh/fleet_host_key.pub")" >>"${FLEET_DIR}/known_hosts"
  cat >"${dir}/upper/etc/ssh/fleet_sshd_config" <<CONFIG
Port ${port}
ListenAddress 127.0.0.1
HostKey /etc/ssh/fleet_host_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile .ssh/authorized_keys
Subsystem sftp internal-sftp
PidFile none
CONFIG
  printf '%s\n' "${name}" >"${dir}/upper/etc/fleet-host-name"
  # shellcheck disable=SC2016 # the script is bash -c's, and expands its own positional parameters
  setsid unshare --mount --propagation private -- bash -c '
    set -e
    root=$1
    mount -t overlay overlay -o "lowerdir=/,upperdir=$2,workdir=$3" "${root}"
    mount -t proc proc "${root}/proc"
    mount --rbind /dev "${root}/dev"
    mount -t tmpfs -o mode=1777 tmpfs "${root}/tmp"
    exec chroot "${root}" /usr/sbin/sshd -D -e -f /etc/ssh/fleet_sshd_config
  ' fleet-host "${dir}/root" "${dir}/upper" "${dir}/work" </dev/null >"${dir}/sshd.log" 2>&1 &
  printf '%s\n' "$!" >"${dir}/pid"
  local _
  for _ in $(seq 50); do
    if fleet_ssh "${port}" true 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "host ${name}: sshd on port ${port} did not answer; its log:" >&2
  cat -- "${dir}/sshd.log" >&2
  return 1
}

# fleet_ssh PORT COMMAND...: as root on the host listening on PORT.
fleet_ssh() {
  local -r port=$1
  shift
  ssh -q -o BatchMode=yes -o UserKnownHostsFile="${FLEET_DIR:?}/known_hosts" -o StrictHostKeyChecking=yes \
    -i "${FLEET_DIR}/id_ed25519" -p "${port}" root@127.0.0.1 "$@"
}

# stop_hosts: every process of every host. sshd starts each connection in a session of its own (and
# ssh's ControlPersist keeps one open), so the processes are found by their mount namespace, not by
# their process group; the namespaces, and the overlays in them, go with their last process.
stop_hosts() {
  local pidfile namespace proc signal
  local -a namespaces=()
  for pidfile in "${FLEET_DIR:?}"/*/pid; do
    [[ -f ${pidfile} ]] || continue
    # The sshd's namespace: the unshare'd bash exec'd chroot and then sshd, so the pid is sshd's.
    namespace=$(readlink "/proc/$(<"${pidfile}")/ns/mnt" 2>/dev/null) && namespaces+=("${namespace}")
  done
  for signal in TERM KILL; do
    for proc in /proc/[0-9]*; do
      namespace=$(readlink "${proc}/ns/mnt" 2>/dev/null) || continue
      for pidfile in "${namespaces[@]}"; do
        [[ ${namespace} == "${pidfile}" ]] && kill "-${signal}" "${proc#/proc/}" 2>/dev/null
      done
    done
    [[ ${signal} == TERM ]] && sleep 0.5
  done
  return 0
}
