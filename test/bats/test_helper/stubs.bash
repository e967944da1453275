# shellcheck shell=bash
# stubs.bash: recording stand-ins for the host commands the generated script runs, put first on
# its PATH (through BACKUP_GEN_PATH). Load it with `load test_helper/stubs` and call stubs_setup in
# setup(). One program, test_helper/stub-command, plays every command: it is linked under each
# name. Every call is logged byte-exact, then the stub acts on a small fake host kept in files
# (logical volumes, a mount table), so later calls agree with earlier ones and a test can assert
# on the state a run left behind.
#
# Functions
#   stubs_setup [COMMAND...]  Fresh stubs and state for this test, in $BATS_TEST_TMPDIR. Without
#                             arguments installs $STUB_COMMANDS. Sets STUB_BIN (the stubs'
#                             directory: "${STUB_BIN}/mount" ... runs a stub from a test) and exports
#                             BACKUP_GEN_PATH (STUB_BIN, then /usr/bin:/bin), STUB_STATE (the fake
#                             host), STUB_LOG, STUB_SANDBOX ($BATS_TEST_TMPDIR: mounts only below it).
#   stub_lv VG NAME [ORIGIN [TAGS]]  Adds logical volume NAME to the fake volume group VG; with
#                             ORIGIN it is a snapshot of ORIGIN; TAGS: its LVM tags, comma-separated.
#   stub_lvs VG               The fake VG's volumes now, one "name|origin" line each.
#   stub_lv_tags VG NAME      The tags of volume NAME, as lvs -o lv_tags shows them.
#   stub_mounts               The fake mount table now, one "SOURCE TARGET" line each (oldest first).
#   stub_mount_point DIR [SOURCE [FSTYPE [MAJ:MIN]]]  Enters DIR in the fake mount table as if a file
#                             system (SOURCE, default nfs-server:/export) were mounted there, its
#                             content left as it is: mountpoint -q -- DIR then says yes. For a
#                             target or a mirror, or a live mount findmnt's table shows (FSTYPE,
#                             default ext4; MAJ:MIN, default 0:ID; the origin is 254:0).
#   stub_pool_use DATA METADATA [ATTR [HEALTH]]  What lvs reports for the thin pool vg0/pool from now
#                             on: data_percent, metadata_percent, lv_attr, lv_health_status (default
#                             10.00 5.00 twi-aotz-- and none).
#   stub_calls [COMMAND...]   The recorded calls, one a line: the command and its arguments, each
#                             quoted as shlex.quote does (so 'a b', '|', '' are visible). With
#                             COMMANDs, only calls of those. The run's LVM tag (lvcreate --addtag
#                             backup-gen-run.BOOT.PID.START) is written RUN_TAG: it differs per run.
#   stub_calls_raw [COMMAND...]  The same, the run's tag as it was.
#   stub_call_count COMMAND   How many times COMMAND was called.
#   stub_wait_hanging COMMAND Waits (up to 10 s) until COMMAND hangs (see STUB_HANG_); prints its pid.
#
# Log format ($STUB_LOG): per call, printf '%s\0' COMMAND ARG...; then the record separator \036\n.
#
# Controls: environment variables read at each call. <cmd> is the command name with characters
# other than letters, digits and _ written as _. Without controls a stub behaves like the real tool.
#   STUB_FAIL_<cmd>=N      Exit N at once, changing nothing (after logging the call).
#   STUB_STDERR_<cmd>=TEXT With STUB_FAIL_: print TEXT on stderr, like the real tool's message.
#   STUB_EXIT_<cmd>=N      Do the normal work, then exit N (dar: real dar runs, then exit N).
#   STUB_HANG_<cmd>=S      Do the normal work, write the stub's pid to $STUB_STATE/<cmd>.hanging,
#                          then wait S seconds; SIGTERM/SIGINT/SIGHUP end the wait at once.
#   STUB_SKIP_<cmd>=1      Exit 0 at once, changing nothing (pretend success).
#   STUB_MATCH_<cmd>=WORD  The four above apply only to calls that have WORD as one whole argument.
#   STUB_AFTER_<cmd>=M     ... and only to such calls after the first M (which behave normally).
#   STUB_TIMES_<cmd>=K     ... and only to the first K such calls; later calls behave normally.
#   STUB_ORIGIN_ATTR=A     lvs -o lv_attr of the origin (default -wi-ao----; 5th letter a: active).
#   STUB_ORIGIN_NUMBER=M|N lvs -o lv_kernel_major,lv_kernel_minor of the origin (default 254|0).
#   STUB_BLKID_TYPE=T      What blkid says the filesystem is (default ext4; empty: none found).
#   STUB_SEGTYPE=T         The origin's segment type (lvs -o segtype; default linear; thin: lvcreate
#                          takes no size).
#   STUB_VG_FREE=B, STUB_VG_SIZE=B   vgs: the VG's free and total bytes (extents of 4 MiB).
#   STUB_LV_SIZE=B         lvs -o lv_size: the origin's size in bytes.
#   STUB_POOL_SIZE=B, STUB_ORIGIN_DATA=P   the thin pool's size in bytes (default 100 GiB) and the
#                          thin origin's data_percent (default 20.00), as lvs -o lv_name,lv_size,
#                          data_percent reports them with the pool's data use.
#   STUB_SNAP_ATTR=A, STUB_SNAP_PERCENT=P, STUB_SNAP_SIZE=B   lvs -o lv_attr,snap_percent,lv_size of
#                          the snapshot after dar (default swi-aos---, 1.00, 2 GiB).
#   STUB_POOL_USE_AFTER_DAR="DATA METADATA [ATTR [HEALTH]]"  stub_pool_use, done by dar once it has
#                          written its archive (a pool that filled up while dar ran).
#   STUB_SNAPSHOT_TREE=DIR A snapshot mount shows a copy of DIR (so dar archives real files).
#   STUB_DATE=TIME         date reports TIME (any date -d string) as now; calls with -d are real.
#
# What the fake commands do
#   lvs      `--noheadings --separator | -o lv_name,origin,lv_tags VG` lists "  name|origin|tags";
#            `... -o vg_name,lv_name /dev/VG/LV` prints "  VG|LV";
#            `... -o lv_name,pool_lv VG/LV` "  LV|pool" for a thin origin (STUB_SEGTYPE=thin);
#            `... --nosuffix -o lv_name,data_percent,... VG/pool` the pool's use (stub_pool_use);
#            `... --units b --nosuffix -o lv_name,lv_size,data_percent VG/pool VG/LV` both sizes;
#            `... -o data_percent VG/S` STUB_SNAP_PERCENT (what the summary and metrics show);
#            `lvs VG/LV` exits 0 if LV exists, else 5.
#   lvcreate `--snapshot --name S [--addtag T]... --size Z VG/LV` adds S (origin LV, tags T,...); 5
#            if S exists.
#   lvremove `--force VG/S` removes S; 5 if missing or if /dev/VG/S is mounted ("in use").
#   blkid    `-o value -s TYPE -- /dev/VG/LV` prints STUB_BLKID_TYPE; 2 if no such LV.
#   mount    `-t T -o O -- /dev/VG/S DIR` or `--bind -o ro -- SRC DIR`: hides DIR's content and shows
#            STUB_SNAPSHOT_TREE (device) or a file stub-bind-source naming SRC (bind). DIR must be
#            under STUB_SANDBOX. 32 if DIR is missing or the device does not exist. `--bind -- DIR
#            DIR` (an anchor) mounts DIR on itself, content unchanged; `--make-private -- DIR` and
#            `--make-rprivate -- DIR` are recorded and change nothing.
#   umount   `[--recursive] -- DIR`: 32 "not mounted", 32 "target is busy" while a mount sits
#            below DIR; else the mounted content goes and the hidden content comes back.
#   mountpoint `-q -- DIR` 0 or 32.   findmnt `-rn -o TARGET -S DEVICE` prints targets, 1 if none;
#            `-rn -o TARGET,MAJ:MIN,FSROOT,FSTYPE,SOURCE` prints the whole fake table (FSROOT /).
#   sleep    returns at once.   dar, rsync, mv, sync, touch, date: the real ones (date: see
#            STUB_DATE); mv, sync and touch are not in STUB_COMMANDS: a test that injects into them
#            installs them.
#   ssh      `[-o OPT]... [-p PORT] [-i FILE] [-l USER] HOST COMMAND...` (what rsync -e runs): the
#            "remote" host is this one: COMMAND runs here through bash -c, as sshd runs it through
#            the user's shell, so a real rsync really copies. Not in STUB_COMMANDS either.
# Any other argument list makes a stub exit 3 with "unsupported arguments", so a change in what
# the script runs shows up as a failing test instead of passing silently.

STUB_COMMANDS=(lvs vgs lvcreate lvchange lvremove mount umount blkid findmnt mountpoint sleep dar rsync date)
STUB_HELPER_DIR=$(cd "${BASH_SOURCE[0]%/*}" && pwd)

stubs_setup() {
  local command
  local -a commands=("$@")
  ((${#commands[@]} > 0)) || commands=("${STUB_COMMANDS[@]}")
  STUB_BIN=${BATS_TEST_TMPDIR:?}/stubs
  export STUB_STATE=${BATS_TEST_TMPDIR}/stub-state
  export STUB_LOG=${STUB_STATE}/calls
  export STUB_SANDBOX=${BATS_TEST_TMPDIR}
  rm -rf -- "${STUB_BIN}" "${STUB_STATE}"
  mkdir -p -- "${STUB_BIN}" "${STUB_STATE}/lv" "${STUB_STATE}/mounts"
  : >"${STUB_LOG}"
  for command in "${commands[@]}"; do
    ln -s -- "${STUB_HELPER_DIR}/stub-command" "${STUB_BIN}/${command}"
  done
  # One CPU, so that [backup] parallel = auto runs one source at a time: most tests assert the
  # order of the calls, and the injection counters (STUB_TIMES_ and the like) count in call order.
  # A test of sources at once writes its own nproc; stub-command keeps the fake host consistent.
  printf '%s\n' '#!/bin/sh' 'echo 1' >"${STUB_BIN}/nproc"
  chmod +x -- "${STUB_BIN}/nproc"
  export BACKUP_GEN_PATH=${STUB_BIN}:/usr/bin:/bin
}

stub_lv() {
  printf '%s|%s|%s\n' "$2" "${3-}" "${4-}" >>"${STUB_STATE:?}/lv/$1"
}

stub_lvs() {
  if [[ -f ${STUB_STATE:?}/lv/$1 ]]; then
    cut -d '|' -f 1,2 -- "${STUB_STATE}/lv/$1"
  fi
}

stub_lv_tags() {
  local name origin tags
  while IFS='|' read -r name origin tags; do
    if [[ ${name} == "$2" ]]; then
      printf '%s\n' "${tags}"
    fi
  done <"${STUB_STATE:?}/lv/$1"
}

stub_mounts() {
  local id
  for id in $(find "${STUB_STATE:?}/mounts" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n); do
    printf '%s %s\n' "$(<"${STUB_STATE}/mounts/${id}/source")" "$(<"${STUB_STATE}/mounts/${id}/target")"
  done
}

stub_mount_point() {
  local id=1 last
  last=$(find "${STUB_STATE:?}/mounts" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n 1)
  [[ -n ${last} ]] && id=$((last + 1))
  mkdir -p -- "${STUB_STATE}/mounts/${id}/hidden"
  printf '%s' "${2:-nfs-server:/export}" >"${STUB_STATE}/mounts/${id}/source"
  printf '%s' "$1" >"${STUB_STATE}/mounts/${id}/target"
  [[ -z ${3-} ]] || printf '%s' "$3" >"${STUB_STATE}/mounts/${id}/type"
  [[ -z ${4-} ]] || printf '%s' "$4" >"${STUB_STATE}/mounts/${id}/number"
}

stub_pool_use() {
  printf '%s\n' "$*" >"${STUB_STATE:?}/pool-use"
}

stub_calls() {
  stub_calls_raw "$@" | strip_run_tag
}

# strip_run_tag: its input with the run's LVM tag (backup-gen-run.BOOT.PID.START) written RUN_TAG.
strip_run_tag() {
  sed -e 's/backup-gen-run\.[0-9a-f-]*\.[0-9]*\.[0-9]*/RUN_TAG/g'
}

stub_calls_raw() {
  "${STUB_HELPER_DIR}/stub-calls" "${STUB_LOG:?}" "$@"
}

stub_call_count() {
  stub_calls "$1" | wc -l | tr -d ' '
}

stub_wait_hanging() {
  local -r file=${STUB_STATE:?}/$1.hanging
  local tries
  for ((tries = 0; tries < 200; tries++)); do
    if [[ -s ${file} ]]; then
      cat -- "${file}"
      return 0
    fi
    /usr/bin/sleep 0.05
  done
  printf 'stub_wait_hanging: %s never hung\n' "$1" >&2
  return 1
}
