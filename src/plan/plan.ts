// Stage 3 output type: the resolved plan. Everything the script needs is decided here, in order;
// the emitter only lays it out. `backup-gen plan` prints this as JSON.
import type { HookName, RetentionSettings } from '../profile/profile.js';
import type { FullPolicy, SnapshotMode } from '../profile/values.js';

export interface PlannedSnapshot {
  volumeGroup: string;
  logicalVolume: string;
  snapshotName: string;
  /** lvcreate's option and value: ["--size", "2G"] or ["--extents", "20%ORIGIN"]; [] for a thin origin. */
  sizeArguments: string[];
  /** An absolute --size in bytes, for the free-space preflight; 0 when it depends on the VG or origin. */
  sizeBytes: number;
  /** For a thin origin: the pool's use (data or metadata, percent) past which the backup gives up. */
  thinPoolThreshold: number;
  /** For a thin origin: thin_snapshot_reserve in bytes, what its snapshot may take from the pool; -1 when not given: all that the origin maps (known at run time). */
  thinReserveBytes: number;
  /** The section that configures it ("lvm" or "volume NAME"), for run-time messages. */
  section: string;
  /** The profile's extra mount options; the script adds ro (and nouuid for XFS) at run time. */
  mountOptions: string[];
}

export interface PlannedSource {
  name: string;
  /** Suffix of this source's shell function: backup_<functionName>. */
  functionName: string;
  kind: 'lvm' | 'directory';
  snapshot?: PlannedSnapshot;
  /** Directory to archive (kind = directory). */
  root?: string;
  /** Mounted in this order, unmounted in reverse. */
  bindMounts: string[];
  /** The profile's subdirs (dar -g): an LVM source checks at run time that each is in the snapshot. */
  subdirs: string[];
  setRoot: string;
  /** The same sets on the mirror (a directory there, on this host or the remote one); undefined without one. */
  mirrorSetRoot?: string;
  /** What a restore's PATH arguments are relative to on the live system: the directory, or the origin's device (its mount point is found at run time). */
  liveRoot: string;
  archivePrefix: string;
  /** dar options that do not change from run to run; -c, -R and -A are added at run time. */
  darOptions: string[];
  /** "[section] key, FILE:LINE" for every profile key that shaped this source. */
  provenance: string[];
}

export interface PlannedMirror {
  /** A local directory, or [user@]host:/path. */
  targetDir: string;
  /** Set for a mirror on another host: rsync -e with sshCommand. */
  remote?: { user?: string; host: string; path: string };
  /** ssh and its options, for rsync -e; [] for a local mirror. */
  sshCommand: string[];
  sshIdentityFile?: string;
  sshPort?: number;
  evenIfBackupFailed: boolean;
  touchFile?: string;
  /** Checked with mountpoint -q before rsync. */
  mustBeMounted: boolean;
  /** timeout(1) on touch and the directory test, rsync --timeout. */
  ioTimeoutSeconds: number;
  provenance: string[];
}

export interface PlannedHook {
  /** Its [hooks] key: where in the run it runs. */
  name: HookName;
  /** Run with bash -c. */
  command: string;
  /** "[hooks] NAME, FILE:LINE". */
  provenance: string;
}

/** [monitoring], resolved: what the script sends and writes, with the exposition format's labels made here. */
export interface PlannedMonitoring {
  /** Healthchecks-style ping URL (no trailing "/"); "" for no pings. */
  pingUrl: string;
  pingTimeoutSeconds: number;
  /** node_exporter textfile directory; "" for no metrics. */
  metricsDir: string;
  /** The file written there, METRICS_DIR/backup-gen-PROFILE.prom (PROFILE without .ini, other characters than A-Z a-z 0-9 . _ - as _); "" for none. */
  metricsFile: string;
  /** profile="NAME", escaped as the exposition format wants label values. */
  profileLabels: string;
  /** Each source's labels, profile="NAME",source="SOURCE", in source order. */
  sourceLabels: { name: string; labels: string }[];
  provenance: string[];
}

/** [encryption], resolved: how dar gets its key, and whether INCs need isolated catalogues. */
export interface PlannedEncryption {
  mode: 'gnupg' | 'key-file';
  cipher: string;
  /** gnupg: the recipients, and dar -K's value (gnupg:CIPHER:R1,R2); [] and '' for a key file. */
  recipients: string[];
  darGnupgKey: string;
  /** gnupg: the profile's GnuPG home; '' for the user's. */
  gnupgHome: string;
  /** key-file: the profile's key file; '' for gnupg. */
  keyFile: string;
  /** gnupg: the host cannot read its archives, so each gets an isolated catalogue (dar -@) for the next INC. */
  isolatedCatalogues: boolean;
  provenance: string[];
}

export interface Plan {
  /** profileSha256: of the profile's bytes exactly as read (hex); the header records it for `check --script`. */
  generator: { name: 'backup-gen'; version: string; profileSha256: string };
  profileName: string;
  target: string;
  /** Checked with mountpoint -q in check_environment, before the lock. */
  targetMustBeMounted: boolean;
  fullPolicy: FullPolicy;
  logFile?: string;
  lockFile: string;
  lockWaitSeconds: number;
  sources: PlannedSource[];
  mirror?: PlannedMirror;
  monitoring: PlannedMonitoring;
  /** Undefined without [encryption]. */
  encryption?: PlannedEncryption;
  retention: RetentionSettings;
  /** [backup] target_reserve in bytes; 0 for none. */
  targetReserveBytes: number;
  /** [dar] compare_with_source: dar -d before the snapshot is released. */
  compareWithSource: boolean;
  /** [backup] snapshots: one at a time, or all LVM sources' together in one quiesce window. */
  snapshots: SnapshotMode;
  /** [backup] parallel: sources archived at once; 0 for auto (nproc when the script runs). */
  parallelSources: number;
  /** [hooks] given, in the order they run. */
  hooks: PlannedHook[];
  /** [hooks] timeout. */
  hookTimeoutSeconds: number;
  /** "[section] key, FILE:LINE" of each profile-wide key given, by "section key". */
  provenance: Record<string, string>;
  /** Commands the script checks for at start, in a fixed order. */
  requiredCommands: string[];
  /** An LVM source needs root; a directory-only profile may run as any user who can read it. */
  needsRoot: boolean;
}
