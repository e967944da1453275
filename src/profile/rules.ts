// Stage 2c, rules: whole-profile assertions over a normalized Profile, one small function each.
import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { Profile, Source } from './profile.js';

type Rule = (profile: Profile, backupLine: number) => Diagnostic[];

function conflict(line: number, section: string, key: string | undefined, message: string): Diagnostic {
  return { severity: 'error', code: 'BG015', line, section, key, message };
}

function sourceSection(source: Source): string {
  return source.name === 'main' ? 'lvm' : `volume ${source.name}`;
}

function sourceLine(source: Source, key: string): number {
  const section = sourceSection(source);
  return source.lines[`${section} ${key}`] ?? source.lines[`backup ${key}`] ?? 0;
}

/** The path without "//", "." or ".." components (lexically) and without a trailing "/". */
function cleanPath(path: string): string {
  const normalized = posix.normalize(path);
  return normalized === '/' ? normalized : normalized.replace(/\/+$/, '');
}

/** Is `inner` the same directory as `outer`, or below it? Compared lexically: /a//b and /a/./b are /a/b. */
export function isSameOrInside(inner: string, outer: string): boolean {
  const a = cleanPath(inner).replace(/\/$/, '') + '/';
  const b = cleanPath(outer).replace(/\/$/, '') + '/';
  return a.startsWith(b);
}

const somethingToBackUp: Rule = (profile, backupLine) =>
  profile.sources.length > 0
    ? []
    : [{ severity: 'error', code: 'BG016', line: backupLine, section: 'backup', message: 'nothing to back up: set source_type (with [lvm] or source_root), or add a [volume NAME] section' }];

/** One snapshot per LV per run (rsnapshot#359), and no snapshot may be named like another LV. */
const snapshotsDoNotCollide: Rule = (profile) => {
  const lvmSources = profile.sources.filter((s) => s.lvm !== undefined);
  const problems: Diagnostic[] = [];
  lvmSources.forEach((source, index) => {
    const lvm = source.lvm!;
    for (const earlier of lvmSources.slice(0, index)) {
      const other = earlier.lvm!;
      if (other.volumeGroup !== lvm.volumeGroup) continue;
      if (other.logicalVolume === lvm.logicalVolume) {
        problems.push(conflict(sourceLine(source, 'logical_volume'), sourceSection(source), 'logical_volume', `${lvm.volumeGroup}/${lvm.logicalVolume} is already backed up by [${sourceSection(earlier)}]; use subdirs to take several paths from one snapshot`));
      } else if (other.snapshotName === lvm.snapshotName) {
        problems.push(conflict(sourceLine(source, 'snapshot_lv_name'), sourceSection(source), 'snapshot_lv_name', `snapshot name "${lvm.snapshotName}" is also used by [${sourceSection(earlier)}] in the same volume group`));
      }
    }
    const clash = lvmSources.find((s) => s.lvm!.volumeGroup === lvm.volumeGroup && s.lvm!.logicalVolume === lvm.snapshotName);
    if (clash !== undefined) {
      problems.push(conflict(sourceLine(source, 'snapshot_lv_name'), sourceSection(source), 'snapshot_lv_name', `snapshot name "${lvm.snapshotName}" is the name of the origin LV of [${sourceSection(clash)}]`));
    }
  });
  return problems;
};

const mirrorIsElsewhere: Rule = (profile) => {
  const rsync = profile.rsync;
  if (rsync === undefined || rsync.remote !== undefined) return [];
  if (!isSameOrInside(rsync.targetDir, profile.target) && !isSameOrInside(profile.target, rsync.targetDir)) return [];
  return [conflict(profile.lines['rsync target_dir'] ?? 0, 'rsync', 'target_dir', `expected a directory outside [backup] target, found ${JSON.stringify(rsync.targetDir)}, which overlaps ${JSON.stringify(profile.target)}`)];
};

/** `path` relative to `root` when it is the same or inside (lexically), else undefined. */
function relativeInside(path: string, root: string): string | undefined {
  if (!isSameOrInside(path, root)) return undefined;
  return posix.relative(cleanPath(root), cleanPath(path));
}

/**
 * A directory source that contains the target, or a volume's set directory TARGET/NAME, would
 * archive its own archives, run after run; the mirror, the lock file and the log file likewise
 * change under dar. (What only the host can tell, symbolic links and mounts, the script finds.)
 */
const targetOutsideDirectorySources: Rule = (profile) =>
  profile.sources.flatMap((source) => {
    const root = source.root;
    if (root === undefined) return [];
    const written = [{ what: `[backup] target ${JSON.stringify(profile.target)}`, path: profile.target }];
    if (profile.rsync !== undefined && profile.rsync.remote === undefined) written.push({ what: `[rsync] target_dir ${JSON.stringify(profile.rsync.targetDir)}`, path: profile.rsync.targetDir });
    // Written on every run too; the script leaves them out at run time, but what is known now is said now.
    if (profile.lockFile !== undefined) written.push({ what: `[backup] lock_file ${JSON.stringify(profile.lockFile)}`, path: profile.lockFile });
    if (profile.logFile !== undefined) written.push({ what: `[backup] log_file ${JSON.stringify(profile.logFile)}`, path: profile.logFile });
    if (relativeInside(profile.target, root) === undefined) {
      written.push(...profile.sources.filter((s) => s.name !== 'main').map((s) => ({ what: `the set directory of [volume ${s.name}], ${JSON.stringify(s.setRoot)},`, path: s.setRoot })));
    }
    return written.flatMap(({ what, path }) => {
      const relative = relativeInside(path, root);
      if (relative === undefined || (relative !== '' && !isArchived(relative, source))) return [];
      const section = source.name === 'main' ? 'backup' : `volume ${source.name}`;
      const hint = relative === '' ? '' : `; add "${relative}" to excludes`;
      return [conflict(sourceLine(source, 'source_root'), section, 'source_root', `${what} lies inside source_root ${JSON.stringify(root)}${hint}`)];
    });
  });

/** Does dar -g/-P keep this path, relative to the source root? (Lexically; masks are not expanded.) */
function isArchived(relative: string, source: Source): boolean {
  if (source.excludes.some((e) => isSameOrInside(relative, e))) return false;
  return source.subdirs.length === 0 || source.subdirs.some((d) => isSameOrInside(relative, d) || isSameOrInside(d, relative));
}

/**
 * The bind mounts a source needs: each path once, and none inside another, since a bind mount brings
 * in everything mounted below its path (/boot/efi comes with /boot). In the profile's order.
 */
export function outermostBindMounts(paths: readonly string[]): string[] {
  return paths.filter((path, index) => !paths.some((other, at) => at !== index && isSameOrInside(path, other) && (!isSameOrInside(other, path) || at < index)));
}

/** A bind mount inside another (or given twice) is bound once, with the outer one: said, not an error. */
const bindMountsOnce: Rule = (profile) =>
  profile.sources.flatMap((source) => {
    const kept = outermostBindMounts(source.bindMounts);
    const [section, key] = source.name === 'main' ? ['bindmounts', 'equals'] : [`volume ${source.name}`, 'bindmounts'];
    return source.bindMounts
      .filter((path, index) => !kept.includes(path) || source.bindMounts.indexOf(path) !== index)
      .map((path): Diagnostic => {
        const outer = kept.find((other) => isSameOrInside(path, other)) ?? path;
        const message =
          cleanPath(outer) === cleanPath(path)
            ? `${JSON.stringify(path)} is given twice; it is bound once`
            : `${JSON.stringify(path)} is inside ${JSON.stringify(outer)}, which is bound with every filesystem mounted below it; ${JSON.stringify(path)} comes with it and is not bound again`;
        return { severity: 'warning', code: 'BG048', line: source.lines[`${section} ${key}`] ?? 0, section, key, message };
      });
  });

/** Pruning needs a rule that says what to keep; the mirror's own rules need a mirror on this host. */
const retentionIsUsable: Rule = (profile) => {
  const retention = profile.retention;
  const line = (key: string) => profile.lines[`retention ${key}`] ?? 0;
  const problems: Diagnostic[] = [];
  if (retention.pruneAfterBackup && retention.keepMonths === 0 && retention.keepDays === 0) {
    problems.push(conflict(line('prune_after_backup'), 'retention', 'prune_after_backup', 'prune_after_backup needs keep_months or keep_days: they say what is kept'));
  }
  for (const key of ['mirror_keep_months', 'mirror_keep_days']) {
    if (profile.lines[`retention ${key}`] === undefined) continue;
    if (profile.rsync === undefined) problems.push(conflict(line(key), 'retention', key, `${key} is for the mirror, and [rsync] is not enabled`));
    else if (profile.rsync.remote !== undefined) problems.push(conflict(line(key), 'retention', key, `${key} prunes a mirror on this host; ${profile.rsync.targetDir} is on another host, where this script does not delete`));
  }
  return problems;
};

/** snapshots = together is about several LVM sources; with fewer it changes nothing, which the user should know. */
const snapshotsTogetherHasSeveral: Rule = (profile) => {
  const lvmSources = profile.sources.filter((s) => s.lvm !== undefined).length;
  if (profile.snapshotMode !== 'together' || lvmSources >= 2) return [];
  const message = `snapshots = together takes the snapshots of several LVM sources in one quiesce window; this profile has ${lvmSources === 0 ? 'no LVM source' : 'one'}, so it changes nothing`;
  return [{ severity: 'warning', code: 'BG031', line: profile.lines['backup snapshots'] ?? 0, section: 'backup', key: 'snapshots', message }];
};

/** dar -d reads the archive, which only a holder of a recipient's secret key can. */
const compareNeedsReadableArchives: Rule = (profile) =>
  profile.encryption?.mode === 'gnupg' && profile.dar.compareWithSource
    ? [{ severity: 'error', code: 'BG051', line: profile.lines['dar compare_with_source'] ?? 0, section: 'dar', key: 'compare_with_source', message: 'cannot be used with [encryption] recipients: dar -d reads the archive, and the backup host holds no secret key to decrypt it; test the archives with backup.sh verify where the secret key is' }]
    : [];

/** The key file must stay on the backup host: everything in the target is copied to the mirror. */
const keyFileStaysHome: Rule = (profile) => {
  const encryption = profile.encryption;
  if (encryption?.mode !== 'key-file') return [];
  const places = [{ what: '[backup] target', path: profile.target }];
  if (profile.rsync !== undefined && profile.rsync.remote === undefined) places.push({ what: '[rsync] target_dir', path: profile.rsync.targetDir });
  return places
    .filter(({ path }) => isSameOrInside(encryption.keyFile, path))
    .map(({ what, path }): Diagnostic => ({ severity: 'error', code: 'BG053', line: profile.lines['encryption key_file'] ?? 0, section: 'encryption', key: 'key_file', message: `expected a key file outside ${what} ${JSON.stringify(path)}, found ${JSON.stringify(encryption.keyFile)}: it would be copied with the archives it protects` }));
};

const RULES: Rule[] = [somethingToBackUp, snapshotsDoNotCollide, mirrorIsElsewhere, targetOutsideDirectorySources, bindMountsOnce, retentionIsUsable, snapshotsTogetherHasSeveral, compareNeedsReadableArchives, keyFileStaysHome];

export function checkProfileRules(profile: Profile, backupLine: number): Diagnostic[] {
  return RULES.flatMap((rule) => rule(profile, backupLine));
}
