// The profile schema: every section and key, its value kind, default and documentation.
// validate.ts reads it to check a profile; the README reference and `backup-gen init` are generated from it.
import * as v from './values.js';

export interface KeySpec {
  key: string;
  kind: v.ValueKind<unknown>;
  /** When the key must be given, in words; undefined when it is optional. */
  required?: string;
  /** The default, as the user would write it; undefined when there is none. */
  default?: string;
  doc: string;
  /** Example value used by `backup-gen init`; falls back to `default`. */
  example?: string;
  /** Shown commented out by `backup-gen init` although it is sometimes required. */
  commentedInExample?: boolean;
  /** Shown set to its example by `backup-gen init` although it is optional: a setting we recommend. */
  suggestedInExample?: boolean;
  /** True for keys of the original tool: their meaning is the compatibility contract. */
  original: boolean;
}

export interface SectionSpec {
  /** Section name; `volume NAME` stands for any `[volume ...]` section. */
  name: string;
  doc: string;
  keys: KeySpec[];
}

// Formats that are compressed already, so that compressing them again costs time and saves nothing:
// archives and packages, images, sound, video, documents and fonts that hold compressed streams. The
// original's 2013 list (*.avi *.bz2 *.gif *.gz *.jpg *.mov *.mpg *.mp3 *.pbm *.pdf *.png *.Z *.zip)
// lacked xz, zstd, packages and most modern media; its *.pbm is an uncompressed image and is left out.
export const DEFAULT_NO_COMPRESS = [
  '*.7z *.apk *.br *.bz2 *.cab *.crx *.deb *.ear *.gem *.gz *.jar *.lz *.lz4 *.lzma *.lzo *.rar *.rpm *.snap *.squashfs *.tbz *.tbz2 *.tgz *.txz *.tzst *.war *.whl *.xpi *.xz *.Z *.zip *.zst',
  '*.avif *.gif *.heic *.heif *.jp2 *.jpeg *.jpg *.jxl *.png *.webp',
  '*.aac *.flac *.m4a *.mp3 *.ogg *.opus *.wma',
  '*.3gp *.avi *.flv *.m4v *.mkv *.mov *.mp4 *.mpeg *.mpg *.webm *.wmv',
  '*.docx *.epub *.odp *.ods *.odt *.pdf *.pptx *.xlsx',
  '*.woff *.woff2',
  '*.gpg *.age',
].join(' ');
/** The compression a profile gets without [dar] compression, and its level (the benchmark's choice). */
export const DEFAULT_COMPRESSION = 'zstd';
export const DEFAULT_ZSTD_LEVEL = 3;
/** The level of any other algorithm when compression_level is not given: the original's -z9. */
export const DEFAULT_OTHER_LEVEL = 9;
export const DEFAULT_SLICE_SIZE = '1875000000';
/** thin_pool_threshold's default; its doc says why 80. */
export const DEFAULT_THIN_POOL_THRESHOLD = 80;
/** [hooks] timeout's default: a database flush takes seconds; a dump into the volume may take minutes. */
export const DEFAULT_HOOK_TIMEOUT = 300;

const volumeKeys = (legacy: boolean): KeySpec[] => [
  { key: 'volume_group', kind: v.vgName, required: 'when source_type = lvm', doc: 'Volume group of the origin logical volume.', example: 'data', original: legacy },
  { key: 'logical_volume', kind: v.lvName, required: 'when source_type = lvm', doc: 'The origin logical volume to snapshot.', example: 'root', original: legacy },
  {
    key: 'snapshot_lv_name',
    kind: v.lvName,
    required: legacy ? 'when source_type = lvm' : undefined,
    default: legacy ? undefined : 'LOGICAL_VOLUME-backsnap',
    doc: 'Name of the temporary snapshot LV. A leftover LV of this name is removed before the run only if it is a snapshot of logical_volume that a backup-gen run made (its LVM tags say so) and that run is gone; another profile\'s snapshot of that name, in use now, is never touched.',
    example: 'root-backsnap',
    original: legacy,
  },
  {
    key: 'snapshot_size',
    kind: v.snapshotSize,
    required: 'unless logical_volume is a thin volume (checked when the script runs)',
    doc: 'Copy-on-write space for changes made while the backup runs: an lvcreate size (2G, 512M) or a percentage of ORIGIN, VG, FREE or PVS (20%ORIGIN, passed as --extents). The script checks before it starts that the volume group has that much free, and after dar that the snapshot did not overflow. Leave it out for a thin volume: its snapshot is a thin snapshot, which takes no size (see thin_pool_threshold). A thick snapshot that overflows is invalidated by LVM, and only it: the origin\'s writes go on; with snapshot_autoextend_threshold below 100 in lvm.conf (100, the default, is off) dmeventd extends a monitored snapshot by snapshot_autoextend_percent from the volume group\'s free space before that.',
    example: '2G',
    original: legacy,
  },
  {
    key: 'thin_pool_threshold',
    kind: v.poolPercent,
    default: String(DEFAULT_THIN_POOL_THRESHOLD),
    doc: 'For a thin volume: how full (in percent, data or metadata) its thin pool may be. The snapshot is not made when the pool is already fuller; while dar runs the pool is watched every 2 s, and once it passes this dar is stopped and the snapshot removed, the archive is not published and the source fails, before the pool is full: a full pool fails the writes of every thin volume in it, the origin\'s too, not only the snapshot\'s. 80 leaves a fifth of the pool for the live writes made between two looks and while the snapshot is being removed, and matches the point where dmeventd first warns; lower it for a small or busy pool. thin_pool_autoextend_threshold in lvm.conf (off by default) grows a monitored pool from the volume group\'s free space instead: set this one above it, so that the pool is extended before the backup gives up. Not used for a thick (linear) origin, whose snapshot has its own snapshot_size.',
    original: false,
  },
  {
    key: 'thin_snapshot_reserve',
    kind: v.reserveSize,
    default: '(all that logical_volume maps)',
    doc: 'For a thin volume: how much of its thin pool the writes made to it while a backup runs may take (each block written while the snapshot exists is a new block of the pool). Before the snapshot the script checks that the pool has that much below thin_pool_threshold, and refuses the snapshot otherwise, saying by how much to grow the pool: a writer faster than the watcher could otherwise fill the pool and fail the live writes of every volume in it. Left out, it is all that the volume maps now (a rewrite of all of it); give a smaller size for a large volume of which a backup\'s window rewrites little. Not used for a thick (linear) origin.',
    example: '2G',
    commentedInExample: true,
    original: false,
  },
  {
    key: 'mount_options',
    kind: v.mountOptions,
    default: '',
    doc: 'Extra mount options for the snapshot. It is always mounted ro; XFS also gets nouuid (detected with blkid).',
    example: 'noatime',
    original: false,
  },
];

const setKeys = (legacy: boolean): KeySpec[] => [
  {
    key: 'source_type',
    kind: v.sourceType,
    required: legacy ? 'unless the profile has only [volume NAME] sections' : undefined,
    default: legacy ? undefined : 'lvm',
    doc: '"lvm": snapshot a logical volume and archive the snapshot. "directory": archive source_root as it is, without LVM (any Unix with bash and dar).',
    example: 'lvm',
    original: legacy,
  },
  { key: 'source_root', kind: v.absolutePath, required: 'when source_type = directory', doc: 'The directory to back up when source_type = directory.', example: '/srv/data', commentedInExample: true, original: legacy },
  { key: 'subdirs', kind: v.relativePaths, default: '(everything)', doc: 'Only these paths, relative to the backed-up root (dar -g). For an LVM source each must be in the snapshot (the run fails before dar if one is not), and one that the live system shows from another filesystem is named.', example: 'etc home', original: legacy },
  { key: 'excludes', kind: v.relativePaths, default: '', doc: 'Paths relative to the backed-up root to leave out (dar -P), taken literally (no wildcards); they stay as empty directories.', example: 'var/cache tmp', original: false },
];

export const SCHEMA: SectionSpec[] = [
  {
    name: 'backup',
    doc: 'Where the backup sets go and how they are named. With source_type, it also describes the profile\'s main source (the original tool\'s single volume, configured in [lvm]).',
    keys: [
      ...setKeys(true),
      { key: 'target', kind: v.absolutePath, required: 'always', doc: 'Base directory of the backup sets (TARGET/YYYY-MM/...). Must exist when the script runs.', example: '/var/backups/dar', original: true },
      {
        key: 'target_must_be_mounted',
        kind: v.boolean,
        default: 'false',
        doc: 'Run only if target is itself a mount point (mountpoint -q), checked before the lock and before any snapshot. An NFS or USB file system that is not mounted leaves an empty directory, and the backup would fill the file system below it. Set it for such a target.',
        original: false,
      },
      { key: 'archive_prefix', kind: v.archivePrefix, required: 'always', doc: 'Start of every archive name, e.g. myhost-. A [volume NAME] adds NAME and "-" to it (myhost-home-), so name the host here, not a volume.', example: 'myhost-', original: true },
      {
        key: 'full_every',
        kind: v.fullEvery,
        default: 'month',
        doc: 'When a FULL is made instead of an INC: "month" (the original: first run of each calendar month), "week" (also the first run of each ISO week), "N runs" (a FULL and then N-1 INCs), "N days" (when the chain\'s FULL was made N or more calendar days ago, whatever daylight saving time did). The first run of a month is always FULL: each month directory is a complete restore set.',
        original: false,
      },
      {
        key: 'lock_file',
        kind: v.absolutePath,
        default: 'TARGET/.backup-gen.lock',
        doc: 'Lock against overlapping runs (flock; the kernel releases it when its holder dies, so it is never stale). A second run leaves with exit 75, or waits lock_wait seconds first. By default it is in the target, what it protects: profiles that share a target take turns. It must be a regular file of the user who runs the script (a symbolic link, or a file another user owns, is refused): do not put it in a directory others can write, such as /run/lock.',
        original: false,
      },
      { key: 'lock_wait', kind: v.seconds, default: '0', doc: 'Seconds a run waits for the lock before it gives up with exit 75.', original: false },
      {
        key: 'target_reserve',
        kind: v.reserveSize,
        default: '(none)',
        doc: 'Free space the target must keep. Before dar starts, the script estimates the archive (the size of this source\'s last archive of the same kind, FULL or INC) and stops, with the numbers, if writing it would leave less than this free, instead of failing half-way with a full disk. A source\'s first FULL has no estimate: only the reserve itself is checked.',
        example: '20G',
        original: false,
      },
      {
        key: 'snapshots',
        kind: v.snapshotMode,
        default: 'one at a time',
        doc: '"one at a time": each LVM source\'s snapshot is taken right before its archive and removed right after it, so only one exists at a time. "together": every LVM source\'s snapshot is taken in one quiesce window (one before_snapshot hook, the snapshots one right after the other, one after_snapshot hook) before the first archive, so that they show one point in time: a database whose data and logs live on different LVs. The volume groups must have room for all of them at once (checked before the first is taken), and each one lives until its own archive is done, so it needs room for the writes of the archives before it too. A problem while taking them stops the run before any archive is made. The summary says which mode ran.',
        example: 'together',
        commentedInExample: true,
        original: false,
      },
      {
        key: 'parallel',
        kind: v.parallelSources,
        default: 'auto',
        doc: 'How many sources are archived at once, each by its own dar (one dar uses one core): "auto" is the number of CPUs the script may use when it runs (nproc), or a number. With auto, a source also waits for another to end while the two would read one rotational disk (lsblk ROTA: two readers on one spindle are slower together than one after the other; virtual disks often say they are rotational whatever holds them, so give a number to run them together anyway). An LVM source waits while its volume group has no room for its snapshot beside those of the sources that run. A noop run shows them one after the other. With more than one at a time, log lines from a source start with its name, and the hooks of different sources can run at the same time.',
        example: '1',
        commentedInExample: true,
        original: false,
      },
      { key: 'log_file', kind: v.absolutePath, default: '(none)', doc: 'Append a DEBUG-level log of every run here; --log-file overrides it.', example: '/var/log/backup-gen.log', original: false },
    ],
  },
  { name: 'lvm', doc: 'The main source\'s logical volume (source_type = lvm), as in the original tool.', keys: volumeKeys(true) },
  {
    name: 'bindmounts',
    doc: 'Paths outside the volume (such as /boot) bind-mounted into the snapshot so they are archived with it.',
    keys: [{ key: 'equals', kind: v.absolutePaths, default: '', doc: 'Each path is bind-mounted onto the same path inside the snapshot mount (read-only, private), with every filesystem mounted below it (/boot/efi inside /boot); that directory must exist in the volume.', example: '/boot', original: true }],
  },
  {
    name: 'volume NAME',
    doc: 'A further source, one section each (NAME: letters, digits, _ and -). Its sets go to TARGET/NAME/YYYY-MM/ and its archives are named ARCHIVE_PREFIX + NAME + "-".',
    keys: [
      ...setKeys(false),
      ...volumeKeys(false),
      { key: 'bindmounts', kind: v.absolutePaths, default: '', doc: 'Like [bindmounts] equals, for this volume.', original: false },
    ],
  },
  {
    name: 'dar',
    doc: 'How dar writes the archives. The defaults (zstd level 3, a no-compress list of the formats that are compressed already) were chosen with the benchmark (npm run bench; "Speed" in the README): on a Debian system tree about 9 times as fast as the original\'s gzip level 9, for archives 2 % larger. The original\'s: compression = gzip, compression_level = 9, and its list in no_compress.',
    keys: [
      { key: 'compression', kind: v.compression, default: DEFAULT_COMPRESSION, doc: 'Compression algorithm (dar -z). The dar that restores must support it: dar -V lists the algorithms it was built with (Debian\'s has all of these).', original: false },
      { key: 'compression_level', kind: v.compressionLevel, default: `${DEFAULT_ZSTD_LEVEL} for zstd, ${DEFAULT_OTHER_LEVEL} for the others`, doc: 'Compression level: 1-9, zstd 1-22. zstd\'s levels above 3 cost much more time for little less size (level 6: 60 % more time for 4 % less).', original: false },
      { key: 'slice_size', kind: v.sliceSize, default: DEFAULT_SLICE_SIZE, doc: 'Slice size (dar -s); 0 writes one single slice.', original: false },
      { key: 'min_compress_size', kind: v.byteCount, default: '150', doc: 'Files smaller than this are stored uncompressed (dar -m).', original: false },
      { key: 'no_compress', kind: v.masks, default: DEFAULT_NO_COMPRESS, doc: 'File-name masks stored without compression (dar -Z), matched without regard to case (*.jpg matches IMG.JPG). Giving it replaces the whole default list.', original: false },
      {
        key: 'compare_with_source',
        kind: v.boolean,
        default: 'false',
        doc: 'After each archive, and before its snapshot is released, compare it with what it was made from (dar -d): proof rather than a checksum. It reads the whole source a second time while the snapshot is held, so the snapshot lives about as long again and needs room for the changes of that time.',
        example: 'no',
        original: false,
      },
      { key: 'exclude_masks', kind: v.masks, default: '', doc: 'File-name masks left out of every archive (dar -X).', example: '*.tmp *~', original: false },
    ],
  },
  {
    name: 'retention',
    doc: 'Which backup sets to keep; without keep_months or keep_days nothing is ever deleted (the original never deleted). backup.sh prune deletes whole chains only (a FULL and every INC made on it): never one a kept archive needs, and never the newest complete chain. backup_deps stays as it was, a history; each deleted archive gets a line in its month\'s "pruned" file.',
    keys: [
      { key: 'keep_months', kind: v.keepCount, default: '(no limit)', doc: 'Keep the chains of the newest N monthly sets (month directories) of each source.', example: '3', original: false },
      { key: 'keep_days', kind: v.keepCount, default: '(no limit)', doc: 'Keep every chain that holds an archive made in the last N days. With keep_months too, a chain either one keeps is kept.', example: '45', commentedInExample: true, original: false },
      { key: 'prune_after_backup', kind: v.boolean, default: 'false', doc: 'Prune the target after every run in which every source was backed up (and, with [rsync], after the copy).', example: 'yes', original: false },
      { key: 'mirror_keep_months', kind: v.keepCount, default: '(no limit)', doc: 'Like keep_months, for backup.sh prune --mirror on a mirror on this host. Pruning the mirror is separate and off unless this or mirror_keep_days is set.', commentedInExample: true, example: '12', original: false },
      { key: 'mirror_keep_days', kind: v.keepCount, default: '(no limit)', doc: 'Like keep_days, for backup.sh prune --mirror.', commentedInExample: true, example: '365', original: false },
    ],
  },
  {
    name: 'encryption',
    doc: 'Encrypt every archive with dar\'s own encryption, so that whoever holds the target or the mirror cannot read it. Give exactly one of recipients (public-key: the backup host needs only the public keys, and cannot read its own archives) and key_file (symmetric: the key is on the backup host). See "Encryption" in the README for both, how to make the keys, and what stays readable.',
    keys: [
      {
        key: 'recipients',
        kind: v.gnupgRecipients,
        default: '(none)',
        doc: 'Public-key encryption (dar -K gnupg:CIPHER:RECIPIENT,...): each archive gets a random key, encrypted for every recipient, whose public key must be in gnupg_home (checked before any snapshot: present, not expired or revoked, able to encrypt). Only a holder of a recipient\'s secret key can restore, list the content of, or test an archive. Every INC is made against the isolated catalogue of its parent (dar -@), kept unencrypted in the set\'s catalogues/ directory and never copied to the mirror. [dar] compare_with_source cannot be used.',
        example: 'backup@example.org',
        original: false,
      },
      {
        key: 'key_file',
        kind: v.absolutePath,
        default: '(none)',
        doc: 'Symmetric encryption with the key in this file: one line of at least 32 characters of A-Z a-z 0-9 + / = _ . - (make one with: head -c 48 /dev/urandom | base64 > FILE; chmod 600 FILE). It must belong to the user who runs the script and be readable by nobody else; it is checked before any snapshot. dar gets the key in a temporary file of mode 0600 (dar -B), never on a command line. Not inside the target: it would be copied to the mirror.',
        example: '/root/backup.key',
        original: false,
      },
      { key: 'cipher', kind: v.cipher, default: 'aes256', doc: 'The cipher dar encrypts with (with recipients, the one the random key is for).', original: false },
      {
        key: 'gnupg_home',
        kind: v.absolutePath,
        default: '(the user\'s: GNUPGHOME or ~/.gnupg)',
        doc: 'With recipients: the GnuPG home whose keyring holds the recipients\' public keys. restore, list and verify use GNUPGHOME instead when it is set (a rescue host\'s keyring with the secret key).',
        example: '/root/.gnupg-backup',
        original: false,
      },
    ],
  },
  {
    name: 'rsync',
    doc: 'Copy the backup sets elsewhere after the run (rsync -a; never --delete).',
    keys: [
      { key: 'enabled', kind: v.boolean, default: 'false', doc: 'Copy TARGET/ to target_dir/ after the run.', example: 'false', original: true },
      {
        key: 'target_dir',
        kind: v.mirrorDestination,
        required: 'when enabled',
        doc: 'Mirror destination: a directory on this host, or host:/path or user@host:/path on another, copied to over ssh (an IPv6 address in [brackets]). A remote directory is not checked before rsync; ssh never asks for a password (BatchMode=yes): give it a key (ssh_identity_file, or the user\'s ssh configuration).',
        example: '/mnt/nfs/backups',
        original: true,
      },
      { key: 'even_if_backup_failed', kind: v.boolean, default: 'false', doc: 'Copy even when the backup failed (never after the run was stopped by a signal).', original: true },
      { key: 'touch_file', kind: v.absolutePath, default: '(none)', doc: 'Touch this file first to wake an automounted target, and wait up to 15 s for it to appear.', example: '/mnt/nfs/backups/.wake', original: true },
      {
        key: 'target_dir_must_be_mounted',
        kind: v.boolean,
        default: 'false',
        doc: 'Copy only if target_dir is itself a mount point (mountpoint -q), checked after touch_file and before rsync. A mirror on NFS or USB that is not mounted is an empty directory, and the copy would fill the file system below it. Set it for such a mirror.',
        example: 'yes',
        suggestedInExample: true,
        original: false,
      },
      {
        key: 'io_timeout',
        kind: v.timeoutSeconds,
        default: '600',
        doc: 'Seconds any wait on the mirror may last (also ssh\'s ConnectTimeout for a remote target_dir): touching touch_file and testing target_dir (each under timeout), and rsync (--timeout: no data moved for this long). A hung NFS server then fails the run with a message naming this key instead of stalling it for ever.',
        original: false,
      },
      { key: 'ssh_identity_file', kind: v.absolutePath, default: '(none)', doc: 'For a remote target_dir: the private key ssh uses (ssh -i); by default ssh\'s own configuration decides.', example: '/root/.ssh/backup_ed25519', original: false },
      { key: 'ssh_port', kind: v.port, default: '(ssh\'s own: 22)', doc: 'For a remote target_dir: the port of its ssh server (ssh -p).', example: '22', original: false },
    ],
  },
  {
    name: 'hooks',
    doc: 'Commands run at fixed points of a backup run (not of restore, list, verify or prune), each with bash -c, stdin from /dev/null, its output in the log (at INFO), and its context in BACKUP_GEN_* environment variables (see "Hooks" in the README; never pasted into the command). A hook that fails (exit status other than 0 and 75) fails the run, naming the hook and its status; exit 75 from before_backup, before_snapshot or before_archive skips cleanly: the whole run, or that source (its chain does not move, nothing is published, the run still exits 0). A hook never holds the run\'s lock, and processes it leaves running are stopped (SIGTERM) when the source or the run ends. The snapshot hooks run for LVM sources only.',
    keys: [
      { key: 'before_backup', kind: v.hookCommand, default: '(none)', doc: 'Once, after the lock is taken and before the first source: e.g. skip (exit 75) when a removable target is absent.', example: 'test -e /srv/backup-disk/.present || exit 75', commentedInExample: true, original: false },
      { key: 'before_snapshot', kind: v.hookCommand, default: '(none)', doc: 'Right before a snapshot is taken (with snapshots = together: once, before all of them): quiesce the application, such as a database flush and lock. Keep the window short: after_snapshot releases it.', example: 'sync', commentedInExample: true, original: false },
      { key: 'after_snapshot', kind: v.hookCommand, default: '(none)', doc: 'Right after the snapshot is taken (with snapshots = together: once, after the last): release what before_snapshot quiesced. It runs also when taking the snapshot failed, so a lock is never left held.', commentedInExample: true, original: false },
      { key: 'before_archive', kind: v.hookCommand, default: '(none)', doc: 'Before each source\'s dar, with BACKUP_GEN_ARCHIVE, BACKUP_GEN_ARCHIVE_KIND and BACKUP_GEN_ROOT (the tree dar reads: the snapshot\'s mount point for an LVM source) set.', commentedInExample: true, original: false },
      { key: 'after_archive', kind: v.hookCommand, default: '(none)', doc: 'After each source\'s archive was tested and published.', commentedInExample: true, original: false },
      { key: 'on_success', kind: v.hookCommand, default: '(none)', doc: 'At the end of a run that succeeded (exit 0 or 2), after every snapshot and mount is gone.', commentedInExample: true, original: false },
      { key: 'on_failure', kind: v.hookCommand, default: '(none)', doc: 'At the end of a run that failed or was stopped by a signal, after the teardown; BACKUP_GEN_EXIT_CODE says how it ended.', commentedInExample: true, original: false },
      { key: 'finally', kind: v.hookCommand, default: '(none)', doc: 'Last, at the end of every backup run, whatever happened (also a skipped one), with BACKUP_GEN_STATUS and BACKUP_GEN_EXIT_CODE.', commentedInExample: true, original: false },
      { key: 'timeout', kind: v.timeoutSeconds, default: String(DEFAULT_HOOK_TIMEOUT), doc: 'Seconds each hook may run; then it and what it started get SIGTERM (SIGKILL 10 s later) and it counts as failed (exit 124).', original: false },
    ],
  },
  {
    name: 'monitoring',
    doc: 'What an unattended host tells its monitoring: healthchecks-style pings and Prometheus node_exporter textfile metrics. Only the backup command reports; --noop prints what it would send. A ping or metrics file that cannot be written is logged as a warning and never changes the exit code.',
    keys: [
      {
        key: 'ping_url',
        kind: v.pingUrl,
        default: '(none)',
        doc: 'The healthchecks.io convention (any server that follows it works): once the lock is taken, URL/start; at the end the plain URL when the run succeeded (exit 0 or 2), URL/fail when it failed (exit 1, or stopped by a signal). The end ping POSTs the last 50 log lines of the run (INFO and above, the summary included); start and end carry the same ?rid= so the server pairs them. Sent with curl, or wget when curl is missing (neither: one warning), each attempt bounded by ping_timeout, 3 attempts. A run that fails before it takes the lock (a missing target, a second run) sends nothing: the server reports the missing ping when its grace time is over.',
        example: 'https://hc-ping.com/your-check-uuid',
        original: false,
      },
      { key: 'ping_timeout', kind: v.timeoutSeconds, default: '10', doc: 'Seconds one ping attempt may take (curl --max-time, wget --timeout); a ping never delays the run by more than about 3 attempts of this and 2 s between them.', original: false },
      {
        key: 'metrics_dir',
        kind: v.absolutePath,
        default: '(none)',
        doc: 'node_exporter\'s textfile collector directory (--collector.textfile.directory): every backup run, failed ones too, replaces backup-gen-PROFILE.prom there atomically (a temporary file in the same directory, then mv), mode 0644 so that node_exporter can read it. The metrics are listed in the README (Monitoring).',
        example: '/var/lib/prometheus/node-exporter',
        original: false,
      },
    ],
  },
];

export function sectionSpecFor(sectionName: string): SectionSpec | undefined {
  const specName = /^volume\s+\S/.test(sectionName) ? 'volume NAME' : sectionName.toLowerCase();
  return SCHEMA.find((s) => s.name === specName);
}
