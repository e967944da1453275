// Simulator: the invariants, checked against the model after each step. Each check throws a
// Violation naming the invariant; the runner reports it with the seed and the step.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hashFile, monthOf, readLines } from './model.mjs';
import { PREFIX } from './world.mjs';

export class Violation extends Error {
  constructor(invariant, message) {
    super(`${invariant}: ${message}`);
    this.invariant = invariant;
    this.detail = message;
  }
}

/** 2. A published file on the target never changes or goes, except by prune or by the simulator. */
export function checkTargetImmutable(world, model) {
  for (const [rel, hash] of model.target) {
    const now = hashFile(join(world.target, rel));
    if (now !== hash) {
      const what = now === null ? 'disappeared' : 'changed bytes';
      model.target.delete(rel);
      throw new Violation('published-immutable', `target ${rel} ${what}, and neither prune (no "pruned" line) nor the simulator did it`);
    }
  }
}

/** 2. A file that was good on the mirror stays good there: the mirror never loses a good copy. */
export function checkMirrorKeepsGoodCopies(world, model) {
  if (!world.profile.mirror) return;
  for (const [rel, hash] of model.mirrorGood) {
    const now = hashFile(join(world.mirror, rel));
    if (now !== hash) {
      model.mirrorGood.delete(rel);
      throw new Violation('mirror-good-copy-lost', `mirror ${rel} was a good copy and ${now === null ? 'disappeared' : 'was overwritten with other bytes'}`);
    }
  }
  for (const name of model.order) {
    for (const [rel, hash] of model.archives.get(name).files) {
      if (!model.mirrorGood.has(rel) && hashFile(join(world.mirror, rel)) === hash) {
        model.mirrorGood.set(rel, hash);
        model.mirrorEverGood.add(rel);
      }
    }
  }
}

function walkFiles(root, rel = '') {
  let names = [];
  try {
    names = readdirSync(join(root, rel), { withFileTypes: true });
  } catch {
    return [];
  }
  return names.flatMap((d) => (d.isDirectory() ? walkFiles(root, join(rel, d.name)) : [join(rel, d.name)]));
}

function liveProcesses(world) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    } catch {
      continue;
    }
    if (cmdline.includes(world.root)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ').trim()}`);
  }
  return found;
}

/** Slices of archives that were never published and that the side's backup_deps does not record. */
function unrecordedSlices(world, model, root, where) {
  const found = [];
  for (const rel of walkFiles(root)) {
    const m = /^(\d{4}-\d{2})\/([^/]+)\.\d+\.dar(\.sha512)?$/.exec(rel);
    if (!m || !m[2].startsWith(PREFIX) || model.archives.has(m[2])) continue;
    if (model.bookkeepingDamaged.has(`${where}:${m[1]}`)) continue;
    const recorded = (readLines(join(root, m[1], 'backup_deps')) ?? []).some((l) => l.split(':')[0] === m[2]);
    if (!recorded) found.push(`${where} ${rel}`);
  }
  return found;
}

/** 4. After a successful run nothing of an earlier (killed) run is left. */
export function checkNoLeftovers(world, model) {
  const roots = [['target', world.target], ...(world.profile.mirror ? [['mirror', world.mirror]] : [])];
  const junk = roots.flatMap(([where, root]) => walkFiles(root)
    .filter((rel) => /(^|\/)\.[^/]*(\.partial\.[^/]*|\.tmp)$/.test(rel)).map((rel) => `${where} ${rel}`));
  if (junk.length > 0) throw new Violation('leftover-files', `after a successful run: ${junk.join(', ')}`);
  const temporaries = readdirSync(world.tmp);
  if (temporaries.length > 0) throw new Violation('leftover-tmpdir', `after a successful run, TMPDIR holds: ${temporaries.join(', ')}`);
  const processes = liveProcesses(world);
  if (processes.length > 0) throw new Violation('leftover-process', `after a successful run: ${processes.join(' | ')}`);
  const unrecorded = roots.flatMap(([where, root]) => unrecordedSlices(world, model, root, where));
  if (unrecorded.length > 0) throw new Violation('leftover-unpublished-slices', `slices of archives never published nor recorded: ${unrecorded.join(', ')}`);
}

/** After prune: the most recently published chain that is whole and not damaged is still there. */
export function checkPruneKeepsNewest(world, model, newlyPruned) {
  if (newlyPruned.length === 0) return;
  const candidates = model.order.filter((n) => model.archives.get(n).files.size > 0);
  const newest = candidates.at(-1);
  if (newest && model.pruned.has(newest) && model.chainOf(newest).every((a) => !a.uncertain)) {
    const damaged = model.damage.some((d) => d.where === 'target');
    if (!damaged) throw new Violation('prune-deleted-newest', `prune deleted ${newest}, the most recently published archive (pruned now: ${newlyPruned.join(', ')})`);
  }
}

export { monthOf };
