// Stage 2c, rules: whole-profile assertions over a normalized Profile, one small function each.
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

/** Is `inner` the same directory as `outer`, or below it? */
export function isSameOrInside(inner: string, outer: string): boolean {
  const a = inner.replace(/\/+$/, '') + '/';
  const b = outer.replace(/\/+$/, '') + '/';
  return a.startsWith(b);
}

const somethingToBackUp: Rule = (profile, backupLine) =>
  profile.sources.length > 0
    ? []
    : [{ severity: 'error', code: 'BG016', line: backupLine, section: 'backup', message: 'nothing to back up: set source_type (with [lvm] or source_root), or add a [volume NAME] section' }];

const volumeNamesDiffer: Rule = (profile) => {
  const seen = new Map<string, Source>();
  return profile.sources.flatMap((source) => {
    const key = source.name.toLowerCase();
    const first = seen.get(key);
    seen.set(key, first ?? source);
    return first === undefined ? [] : [conflict(0, `volume ${source.name}`, undefined, `volume name differs from "${first.name}" only in case; their set directories would collide`)];
  });
};

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
  if (rsync === undefined) return [];
  if (!isSameOrInside(rsync.targetDir, profile.target) && !isSameOrInside(profile.target, rsync.targetDir)) return [];
  return [conflict(profile.lines['rsync target_dir'] ?? 0, 'rsync', 'target_dir', `expected a directory outside [backup] target, found ${JSON.stringify(rsync.targetDir)}, which overlaps ${JSON.stringify(profile.target)}`)];
};

/** A directory source that contains the target would archive its own archives, run after run. */
const targetOutsideDirectorySources: Rule = (profile) =>
  profile.sources.flatMap((source) => {
    if (source.root === undefined || !isSameOrInside(profile.target, source.root)) return [];
    const relative = profile.target.slice(source.root.replace(/\/+$/, '').length).replace(/^\/+/, '');
    if (relative !== '' && source.excludes.some((e) => isSameOrInside(relative, e))) return [];
    const section = source.name === 'main' ? 'backup' : `volume ${source.name}`;
    const hint = relative === '' ? '' : `; add "${relative}" to excludes`;
    return [conflict(sourceLine(source, 'source_root'), section, 'source_root', `[backup] target ${JSON.stringify(profile.target)} lies inside source_root ${JSON.stringify(source.root)}${hint}`)];
  });

const RULES: Rule[] = [somethingToBackUp, volumeNamesDiffer, snapshotsDoNotCollide, mirrorIsElsewhere, targetOutsideDirectorySources];

export function checkProfileRules(profile: Profile, backupLine: number): Diagnostic[] {
  return RULES.flatMap((rule) => rule(profile, backupLine));
}
