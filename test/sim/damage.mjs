// Simulator: damage to what is on the target or the mirror (slices, their .sha512, backup_deps,
// latest_successful), recorded in the model so that the checks know what the simulator did.
import { existsSync, readFileSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRng } from './prng.mjs';
import { monthOf } from './model.mjs';

function rootOf(world, where) {
  return where === 'mirror' ? world.mirror : world.target;
}

/** Files of live published archives present on `where`: slices or .sha512 files. */
function candidates(ctx, where, sha) {
  const root = rootOf(ctx.world, where);
  return ctx.model.live().flatMap((name) => [...ctx.model.archives.get(name).files.keys()])
    .filter((rel) => rel.endsWith('.sha512') === sha && existsSync(join(root, rel)));
}

/** Writes new bytes, keeping size-and-mtime the same where it can: bit rot that rsync's quick check misses. */
function flipBytes(path, rng) {
  const stat = statSync(path);
  const bytes = readFileSync(path);
  if (bytes.length === 0) return;
  for (let i = 0, n = rng.int(1, 4); i < n; i++) bytes[rng.int(0, bytes.length - 1)] ^= 1 << rng.int(0, 7);
  writeFileSync(path, bytes);
  utimesSync(path, stat.atime, stat.mtime);
}

function garbleSha(path, rng) {
  const text = readFileSync(path, 'latin1');
  const at = rng.int(0, 127);
  const replacement = text[at] === '0' ? '1' : '0';
  writeFileSync(path, text.slice(0, at) + replacement + text.slice(at + 1), 'latin1');
}

function damageFile(ctx, step, rng, rel) {
  const path = join(rootOf(ctx.world, step.where), rel);
  switch (step.what) {
    case 'truncate': truncateSync(path, rng.int(0, Math.max(0, statSync(path).size - 1))); break;
    case 'flip': flipBytes(path, rng); break;
    case 'garble-sha': garbleSha(path, rng); break;
    default: unlinkSync(path);
  }
  (step.where === 'mirror' ? ctx.model.mirrorGood : ctx.model.target).delete(rel);
}

function damageBookkeeping(ctx, step, rng) {
  const months = [...new Set(ctx.model.live().map(monthOf))];
  const file = step.what.endsWith('deps') ? 'backup_deps' : 'latest_successful';
  const root = rootOf(ctx.world, step.where);
  const present = months.filter((m) => existsSync(join(root, m, file)));
  if (present.length === 0) return null;
  const month = rng.pick(present);
  const path = join(root, month, file);
  if (step.what.startsWith('delete')) unlinkSync(path);
  else truncateSync(path, rng.int(0, Math.max(0, statSync(path).size - 1)));
  ctx.model.bookkeepingDamaged.add(`${step.where}:${month}`);
  return `${month}/${file}`;
}

export function damage(ctx, step) {
  const rng = makeRng(step.seed);
  let rel;
  if (/deps|latest/.test(step.what)) rel = damageBookkeeping(ctx, step, rng);
  else {
    const files = candidates(ctx, step.where, /sha/.test(step.what));
    rel = files.length > 0 ? rng.pick(files) : null;
    if (rel) damageFile(ctx, step, rng, rel);
  }
  if (rel) ctx.model.damage.push({ step: ctx.index, where: step.where, what: step.what, file: rel });
  ctx.note(rel ? `${step.what} ${step.where} ${rel}` : 'nothing to damage');
}
