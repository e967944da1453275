// Stage 2 output type: the validated, normalized profile. Every default is filled in and every
// value has its type; `lines` remembers where each key was written, for provenance comments.
import type { FullPolicy, SnapshotMode, SnapshotSize } from './values.js';

export interface LvmSnapshot {
  volumeGroup: string;
  logicalVolume: string;
  snapshotName: string;
  /** Undefined for a thin origin, whose snapshot takes no size (checked at run time). */
  snapshotSize?: SnapshotSize;
  /** Percent of a thin origin's pool (data or metadata) past which the snapshot is refused or given up. */
  thinPoolThreshold: number;
  /** thin_snapshot_reserve as written (K, M, G or T); undefined: all that the thin origin maps. */
  thinSnapshotReserve?: string;
  mountOptions: string[];
}

export type SourceKind = 'lvm' | 'directory';

export interface Source {
  /** "main" for the original single-volume layout, else the NAME of [volume NAME]. */
  name: string;
  kind: SourceKind;
  /** Set when kind = lvm. */
  lvm?: LvmSnapshot;
  /** Set when kind = directory. */
  root?: string;
  subdirs: string[];
  excludes: string[];
  bindMounts: string[];
  /** Directory that holds this source's YYYY-MM backup sets. */
  setRoot: string;
  archivePrefix: string;
  /** Line of each key that shaped this source, by "section key". */
  lines: Record<string, number>;
}

export interface DarSettings {
  compression: 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd' | 'lz4' | 'lzo';
  compressionLevel: number;
  sliceSize: string;
  minCompressSize: number;
  noCompress: string[];
  excludeMasks: string[];
  /** [dar] compare_with_source: dar -d before the snapshot is released. */
  compareWithSource: boolean;
}

/** [retention]: 0 where a key is not given (no limit of that kind). */
export interface RetentionSettings {
  keepMonths: number;
  keepDays: number;
  pruneAfterBackup: boolean;
  mirrorKeepMonths: number;
  mirrorKeepDays: number;
}

/** The points of a backup run where [hooks] commands run, in the order they come. */
export const HOOK_NAMES = ['before_backup', 'before_snapshot', 'after_snapshot', 'before_archive', 'after_archive', 'on_success', 'on_failure', 'finally'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export interface HookSettings {
  /** The command of each hook given. */
  commands: Partial<Record<HookName, string>>;
  /** [hooks] timeout: the time limit of each hook. */
  timeoutSeconds: number;
}

export interface RsyncSettings {
  /** As written: a local directory, or [user@]host:/path. */
  targetDir: string;
  /** Set when targetDir is on another host (rsync over ssh). */
  remote?: { user?: string; host: string; path: string };
  sshIdentityFile?: string;
  sshPort?: number;
  evenIfBackupFailed: boolean;
  touchFile?: string;
  /** [rsync] target_dir_must_be_mounted: copy only onto a mount point. */
  mustBeMounted: boolean;
  /** [rsync] io_timeout: the bound on touch, the directory test and rsync's I/O. */
  ioTimeoutSeconds: number;
}

/** [monitoring]: what the run reports, and where. */
export interface MonitoringSettings {
  /** Healthchecks-style ping URL, without a trailing "/"; undefined for no pings. */
  pingUrl?: string;
  pingTimeoutSeconds: number;
  /** node_exporter textfile directory; undefined for no metrics. */
  metricsDir?: string;
}

export type Cipher = 'aes256' | 'twofish256' | 'serpent256' | 'camellia256';

/** [encryption]: dar's own, public-key (GnuPG recipients) or symmetric (a key file). */
export type EncryptionSettings =
  | { mode: 'gnupg'; cipher: Cipher; recipients: string[]; gnupgHome?: string }
  | { mode: 'key-file'; cipher: Cipher; keyFile: string };

export interface Profile {
  target: string;
  /** [backup] target_must_be_mounted: run only onto a mount point. */
  targetMustBeMounted: boolean;
  archivePrefix: string;
  fullPolicy: FullPolicy;
  logFile?: string;
  /** Undefined: the plan derives one from the profile's name. */
  lockFile?: string;
  lockWaitSeconds: number;
  /** [backup] snapshots: taken one at a time (each before its archive), or together in one quiesce window. */
  snapshotMode: SnapshotMode;
  /** [backup] parallel: sources archived at once; 0 for auto (the CPUs the script may use). */
  parallelSources: number;
  hooks: HookSettings;
  /** [backup] target_reserve as written (10G); undefined for none. */
  targetReserve?: string;
  dar: DarSettings;
  retention: RetentionSettings;
  /** Undefined when [rsync] enabled is false. */
  rsync?: RsyncSettings;
  monitoring: MonitoringSettings;
  /** Undefined without [encryption]. */
  encryption?: EncryptionSettings;
  sources: Source[];
  /** Line of every key given, by "section key". */
  lines: Record<string, number>;
}
