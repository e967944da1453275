// Stage 2b, normalize: typed sections → Profile, every default filled in. Missing keys, keys that
// do not apply, and settings that contradict each other are reported here, all at once.
import type { Diagnostic } from '../diagnostics.js';
import { HOOK_NAMES, type Cipher, type DarSettings, type EncryptionSettings, type HookSettings, type MonitoringSettings, type Profile, type RetentionSettings, type RsyncSettings, type Source, type SourceKind } from './profile.js';
import { DEFAULT_COMPRESSION, DEFAULT_HOOK_TIMEOUT, DEFAULT_NO_COMPRESS, DEFAULT_OTHER_LEVEL, DEFAULT_ZSTD_LEVEL, DEFAULT_SLICE_SIZE, DEFAULT_THIN_POOL_THRESHOLD } from './schema.js';
import { checkProfileRules } from './rules.js';
import type { TypedSection } from './validate.js';
import { lvName, parseValue, type FullPolicy, type MirrorDestination, type SnapshotMode, type SnapshotSize } from './values.js';
import { splitWords } from './words.js';

/** Reads typed values of one section and reports what is missing or does not apply. */
class SectionReader {
  constructor(
    readonly section: TypedSection | undefined,
    private readonly diagnostics: Diagnostic[],
    private readonly displayName: string,
  ) {}

  get<T>(key: string): T | undefined {
    return this.section?.values.get(key)?.value as T | undefined;
  }

  line(key: string): number | undefined {
    return this.section?.values.get(key)?.line;
  }

  require<T>(key: string, when: string): T | undefined {
    const value = this.get<T>(key);
    if (value === undefined && this.section?.written.has(key) !== true) {
      this.diagnostics.push({
        severity: 'error',
        code: 'BG012',
        line: this.section?.line ?? 0,
        section: this.displayName,
        key,
        message: `missing required key (required ${when})`,
      });
    }
    return value;
  }

  /** Keys that mean nothing for this source kind: an error, or a warning for the original's unused keys. */
  rejectUnused(keys: readonly string[], reason: string, severity: 'error' | 'warning' = 'error'): void {
    for (const key of keys) {
      const typed = this.section?.values.get(key);
      const line = typed?.inherited === true ? undefined : typed?.line; // [DEFAULT] gives a key to every section that can take it
      if (line !== undefined) this.diagnostics.push({ severity, code: 'BG014', line, section: this.displayName, key, message: `${severity === 'error' ? 'not used' : 'ignored'} ${reason}` });
    }
  }

  report(code: string, key: string, message: string): void {
    this.diagnostics.push({ severity: 'error', code, line: this.line(key) ?? this.section?.line ?? 0, section: this.displayName, key, message });
  }

  recordLines(into: Record<string, number>): void {
    for (const [key, typed] of this.section?.values ?? []) into[`${this.displayName} ${key}`] = typed.line;
  }
}

const LVM_KEYS = ['volume_group', 'logical_volume', 'snapshot_lv_name', 'snapshot_size', 'thin_pool_threshold', 'thin_snapshot_reserve', 'mount_options'];

export function normalizeProfile(sections: TypedSection[]): { profile: Profile | undefined; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const find = (name: string) => new SectionReader(sections.find((s) => s.name.toLowerCase() === name), diagnostics, name);
  const backup = find('backup');
  if (backup.section === undefined) {
    diagnostics.push({ severity: 'error', code: 'BG012', line: 0, section: 'backup', message: 'missing required section [backup] (it holds target and archive_prefix)' });
  }
  const target = backup.require<string>('target', 'always');
  const archivePrefix = backup.require<string>('archive_prefix', 'always');
  const lines: Record<string, number> = {};
  for (const s of sections) new SectionReader(s, diagnostics, canonicalName(s)).recordLines(lines);

  const sources: Source[] = [];
  const main = mainSource(backup, find('lvm'), find('bindmounts'), target ?? '/', archivePrefix ?? '', diagnostics);
  if (main !== undefined) sources.push(main);
  for (const section of sections.filter((s) => s.spec.name === 'volume NAME')) {
    const volume = volumeSource(new SectionReader(section, diagnostics, canonicalName(section)), target ?? '/', archivePrefix ?? '', diagnostics);
    if (volume !== undefined) sources.push(volume);
  }
  const profile: Profile = {
    target: target ?? '/',
    targetMustBeMounted: backup.get<boolean>('target_must_be_mounted') ?? false,
    archivePrefix: archivePrefix ?? '',
    fullPolicy: backup.get<FullPolicy>('full_every') ?? { every: 'month' },
    logFile: backup.get<string>('log_file'),
    lockFile: backup.get<string>('lock_file'),
    lockWaitSeconds: backup.get<number>('lock_wait') ?? 0,
    targetReserve: backup.get<string>('target_reserve'),
    snapshotMode: backup.get<SnapshotMode>('snapshots') ?? 'one at a time',
    parallelSources: backup.get<number>('parallel') ?? 0,
    hooks: hookSettings(find('hooks')),
    dar: darSettings(find('dar'), diagnostics),
    retention: retentionSettings(find('retention')),
    rsync: rsyncSettings(find('rsync')),
    monitoring: monitoringSettings(find('monitoring')),
    encryption: encryptionSettings(find('encryption')),
    sources,
    lines,
  };
  if (target !== undefined && archivePrefix !== undefined) {
    // "Nothing to back up" after an error in a source's own keys would only repeat that error.
    const earlierErrors = diagnostics.some((d) => d.severity === 'error');
    diagnostics.push(...checkProfileRules(profile, backup.section?.line ?? 0).filter((d) => !(earlierErrors && d.code === 'BG016')));
  }
  return { profile: diagnostics.some((d) => d.severity === 'error') ? undefined : profile, diagnostics };
}

/** "backup" for [Backup], "volume home" for [volume  home]: the names lines and provenance are keyed by. */
function canonicalName(section: TypedSection): string {
  return section.spec.name === 'volume NAME' ? `volume ${volumeNameOf(section)}` : section.spec.name;
}

function volumeNameOf(section: TypedSection): string {
  return section.name.replace(/^volume\s+/i, '').trim();
}

function mainSource(backup: SectionReader, lvm: SectionReader, bindmounts: SectionReader, target: string, prefix: string, diagnostics: Diagnostic[]): Source | undefined {
  const written = backup.section?.written.has('source_type') === true;
  if (!written && lvm.section === undefined && bindmounts.section === undefined) return undefined;
  const kind = backup.require<SourceKind>('source_type', 'when the profile has [lvm] or [bindmounts]');
  if (kind === undefined) return undefined;
  const source = baseSource('main', kind, backup, target, prefix);
  source.bindMounts = bindmounts.get<string[]>('equals') ?? [];
  lvm.recordLines(source.lines);
  bindmounts.recordLines(source.lines);
  if (kind === 'lvm') {
    backup.rejectUnused(['source_root'], 'when source_type = lvm (the original never read it either)', 'warning');
    if (lvm.section === undefined) diagnostics.push({ severity: 'error', code: 'BG012', line: backup.line('source_type') ?? 0, section: 'lvm', message: 'missing section [lvm], required when [backup] source_type = lvm' });
    // Without [lvm], its keys are not reported one by one as well (at line 0).
    else source.lvm = lvmSnapshot(lvm, true);
  } else {
    source.root = backup.require<string>('source_root', 'when source_type = directory');
    lvm.rejectUnused(LVM_KEYS, 'when [backup] source_type = directory');
    bindmounts.rejectUnused(['equals'], 'when [backup] source_type = directory: bind mounts go into an LVM snapshot');
  }
  return source;
}

function volumeSource(volume: SectionReader, target: string, prefix: string, diagnostics: Diagnostic[]): Source | undefined {
  const section = volume.section as TypedSection;
  const name = volumeNameOf(section);
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name) || /^\d{4}-\d\d$/.test(name)) {
    diagnostics.push({ severity: 'error', code: 'BG027', line: section.line, section: section.name, message: `expected a volume name of letters, digits, "_" and "-" starting with a letter (it names a directory and a shell function), found ${JSON.stringify(name)}` });
    return undefined;
  }
  if (name === 'main') {
    // The main source's function is backup_main: a volume of that name would replace it.
    diagnostics.push({ severity: 'error', code: 'BG027', line: section.line, section: section.name, message: 'expected a volume name other than "main", which names the main source ([lvm] or [backup] source_root)' });
    return undefined;
  }
  const kind = volume.get<SourceKind>('source_type') ?? 'lvm';
  const source = baseSource(name, kind, volume, `${target.replace(/\/+$/, '')}/${name}`, `${prefix}${name}-`);
  source.bindMounts = volume.get<string[]>('bindmounts') ?? [];
  if (kind === 'lvm') {
    volume.rejectUnused(['source_root'], 'when source_type = lvm');
    source.lvm = lvmSnapshot(volume, false);
  } else {
    source.root = volume.require<string>('source_root', 'when source_type = directory');
    volume.rejectUnused([...LVM_KEYS, 'bindmounts'], 'when source_type = directory');
  }
  return source;
}

function baseSource(name: string, kind: SourceKind, reader: SectionReader, setRoot: string, archivePrefix: string): Source {
  const source: Source = {
    name,
    kind,
    subdirs: reader.get<string[]>('subdirs') ?? [],
    excludes: reader.get<string[]>('excludes') ?? [],
    bindMounts: [],
    setRoot,
    archivePrefix,
    lines: {},
  };
  reader.recordLines(source.lines);
  return source;
}

function lvmSnapshot(reader: SectionReader, legacy: boolean): Source['lvm'] {
  const when = 'when source_type = lvm';
  const volumeGroup = reader.require<string>('volume_group', when);
  const logicalVolume = reader.require<string>('logical_volume', when);
  const snapshotName = legacy ? reader.require<string>('snapshot_lv_name', when) : reader.get<string>('snapshot_lv_name') ?? defaultSnapshotName(reader, logicalVolume);
  // Optional: a thin origin's snapshot takes no size. Whether the origin is thin is only known when
  // the script runs, so the script checks that the two agree before it creates anything.
  const snapshotSize = reader.get<SnapshotSize>('snapshot_size');
  if (reader.section?.written.has('snapshot_size') === true && snapshotSize === undefined) return undefined;
  if (volumeGroup === undefined || logicalVolume === undefined || snapshotName === undefined) return undefined;
  const thinPoolThreshold = reader.get<number>('thin_pool_threshold') ?? DEFAULT_THIN_POOL_THRESHOLD;
  const thinSnapshotReserve = reader.get<string>('thin_snapshot_reserve');
  return { volumeGroup, logicalVolume, snapshotName, snapshotSize, thinPoolThreshold, thinSnapshotReserve, mountOptions: reader.get<string[]>('mount_options') ?? [] };
}

/** LOGICAL_VOLUME-backsnap, checked like a written name: a long origin name can push it past LVM's limit. */
function defaultSnapshotName(reader: SectionReader, logicalVolume: string | undefined): string | undefined {
  if (logicalVolume === undefined || reader.section?.written.has('snapshot_lv_name') === true) return undefined;
  const name = `${logicalVolume}-backsnap`;
  const parsed = parseValue(lvName, name);
  if (parsed.ok) return name;
  reader.report('BG021', 'logical_volume', `the default snapshot_lv_name is unusable: ${parsed.message}; set snapshot_lv_name`);
  return undefined;
}

function darSettings(dar: SectionReader, diagnostics: Diagnostic[]): DarSettings {
  const compression = dar.get<DarSettings['compression']>('compression') ?? DEFAULT_COMPRESSION;
  const compressionLevel = dar.get<number>('compression_level') ?? (compression === 'zstd' ? DEFAULT_ZSTD_LEVEL : DEFAULT_OTHER_LEVEL);
  if (compression !== 'zstd' && compressionLevel > 9) {
    diagnostics.push({ severity: 'error', code: 'BG025', line: dar.line('compression_level') ?? 0, section: 'dar', key: 'compression_level', message: `expected 1 to 9 for ${compression} (only zstd goes up to 22), found ${compressionLevel}` });
  }
  const defaults = splitWords(DEFAULT_NO_COMPRESS);
  return {
    compression,
    compressionLevel,
    sliceSize: dar.get<string>('slice_size') ?? DEFAULT_SLICE_SIZE,
    minCompressSize: dar.get<number>('min_compress_size') ?? 150,
    noCompress: dar.get<string[]>('no_compress') ?? (defaults.ok ? defaults.words : []),
    excludeMasks: dar.get<string[]>('exclude_masks') ?? [],
    compareWithSource: dar.get<boolean>('compare_with_source') ?? false,
  };
}

function retentionSettings(retention: SectionReader): RetentionSettings {
  return {
    keepMonths: retention.get<number>('keep_months') ?? 0,
    keepDays: retention.get<number>('keep_days') ?? 0,
    pruneAfterBackup: retention.get<boolean>('prune_after_backup') ?? false,
    mirrorKeepMonths: retention.get<number>('mirror_keep_months') ?? 0,
    mirrorKeepDays: retention.get<number>('mirror_keep_days') ?? 0,
  };
}

function hookSettings(hooks: SectionReader): HookSettings {
  const commands: HookSettings['commands'] = {};
  for (const name of HOOK_NAMES) {
    const command = hooks.get<string>(name);
    if (command !== undefined) commands[name] = command;
  }
  return { commands, timeoutSeconds: hooks.get<number>('timeout') ?? DEFAULT_HOOK_TIMEOUT };
}

function rsyncSettings(rsync: SectionReader): RsyncSettings | undefined {
  if (rsync.get<boolean>('enabled') !== true) return undefined;
  const destination = rsync.require<MirrorDestination>('target_dir', 'when enabled = true');
  if (destination === undefined) return undefined;
  if (destination.remote === undefined) rsync.rejectUnused(['ssh_identity_file', 'ssh_port'], 'when target_dir is a directory on this host (they are for host:/path)');
  else rsync.rejectUnused(['touch_file', 'target_dir_must_be_mounted'], 'when target_dir is on another host: its side is not checked from here');
  return {
    targetDir: destination.text,
    remote: destination.remote,
    sshIdentityFile: rsync.get<string>('ssh_identity_file'),
    sshPort: rsync.get<number>('ssh_port'),
    evenIfBackupFailed: rsync.get<boolean>('even_if_backup_failed') ?? false,
    touchFile: rsync.get<string>('touch_file'),
    mustBeMounted: rsync.get<boolean>('target_dir_must_be_mounted') ?? false,
    ioTimeoutSeconds: rsync.get<number>('io_timeout') ?? 600,
  };
}

function monitoringSettings(monitoring: SectionReader): MonitoringSettings {
  return {
    // URL/start and URL/fail are made by appending: a trailing "/" would double it.
    pingUrl: monitoring.get<string>('ping_url')?.replace(/\/+$/, ''),
    pingTimeoutSeconds: monitoring.get<number>('ping_timeout') ?? 10,
    metricsDir: monitoring.get<string>('metrics_dir'),
  };
}

/** [encryption]: exactly one of recipients and key_file; the rest (BG050) is rules.ts's. */
function encryptionSettings(encryption: SectionReader): EncryptionSettings | undefined {
  if (encryption.section === undefined) return undefined;
  const cipher = encryption.get<Cipher>('cipher') ?? 'aes256';
  const recipients = encryption.get<string[]>('recipients');
  const keyFile = encryption.get<string>('key_file');
  const written = (key: string) => encryption.section?.written.has(key) === true;
  if (written('recipients') === written('key_file')) {
    const found = written('recipients') ? 'both' : 'neither';
    encryption.report('BG050', written('recipients') ? 'key_file' : 'recipients', `expected exactly one of recipients (public-key encryption) and key_file (symmetric), found ${found}`);
    return undefined;
  }
  if (keyFile !== undefined) {
    encryption.rejectUnused(['gnupg_home'], 'with key_file (it is for recipients)');
    return { mode: 'key-file', cipher, keyFile };
  }
  if (recipients === undefined) return undefined;
  return { mode: 'gnupg', cipher, recipients, gnupgHome: encryption.get<string>('gnupg_home') };
}
