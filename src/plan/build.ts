// Stage 3, plan: Profile → Plan. Resolves dar arguments, command lists and provenance so that the
// emitter has no decisions left to make.
import { HOOK_NAMES, type DarSettings, type EncryptionSettings, type Profile, type RsyncSettings, type Source } from '../profile/profile.js';
import type { Plan, PlannedEncryption, PlannedHook, PlannedMirror, PlannedMonitoring, PlannedSource } from './plan.js';
import { outermostBindMounts } from '../profile/rules.js';

const BASE_COMMANDS = ['date', 'mkdir', 'mktemp', 'mv', 'cat', 'rm', 'rmdir', 'touch', 'sleep', 'sync', 'stat', 'realpath', 'timeout', 'flock', 'df', 'sha512sum', 'dar'];

/**
 * The lock protects the backup sets, so by default it lives with them, in the target: profiles
 * that share a target take turns, and only who can write the target can hold it (/run/lock, the
 * old default, is world-writable).
 */
export function defaultLockFile(target: string): string {
  return `${target.replace(/\/+$/, '')}/.backup-gen.lock`;
}
const LVM_COMMANDS = ['lvs', 'vgs', 'lvcreate', 'lvchange', 'lvremove', 'blkid', 'mount', 'umount', 'mountpoint', 'findmnt', 'find', 'tr', 'readlink'];

export function buildPlan(profile: Profile, profileName: string, version: string, profileSha256: string): Plan {
  // [dar] shapes every source's dar options, so each source's provenance names its keys too.
  const darProvenance = provenanceLines(profile.lines, profileName, 'dar');
  const sources = profile.sources.map((source) => planSource(source, profile, [...provenanceLines(source.lines, profileName), ...darProvenance]));
  const needsLvm = sources.some((s) => s.kind === 'lvm');
  const mirror: PlannedMirror | undefined =
    profile.rsync === undefined
      ? undefined
      : {
          ...profile.rsync,
          sshCommand: profile.rsync.remote === undefined ? [] : sshCommand(profile.rsync),
          provenance: provenanceLines(profile.lines, profileName, 'rsync'),
        };
  return {
    generator: { name: 'backup-gen', version, profileSha256 },
    profileName,
    target: profile.target,
    targetMustBeMounted: profile.targetMustBeMounted,
    fullPolicy: profile.fullPolicy,
    logFile: profile.logFile,
    lockFile: profile.lockFile ?? defaultLockFile(profile.target),
    lockWaitSeconds: profile.lockWaitSeconds,
    sources,
    mirror,
    monitoring: planMonitoring(profile, profileName),
    encryption: planEncryption(profile.encryption, provenanceLines(profile.lines, profileName, 'encryption')),
    retention: profile.retention,
    targetReserveBytes: reserveBytes(profile.targetReserve),
    compareWithSource: profile.dar.compareWithSource,
    snapshots: profile.snapshotMode,
    parallelSources: profile.parallelSources,
    hooks: plannedHooks(profile, profileName),
    hookTimeoutSeconds: profile.hooks.timeoutSeconds,
    provenance: Object.fromEntries(Object.entries(profile.lines).map(([key, line]) => [key, provenanceLine(key, line, profileName)])),
    requiredCommands: [...requiredCommands(needsLvm, profile.targetMustBeMounted, mirror, Object.keys(profile.hooks.commands).length > 0, profile.monitoring.metricsDir !== undefined), ...(profile.encryption?.mode === 'gnupg' ? ['gpg'] : [])],
    needsRoot: needsLvm,
  };
}

/**
 * A recipient as dar -K gnupg: can find it. dar 2.7.8 (gpgme) finds no key for a 40-digit fingerprint,
 * with or without 0x, and then asks whether to go on without that recipient (exit 4 under -Q); it
 * does find the key by its long key id, which for an OpenPGP v4 key is the fingerprint's last 16 hex
 * digits. The script's own check (gpg --list-keys) still looks the key up by the full fingerprint.
 */
export function darRecipient(recipient: string): string {
  const hex = recipient.replace(/^0x/i, '');
  if (/^[0-9A-Fa-f]{40}$/.test(hex)) return hex.slice(-16);
  return /^[0-9A-Fa-f]{16}$/.test(hex) ? hex : recipient;
}

function planEncryption(encryption: EncryptionSettings | undefined, provenance: string[]): PlannedEncryption | undefined {
  if (encryption === undefined) return undefined;
  const gnupg = encryption.mode === 'gnupg';
  return {
    mode: encryption.mode,
    cipher: encryption.cipher,
    recipients: gnupg ? encryption.recipients : [],
    darGnupgKey: gnupg ? `gnupg:${encryption.cipher}:${[...new Set(encryption.recipients.map(darRecipient))].join(',')}` : '',
    gnupgHome: gnupg ? (encryption.gnupgHome ?? '') : '',
    keyFile: gnupg ? '' : encryption.keyFile,
    isolatedCatalogues: gnupg,
    provenance,
  };
}

/** In a fixed order: the base, LVM's, env for hooks, mountpoint for a mount check (LVM's has it), the mirror's, chmod for the metrics file. */
function requiredCommands(needsLvm: boolean, targetMustBeMounted: boolean, mirror: PlannedMirror | undefined, hasHooks: boolean, metrics: boolean): string[] {
  const commands = [...BASE_COMMANDS, ...(needsLvm ? LVM_COMMANDS : [])];
  // run_hook: env passes the hook its BACKUP_GEN_* variables.
  if (hasHooks) commands.push('env');
  if ((targetMustBeMounted || mirror?.mustBeMounted === true) && !commands.includes('mountpoint')) commands.push('mountpoint');
  if (mirror !== undefined) commands.push('rsync');
  if (mirror?.remote !== undefined) commands.push('ssh');
  // The ping's curl or wget is not required: without either the run warns once and sends nothing.
  if (metrics) commands.push('chmod');
  return commands;
}

/** ssh as rsync -e runs it: never a password prompt (BatchMode), a bounded connect, the profile's port and key. */
function sshCommand(rsync: RsyncSettings): string[] {
  const command = ['ssh', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${rsync.ioTimeoutSeconds}`];
  if (rsync.sshPort !== undefined) command.push('-p', String(rsync.sshPort));
  if (rsync.sshIdentityFile !== undefined) command.push('-i', rsync.sshIdentityFile);
  return command;
}

function planSource(source: Source, profile: Profile, provenance: string[]): PlannedSource {
  const lvm = source.lvm;
  const dar = profile.dar;
  return {
    name: source.name,
    functionName: source.name.replace(/-/g, '_'),
    kind: source.kind,
    snapshot:
      lvm === undefined
        ? undefined
        : {
            volumeGroup: lvm.volumeGroup,
            logicalVolume: lvm.logicalVolume,
            snapshotName: lvm.snapshotName,
            sizeArguments: lvm.snapshotSize === undefined ? [] : [lvm.snapshotSize.option, lvm.snapshotSize.value],
            sizeBytes: lvm.snapshotSize?.option === '--size' ? sizeInBytes(lvm.snapshotSize.value) : 0,
            thinPoolThreshold: lvm.thinPoolThreshold,
            thinReserveBytes: lvm.thinSnapshotReserve === undefined ? -1 : reserveBytes(lvm.thinSnapshotReserve),
            section: source.name === 'main' ? 'lvm' : `volume ${source.name}`,
            mountOptions: lvm.mountOptions,
          },
    root: source.root,
    bindMounts: outermostBindMounts(source.bindMounts),
    subdirs: source.subdirs,
    setRoot: source.setRoot,
    mirrorSetRoot: profile.rsync === undefined ? undefined : mirrorSetRoot(source.setRoot, profile.target, profile.rsync.remote?.path ?? profile.rsync.targetDir),
    liveRoot: lvm === undefined ? (source.root ?? '/') : `/dev/${lvm.volumeGroup}/${lvm.logicalVolume}`,
    archivePrefix: source.archivePrefix,
    darOptions: darOptionsFor(source, dar),
    provenance,
  };
}

/** The hooks given, in the order a run reaches them. */
function plannedHooks(profile: Profile, profileName: string): PlannedHook[] {
  return HOOK_NAMES.flatMap((name) => {
    const command = profile.hooks.commands[name];
    return command === undefined ? [] : [{ name, command, provenance: provenanceLine(`hooks ${name}`, profile.lines[`hooks ${name}`] ?? 0, profileName) }];
  });
}

/** [backup] target_reserve in bytes: 0 for none; one too large for bash arithmetic is the largest it holds, never "no reserve". */
function reserveBytes(reserve: string | undefined): number {
  if (reserve === undefined || /^0*(\.0*)?[a-z]$/i.test(reserve)) return 0;
  return sizeInBytes(reserve) || Number.MAX_SAFE_INTEGER;
}

/** The mirror holds a copy of TARGET/: a set root below the target lies at the same place below the mirror's directory. */
function mirrorSetRoot(setRoot: string, target: string, mirrorDir: string): string {
  const base = target.replace(/\/+$/, '');
  const below = setRoot.startsWith(`${base}/`) ? setRoot.slice(base.length) : '';
  return `${mirrorDir.replace(/\/+$/, '')}${below}`;
}

// lvcreate --size units (binary whatever the case; no unit means MiB), as multiples of a byte.
const SIZE_UNITS: Record<string, bigint> = { b: 1n, s: 512n, k: 1n << 10n, m: 1n << 20n, g: 1n << 30n, t: 1n << 40n, p: 1n << 50n, e: 1n << 60n };

/** An lvcreate --size in bytes, rounded up; 0 (no preflight) past what bash arithmetic holds. */
export function sizeInBytes(size: string): number {
  const match = /^(\d*)(?:\.(\d+))?([a-zA-Z]?)$/.exec(size);
  if (match === null) return 0;
  const [, whole = '', fraction = '', unit = ''] = match;
  const factor = SIZE_UNITS[(unit || 'm').toLowerCase()] ?? 0n;
  const scale = 10n ** BigInt(fraction.length);
  const bytes = (BigInt(`${whole || '0'}${fraction}`) * factor + scale - 1n) / scale;
  return bytes > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(bytes);
}

/** The original's dar options, with -n instead of -w (an existing archive is never overwritten), and the [dar] settings. */
export function darOptionsFor(source: Pick<Source, 'subdirs' | 'excludes'>, dar: DarSettings): string[] {
  // -N: no ~/.darrc or /etc/darrc, so the script alone says what dar does.
  // any-inode-change: dar 2.7 otherwise saves a file whose links or mode changed as "metadata
  // only", which an INC restore cannot apply to a new hard link (found on real LVM, test/lvm 01).
  // --hash sha512: dar writes NAME.N.dar.sha512 beside each slice as it writes it; verify and the
  // mirror check compare against them.
  const options = ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512'];
  if (dar.sliceSize !== '0') options.push('-s', dar.sliceSize);
  if (dar.compression !== 'none') options.push(`-z${dar.compression}:${dar.compressionLevel}`, '-m', String(dar.minCompressSize));
  const noCompress = dar.compression === 'none' ? [] : dar.noCompress;
  // -an: the -Z masks after it ignore case (a camera's IMG_0001.JPG); -acase: the -X, -P and -g
  // after them do not, as on the filesystem.
  if (noCompress.length > 0) options.push('-an', ...noCompress.flatMap((mask) => ['-Z', mask]), '-acase');
  for (const mask of dar.excludeMasks) options.push('-X', mask);
  // -P takes a glob; excludes are literal paths, so their glob characters are escaped.
  for (const path of source.excludes) options.push('-P', path.replace(/[\\*?[]/g, '\\$&'));
  for (const path of source.subdirs) options.push('-g', path);
  return options;
}

/** "[section] key, FILE:LINE" for a recorded key ("section key"). */
function provenanceLine(key: string, line: number, profileName: string): string {
  const space = key.lastIndexOf(' ');
  return `[${key.slice(0, space)}] ${key.slice(space + 1)}, ${profileName}:${line}`;
}

/** provenanceLine for each recorded key, optionally of one section only. */
function provenanceLines(lines: Record<string, number>, profileName: string, section?: string): string[] {
  return Object.entries(lines)
    .filter(([key]) => section === undefined || key.startsWith(`${section} `))
    .map(([key, line]) => provenanceLine(key, line, profileName));
}

/** A label value as the Prometheus text exposition format quotes it: \\, \" and \n escaped. */
export function metricLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function planMonitoring(profile: Profile, profileName: string): PlannedMonitoring {
  const monitoring = profile.monitoring;
  const profileLabels = `profile=${metricLabelValue(profileName)}`;
  return {
    pingUrl: monitoring.pingUrl ?? '',
    pingTimeoutSeconds: monitoring.pingTimeoutSeconds,
    metricsDir: monitoring.metricsDir ?? '',
    metricsFile: monitoring.metricsDir === undefined ? '' : `${monitoring.metricsDir.replace(/\/+$/, '')}/backup-gen-${profileName.replace(/\.ini$/i, '').replace(/[^A-Za-z0-9._-]/g, '_')}.prom`,
    profileLabels,
    sourceLabels: profile.sources.map((s) => ({ name: s.name, labels: `${profileLabels},source=${metricLabelValue(s.name)}` })),
    provenance: provenanceLines(profile.lines, profileName, 'monitoring'),
  };
}
