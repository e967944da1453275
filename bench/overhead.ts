// The generated script's own overhead: its wall time minus the time spent inside dar, rsync and
// sync (the kernel writing dar's output to the disk before the archive is published: the cost of
// the archive's bytes, not of the script). BACKUP_GEN_PATH replaces the script's PATH, so a
// directory of wrappers first in it sees every one of them the script runs; each wrapper logs how
// long the real tool took.

import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { applyChange, planChange } from './change.js';
import { benchProfile } from './contenders.js';
import { freshCopy } from './rounds.js';
import { outputOf, run, runTimed, shellQuote } from './shell.js';
import { regularFiles } from './tree.js';

/** The PATH the generated script sets when BACKUP_GEN_PATH is not given (templates/partials/strict-mode.hbs). */
const SCRIPT_DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface Overhead {
  scriptSeconds: number;
  toolSeconds: number;
  toolRuns: number;
  overheadSeconds: number;
}

export interface OverheadResult {
  full: Overhead;
  inc: Overhead;
}

/**
 * A wrapper runs the tool as its child rather than exec'ing it, so that it can log the end too;
 * the two `date` calls (a few ms) are counted as the script's, which errs against backup-gen.
 */
function writeWrapper(directory: string, tool: string, timesFile: string): void {
  const real = outputOf('bash', ['-c', `command -v ${tool}`])?.trim();
  if (real === undefined || real === '') return;
  const text = [
    '#!/bin/bash',
    `# Written by the benchmark (bench/overhead.ts): times the real ${tool}.`,
    'started=$(date +%s%N)',
    `${shellQuote(real)} "$@"`,
    'status=$?',
    `printf '%s %s\\n' ${tool} "$(($(date +%s%N) - started))" >>${shellQuote(timesFile)}`,
    'exit "${status}"',
    '',
  ].join('\n');
  writeFileSync(join(directory, tool), text);
  chmodSync(join(directory, tool), 0o755);
}

function toolTime(timesFile: string): { seconds: number; runs: number } {
  if (!existsSync(timesFile)) return { seconds: 0, runs: 0 };
  const lines = readFileSync(timesFile, 'utf8').trim().split('\n').filter((line) => line !== '');
  return { seconds: lines.reduce((sum, line) => sum + Number(line.split(' ')[1]) / 1e9, 0), runs: lines.length };
}

function measureRun(script: string, times: string, env: NodeJS.ProcessEnv, logFile: string): Overhead {
  writeFileSync(times, '');
  const { wallSeconds } = runTimed(`bash ${shellQuote(script)}`, { env, logFile });
  const tools = toolTime(times);
  return { scriptSeconds: wallSeconds, toolSeconds: tools.seconds, toolRuns: tools.runs, overheadSeconds: wallSeconds - tools.seconds };
}

export function measureOverhead(options: { pristine: string; work: string; cli: string; seed: string }): OverheadResult {
  const base = join(options.work, 'overhead');
  const wrappers = join(base, 'wrappers');
  const times = join(base, 'tool-times');
  const logFile = join(base, 'overhead.log');
  const source = join(options.work, 'source');
  mkdirSync(join(base, 'sets'), { recursive: true });
  mkdirSync(wrappers, { recursive: true });
  for (const tool of ['dar', 'rsync', 'sync']) writeWrapper(wrappers, tool, times);
  freshCopy(options.pristine, source, logFile);
  writeFileSync(join(base, 'profile.ini'), benchProfile(source, join(base, 'sets')));
  run(`node ${shellQuote(options.cli)} ${shellQuote(join(base, 'profile.ini'))} -o ${shellQuote(join(base, 'backup.sh'))}`, { logFile });
  const env = { ...process.env, BACKUP_GEN_PATH: `${wrappers}:${SCRIPT_DEFAULT_PATH}` };
  const full = measureRun(join(base, 'backup.sh'), times, env, logFile);
  applyChange(source, planChange(options.seed, regularFiles(source)));
  const inc = measureRun(join(base, 'backup.sh'), times, env, logFile);
  run(`rm -rf ${shellQuote(join(base, 'sets'))}`, { logFile });
  return { full, inc };
}
