// The machine a run was measured on, for the JSON and the README's line under the table.

import { cpus, release, totalmem } from 'node:os';
import { outputOf } from './shell.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  kernel: string;
  versions: Record<string, string>;
  date: string;
}

function firstMatch(output: string | undefined, pattern: RegExp): string {
  return output === undefined ? 'not installed' : (pattern.exec(output)?.[1] ?? output.trim().split('\n')[0] ?? '?');
}

export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    kernel: release(),
    versions: {
      dar: firstMatch(outputOf('dar', ['--version']), /dar version ([\d.]+)/),
      restic: firstMatch(outputOf('restic', ['version']), /restic (\S+)/),
      borg: firstMatch(outputOf('borg', ['--version']), /borg (\S+)/),
      zstd: firstMatch(outputOf('zstd', ['--version']), /v(\d+\.\d+\.\d+)/),
      tar: firstMatch(outputOf('tar', ['--version']), /tar\) (\S+)/),
      node: process.version,
    },
    date: new Date().toISOString(),
  };
}

export function machineLine(machine: Machine): string {
  const versions = Object.entries(machine.versions).map(([name, version]) => `${name} ${version}`).join(', ');
  return `${machine.cpu}, ${machine.cores} cores, ${Math.round(machine.memoryBytes / 2 ** 30)} GiB, Linux ${machine.kernel}; ${versions}; ${machine.date.slice(0, 10)}`;
}
