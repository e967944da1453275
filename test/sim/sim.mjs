#!/usr/bin/env node
// Simulator entry point: runs seeded random step lists against the real generated script, reports
// every invariant violation with its seed, step and step list, and shrinks it. See README.md.
import { parseArgs } from 'node:util';
import { simulate } from './runner.mjs';
import { shrink } from './shrink.mjs';
import { generateSteps } from './steps.mjs';
import { drawProfile } from './world.mjs';

// --ci: seeds and length measured to take about 3 minutes on a 2-core machine.
const CI = { seeds: [3, 4, 8, 10, 13], steps: 30, jobs: 2 };

const USAGE = `usage: npm run sim -- [--seed N | --seeds A..B | --ci] [--steps M] [--only I,J,...]
                      [--keep] [--verbose] [--jobs N] [--shrink-seconds S] [--no-shrink]`;

function options() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' }, seeds: { type: 'string' }, steps: { type: 'string' }, only: { type: 'string' },
      keep: { type: 'boolean' }, verbose: { type: 'boolean' }, ci: { type: 'boolean' },
      'shrink-seconds': { type: 'string' }, jobs: { type: 'string' }, 'no-shrink': { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    say(USAGE);
    process.exit(0);
  }
  let seeds = [1];
  if (values.ci) seeds = CI.seeds;
  if (values.seed) seeds = [Number(values.seed)];
  if (values.seeds) {
    const [a, b] = values.seeds.split('..').map(Number);
    seeds = Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  const only = values.only ? values.only.split(',').map(Number) : null;
  return {
    jobs: Number(values.jobs ?? (values.ci ? CI.jobs : 1)),
    seeds, only, keep: Boolean(values.keep), verbose: Boolean(values.verbose),
    steps: Number(values.steps ?? (values.ci ? CI.steps : 30)),
    shrinkSeconds: values['no-shrink'] ? 0 : Number(values['shrink-seconds'] ?? (values.ci ? 0 : 300)),
  };
}

/** Output of one seed, printed whole when it is done (seeds may run side by side). */
let say = (text) => process.stdout.write(`${text}\n`);

function replayCommand(seed, total, indices) {
  return `npm run sim -- --seed ${seed} --steps ${total}${indices ? ` --only ${indices.join(',')}` : ''}`;
}

function printTrace(trace, out) {
  for (const t of trace) out(`    [${t.index}] ${t.step}${t.notes.length ? `: ${t.notes.join('; ')}` : ''}`);
}

async function shrinkOne(seed, steps, violation, opts, out) {
  const prefix = steps.filter(([i]) => i <= violation.index);
  const shrunk = await shrink(seed, prefix, violation.invariant, { seconds: opts.shrinkSeconds, log: out });
  const again = await simulate(seed, shrunk.steps, { all: true });
  const found = again.violations.find((v) => v.invariant === violation.invariant);
  out(`  ${violation.invariant}: shortest failing sequence found (${shrunk.steps.length} steps, ${shrunk.tries} tries${shrunk.complete ? '' : ', time limit reached'}):`);
  if (found) out(`    ${found.detail}`);
  printTrace(again.trace, out);
  violation.shortest = replayCommand(seed, opts.steps, shrunk.steps.map(([i]) => i));
  out(`    replay: ${violation.shortest}`);
}

async function runSeed(seed, opts, out) {
  const all = generateSteps(seed, opts.steps, drawProfile(seed)).map((step, index) => [index, step]);
  const steps = opts.only ? all.filter(([i]) => opts.only.includes(i)) : all;
  const started = Date.now();
  const { violations, trace, profile } = await simulate(seed, steps, { keep: opts.keep, verbose: opts.verbose, all: true, log: out });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const verdict = violations.length > 0 ? `VIOLATION ${violations.map((v) => `${v.invariant} at step ${v.index}`).join(', ')}` : 'ok';
  out(`seed ${seed}: ${verdict} (${steps.length} steps, ${seconds} s; profile ${JSON.stringify(profile)})`);
  if (violations.length === 0) return [];
  for (const v of violations) out(`  ${v.invariant} at step ${v.index}: ${v.detail}`);
  out('  steps:');
  printTrace(trace, out);
  out(`  replay: ${replayCommand(seed, opts.steps, opts.only)}`);
  if (opts.shrinkSeconds > 0) {
    for (const v of violations) await shrinkOne(seed, steps, v, opts, out);
  }
  return violations;
}

async function main() {
  const opts = options();
  const started = Date.now();
  const violations = [];
  const queue = [...opts.seeds];
  const worker = async () => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
      const lines = [];
      const out = opts.jobs > 1 ? (text) => lines.push(text) : say;
      violations.push(...(await runSeed(seed, opts, out)));
      for (const line of lines) say(line);
    }
  };
  await Promise.all(Array.from({ length: opts.jobs }, worker));
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const seeds = new Set(violations.map((v) => v.seed)).size;
  say(`\n${opts.seeds.length} seed(s), ${seconds} s: ${seeds} with a violation, ${violations.length} violation(s)`);
  for (const v of violations) say(`  seed ${v.seed} step ${v.index}: ${v.invariant}${v.shortest ? ` (shortest: ${v.shortest})` : ''}`);
  process.exit(violations.length > 0 ? 1 : 0);
}

await main();
