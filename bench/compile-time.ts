// Compile time: a cold `node dist/cli.js PROFILE -o FILE` (Node's start included), the median of
// several runs, for every example profile and for a generated 50-volume LVM profile; and
// `node -e 0`, Node's own start. FILE is a file in the work directory, never /dev/null: -o renames
// a temporary file over its destination, which as root would replace /dev/null itself.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { spreadOf, type Spread } from './stats.js';

export interface CompileTime {
  profile: string;
  wallSeconds: Spread;
}

/** 50 [volume NAME] sections, each an LVM volume with what the README says it needs. */
export function fiftyVolumeProfile(count = 50): string {
  const volumes = Array.from({ length: count }, (_, index) => {
    const name = `vol${String(index).padStart(2, '0')}`;
    return [`[volume ${name}]`, 'volume_group = vg0', `logical_volume = ${name}`, 'snapshot_size = 2G', ''].join('\n');
  });
  return ['# Written by the benchmark (bench/compile-time.ts): 50 LVM volumes.', '[backup]', 'target = /srv/backups', 'archive_prefix = bighost-', '', ...volumes].join('\n');
}

function timeCommand(args: readonly string[], runs: number): Spread {
  const walls: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = process.hrtime.bigint();
    const result = spawnSync('node', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    walls.push(Number(process.hrtime.bigint() - started) / 1e9);
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
  }
  return spreadOf(walls) as Spread;
}

export function measureCompileTimes(options: { cli: string; examples: string; work: string; runs: number }): CompileTime[] {
  const directory = join(options.work, 'compile');
  mkdirSync(directory, { recursive: true });
  const fifty = join(directory, 'fifty-volumes.ini');
  writeFileSync(fifty, fiftyVolumeProfile());
  const profiles = [...readdirSync(options.examples).filter((name) => name.endsWith('.ini')).sort().map((name) => join(options.examples, name)), fifty];
  const output = join(directory, 'out.sh');
  const times: CompileTime[] = [{ profile: 'node -e 0 (Node alone)', wallSeconds: timeCommand(['-e', '0'], options.runs) }];
  for (const profile of profiles) times.push({ profile: basename(profile), wallSeconds: timeCommand([options.cli, profile, '-o', output], options.runs) });
  return times;
}
