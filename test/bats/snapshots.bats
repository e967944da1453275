#!/usr/bin/env bats
# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
# The snapshot's life: a leftover from a run that could not clean up is swept loudly, but only if
# it is a snapshot of the right origin; lvremove is retried while the device is busy.

load test_helper/common

setup_file() {
  setup_fixture_dirs
  SCRIPT=$(compile_fixture lvm-one-volume)
  export SCRIPT
}

setup() {
  setup_run_environment
}

# line_number PATTERN: the number of the first recorded call that starts with PATTERN.
line_number() {
  stub_calls | grep -n -m 1 -F -e "$1" | cut -d: -f1
}

# The tags of a snapshot a run made that is gone now: this boot, a pid no process has.
dead_run_tags() {
  printf 'backup-gen,backup-gen-run.%s.999999999.1\n' "$(</proc/sys/kernel/random/boot_id)"
}

# An earlier run's tree as that run left it: the anchor, the snapshot on anchor/root, /boot bound.
leftover_tree() {
  local -r anchor=$1
  mkdir -p -- "${anchor}"
  "${STUB_BIN}/mount" --bind -- "${anchor}" "${anchor}"
  mkdir -- "${anchor}/root"
  "${STUB_BIN}/mount" -t ext4 -o ro -- /dev/vg0/root-backsnap "${anchor}/root"
  "${STUB_BIN}/mount" --bind -o ro -- /boot "${anchor}/root/boot"
}

@test "a leftover snapshot of the same origin is removed, with a warning, before lvcreate" {
  stub_lv "${VG}" "${SNAPSHOT}" "${ORIGIN}" "$(dead_run_tags)"
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'WARNING: found snapshot vg0/root-backsnap of root left by an earlier run that did not finish; removing it'
  assert_equal "lvs --noheadings --separator '|' -o lv_name,origin,lv_tags vg0
findmnt -rn -o TARGET -S /dev/vg0/root-backsnap
lvs --noheadings --separator '|' -o lv_name,origin,lv_tags vg0
lvremove --force vg0/root-backsnap
lvs --noheadings -o segtype vg0/root
lvs --noheadings -o lv_attr vg0/root" "$(stub_calls lvs lvcreate lvremove blkid findmnt umount | head -n 6)" 'the first commands'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "a leftover snapshot still mounted by a killed run: its whole tree is unmounted from the anchor, its directories removed, then the snapshot" {
  stub_lv "${VG}" "${SNAPSHOT}" "${ORIGIN}" "$(dead_run_tags)"
  local -r old=${TMPDIR}/backup-gen.0ldRun0123
  leftover_tree "${old}"
  : >"${STUB_LOG}"
  run -2 --separate-stderr "${SCRIPT}"
  assert_equal "findmnt -rn -o TARGET -S /dev/vg0/root-backsnap
mount --make-rprivate -- ${old}
umount --recursive -- ${old}
lvs --noheadings --separator '|' -o lv_name,origin,lv_tags vg0
lvremove --force vg0/root-backsnap" "$(stub_calls lvs lvremove findmnt mount umount | sed -n 2,6p)" 'the sweep'
  [[ ! -e ${old} ]]
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "a snapshot made on an earlier boot is a leftover, even if its pid is in use again" {
  stub_lv "${VG}" "${SNAPSHOT}" "${ORIGIN}" "backup-gen,backup-gen-run.00000000-0000-0000-0000-000000000000.$$.1"
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'WARNING: found snapshot vg0/root-backsnap of root left by an earlier run'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
}

# A snapshot that is not provably a dead run's own is kept, with nothing created or unmounted.
assert_leftover_kept() {
  assert_equal 0 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_equal 0 "$(stub_call_count lvremove)" 'lvremove calls'
  assert_equal 0 "$(stub_call_count umount)" 'umount calls'
  assert_equal "root|
root-backsnap|root" "$(stub_lvs "${VG}")" 'the volumes of vg0'
  assert_no_archive
}

@test "a snapshot of the same name and origin without the backup-gen tag is someone else's: kept, the run fails before lvcreate" {
  stub_lv "${VG}" "${SNAPSHOT}" "${ORIGIN}"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "ERROR: vg0/root-backsnap exists, a snapshot of root, but backup-gen did not make it (it has no backup-gen tag"
  assert_leftover_kept
}

@test "a snapshot another profile's run is using now (same name, same LV) is not touched, and the run says which run holds it" {
  local line
  local -a fields
  IFS= read -r line <"/proc/$$/stat"
  read -r -a fields <<<"${line##*) }"
  stub_lv "${VG}" "${SNAPSHOT}" "${ORIGIN}" "backup-gen,backup-gen-run.$(</proc/sys/kernel/random/boot_id).$$.${fields[19]}"
  local -r other=${TMPDIR}/backup-gen.0therRun01
  leftover_tree "${other}"
  : >"${STUB_LOG}"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "ERROR: vg0/root-backsnap belongs to a backup that is running now (pid $$): two profiles use snapshot_lv_name root-backsnap on vg0/root; give one of them another snapshot_lv_name"
  assert_leftover_kept
  assert_equal "/dev/vg0/root-backsnap ${other}/root
/boot ${other}/root/boot" "$(stub_mounts | grep -F -e "${other}/root")" "the other run's mounts"
}

@test "a leftover mounted outside any backup-gen mount directory is in someone's use: kept" {
  stub_lv "${VG}" "${SNAPSHOT}" "${ORIGIN}" "$(dead_run_tags)"
  local -r inspect=${BATS_TEST_TMPDIR}/inspect
  mkdir -p -- "${inspect}"
  "${STUB_BIN}/mount" -t ext4 -o ro -- /dev/vg0/root-backsnap "${inspect}"
  : >"${STUB_LOG}"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "but it is mounted at ${inspect}, outside any backup-gen mount directory: someone is using it; not touching it"
  assert_leftover_kept
}

@test "a leftover whose mount a process still uses is kept, naming the process" {
  stub_lv "${VG}" "${SNAPSHOT}" "${ORIGIN}" "$(dead_run_tags)"
  local -r old=${TMPDIR}/backup-gen.0ldRun0123
  leftover_tree "${old}"
  (cd -- "${old}/root/etc" && exec sleep 30) >/dev/null 2>&1 3>&- &
  local -r user=$!
  : >"${STUB_LOG}"
  run -1 --separate-stderr "${SCRIPT}"
  kill "${user}"
  assert_contains "${stderr}" "is left by an earlier run, but it is still in use by pid ${user} (sleep); not touching it"
  assert_leftover_kept
}

@test "an LV with the snapshot's name but another origin stops the run before lvcreate and is kept" {
  stub_lv "${VG}" "${SNAPSHOT}" home "$(dead_run_tags)"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "vg0/root-backsnap exists but is not a snapshot of root (its origin: 'home'); not touching it"
  assert_equal 0 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_equal 0 "$(stub_call_count lvremove)" 'lvremove calls'
  assert_equal "root|
root-backsnap|home" "$(stub_lvs "${VG}")" 'the volumes of vg0'
  # Only the lock file, which stays (removing a lock file others may wait on would let two hold it).
  assert_equal '.backup-gen.lock' "$(target_files)" 'the files in the target'
}

@test "an LV with the snapshot's name that is no snapshot at all is kept too" {
  stub_lv "${VG}" "${SNAPSHOT}"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "vg0/root-backsnap exists but is not a snapshot of root (its origin: ''); not touching it"
  assert_equal 0 "$(stub_call_count lvcreate)" 'lvcreate calls'
  assert_equal 0 "$(stub_call_count lvremove)" 'lvremove calls'
}

@test "a snapshot of another name and the same origin is left alone" {
  stub_lv "${VG}" someone-elses-snap "${ORIGIN}"
  run -0 --separate-stderr "${SCRIPT}"
  refute_contains "$(stub_calls lvremove)" someone-elses-snap 'the lvremove calls'
  assert_equal "root|
someone-elses-snap|root" "$(stub_lvs "${VG}")" 'the volumes of vg0'
}

@test "lvremove failing twice (in use) is retried with back-off and the run succeeds" {
  export STUB_FAIL_lvremove=5 STUB_TIMES_lvremove=2 STUB_STDERR_lvremove='  Logical volume vg0/root-backsnap in use.'
  run -0 --separate-stderr "${SCRIPT}"
  assert_equal 3 "$(stub_call_count lvremove)" 'lvremove calls'
  assert_equal 'sleep 1
sleep 2' "$(stub_calls sleep)" 'the sleeps'
  assert_contains "${stderr}" 'WARNING: lvremove vg0/root-backsnap failed (attempt 1 of 5); retrying in 1 s'
  assert_contains "${stderr}" 'WARNING: lvremove vg0/root-backsnap failed (attempt 2 of 5); retrying in 2 s'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "lvremove failing always fails the run with a message saying how to remove the snapshot" {
  export STUB_FAIL_lvremove=5 STUB_STDERR_lvremove='  Logical volume vg0/root-backsnap in use.'
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'ERROR: could not remove snapshot vg0/root-backsnap (mounted at: nowhere'
  assert_contains "${stderr}" 'remove it by hand: lvremove vg0/root-backsnap'
  assert_equal 6 "$(stub_call_count lvremove)" 'lvremove calls (5, then once more by the exit cleanup, without waiting again)'
  assert_equal "root|
root-backsnap|root" "$(stub_lvs "${VG}")" 'the volumes of vg0'
  assert_no_mounts
  assert_tmpdir_empty
  assert_no_archive
  assert_latest_successful ''
}

@test "the run after one that could not remove its snapshot sweeps it and succeeds" {
  export STUB_FAIL_lvremove=5
  run -1 "${SCRIPT}"
  unset STUB_FAIL_lvremove
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" 'WARNING: found snapshot vg0/root-backsnap of root left by an earlier run'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "a leftover of a backup-gen from before snapshot tags (untagged, mounted on the directory itself) is kept, with the commands that remove it safely" {
  stub_lv "${VG}" "${SNAPSHOT}" "${ORIGIN}"
  local -r old=${TMPDIR}/backup-gen.0ldRun0123
  mkdir -p -- "${old}"
  "${STUB_BIN}/mount" -t ext4 -o ro -- /dev/vg0/root-backsnap "${old}"
  : >"${STUB_LOG}"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "ERROR: vg0/root-backsnap is a snapshot of root that a backup-gen from before snapshot tags left mounted at ${old}, with no tag to prove it is not in use; if no backup runs now, remove it by hand (the first command keeps unmounting from reaching live mounts): mount --make-rprivate ${old}; umount --recursive ${old}; rmdir ${old}; lvremove vg0/root-backsnap"
  assert_leftover_kept
}

@test "when another run's snapshot of the same name appears between the sweep and lvcreate, this run's teardown leaves it alone" {
  # lvcreate loses the race: the other run's snapshot is there now, and lvcreate says so.
  rm -f -- "${STUB_BIN}/lvcreate"
  cat >"${STUB_BIN}/lvcreate" <<STUB
#!/usr/bin/env bash
printf '%s|%s|%s\n' "${SNAPSHOT}" "${ORIGIN}" "backup-gen,backup-gen-run.$(</proc/sys/kernel/random/boot_id).1.1" >>"${STUB_STATE}/lv/${VG}"
printf '  Logical Volume "%s" already exists in volume group "%s"\n' "${SNAPSHOT}" "${VG}" >&2
exit 5
STUB
  chmod +x -- "${STUB_BIN}/lvcreate"
  run -1 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "WARNING: not removing vg0/root-backsnap: another run made it (it does not carry this run's tag"
  assert_equal 0 "$(stub_call_count lvremove)" 'lvremove calls'
  assert_equal "root|
root-backsnap|root" "$(stub_lvs "${VG}")" 'the volumes of vg0'
}

@test "once the snapshot is gone the run says how long it lived and how much of that the archive took; the archive is tested after" {
  # dar holds the snapshot a second and a half (the stub's hang uses the real sleep).
  rm -f -- "${STUB_BIN}/sleep"
  export STUB_HANG_dar=1.5 STUB_MATCH_dar=-c
  run -0 --separate-stderr "${SCRIPT}" -l INFO
  local -r line=$(grep -E '^INFO: snapshot vg0/root-backsnap lived [0-9]+\.[0-9] s, of which the archive took [0-9]+\.[0-9] s$' <<<"${stderr}")
  [[ -n ${line} ]] || assert_equal 'the snapshot window line' "${stderr}" 'stderr'
  local lived archive
  read -r lived archive < <(sed -E 's/.* lived ([0-9.]+) s, of which the archive took ([0-9.]+) s/\1 \2/' <<<"${line}")
  awk -v l="${lived}" -v a="${archive}" 'BEGIN { exit !(a >= 1.5 && l >= a) }'
  # In that order: the window's end, then the test of the archive, which no longer needs it.
  assert_equal 'INFO: snapshot vg0/root-backsn|INFO: dar -t read every slice |' "$(grep -E 'lived|dar -t read every slice' <<<"${stderr}" | cut -c1-30 | tr '\n' '|')" 'the order of the two lines'
}

# An anchor as a killed run left it before its snapshot was mounted: the directory bind-mounted on
# itself, with root/ in it and, from this version on, the record of the process that made it.
leftover_anchor() {
  local -r anchor=$1 owner=$2
  mkdir -p -- "${anchor}/root"
  if [[ -n ${owner} ]]; then
    printf '%s\n' "${owner}" >"${anchor}/made-by"
  fi
  "${STUB_BIN}/mount" --bind -- "${anchor}" "${anchor}"
}

# process_tree PID: the pids of every process below PID.
process_tree() {
  local child
  for child in $(pgrep -P "$1"); do
    printf '%s\n' "${child}"
    process_tree "${child}"
  done
}

@test "SIGKILL between the anchor mount and the snapshot mount: the next run unmounts the anchor and removes its directory (issue 21, class 9)" {
  STUB_HANG_mount=30 STUB_MATCH_mount=--make-private start_script "${SCRIPT}"
  local hanging anchor
  hanging=$(stub_wait_hanging mount)
  anchor=$(stub_mounts | awk 'NR == 1 { print $2 }')
  [[ ${anchor} == "${TMPDIR}"/backup-gen.?????????? ]]
  [[ -f ${anchor}/made-by ]]
  # SIGKILL to the script and every process below it, as to a run's whole process group.
  # shellcheck disable=SC2046 # one pid a word
  kill -KILL "${SCRIPT_PID}" $(process_tree "${SCRIPT_PID}")
  wait "${SCRIPT_PID}" || true
  while kill -0 "${hanging}" 2>/dev/null; do sleep 0.1; done
  assert_equal "${anchor} ${anchor}" "$(stub_mounts)" 'precondition: the killed run left its anchor mounted'
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "WARNING: found mount directory ${anchor} left by a run that was killed before it mounted a snapshot there (backup-gen-run."
  assert_contains "${stderr}" 'WARNING: found snapshot vg0/root-backsnap of root left by an earlier run that did not finish; removing it'
  [[ ! -e ${anchor} ]]
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
  assert_host_clean
}

@test "an anchor whose maker still runs, one without a record that is mounted, and a fresh empty directory are left alone; an old empty one is removed" {
  local -r live=${TMPDIR}/backup-gen.LiveRun012 legacy=${TMPDIR}/backup-gen.0ldVersion fresh=${TMPDIR}/backup-gen.FreshDir01 stale=${TMPDIR}/backup-gen.StaleDir01
  local start
  start=$(awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$$/stat")
  leftover_anchor "${live}" "backup-gen-run.$(</proc/sys/kernel/random/boot_id).$$.${start}"
  leftover_anchor "${legacy}" ''
  mkdir -- "${fresh}" "${stale}"
  touch -d '10 minutes ago' -- "${stale}"
  run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "WARNING: found mount directory ${stale} left by a run that was killed before it mounted a snapshot there (no owner recorded); removing it"
  assert_equal 1 "$(grep -c 'WARNING: found mount directory' <<<"${stderr}")" 'mount directories swept'
  assert_contains "${stderr}" "WARNING: mount directory ${legacy} is mounted but does not say which run made it; if no backup runs now, remove it by hand (the first command keeps unmounting from reaching live mounts): mount --make-rprivate ${legacy}; umount --recursive ${legacy};"
  [[ ! -e ${stale} && -d ${fresh} && -f ${live}/made-by && -d ${legacy}/root ]]
  assert_equal "${live} ${live}
${legacy} ${legacy}" "$(stub_mounts)" 'the anchors left mounted'
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
}

@test "an anchor that cannot be unmounted is said in a WARNING, kept with its record, and the backup goes on" {
  local -r stuck=${TMPDIR}/backup-gen.StuckAnchr
  leftover_anchor "${stuck}" "backup-gen-run.$(</proc/sys/kernel/random/boot_id).999999998.1"
  STUB_FAIL_umount=32 STUB_STDERR_umount='umount: target is busy.' STUB_MATCH_umount=${stuck} run -2 --separate-stderr "${SCRIPT}"
  assert_contains "${stderr}" "WARNING: cannot unmount ${stuck} (see umount's message above); leaving it"
  [[ -f ${stuck}/made-by ]]
  assert_latest_successful "${PREFIX}${STAMP}-FULL"
}
