// Simulator: the steps. generateSteps draws a replayable list of step descriptors from a seed;
// executeStep runs one against the world (the real script, real dar and rsync) and the model.
import { makeRng } from './prng.mjs';
import { changeSource } from './source.mjs';
import { captureTree } from './tree.mjs';
import { monthOf, readLines } from './model.mjs';
import { runScript, PREFIX } from './world.mjs';
import { checkNoLeftovers, checkPruneKeepsNewest, Violation } from './checks.mjs';
import { damage } from './damage.mjs';
import { restore } from './restore.mjs';
import { clockStep } from './clock.mjs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const DAMAGE_KINDS = ['truncate', 'flip', 'delete-slice', 'delete-sha', 'garble-sha', 'delete-deps', 'truncate-deps', 'delete-latest', 'truncate-latest'];

function drawStep(rng, profile) {
  const kind = rng.weighted([[4, 'change'], [6, 'backup'], [3, 'clock'], [0.5, 'future'], [2, 'kill'], [1.3, 'damage'],
    [profile.retention ? 0.8 : 0, 'prune'], [1, 'verify'], [3, 'restore']]);
  switch (kind) {
    case 'change': return { op: 'change', count: rng.int(1, 5), seed: rng.seed32() };
    case 'backup': return { op: 'backup' };
    case 'clock': return { op: 'clock', ...rng.weighted([
      [3, { how: 'forward', seconds: rng.int(60, 6 * 3600) }],
      [2, { how: 'forward', seconds: rng.int(1, 30) * 86400 + rng.int(0, 86399) }],
      [1, { how: 'forward', seconds: rng.int(1, 2) * 31 * 86400 }],
      [1, { how: 'forward', seconds: rng.int(0, 25) }],
      [1.5, { how: 'back', seconds: rng.int(60, 3600) }],
      [1.5, { how: 'dst', offsetMinutes: rng.int(-90, 90) }],
    ]) };
    case 'future': return { op: 'future', days: rng.int(200, 230) };
    case 'kill': return { op: 'kill', sig: rng.pick(['KILL', 'KILL', 'TERM']), scope: rng.pick(['group', 'script']),
      at: rng.weighted([[4, rng.int(1, 14)], [1, rng.int(15, 40)]]), delay: rng.pick([0, 0, 0.02, 0.1, 0.3]) };
    case 'damage': return { op: 'damage', what: rng.pick(DAMAGE_KINDS), where: profile.mirror && rng.chance(0.35) ? 'mirror' : 'target', seed: rng.seed32() };
    case 'prune': return { op: 'prune' };
    case 'verify': return { op: 'verify', mirror: profile.mirror && rng.chance(0.35) };
    default: return { op: 'restore', mode: rng.pick(['latest', 'archive', 'archive', 'at']),
      mirror: profile.mirror && rng.chance(0.25), paths: rng.chance(0.3), seed: rng.seed32() };
  }
}

/** count steps drawn from seed, then a final audit restore of every restorable archive. */
export function generateSteps(seed, count, profile) {
  const rng = makeRng(seed);
  const steps = [{ op: 'backup' }];
  while (steps.length < count - 1) steps.push(drawStep(rng, profile));
  steps.push({ op: 'audit', seed: rng.seed32() });
  return steps.slice(0, count);
}

export function describeStep(step) {
  const { op, ...rest } = step;
  const args = Object.entries(rest).filter(([k]) => k !== 'seed').map(([k, v]) => `${k}=${v}`).join(' ');
  return args ? `${op} ${args}` : op;
}

/** dar reads the tree in the second a run started: a change in that same second could go unseen. */
async function waitPastLastRun(ctx) {
  const wait = (ctx.lastRunEnd ?? 0) + 1100 - Date.now();
  if (wait > 0) await sleep(wait);
}

function announced(stdout) {
  const name = /^(?:Full|Incremental) backup: (\S+)$/m.exec(stdout)?.[1] ?? null;
  const parent = /^Based on parent: (\S+)$/m.exec(stdout)?.[1] ?? null;
  return { name, parent };
}

/** A backup run (with an optional tripwire); what it published goes into the model. */
async function backup(ctx, trip = null) {
  const { world, model } = ctx;
  const tree = captureTree(world.src);
  const result = await runScript(world, ['-l', 'INFO'], ctx.now, trip);
  ctx.lastRunEnd = Date.now();
  const warning = result.code === 2 ? /^WARNING: (.{0,140})/m.exec(result.stderr)?.[1] : null;
  ctx.note(`exit ${result.code ?? result.signal}${trip ? ` (tripwire at call ${trip.at} of ${result.calls})` : ''}${warning ? ` (${warning})` : ''}`);
  if (result.hung) throw new Violation('hang', `backup run ${result.n} did not end in time`);
  const ok = result.code === 0 || result.code === 2;
  const { name, parent } = announced(result.stdout);
  const latest = name ? (readLines(join(world.target, monthOf(name), 'latest_successful')) ?? []).at(-1) : null;
  const uncertain = /dar could not read some files|some files changed while dar/.test(result.stderr);
  if (name && !model.attempted.has(name)) model.attempted.set(name, { tree, uncertain });
  const published = name !== null && latest === name && !model.archives.has(name);
  if (ok && !published) {
    throw new Violation('publish', `run ${result.n} exited ${result.code} but latest_successful does not name its archive ${name} (it names ${latest})`);
  }
  if (published) {
    model.publish(world, { name, parent, kind: name.endsWith('-FULL') ? 'FULL' : 'INC', epoch: ctx.now, tree, uncertain, step: ctx.index });
    ctx.note(`published ${name}${parent ? ` on ${parent}` : ''}`);
  }
  if (world.profile.prune_after_backup) checkPruneKeepsNewest(world, model, model.notePrunes(world));
  if (ok) checkNoLeftovers(world, model);
  const faultFree = model.damage.length === 0 && !trip;
  if (!ok && faultFree && !trip) {
    throw new Violation('backup-failed', `run ${result.n} exited ${result.code} with no injected fault: ${result.stderr.split('\n').filter((l) => /ERROR/.test(l)).join(' | ')}`);
  }
  return result;
}

async function verify(ctx, step) {
  const { world, model } = ctx;
  const where = step.mirror ? 'mirror' : 'target';
  const damaged = model.damagedFiles(world, where).filter((rel) => !model.bookkeepingDamaged.has(`${where}:${rel.slice(0, 7)}`));
  const result = await runScript(world, ['verify', '--all', ...(step.mirror ? ['--mirror'] : [])], ctx.now);
  ctx.note(`exit ${result.code}; damaged on the ${where}: ${damaged.join(', ') || 'nothing'}`);
  if (damaged.length > 0 && result.code === 0) {
    throw new Violation('verify-missed-damage', `verify --all${step.mirror ? ' --mirror' : ''} exited 0 while these are damaged: ${damaged.join(', ')}`);
  }
  if (damaged.length === 0 && result.code !== 0 && model.damage.length === 0 && model.kills === 0 && model.order.length > 0) {
    throw new Violation('verify-false-alarm', `verify exited ${result.code} with nothing damaged: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

async function prune(ctx) {
  const result = await runScript(ctx.world, ['prune', '-l', 'INFO'], ctx.now);
  const newly = ctx.model.notePrunes(ctx.world);
  ctx.note(`exit ${result.code}; pruned ${newly.join(', ') || 'nothing'}`);
  checkPruneKeepsNewest(ctx.world, ctx.model, newly);
}

export async function executeStep(ctx, step) {
  switch (step.op) {
    case 'change':
      await waitPastLastRun(ctx);
      ctx.note(changeSource(ctx.world, step.seed, step.count).join(', '));
      return;
    case 'backup': await backup(ctx); return;
    case 'kill':
      ctx.model.kills++;
      await backup(ctx, { at: step.at, sig: step.sig, scope: step.scope, delay: step.delay });
      return;
    case 'clock': clockStep(ctx, step); return;
    case 'future': {
      const back = ctx.now + 60;
      ctx.now += step.days * 86400;
      ctx.note(`clock at ${new Date(ctx.now * 1000).toISOString()} for one run`);
      await backup(ctx);
      ctx.now = back;
      ctx.model.clockWentBack = true;
      return;
    }
    case 'damage': damage(ctx, step); return;
    case 'prune': await prune(ctx); return;
    case 'verify': await verify(ctx, step); return;
    case 'restore': await restore(ctx, step); return;
    case 'audit': {
      const names = ctx.model.live().filter((n) => ctx.model.restorable(ctx.world, n, 'target'));
      const rng = makeRng(step.seed);
      for (let i = 0; i < Math.min(3, names.length); i++) {
        await restore(ctx, { op: 'restore', mode: 'archive', name: rng.pick(names), mirror: false, paths: false, seed: rng.seed32() });
      }
      return;
    }
    default: throw new Error(`unknown step ${step.op}`);
  }
}

export { PREFIX };
