# Test helper, sourced by hostile.bats: recording stand-ins for the commands a generated script
# runs on the host, and assertions on what they received.
#
# Every stub writes its arguments (argv without argv[0]), NUL-separated and byte-exact, to a file
# of its own in STUB_LOG (NNNN.NAME, NNNN counting calls in order) and lists the call in
# STUB_LOG/calls. Stubs never
# interpret or evaluate their arguments. Just enough behaviour for a run to go through:
#   dar -c BASE ...  creates BASE.1.dar, as dar would (empty), if BASE's directory exists
#   blkid            prints ${STUB_BLKID_TYPE:-ext4}
#   lvcreate         records the snapshot it makes (name, origin, tags) until lvremove removes it
#   lvs              lists that snapshot for -o lv_name,origin,lv_tags, else prints nothing (no
#                    leftover snapshot, segment type and free space unknown); vgs prints nothing
#   mount -t ...     creates inside the mount point each path listed, NUL-separated, in
#                    STUB_LOG/bind-dirs (so the script finds a directory to bind-mount onto, and
#                    each subdirs entry)
#   umount MNT       empties MNT when it is a script's own mount directory (TMPDIR/backup-gen.*),
#                    as unmounting the snapshot would, so the script can rmdir it
#   mountpoint       fails ("not a mount point")
#   rsync ... SRC/ DEST/  copies SRC to DEST (cp -a) when both are directories here
#   others           succeed silently

RECORDED_COMMANDS=(lvs vgs lvcreate lvchange lvremove mount umount blkid findmnt mountpoint dar rsync)

# install_recording_stubs DIR: writes one stub per command into DIR.
install_recording_stubs() {
  local -r dir=$1
  local name
  mkdir -p -- "${dir}"
  # One CPU: [backup] parallel = auto then runs one source at a time, and the calls are numbered in
  # the order the tests assert.
  printf '%s\n' '#!/bin/sh' 'echo 1' >"${dir}/nproc"
  chmod +x -- "${dir}/nproc"
  for name in "${RECORDED_COMMANDS[@]}"; do
    {
      printf '%s\n' '#!/usr/bin/env bash' 'set -u' "readonly STUB_NAME=${name}"
      cat <<'EOF'
log=${STUB_LOG:?STUB_LOG is not set}
count=0
if [[ -f ${log}/count ]]; then
  count=$(<"${log}/count")
fi
count=$((count + 1))
printf '%s\n' "${count}" >"${log}/count"
printf -v call '%04d.%s' "${count}" "${STUB_NAME}"
printf '%s\0' "$@" >"${log}/${call}"
printf '%s\n' "${call}" >>"${log}/calls"
EOF
      stub_behaviour "${name}"
    } >"${dir}/${name}"
    chmod +x -- "${dir}/${name}"
  done
}

stub_behaviour() {
  case $1 in
    dar)
      cat <<'EOF'
while (($# > 0)); do
  if [[ $1 == -c ]]; then
    if [[ -d ${2%/*} ]]; then
      : >"$2.1.dar"
    fi
    break
  fi
  shift
done
EOF
      ;;
    blkid) printf '%s\n' "printf '%s\n' \"\${STUB_BLKID_TYPE:-ext4}\"" ;;
    lvs)
      # The snapshot lvcreate made, while it lasts, as lvs -o lv_name,origin,lv_tags lists it.
      cat <<'EOF'
if [[ " $* " == *' lv_name,origin,lv_tags '* && -f ${log}/lv-created ]]; then
  printf '  %s\n' "$(<"${log}/lv-created")"
fi
exit 0
EOF
      ;;
    lvcreate)
      cat <<'EOF'
name='' origin='' tags=''
while (($# > 0)); do
  case $1 in
    --name) name=$2 && shift ;;
    --addtag) tags+=${tags:+,}$2 && shift ;;
    --size | --extents) shift ;;
    *) origin=${1#*/} ;;
  esac
  shift
done
printf '%s|%s|%s\n' "${name}" "${origin}" "${tags}" >"${log}/lv-created"
EOF
      ;;
    lvremove) printf '%s\n' 'rm -f -- "${log}/lv-created"' ;;
    mountpoint) printf '%s\n' 'exit 1' ;;
    rsync)
      # A copy between two directories here is made (cp -a), so that the check of the mirror's
      # copies after it finds the files.
      cat <<'EOF'
source=${*: -2:1}
destination=${!#}
if [[ -d ${source} && -d ${destination} ]]; then
  cp -a -- "${source}." "${destination}"
fi
EOF
      ;;
    mount)
      cat <<'EOF'
if [[ $1 == -t && -f ${log}/bind-dirs ]]; then
  mount_point=${!#}
  while IFS= read -r -d '' path; do
    mkdir -p -- "${mount_point}${path}"
  done <"${log}/bind-dirs"
fi
EOF
      ;;
    umount)
      cat <<'EOF'
mount_point=${!#}
if [[ -n ${TMPDIR:-} && ${mount_point} == "${TMPDIR}"/backup-gen.* && ${mount_point} != "${TMPDIR}"/backup-gen.*/* ]]; then
  find "${mount_point}" -mindepth 1 -delete
fi
EOF
      ;;
    *) ;;
  esac
}

# calls_of NAME: the recorded call files of NAME, in call order, one per line.
calls_of() {
  grep -x "[0-9]*\.$1" -- "${STUB_LOG}/calls" || true
}

# assert_call CALL EXPECTED_ARG...: the recorded arguments of CALL (a file name from calls_of) are
# exactly the expected words, byte for byte. Prints both, one %q-quoted word a line, when they differ.
assert_call() {
  local -r call=$1
  shift
  local -a got=()
  mapfile -d '' -t got <"${STUB_LOG}/${call}"
  if [[ ${#got[@]} -eq $# ]]; then
    local i=0 same=1 word
    for word in "$@"; do
      [[ ${got[i]} == "${word}" ]] || same=0
      i=$((i + 1))
    done
    ((same)) && return 0
  fi
  printf 'argv of %s differs\n--- expected (%d words)\n' "${call}" "$#"
  printf '%q\n' "$@"
  printf -- '--- recorded (%d words)\n' "${#got[@]}"
  printf '%q\n' "${got[@]}"
  return 1
}
