#!/usr/bin/env bash
# 09: the run's own files on the volume it archives, a [bindmounts] path that is a symbolic link in
# the snapshot, and SIGKILL while an archive is being published.
# (a) The origin is mounted live (as a host's root is) and the target and log file are on it
#     (/var/backups and /var/log on the root LV): the script must leave the target out of the archive
#     and say "not archiving TARGET" at INFO; no slice, lock or log of the run is in the FULL or the
#     INC (dar -l), while the volume's own files are.
# (b) srv/bgl/09/data in the volume is a symbolic link to the live /srv/bgl/09/elsewhere and the
#     profile bind-mounts /srv/bgl/09/data: followed, the bind mount lands on the live system. The
#     run must fail (exit 1, "symbolic link") before any bind mount, leaving nothing mounted, no
#     snapshot and nothing published.
# (c) SIGKILL of the whole run inside publishing (a sync stand-in holds it after the slices were
#     renamed, before backup_deps and latest_successful): the next run warns about the slices
#     "that backup_deps does not record", removes them and publishes an INC (exit 2).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "${BGL_LVM_DIR}/lib.sh"

readonly LIVE=${W}/live
readonly TARGET=${LIVE}/backups LOG_ON_LV=${LIVE}/var/log/backup-gen.log
readonly SYMLINK_SCRIPT=${SCRIPTS}/${SCENARIO}.symlink.sh SYMLINK_TARGET=${W}/target-symlink
readonly BOUND=${W}/data ELSEWHERE=${W}/elsewhere SYNC_READY=${W}/sync.ready
SET=${TARGET}/$(month)
SYMLINK_SET=${SYMLINK_TARGET}/$(month)
readonly SET SYMLINK_SET

# archive_paths BASE: the paths dar -l lists for the archive BASE, one a line.
archive_paths() {
  dar -l "$1" -Q 2>/dev/null | awk -F '\t' 'NF > 1 { print $NF }'
}

# check_archive_lacks_run_files LABEL BASE: nothing of the target (slices, lock, set files) nor the
# log file in the archive; the volume's own files are there.
check_archive_lacks_run_files() {
  local -r label=$1 base=$2
  local listing
  listing=$(archive_paths "${base}") || true
  check_contains "${label}: dar -l lists an ordinary file of the volume (etc/hostname)" $'\n'"${listing}"$'\n' $'\n'etc/hostname$'\n'
  check_eq "${label}: no slice (.dar) in the archive" '' "$(grep -F -- '.dar' <<<"${listing}" || true)"
  check_eq "${label}: nothing under backups/ (the target: slices, backups/YYYY-MM, lock) in the archive" '' "$(grep -E -- '^backups/' <<<"${listing}" || true)"
  check_eq "${label}: the log file (var/log/backup-gen.log, on the LV) is not in the archive" '' "$(grep -x -F -- 'var/log/backup-gen.log' <<<"${listing}" || true)"
}

# check_not_archiving_line LABEL: an INFO line says that the target is left out.
check_not_archiving_line() {
  local -r label=$1
  local line
  line=$(grep -F -- 'not archiving' <<<"${RUN_ERR}" || true)
  check_contains "${label}: an INFO line says 'not archiving'" "${line}" 'INFO: '
  check_contains "${label}: ... and names the target ${TARGET}" "${line}" "${TARGET}"
}

# run_with_log_on_lv: run_script with the log file on the LV (as the profile's log_file says; the
# command line's --log-file wins over run_script's); a copy goes to the result directory.
run_with_log_on_lv() {
  local before
  before=$(stat -c %s -- "${LOG_ON_LV}" 2>/dev/null || printf '0')
  run_script "${SCRIPT}" --log-file "${LOG_ON_LV}"
  cp -- "${LOG_ON_LV}" "${RESULT_DIR}/run-${RUNS}.script.log" 2>/dev/null || true
  # This run's part of the log (RUN_LOG), which the log file on the LV keeps appending to.
  RUN_LOG=$(tail -c +"$((before + 1))" -- "${LOG_ON_LV}" 2>/dev/null || true)
}

# tidy_between_parts: what a failed part may have left (a bind mount on the live path, a snapshot
# and its mounts) is removed, and said, so that the next part starts clean.
tidy_between_parts() {
  local target left
  left=$(snapshot_traces)
  while read -r target; do
    [[ -n ${target} ]] || continue
    umount -R -l -- "${target}" 2>/dev/null || true
    note "tidy: unmounted ${target}"
  done < <(findmnt -rn -o TARGET | grep -E "^(${ELSEWHERE}|${BOUND}|/tmp/backup-gen\.)" | sort -r || true)
  if lvs -- "${VG}/root-backsnap" >/dev/null 2>&1; then
    lvremove -qq -f -- "${VG}/root-backsnap" >/dev/null 2>&1 || true
    note "tidy: removed ${VG}/root-backsnap"
  fi
  rm -rf /tmp/backup-gen.* 2>/dev/null || true
  if [[ -n ${left} ]]; then
    note "tidy: found $(tr '\n' ';' <<<"${left}")"
  fi
}

say "setup: VG ${VG}, the origin mounted live at ${LIVE}, target and log file on it"
make_vg 256
make_lv root 64M ext4 "${LIVE}"
populate "${LIVE}"
mkdir -p -- "${TARGET}" "${LIVE}/var/log"

say "(a) FULL with the target on the snapshotted LV"
run_with_log_on_lv
check_eq "(a) FULL: exit 0" 0 "${RUN_STATUS}"
check_not_archiving_line "(a) FULL"
full=$(cat -- "${SET}/latest_successful" 2>/dev/null || true)
check_archive_lacks_run_files "(a) FULL ${full}" "${SET}/${full}"
check_no_leftovers "(a) after the FULL" "${TARGET}"

say "(a) INC: the FULL's slices are now on the LV the snapshot copies"
printf 'changed before the INC\n' >>"${LIVE}/etc/hostname"
run_with_log_on_lv
check_eq "(a) INC: exit 0" 0 "${RUN_STATUS}"
check_not_archiving_line "(a) INC"
check_contains "(a) INC: based on the FULL" "${RUN_LOG}" "Based on parent: ${full}"
inc=$(cat -- "${SET}/latest_successful" 2>/dev/null || true)
check_archive_lacks_run_files "(a) INC ${inc}" "${SET}/${inc}"
check "(a) INC: dar -t accepts ${inc}" dar -t "${SET}/${inc}" -Q
check_chain "${SET}" "${full}" "${inc}"
check_no_leftovers "(a) after the INC" "${TARGET}"
tidy_between_parts

say "(b) a [bindmounts] path that is a symbolic link in the snapshot (-> the live ${ELSEWHERE})"
mkdir -p -- "${BOUND}" "${ELSEWHERE}" "${SYMLINK_TARGET}" "${LIVE}${W}"
printf 'to be bound\n' >"${BOUND}/bound-file"
printf 'live\n' >"${ELSEWHERE}/live-file"
ln -s -- "${ELSEWHERE}" "${LIVE}${BOUND}"
guest_before=$(guest_state)
target_before=$(tree_content "${SYMLINK_TARGET}")
chain_before=$(chain_state "${SYMLINK_SET}")
rm -f -- "${W}/symlink-run.mounts"
BACKUP_GEN_PATH=${WRAPPED_PATH} BGL_DAR_BEFORE="findmnt -rn -o TARGET,SOURCE >${W}/symlink-run.mounts" run_script "${SYMLINK_SCRIPT}"
check_failed_cleanly "(b) symlink" 1 "${guest_before}" "${target_before}" "${chain_before}" "${SYMLINK_SET}"
check_contains "(b) symlink: the ERROR says 'symbolic link'" "$(grep -E '^ERROR' <<<"${RUN_ERR}" || true)" 'symbolic link'
check_eq "(b) symlink: no bind mount was made (DEBUG log; the mount directory's private anchor is no bind mount of a [bindmounts] path)" '' "$(grep -E 'run: mount --bind -o ro ' -- "${RESULT_DIR}/run-${RUNS}.script.log" || true)"
check_eq "(b) symlink: nothing was mounted on the live ${ELSEWHERE} while the run ran (as dar saw it)" '' "$(grep -E "^${ELSEWHERE} " -- "${W}/symlink-run.mounts" 2>/dev/null || true)"
check_eq "(b) symlink: afterwards, no mount on ${ELSEWHERE}, ${BOUND} or /tmp/backup-gen.*" '' \
  "$(findmnt -rn -o TARGET,SOURCE | grep -E "^(${ELSEWHERE}|${BOUND}|/tmp/backup-gen\.)" || true)"
check "(b) symlink: no latest_successful" test ! -e "${SYMLINK_SET}/latest_successful"
check_no_leftovers "(b) after the symlink run" "${SYMLINK_TARGET}"
check_eq "(b) symlink: the live ${ELSEWHERE} holds its own file" 'live' "$(cat -- "${ELSEWHERE}/live-file" 2>&1)"
tidy_between_parts

say "(c) SIGKILL of the whole run while it publishes (held in sync -- SLICE...)"
mkdir -p -- "${W}/sync-wrapper"
cat >"${W}/sync-wrapper/sync" <<EOF
#!/bin/bash
# Holds the run when it flushes slices (the first step of publishing), after saying so.
for argument in "\$@"; do
  if [[ \${argument} == *.dar ]]; then
    printf '%s\n' "\$@" >${SYNC_READY}.tmp
    mv -f -- ${SYNC_READY}.tmp ${SYNC_READY}
    exec sleep 300
  fi
done
exec /usr/bin/sync "\$@"
EOF
chmod 0755 -- "${W}/sync-wrapper/sync"
rm -f -- "${SYNC_READY}"
mapfile -t recorded_before < <(cut -d: -f1 -- "${SET}/backup_deps" 2>/dev/null || true)
chain_before=$(chain_state "${SET}")
BACKUP_GEN_PATH=${W}/sync-wrapper:/usr/sbin:/usr/bin:/sbin:/bin start_script "${SCRIPT}"
if wait_for 120 test -e "${SYNC_READY}"; then
  pass "(c) the run reached sync -- SLICE... (publishing)"
else
  fail "(c) the run reached sync -- SLICE... within 120 s" "$(cat -- "${SCRIPT_BASE}.err" 2>&1)"
fi
kill -KILL -- "-${SCRIPT_PID}" 2>/dev/null || true
wait_script
check_eq "(c) the killed run exits 137" 137 "${RUN_STATUS}"
killed_slices=$(grep -F '.dar' -- "${SYNC_READY}" 2>/dev/null || true)
killed=${killed_slices%%$'\n'*}
killed=${killed##*/}
killed=${killed%.*.dar}
left=$(snapshot_traces)
note "(c) left by SIGKILL in publishing: slices ${killed_slices//$'\n'/ }; orphans: $(orphan_archives "${TARGET}" | tr '\n' ' '); traces: $(tr '\n' ';' <<<"${left}")"
check "(c) precondition: the killed run's slices are under their final names" test -s "${SET}/${killed}.1.dar"
check_eq "(c) precondition: backup_deps does not record them" "orphan: ${SET}/${killed}.1.dar" "$(orphan_archives "${TARGET}" | head -n 1)"
check_eq "(c) precondition: latest_successful and backup_deps unchanged by the killed run" "${chain_before}" "$(chain_state "${SET}")"

say "(c) the next run removes the unrecorded slices and publishes"
run_script "${SCRIPT}"
check_eq "(c) the next run exits 2 (warnings)" 2 "${RUN_STATUS}"
warning=$(grep -F 'that backup_deps does not record' <<<"${RUN_ERR}" || true)
check_contains "(c) it warns about the slices that backup_deps does not record" "${warning}" 'WARNING: '
check_contains "(c) ... naming ${killed}.1.dar" "${warning}" "${killed}.1.dar"
if [[ ${left} == *"lv: root-backsnap"* ]]; then
  check_contains "(c) it warns about the leftover snapshot" "${RUN_ERR}" "found snapshot ${VG}/root-backsnap"
fi
check_lacks "(c) no ERROR" "${RUN_ERR}" 'ERROR'
check "(c) the killed run's slices are gone" test -z "$(compgen -G "${SET}/${killed}.*.dar")"
latest=$(cat -- "${SET}/latest_successful" 2>/dev/null || true)
check_chain "${SET}" "${recorded_before[@]}" "${latest}"
check "(c) dar -t accepts ${latest}" dar -t "${SET}/${latest}" -Q
check_eq "(c) no archive under a final name that backup_deps does not list" '' "$(orphan_archives "${TARGET}")"
check_no_leftovers "(c) after the next run" "${TARGET}"
