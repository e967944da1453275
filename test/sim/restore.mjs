// Simulator: a restore of a published point (the newest, --archive NAME or --at TIME; whole tree or
// some paths; from the target or the mirror), and invariant 1 on what it wrote: exit 0 (or 2) only
// with exactly the model's tree of the point it was asked for; a point that must be restorable
// (invariant 5) must restore.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeRng } from './prng.mjs';
import { captureTree, diffTrees, subtree } from './tree.mjs';
import { runScript, TZ } from './world.mjs';
import { Violation } from './checks.mjs';

const minuteStart = (epoch) => epoch - (epoch % 60);
const monthFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, year: 'numeric', month: '2-digit' });
/** The YYYY-MM of EPOCH on the script's clock, and the one an archive's name says. */
const monthOf = (epoch) => monthFormat.format(new Date(epoch * 1000));
const monthInName = (name) => /(\d{4}-\d{2})-\d{2}T\d{4}/.exec(name)?.[1] ?? '';

/** What the step asks for: {args, expected (a name or null: only "the point it names"), required}. */
function plan(ctx, step, rng) {
  const { model, world } = ctx;
  const where = step.mirror ? 'mirror' : 'target';
  const live = model.live();
  if (step.mode === 'archive' && model.order.length > 0) {
    const name = step.name ?? rng.pick(model.order);
    return { args: ['--archive', name], expected: name, required: model.restorable(world, name, where) && !step.mirror };
  }
  if (step.mode === 'at' && model.order.length > 0) {
    const i = rng.int(0, model.order.length - 1);
    const a = model.archives.get(model.order[i]);
    const b = model.archives.get(model.order[i + 1]);
    const last = b ? minuteStart(b.epoch) - 1 : ctx.now;
    const at = last >= a.epoch ? rng.int(a.epoch, last) : a.epoch;
    const strict = !model.clockWentBack && last >= a.epoch && !model.pruned.has(a.name) && model.chainIntact(world, a.name, where, { slicesOnly: true });
    return { args: ['--at', `@${at}`], at, expected: strict ? a.name : null, required: strict && model.restorable(world, a.name, where) && !step.mirror };
  }
  // The newest: the most recently published archive whose chain's slices are whole, or a failure.
  // A set named after the clock's month (made while the clock was ahead) is never the newest.
  if (step.mirror) return { args: [], expected: null, required: false };
  const month = monthOf(ctx.now);
  const whole = live.filter((n) => !(monthInName(n) > month) && model.chainIntact(world, n, 'target', { slicesOnly: true }));
  const expected = whole.at(-1) ?? null;
  return { args: [], expected, mustFail: expected === null && live.length > 0, required: expected !== null && expected === live.at(-1) && model.restorable(world, expected, 'target') };
}

/** A few paths of the expected tree that a command line can carry (valid UTF-8), as relative keys. */
function choosePaths(tree, rng) {
  const keys = [...tree.keys()].filter((k) => Buffer.from(Buffer.from(k, 'latin1').toString('utf8')).equals(Buffer.from(k, 'latin1')));
  if (keys.length === 0) return [];
  const chosen = new Set();
  for (let i = 0, n = rng.int(1, 2); i < n; i++) chosen.add(rng.pick(keys));
  return [...chosen].filter((k) => ![...chosen].some((o) => o !== k && k.startsWith(`${o}/`)));
}

function treeOf(ctx, name) {
  return ctx.model.archives.get(name) ?? ctx.model.attempted.get(name) ?? null;
}

export async function restore(ctx, step) {
  const { world, model } = ctx;
  const rng = makeRng(step.seed);
  const p = plan(ctx, step, rng);
  const known = p.expected ? treeOf(ctx, p.expected) : null;
  const keys = step.paths && known && !known.uncertain ? choosePaths(known.tree, rng) : [];
  const pathArgs = keys.map((k) => {
    const text = Buffer.from(k, 'latin1').toString('utf8');
    return rng.chance(0.5) ? join(world.src, text) : text;
  });
  const dir = join(world.restores, String(world.runs + 1));
  // A PATH that begins with '-' goes after '--', as with any Unix command; the others now and then.
  const separator = pathArgs.some((a) => a.startsWith('-')) || (pathArgs.length > 0 && rng.chance(0.3)) ? ['--'] : [];
  const args = ['restore', '--to', dir, ...p.args, ...(step.mirror ? ['--from-mirror'] : []), ...separator, ...pathArgs];
  const result = await runScript(world, args, ctx.now);
  const named = /as of (\S+):/.exec(result.stdout)?.[1] ?? null;
  ctx.note(`${args.slice(3).join(' ')} → exit ${result.code}, as of ${named}; expected ${p.expected ?? '(the point it names)'}${p.required ? ' (must succeed)' : ''}`);
  try {
    judge(ctx, p, result, named, dir, keys);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function judge(ctx, p, result, named, dir, keys) {
  const ok = result.code === 0 || result.code === 2;
  const how = result.args.slice(3).join(' ') || '(newest)';
  if (result.hung) throw new Violation('hang', `restore ${how} did not end in time`);
  if (!ok) {
    if (p.required) throw new Violation('restore-failed', `restore ${how} exited ${result.code} though ${p.expected} is published, whole and not pruned: ${result.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    return;
  }
  if (p.mustFail) throw new Violation('restore-wrong-point', `restore ${how} exited ${result.code} as of ${named}, but no published archive has a whole chain`);
  const point = p.expected ?? named;
  if (p.expected && named !== p.expected) {
    throw new Violation('restore-wrong-point', `restore ${how} exited ${result.code} as of ${named}, expected ${p.expected}`);
  }
  const known = point ? treeOf(ctx, point) : null;
  if (!known) throw new Violation('restore-wrong-point', `restore ${how} exited ${result.code} as of ${named}, a point never published`);
  if (known.uncertain) return;
  const expectedTree = keys.length > 0 ? subtree(known.tree, keys) : known.tree;
  const ancestors = (name) => keys.some((k) => k.startsWith(`${name}/`));
  const differences = diffTrees(expectedTree, captureTree(dir), ancestors);
  if (differences.length > 0) {
    throw new Violation('restore-wrong-tree', `restore ${how} exited ${result.code} as of ${named} but the tree differs from the model's ${point}: ${differences.slice(0, 6).join('; ')}`);
  }
}
