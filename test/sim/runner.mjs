// Simulator: one simulation: a world and a model for a seed, a list of steps run in order, the
// invariants checked after each; returns the first violation (or null) and what each step did.
import { createWorld, destroyWorld } from './world.mjs';
import { seedSource } from './source.mjs';
import { Model } from './model.mjs';
import { startEpoch } from './clock.mjs';
import { describeStep, executeStep } from './steps.mjs';
import { checkMirrorKeepsGoodCopies, checkTargetImmutable, Violation } from './checks.mjs';

/**
 * steps: [[index, descriptor], ...] (the index into the generated list, for replay with --only).
 * Stops at the first violation, or with all: goes on and reports the first of each invariant.
 */
export async function simulate(seed, steps, { keep = false, verbose = false, all = false, log = console.log } = {}) {
  const world = createWorld(seed);
  seedSource(world);
  const model = new Model();
  const trace = [];
  const violations = [];
  const ctx = { world, model, now: startEpoch(seed), index: -1, note: (text) => trace.at(-1)?.notes.push(text) };
  const attempt = async (action) => {
    try {
      await action();
      return false;
    } catch (error) {
      if (!(error instanceof Violation)) throw error;
      ctx.note(`VIOLATION ${error.invariant}`);
      if (!violations.some((v) => v.invariant === error.invariant)) {
        violations.push({ seed, index: ctx.index, invariant: error.invariant, detail: error.detail });
      }
      return !all;
    }
  };
  try {
    for (const [index, step] of steps) {
      ctx.index = index;
      trace.push({ index, step: describeStep(step), notes: [] });
      const stop = (await attempt(() => executeStep(ctx, step)))
        || (await attempt(() => checkTargetImmutable(world, model)))
        || (await attempt(() => checkMirrorKeepsGoodCopies(world, model)));
      if (verbose) log(`  [${index}] ${trace.at(-1).step}: ${trace.at(-1).notes.join('; ')}`);
      if (stop) break;
    }
  } finally {
    if (keep) log(`  work directory kept: ${world.root}`);
    else destroyWorld(world);
  }
  return { violations, violation: violations[0] ?? null, trace, profile: world.profile };
}
