// Scale: FULL and INC (1 % changed) of trees of N small files, for dar with backup-gen's default
// options (read from a generated script, so they follow the templates) and for restic; time and
// peak memory against N, and where a machine's memory would run out for dar's catalogue.

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyChange, planChange } from './change.js';
import { benchProfile } from './contenders.js';
import { sourceText } from './corpus-content.js';
import { run, runTimed, shellCommand, shellQuote, type Timing } from './shell.js';
import { regularFiles } from './tree.js';

export interface ScalePoint {
  tool: 'dar' | 'restic';
  phase: 'full' | 'inc';
  files: number;
  timing: Timing;
}

const FILES_PER_DIRECTORY = 100;

/** N small text files (60-2000 bytes), 100 to a directory, as a mail spool or a source tree has. */
export function writeSmallFiles(root: string, count: number, seed: string): void {
  for (let index = 0; index < count; index += 1) {
    const directory = join(root, `d${Math.floor(index / FILES_PER_DIRECTORY)}`);
    if (index % FILES_PER_DIRECTORY === 0) mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, `f${index}.txt`), sourceText(`${seed}:small:${index}`, 60 + ((index * 7919) % 1940)));
  }
}

/** The dar options of backup-gen's generated script for a directory source (its dar_options array). */
export function scriptDarOptions(cli: string, work: string): string[] {
  writeFileSync(join(work, 'options.ini'), benchProfile(join(work, 'any'), join(work, 'sets')));
  const script = join(work, 'options.sh');
  const compiled = spawnSync('node', [cli, join(work, 'options.ini'), '-o', script], { stdio: 'inherit' });
  if (compiled.status !== 0) throw new Error('could not compile the profile for dar options');
  const read = `line=$(grep -m1 -E '^ *local -ra dar_options=' ${shellQuote(script)}) && eval "\${line/local -ra/declare -a}" && printf '%s\\n' "\${dar_options[@]}"`;
  const result = spawnSync('bash', ['-c', read], { encoding: 'utf8' });
  if (result.status !== 0 || result.stdout.trim() === '') throw new Error('no dar_options array in the generated script (templates changed?)');
  return result.stdout.trim().split('\n');
}

function measureTree(files: number, options: { work: string; seed: string; darOptions: readonly string[]; restic: boolean; log: (line: string) => void }): ScalePoint[] {
  const base = join(options.work, 'scale', `n${files}`);
  const tree = join(base, 'tree');
  const logFile = join(base, 'scale.log');
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  writeSmallFiles(tree, files, options.seed);
  run(`tar -C ${shellQuote(tree)} -cf - . | cat >/dev/null`, { logFile });
  const env = { ...process.env, RESTIC_PASSWORD: 'backup-gen-bench', RESTIC_REPOSITORY: join(base, 'repo'), RESTIC_CACHE_DIR: join(base, 'cache') };
  const dar = (archive: string, extra: string[]) => shellCommand(['dar', '-c', join(base, archive), '-R', tree, ...extra, ...options.darOptions]);
  const resticBackup = shellCommand(['restic', 'backup', '--quiet', '--host', 'bench', tree]);
  const points: ScalePoint[] = [];
  const measure = (tool: ScalePoint['tool'], phase: ScalePoint['phase'], command: string) => {
    const timing = runTimed(command, { env, logFile });
    options.log(`  scale ${String(files).padStart(8)} files  ${tool.padEnd(6)} ${phase.padEnd(4)} ${timing.wallSeconds.toFixed(2)} s  ${(timing.maxRssKiB / 1024).toFixed(0)} MiB`);
    points.push({ tool, phase, files, timing });
  };
  measure('dar', 'full', dar('full', []));
  if (options.restic) {
    run('restic init --quiet', { env, logFile });
    measure('restic', 'full', resticBackup);
  }
  applyChange(tree, planChange(options.seed, regularFiles(tree)));
  measure('dar', 'inc', dar('inc', ['-A', join(base, 'full')]));
  if (options.restic) measure('restic', 'inc', resticBackup);
  rmSync(base, { recursive: true, force: true });
  return points;
}

export function measureScale(options: { counts: readonly number[]; work: string; seed: string; cli: string; restic: boolean; log: (line: string) => void }): { darOptions: string[]; points: ScalePoint[] } {
  mkdirSync(join(options.work, 'scale'), { recursive: true });
  const darOptions = scriptDarOptions(options.cli, join(options.work, 'scale'));
  const points = options.counts.flatMap((files) => measureTree(files, { ...options, darOptions }));
  return { darOptions, points };
}

/**
 * dar's peak memory per file (KiB), from the two largest counts measured, and the file count at
 * which it would reach `memoryBytes`. Undefined with fewer than two counts or no growth.
 */
export function memoryLimit(points: readonly ScalePoint[], memoryBytes: number): { kibPerFile: number; files: number } | undefined {
  const byFiles = new Map<number, number>();
  for (const point of points.filter((p) => p.tool === 'dar')) byFiles.set(point.files, Math.max(byFiles.get(point.files) ?? 0, point.timing.maxRssKiB));
  const counts = [...byFiles.keys()].sort((a, b) => a - b);
  if (counts.length < 2) return undefined;
  const [small, large] = [counts[counts.length - 2] as number, counts[counts.length - 1] as number];
  const kibPerFile = ((byFiles.get(large) as number) - (byFiles.get(small) as number)) / (large - small);
  if (kibPerFile <= 0) return undefined;
  return { kibPerFile, files: Math.round(large + (memoryBytes / 1024 - (byFiles.get(large) as number)) / kibPerFile) };
}
