# Helpers for the real-LVM scenarios, sourced by each test/lvm/scenarios/NN-name.sh inside the guest.
# A scenario builds its own VG on a loop device under /srv/bgl/NN (the paths its profile NN-name.ini
# names), runs the generated script (compiled on the host into $BGL_SHARE/scripts), and asserts.
# Checks never stop the scenario: each prints "ok" or "not ok"; the exit status counts the failures.
# Setup steps run under errexit: a broken setup stops the scenario with the line that failed.
# shellcheck shell=bash
set -Eeuo pipefail
shopt -s nullglob
export LC_ALL=C DM_DISABLE_UDEV=1 LVM_SUPPRESS_FD_WARNINGS=1

readonly SCENARIO=${BGL_SCENARIO:?run by test/lvm/guest/runner.sh}
readonly RESULT_DIR=${BGL_RESULT_DIR:?}
readonly SCRIPTS=${BGL_SHARE:?}/scripts
readonly SCRIPT=${SCRIPTS}/${SCENARIO}.sh
# shellcheck disable=SC2034 # used by the scenarios that source this file
readonly NOOP_VARIANT=${SCRIPTS}/${SCENARIO}.noop.sh
readonly W=/srv/bgl/${SCENARIO%%-*}
readonly VG=bgl${SCENARIO%%-*}
readonly MANIFEST=${BGL_LVM_DIR:?}/manifest.sh
# The generated script's PATH with the dar stand-in (bin/dar) first.
readonly WRAPPED_PATH=${BGL_LVM_DIR}/bin:/usr/sbin:/usr/bin:/sbin:/bin

CHECKS=0
FAILED=0
RUNS=0
RUN_STATUS=0
RUN_OUT=
# The DEBUG log file of the last run: what it said ("Full backup: ...", "Based on parent: ...") and
# what dar printed. With a log file and no terminal the script's stdout is quiet (as under cron).
RUN_LOG=
RUN_ERR=
BACKGROUND_PIDS=()
CLEANUP_MOUNTS=()
CLEANUP_LOOPS=()

# ---- reporting ----
readonly STARTED=${EPOCHREALTIME}
# say TEXT: a heading, with the seconds since the scenario started.
say() { printf '\n## [%s s] %s\n' "$(awk -v s="${STARTED}" -v e="${EPOCHREALTIME}" 'BEGIN { printf "%.0f", e - s }')" "$*"; }

pass() {
  CHECKS=$((CHECKS + 1))
  printf 'ok - %s\n' "$1"
}

fail() {
  CHECKS=$((CHECKS + 1))
  FAILED=$((FAILED + 1))
  printf 'not ok - %s\n' "$1"
  if (($# > 1)); then
    printf '%s\n' "${@:2}" | sed 's/^/    /'
  fi
}

# check DESCRIPTION COMMAND...: passes when the command succeeds; shows its output when it does not.
check() {
  local -r description=$1
  local output
  shift
  if output=$("$@" 2>&1); then
    pass "${description}"
  else
    fail "${description}" "command: $*" "${output}"
  fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL: a diff when they differ.
check_eq() {
  if [[ $2 == "$3" ]]; then
    pass "$1"
  else
    fail "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -n 60)"
  fi
}

check_contains() {
  local -r description=$1 haystack=$2 needle=$3
  if [[ ${haystack} == *"${needle}"* ]]; then
    pass "${description}"
  else
    fail "${description}" "expected to find: ${needle}" "in: ${haystack}"
  fi
}

check_lacks() {
  local -r description=$1 haystack=$2 needle=$3
  if [[ ${haystack} != *"${needle}"* ]]; then
    pass "${description}"
  else
    fail "${description}" "did not expect: ${needle}" "in: ${haystack}"
  fi
}

# note TEXT: an observation the host prints after the run, passed or not.
note() {
  printf 'note: %s\n' "$*"
  printf '%s\n' "$*" >>"${RESULT_DIR}/notes"
}

on_setup_error() {
  if ((BASH_SUBSHELL > 0)); then
    return 0
  fi
  printf 'SETUP FAILED at %s line %s (exit %s): %s\n' "${BASH_SOURCE[1]##*/}" "$1" "$2" "${BASH_COMMAND}"
}

# ---- guest fixtures ----
# make_vg SIZE_MIB: a VG named $VG on a sparse file on the guest's tmpfs.
make_vg() {
  local loop
  mkdir -p -- "${W}/disks"
  truncate -s "$1M" -- "${W}/disks/${VG}.pv"
  loop=$(losetup --find --show -- "${W}/disks/${VG}.pv")
  CLEANUP_LOOPS+=("${loop}")
  pvcreate -qq -- "${loop}"
  vgcreate -qq -- "${VG}" "${loop}"
}

# make_lv NAME SIZE FSTYPE MOUNTPOINT: an origin LV with a file system, mounted like a live system's.
make_lv() {
  local -r name=$1 size=$2 type=$3 mount_point=$4
  lvcreate -qq -y -n "${name}" -L "${size}" -- "${VG}" >/dev/null
  local -a options=()
  # ext4 otherwise zeroes its inode tables in the background after the first mount (ext4lazyinit):
  # megabytes written to the origin while a snapshot exists, which overflowed scenario 06's 4M
  # snapshot of an origin that "nothing" wrote to (dmesg: "Invalidating snapshot").
  if [[ ${type} == ext4 ]]; then
    options=(-E 'lazy_itable_init=0,lazy_journal_init=0')
  fi
  mkfs -t "${type}" -q "${options[@]}" -- "/dev/${VG}/${name}" >/dev/null
  mkdir -p -- "${mount_point}"
  mount -- "/dev/${VG}/${name}" "${mount_point}"
  CLEANUP_MOUNTS+=("${mount_point}")
}

# make_plain_fs NAME SIZE MOUNTPOINT: an ext4 on a loop device, outside LVM (like /boot).
make_plain_fs() {
  local -r name=$1 size=$2 mount_point=$3
  local loop
  mkdir -p -- "${W}/disks"
  truncate -s "${size}" -- "${W}/disks/${name}.img"
  mkfs.ext4 -q -F -- "${W}/disks/${name}.img"
  loop=$(losetup --find --show -- "${W}/disks/${name}.img")
  CLEANUP_LOOPS+=("${loop}")
  mount -- "${loop}" "${mount_point}"
  CLEANUP_MOUNTS+=("${mount_point}")
}

# populate DIR: a tree with what a restore must get right: modes (setuid, sticky), owners, old mtimes
# with nanoseconds, symlinks (relative, absolute, dangling, foreign-owned), hard links, a FIFO,
# an empty file and directory, names with spaces, compressible and incompressible data.
# Built once per scenario and copied (cp -a): every process costs a lot under TCG.
populate() {
  local -r d=$1 template=${W}/template
  if [[ ! -d ${template} ]]; then
    make_template "${template}"
  fi
  cp -a -- "${template}/." "${d}/"
}

make_template() {
  local -r d=$1
  mkdir -p -- "${d}/etc/sub" "${d}/usr/bin" "${d}/var/log" "${d}/home/user/dir with space" "${d}/empty-dir" "${d}/shared" "${d}/churn"
  printf 'host-%s\n' "${SCENARIO}" >"${d}/etc/hostname"
  printf 'root:x:0:0\n' >"${d}/etc/passwd"
  printf 'secret\n' >"${d}/etc/shadow-like"
  printf 'sub\n' >"${d}/etc/sub/file"
  head -c 150000 /dev/urandom >"${d}/usr/bin/tool"
  cp -- "${d}/usr/bin/tool" "${d}/usr/bin/suid-tool"
  seq 1 60000 >"${d}/var/log/big.log"
  : >"${d}/var/log/empty"
  printf 'user data\n' >"${d}/home/user/dir with space/file one"
  printf 'notes\n' >"${d}/home/user/notes.txt"
  printf 'three names\n' >"${d}/var/log/linked"
  chmod 0640 -- "${d}/etc/shadow-like"
  chmod 0755 -- "${d}/usr/bin/tool"
  chmod 4755 -- "${d}/usr/bin/suid-tool"
  chmod 1777 -- "${d}/shared"
  chmod 0600 -- "${d}/home/user/notes.txt"
  chown 0:42 -- "${d}/etc/shadow-like"
  ln -s ../etc/hostname "${d}/usr/hostname-link"
  ln -s /etc/passwd "${d}/usr/absolute-link"
  ln -s does/not/exist "${d}/usr/dangling-link"
  ln -s notes.txt "${d}/home/user/notes-link"
  ln -- "${d}/etc/passwd" "${d}/etc/passwd.hardlink"
  ln -- "${d}/var/log/linked" "${d}/var/log/linked.2"
  ln -- "${d}/var/log/linked" "${d}/usr/linked.3"
  mkfifo -- "${d}/var/log/fifo"
  mkdir -p -- "${d}/hl"
  for i in 1 2 3 4 5 6 7 8; do
    printf 'file %s\n' "${i}" >"${d}/hl/f${i}"
  done
  chown -h -R 1234:5678 -- "${d}/home/user"
  chmod 0700 -- "${d}/home/user"
  touch -d '2001-02-03 04:05:06.123456789' -- "${d}/etc/passwd" "${d}/var/log/big.log"
  touch -h -d '2002-03-04 05:06:07.5' -- "${d}/usr/hostname-link"
  touch -d '2003-04-05 06:07:08' -- "${d}/empty-dir"
}

# mutate DIR: what changes between a FULL and an INC: content, mode only, owner only, mtime only,
# deletions (file, directory, one name of a hard-linked file), renames, new files and links.
mutate() {
  local -r d=$1
  printf 'changed after the FULL\n' >>"${d}/etc/passwd"
  chmod 0755 -- "${d}/usr/bin/suid-tool"
  chown 4321:8765 -- "${d}/etc/hostname"
  touch -d '2011-12-13 14:15:16.987654321' -- "${d}/var/log/empty"
  rm -f -- "${d}/var/log/linked.2"
  rm -rf -- "${d}/etc/sub"
  mv -- "${d}/home/user/notes.txt" "${d}/home/user/notes-renamed.txt"
  rm -f -- "${d}/usr/dangling-link"
  ln -s ../etc/passwd "${d}/usr/dangling-link"
  ln -- "${d}/etc/shadow-like" "${d}/etc/shadow-like.hardlink"
  mkdir -p -- "${d}/new-dir/deeper"
  printf 'new after the FULL\n' >"${d}/new-dir/deeper/new-file"
  seq 60001 61000 >>"${d}/var/log/big.log"
  chmod 0700 -- "${d}/usr/bin/tool"
  # HARDLINK_AFTER_CHMOD: a new name for a file whose only other change is its mode. Eight of them:
  # whether dar meets the old or the new name first follows the directory's order (insertion order
  # on a small XFS directory, hash order on ext4), and what it meets first decides the outcome.
  for i in 1 2 3 4 5 6 7 8; do
    chmod 0600 -- "${d}/hl/f${i}"
    ln -- "${d}/hl/f${i}" "${d}/hl/f${i}.new"
  done
}
# The entries of that case, left out of the whole-tree comparison and checked on their own.
# shellcheck disable=SC2034 # used by the scenarios that source this file
readonly HARDLINK_AFTER_CHMOD='^hl/'

# start_writer DIR...: keeps writing into each DIR/churn (on origins) until the scenario stops it.
start_writer() {
  (
    local i=0 dir
    while :; do
      for dir in "$@"; do
        printf '%s\n' "${i}" >"${dir}/churn/file-$((i % 40))"
        printf '%s\n' "${i}" >>"${dir}/churn/log"
      done
      i=$((i + 1))
      sleep 0.2
    done
  ) &
  BACKGROUND_PIDS+=($!)
}

stop_background() {
  local pid
  for pid in "${BACKGROUND_PIDS[@]}"; do
    kill "${pid}" 2>/dev/null || true
    wait "${pid}" 2>/dev/null || true
  done
  BACKGROUND_PIDS=()
}

cleanup_fixtures() {
  local i
  set +e
  stop_background
  for ((i = ${#CLEANUP_MOUNTS[@]} - 1; i >= 0; i--)); do
    umount -R -- "${CLEANUP_MOUNTS[i]}" 2>/dev/null
  done
  vgremove -ff -y -- "${VG}" >/dev/null 2>&1
  for ((i = ${#CLEANUP_LOOPS[@]} - 1; i >= 0; i--)); do
    losetup -d "${CLEANUP_LOOPS[i]}" 2>/dev/null
  done
  rm -rf -- "${W}"
}

# ---- running the generated script ----
# run_script SCRIPT [COMMAND] ARG...: runs it at INFO with a DEBUG log file in the result directory;
# sets RUN_STATUS, RUN_OUT (stdout), RUN_ERR (stderr) and RUN_LOG, and shows the first three. A COMMAND (restore,
# list, verify, prune) stays the first word, where the script reads it.
run_script() {
  local -r script=$1
  shift
  local -a command=()
  case ${1:-} in
    restore | list | verify | prune)
      command=("$1")
      shift
      ;;
  esac
  RUNS=$((RUNS + 1))
  local -r base=${RESULT_DIR}/run-${RUNS}
  RUN_STATUS=0
  printf '\n$ %s %s\n' "${script##*/}" "${command[*]}${command[*]:+ }$*"
  "${script}" "${command[@]}" -l INFO --log-file "${base}.script.log" "$@" >"${base}.out" 2>"${base}.err" || RUN_STATUS=$?
  RUN_OUT=$(<"${base}.out")
  RUN_LOG=$(cat -- "${base}.script.log" 2>/dev/null || true)
  RUN_ERR=$(<"${base}.err")
  printf 'exit %s\n--- stdout\n%s\n--- stderr\n%s\n---\n' "${RUN_STATUS}" "${RUN_OUT}" "${RUN_ERR}"
}

# start_script SCRIPT ARG...: in the background, in a session of its own (so that a signal can reach
# its whole process group without reaching the scenario); sets SCRIPT_PID (also its group id).
start_script() {
  local -r script=$1
  shift
  RUNS=$((RUNS + 1))
  SCRIPT_BASE=${RESULT_DIR}/run-${RUNS}
  printf '\n$ %s %s &\n' "${script##*/}" "$*"
  # A job started with & by a shell without job control ignores SIGINT and SIGQUIT, and bash cannot
  # trap a signal ignored on entry: env restores them, as for a job started from a terminal or cron.
  setsid env --default-signal=INT,QUIT "${script}" -l INFO --log-file "${SCRIPT_BASE}.script.log" "$@" >"${SCRIPT_BASE}.out" 2>"${SCRIPT_BASE}.err" &
  SCRIPT_PID=$!
}

# wait_script: waits for start_script's run and sets RUN_STATUS, RUN_OUT, RUN_ERR like run_script.
wait_script() {
  RUN_STATUS=0
  wait "${SCRIPT_PID}" || RUN_STATUS=$?
  RUN_OUT=$(<"${SCRIPT_BASE}.out")
  RUN_LOG=$(cat -- "${SCRIPT_BASE}.script.log" 2>/dev/null || true)
  RUN_ERR=$(<"${SCRIPT_BASE}.err")
  printf 'exit %s\n--- stdout\n%s\n--- stderr\n%s\n---\n' "${RUN_STATUS}" "${RUN_OUT}" "${RUN_ERR}"
}

# wait_for SECONDS COMMAND...: polls every 0.2 s until the command succeeds.
wait_for() {
  local -r limit=$(($1 * 5))
  local tries=0
  shift
  until "$@"; do
    tries=$((tries + 1))
    if ((tries >= limit)); then
      return 1
    fi
    sleep 0.2
  done
}

# ---- a run stopped in the middle of dar ----
# make_slow_source: an ext4 origin with /boot bind-mounted in, holding about 4 MiB that does not
# compress, so that with 1 MiB slices dar writes several slices.
make_slow_source() {
  make_vg 256
  make_lv root 64M ext4 "${W}/origin/root"
  make_plain_fs boot 16M /boot
  mkdir -p -- "${W}/origin/root/boot" "${W}/origin/root/etc" "${W}/target"
  printf 'host\n' >"${W}/origin/root/etc/hostname"
  head -c 4500000 /dev/urandom >"${W}/origin/root/etc/random.bin"
  printf 'kernel\n' >/boot/vmlinuz-bgl
}

# start_slow_run SET: starts the script with dar pausing 1 s after each slice, and waits until dar is in
# the middle of the archive (slice 2 written). Sets DAR_PID.
start_slow_run() {
  local -r set=$1
  # New content, so that an INC too has megabytes to write.
  head -c 4500000 /dev/urandom >"${W}/origin/root/etc/random.bin"
  rm -f -- "${W}/dar.pid"
  BACKUP_GEN_PATH=${WRAPPED_PATH} BGL_DAR_SLICE_PAUSE=1 BGL_DAR_PID_FILE=${W}/dar.pid start_script "${SCRIPT}"
  if wait_for 120 compgen -G "${set}/.*.partial.2.dar"; then
    pass "dar is in the middle of the archive (slice 2 written under its temporary name)"
  else
    fail "dar reached slice 2 within 120 s" "$(ls -la -- "${set}" 2>&1)"
  fi
  DAR_PID=$(cat -- "${W}/dar.pid")
  check "dar (pid ${DAR_PID}) is running" kill -0 "${DAR_PID}"
  note "at the signal: $(lv_table | tr '\n' ';') mounts: $(findmnt -rn -o TARGET | grep -c backup-gen); slices: $(compgen -G "${set}/.*.partial.*.dar" | wc -l)"
}

# check_chain SET NAME... : latest_successful names the last NAME and backup_deps lists them all.
check_chain() {
  local -r set=$1
  shift
  check_eq "latest_successful is ${*: -1}" "${*: -1}" "$(cat -- "${set}/latest_successful" 2>&1)"
  check_eq "backup_deps has the chain ${*}" "$*" "$(cut -d: -f1 -- "${set}/backup_deps" | tr '\n' ' ' | sed 's/ $//')"
}

# ---- what the guest looks like ----
lv_table() {
  lvs --noheadings -o lv_name,lv_attr,origin,lv_size --separator ' ' -- "${VG}" | sed 's/^ *//' | sort
}

dm_names() {
  dmsetup ls | awk '$1 != "No" { print $1 }' | sort
}

# A snapshot's traces: an "s" or "o" LV, a -real or -cow dm device, a backup-gen mount or temp dir.
snapshot_traces() {
  lvs --noheadings -o lv_name,lv_attr -- "${VG}" | awk '$2 ~ /^[sSoO]/ || $1 ~ /backsnap/ { print "lv: " $1 " " $2 }'
  dm_names | grep -E -- '-real$|-cow$|backsnap' | sed 's/^/dm device: /' || true
  findmnt -rn -o TARGET,SOURCE | grep -E 'backsnap|/tmp/backup-gen\.' | sed 's/^/mount: /' || true
  compgen -G '/tmp/backup-gen.*' | sed 's/^/temp dir: /' || true
  pgrep -a -x dar | sed 's/^/process: /' || true
}

# Slices under a temporary name, and the temporary files of write_line.
partial_files() {
  find "$@" -name '.*.partial.*' -o -name '.*.tmp' 2>/dev/null || true
}

check_no_leftovers() {
  local -r when=$1
  shift
  check_eq "${when}: no snapshot LV, dm device, mount, temp dir or dar process left" '' "$(snapshot_traces)"
  check_eq "${when}: no partial archive or temporary file in the target" '' "$(partial_files "$@")"
}

# ---- after a run that failed ----
# guest_state: what a run must leave as it found it: the VG's LVs (names, attributes, sizes), every dm
# device (dmsetup ls), backup-gen mounts and temp dirs, dar processes.
guest_state() {
  lv_table | sed 's/^/lv: /'
  dm_names | sed 's/^/dm device: /'
  findmnt -rn -o TARGET,SOURCE | grep -E 'backsnap|/tmp/backup-gen\.' | sed 's/^/mount: /' || true
  compgen -G '/tmp/backup-gen.*' | sed 's/^/temp dir: /' || true
  pgrep -a -x dar | sed 's/^/process: /' || true
}

# chain_state SET: latest_successful and backup_deps, as one line each.
chain_state() {
  local file
  for file in latest_successful backup_deps; do
    printf '%s: %s\n' "${file}" "$(tr '\n' ' ' 2>/dev/null <"$1/${file}" || true)"
  done
}

# orphan_archives DIR: slices under a final name (NAME.N.dar) that the backup_deps next to them does
# not list: a half archive that looks whole.
orphan_archives() {
  local slice name
  while IFS= read -r slice; do
    name=${slice##*/}
    name=${name%.*.dar}
    if ! cut -d: -f1 -- "${slice%/*}/backup_deps" 2>/dev/null | grep -q -x -F -- "${name}"; then
      printf 'orphan: %s\n' "${slice}"
    fi
  done < <(find "$1" -name '*.dar' ! -name '.*' 2>/dev/null | sort)
}

# check_failed_cleanly LABEL EXIT GUEST_BEFORE TARGET_BEFORE CHAIN_BEFORE SET: after a run that had
# to fail: its exit status, and nothing left: no LV, dm device, mount, temp dir or dar process that was
# not there before, no partial slice, no half archive under a final name, the chain not advanced and
# the target holding what it held.
check_failed_cleanly() {
  local -r label=$1 expected=$2 guest_before=$3 target_before=$4 chain_before=$5 set=$6
  local -r target=${set%/*}
  check_eq "${label}: exit ${expected}" "${expected}" "${RUN_STATUS}"
  check_eq "${label}: LVs, dm devices (dmsetup ls), mounts, temp dirs and dar processes as before the run" "${guest_before}" "$(guest_state)"
  check_eq "${label}: no partial slice or temporary file in the target" '' "$(partial_files "${target}")"
  check_eq "${label}: no archive under a final name that backup_deps does not list" '' "$(orphan_archives "${target}")"
  check_eq "${label}: latest_successful and backup_deps unchanged" "${chain_before}" "$(chain_state "${set}")"
  check_eq "${label}: the target holds what it held before" "${target_before}" "$(tree_content "${target}")"
}

# check_normal_run LABEL SET [EXIT [SCRIPT]]: a plain run (no fault) must publish an INC on the chain's
# last archive and leave nothing behind. EXIT defaults to 0 (2 when the run has something to sweep).
check_normal_run() {
  local -r label=$1 set=$2 expected=${3:-0} script=${4:-${SCRIPT}}
  local parent latest
  parent=$(cat -- "${set}/latest_successful")
  run_script "${script}"
  check_eq "${label}: exit ${expected}" "${expected}" "${RUN_STATUS}"
  latest=$(cat -- "${set}/latest_successful")
  check_contains "${label}: an INC based on ${parent}" "${RUN_LOG}" "Based on parent: ${parent}"
  check_eq "${label}: backup_deps ends with ${latest}:${parent}" "${latest}:${parent}" "$(tail -n 1 -- "${set}/backup_deps")"
  check "${label}: dar -t accepts ${latest}" dar -t "${set}/${latest}" -Q
  check_no_leftovers "${label}" "${set%/*}"
  check_eq "${label}: no archive under a final name that backup_deps does not list" '' "$(orphan_archives "${set%/*}")"
}

# ran_command LOG WORD: whether the generated script's DEBUG log shows it ran (not queried) WORD.
ran_command() {
  grep -q -E -- "run: $2( |\$)" "$1"
}

# tree_state DIR: names, sizes and mtimes of everything below DIR, directories' too (to prove that
# nothing at all was touched).
tree_state() {
  find "$1" -printf '%p %y %#m %s %T@\n' | sort
}

# tree_content DIR: the same without the directories' mtimes, which a file created and removed again
# changes (to prove that what a directory holds is as it was).
# The run's own lock file (TARGET/.backup-gen.lock, rewritten with its holder line by every run that
# takes the lock) is not part of what a failed run must leave as it found it.
tree_content() {
  find "$1" -name .backup-gen.lock -prune -o \( -type d -printf '%p %y %#m\n' \) -o -printf '%p %y %#m %s %T@\n' | sort
}

month() { date +%Y-%m; }

# restore_chain DEST ARCHIVE_BASE...: dar -x each archive in order (FULL, then every INC).
restore_chain() {
  local -r dest=$1
  local base output
  shift
  mkdir -p -- "${dest}"
  for base in "$@"; do
    if output=$(dar -x "${base}" -R "${dest}" -Q -w 2>&1); then
      pass "dar -x ${base##*/} into ${dest}"
    else
      fail "dar -x ${base##*/} into ${dest}" "${output}"
    fi
  done
}

# check_same_tree DESCRIPTION EXPECTED_MANIFEST_FILE DIR [IGNORED_PATHS_REGEX]
check_same_tree() {
  local -r description=$1 expected=$2 dir=$3 ignored=${4:-^$}
  local differences
  if differences=$(diff -- <(grep -E -v -- "${ignored}" "${expected}") <(bash "${MANIFEST}" "${dir}" | grep -E -v -- "${ignored}")); then
    pass "${description}"
  else
    fail "${description}" "diff (< what dar read from the snapshot, > the restore):" "$(printf '%s\n' "${differences}" | head -n 40)"
  fi
}

finish() {
  local status=$?
  trap - ERR
  if ((status != 0 && CHECKS == 0)); then
    printf 'the scenario stopped (exit %s) before any check\n' "${status}"
  fi
  cleanup_fixtures >/dev/null 2>&1
  printf '\n%s: %d checks, %d failed\n' "${SCENARIO}" "${CHECKS}" "${FAILED}"
  if ((status != 0)); then
    exit "${status}"
  fi
  if ((CHECKS == 0 || FAILED > 0)); then
    exit 1
  fi
  exit 0
}

trap 'on_setup_error "${LINENO}" "$?"' ERR
trap finish EXIT
