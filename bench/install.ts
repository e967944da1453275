// What the benchmark needs from Debian: installed when missing and when root, otherwise each
// missing tool is named with the contender it skips.

import { spawnSync } from 'node:child_process';

const PACKAGES_FOR_COMMANDS: Record<string, string> = { restic: 'restic', borg: 'borgbackup', zstd: 'zstd', xz: 'xz-utils', '/usr/bin/time': 'time' };

export function hasCommand(command: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall(packages: readonly string[]): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { env, stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
}

/** Installs the missing packages; returns what is still missing afterwards. */
export function installMissing(log: (line: string) => void): string[] {
  const missing = Object.keys(PACKAGES_FOR_COMMANDS).filter((command) => !hasCommand(command));
  if (missing.length === 0) return [];
  const packages = missing.map((command) => PACKAGES_FOR_COMMANDS[command] as string);
  if (process.getuid?.() !== 0) {
    log(`not root: not installing ${packages.join(' ')} (apt-get install -y ${packages.join(' ')} as root brings them)`);
    return missing.filter((command) => !hasCommand(command));
  }
  log(`installing ${packages.join(' ')}`);
  // An image's package lists may be old or absent: update them only when the install needs it.
  if (!aptInstall(packages)) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
    aptInstall(packages);
  }
  return missing.filter((command) => !hasCommand(command));
}
