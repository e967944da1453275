// Running commands for the benchmark: shell quoting, timed runs under GNU time, and plain runs.

import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';

/** Python's shlex.quote: safe words as they are, everything else in single quotes. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

export interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
  maxRssKiB: number;
}

export class CommandFailed extends Error {}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where the command's output goes (appended); it is shown when the command fails. */
  logFile: string;
}

function failure(what: string, status: number | null, logFile: string): CommandFailed {
  const log = readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
  return new CommandFailed(`${what} failed (exit ${status ?? 'signal'}); the end of ${logFile}:\n${log}`);
}

/**
 * Runs `script` with bash under /usr/bin/time: a pipeline's children count in the CPU time and in
 * the peak memory (GNU time reports the largest RSS of the process tree it waited for). Wall time
 * comes from Node's clock, finer than time's 10 ms.
 */
export function runTimed(script: string, options: RunOptions): Timing {
  const timeFile = `${options.logFile}.time`;
  appendFileSync(options.logFile, `\n$ ${script}\n`);
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, 'bash', '-c', `exec >>${shellQuote(options.logFile)} 2>&1; ${script}`], {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw failure(script, result.status, options.logFile);
  const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
  rmSync(timeFile, { force: true });
  const [user, system, rss] = last.split(' ').map(Number);
  return { wallSeconds, cpuSeconds: (user ?? 0) + (system ?? 0), maxRssKiB: rss ?? 0 };
}

/** Runs a command untimed; output to the log; throws when it fails. */
export function run(script: string, options: RunOptions): void {
  appendFileSync(options.logFile, `\n$ ${script}\n`);
  const result = spawnSync('bash', ['-c', `exec >>${shellQuote(options.logFile)} 2>&1; ${script}`], { env: options.env ?? process.env, cwd: options.cwd, stdio: 'ignore' });
  if (result.status !== 0) throw failure(script, result.status, options.logFile);
}

/** A command's standard output, or undefined when it cannot run. */
export function outputOf(command: string, args: readonly string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return result.status === 0 ? result.stdout : undefined;
}

/** Disk space used below path, in bytes (du: what was written, holes not counted). */
export function diskUsage(path: string): number {
  const output = outputOf('du', ['-s', '--block-size=1', path]);
  return output === undefined ? 0 : Number(output.split('\t')[0]);
}
