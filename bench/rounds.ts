// The contest: rounds of FULL, the 1 % change, INC and restore for every contender, the order
// rotated each round, each contender on a fresh target. Restored trees are checked against the
// changed corpus; a mismatch is recorded and makes the benchmark fail.

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyChange, planChange } from './change.js';
import type { Contender, ContenderPaths } from './contenders.js';
import { diskUsage, run, runTimed, shellQuote, type Timing } from './shell.js';
import { manifestDifferences, manifestOf, regularFiles } from './tree.js';

export type Phase = 'full' | 'inc' | 'restore';

export interface Sample extends Timing {
  contender: string;
  phase: Phase;
  round: number;
  /** Bytes the phase wrote (FULL: the archive or repository; INC: what it added). */
  writtenBytes?: number;
}

export interface RoundsOptions {
  /** The generated (or copied) corpus, never changed. */
  pristine: string;
  work: string;
  runs: number;
  seed: string;
  cli: string;
  contenders: readonly Contender[];
  log: (line: string) => void;
}

export interface RoundsResult {
  samples: Sample[];
  failures: string[];
  files: number;
}

/** Round r runs the contenders starting at the r-th: each goes first, last and between in turn. */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = items.length === 0 ? 0 : round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** A fresh work copy of the corpus (holes kept), read once so every contender starts warm. */
export function freshCopy(pristine: string, source: string, logFile: string): void {
  rmSync(source, { recursive: true, force: true });
  run(`cp -a --sparse=always ${shellQuote(pristine)} ${shellQuote(source)} && tar --sparse -C ${shellQuote(source)} -cf - . | cat >/dev/null`, { logFile });
}

function pathsFor(options: RoundsOptions, contender: Contender, round: number): ContenderPaths {
  const slug = contender.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const base = join(options.work, `round${round}`, slug);
  return { source: join(options.work, 'source'), target: join(base, 'target'), restore: join(base, 'restored'), cli: options.cli };
}

function runPhase(options: RoundsOptions, contender: Contender, phase: Phase, round: number, command: string, logFile: string): Sample {
  const paths = pathsFor(options, contender, round);
  const timing = runTimed(command, { env: { ...process.env, ...contender.env?.(paths) }, cwd: paths.target, logFile });
  const sample: Sample = { contender: contender.name, phase, round, ...timing };
  if (phase !== 'restore' && contender.written !== undefined) sample.writtenBytes = diskUsage(contender.written(paths));
  options.log(`  ${phase.padEnd(7)} ${contender.name.padEnd(24)} ${timing.wallSeconds.toFixed(2)} s`);
  return sample;
}

/** Runs one round; returns its samples and the contenders whose restore did not match. */
function runRound(options: RoundsOptions, round: number, result: RoundsResult): void {
  const source = join(options.work, 'source');
  const logFile = join(options.work, `round${round}.log`);
  const order = rotated(options.contenders, round);
  freshCopy(options.pristine, source, logFile);
  options.log(`round ${round + 1}/${options.runs}: ${order.map((c) => c.name).join(', ')}`);
  const fullBytes = new Map<string, number>();
  for (const contender of order) {
    const paths = pathsFor(options, contender, round);
    mkdirSync(paths.target, { recursive: true });
    if (contender.prepare !== undefined) run(contender.prepare(paths), { env: { ...process.env, ...contender.env?.(paths) }, cwd: paths.target, logFile });
    const sample = runPhase(options, contender, 'full', round, contender.full(paths), logFile);
    if (sample.writtenBytes !== undefined) fullBytes.set(contender.name, sample.writtenBytes);
    result.samples.push(sample);
  }
  const files = regularFiles(source);
  result.files = files.length;
  applyChange(source, planChange(options.seed, files));
  const expected = manifestOf(source);
  for (const contender of order) {
    if (contender.inc === undefined) continue;
    const sample = runPhase(options, contender, 'inc', round, contender.inc(pathsFor(options, contender, round)), logFile);
    if (sample.writtenBytes !== undefined) sample.writtenBytes -= fullBytes.get(contender.name) ?? 0;
    result.samples.push(sample);
  }
  for (const contender of order) {
    if (contender.restore === undefined) continue;
    const paths = pathsFor(options, contender, round);
    result.samples.push(runPhase(options, contender, 'restore', round, contender.restore(paths), logFile));
    const differences = manifestDifferences(expected, manifestOf(contender.restoredRoot?.(paths) ?? paths.restore));
    if (differences.length > 0) result.failures.push(`round ${round + 1}, ${contender.name}: the restored tree differs from the changed corpus:\n    ${differences.join('\n    ')}`);
    rmSync(paths.restore, { recursive: true, force: true });
  }
  // A round's targets are not needed once measured; a 1 GiB corpus would otherwise fill the disk.
  rmSync(join(options.work, `round${round}`), { recursive: true, force: true });
}

export function runRounds(options: RoundsOptions): RoundsResult {
  const result: RoundsResult = { samples: [], failures: [], files: 0 };
  for (let round = 0; round < options.runs; round += 1) runRound(options, round, result);
  return result;
}
