// The contenders: for each, how a fresh target is prepared (untimed) and the commands that are
// timed: a FULL, an INC after the 1 % change, and a restore of the chain. Each returns bash text;
// bench.ts runs it under GNU time.

import { join } from 'node:path';
import { shellCommand, shellQuote } from './shell.js';

export interface ContenderPaths {
  /** The tree that is backed up (the work copy). */
  source: string;
  /** A fresh directory for this contender in this round. */
  target: string;
  /** Where the restore goes (does not exist yet). */
  restore: string;
  /** backup-gen's compiled CLI. */
  cli: string;
}

export interface Contender {
  name: string;
  /** Commands it needs on PATH; missing ones skip the contender, saying so. */
  requires: readonly string[];
  env?: (paths: ContenderPaths) => Record<string, string>;
  prepare?: (paths: ContenderPaths) => string;
  full: (paths: ContenderPaths) => string;
  inc?: (paths: ContenderPaths) => string;
  restore?: (paths: ContenderPaths) => string;
  /** Where, below paths.restore, the restored tree's root is. */
  restoredRoot?: (paths: ContenderPaths) => string;
  /** What counts as written: the archives or the repository (none for the read floor). */
  written?: (paths: ContenderPaths) => string;
}

/** The original tool's dar options (nmbooker/backup-scripts), exactly, plus -Q so dar never asks. */
export const DAR_ORIGINAL_OPTIONS = ['-w', '-s', '1875000000', '-D', '-z9', '-m', '150', ...['*.avi', '*.bz2', '*.gif', '*.gz', '*.jpg', '*.mov', '*.mpg', '*.mp3', '*.pbm', '*.pdf', '*.png', '*.Z', '*.zip'].flatMap((mask) => ['-Z', mask]), '-Q'];

/** backup-gen's profile for the benchmark: a directory source, no [dar] section (the defaults). */
export function benchProfile(source: string, target: string): string {
  return [
    '# Written by the benchmark (bench/contenders.ts): the defaults, a directory source.',
    '[backup]',
    'source_type = directory',
    `source_root = ${source}`,
    `target = ${target}`,
    'archive_prefix = bench-',
    '# The second run of a round is an INC on the first.',
    'full_every = 2 runs',
    '',
  ].join('\n');
}

const q = shellQuote;

const backupGen: Contender = {
  name: 'backup-gen default',
  requires: ['dar', 'node'],
  prepare: (p) =>
    `mkdir -p ${q(join(p.target, 'sets'))} && printf '%s' ${q(benchProfile(p.source, join(p.target, 'sets')))} >${q(join(p.target, 'profile.ini'))} && node ${q(p.cli)} ${q(join(p.target, 'profile.ini'))} -o ${q(join(p.target, 'backup.sh'))}`,
  full: (p) => `bash ${q(join(p.target, 'backup.sh'))} --log-file ${q(join(p.target, 'backup.log'))}`,
  inc: (p) => `bash ${q(join(p.target, 'backup.sh'))} --log-file ${q(join(p.target, 'backup.log'))}`,
  restore: (p) => `bash ${q(join(p.target, 'backup.sh'))} restore --to ${q(p.restore)} --log-file ${q(join(p.target, 'backup.log'))}`,
  written: (p) => join(p.target, 'sets'),
};

const darOriginal: Contender = {
  name: 'dar original',
  requires: ['dar'],
  prepare: (p) => `mkdir -p ${q(join(p.target, 'archives'))}`,
  full: (p) => shellCommand(['dar', '-c', join(p.target, 'archives', 'full'), '-R', p.source, ...DAR_ORIGINAL_OPTIONS]),
  inc: (p) => shellCommand(['dar', '-c', join(p.target, 'archives', 'inc'), '-A', join(p.target, 'archives', 'full'), '-R', p.source, ...DAR_ORIGINAL_OPTIONS]),
  restore: (p) =>
    [
      shellCommand(['mkdir', '-p', p.restore]),
      shellCommand(['dar', '-x', join(p.target, 'archives', 'full'), '-R', p.restore, '-w', '-Q']),
      shellCommand(['dar', '-x', join(p.target, 'archives', 'inc'), '-R', p.restore, '-w', '-Q']),
    ].join(' && '),
  written: (p) => join(p.target, 'archives'),
};

/** GNU tar's listed-incremental mode gives the stream reference an INC and a restore of its chain. */
const tarZstd: Contender = {
  name: 'tar | zstd -3',
  requires: ['tar', 'zstd'],
  prepare: (p) => `mkdir -p ${q(join(p.target, 'archives'))}`,
  full: (p) => `set -o pipefail; tar --sparse --listed-incremental=${q(join(p.target, 'snar'))} -C ${q(p.source)} -cf - . | zstd -3 -q -o ${q(join(p.target, 'archives', 'full.tar.zst'))}`,
  inc: (p) =>
    `set -o pipefail; cp ${q(join(p.target, 'snar'))} ${q(join(p.target, 'snar.inc'))} && tar --sparse --listed-incremental=${q(join(p.target, 'snar.inc'))} -C ${q(p.source)} -cf - . | zstd -3 -q -o ${q(join(p.target, 'archives', 'inc.tar.zst'))}`,
  restore: (p) =>
    `set -o pipefail; mkdir -p ${q(p.restore)} && for part in full inc; do zstd -dc ${q(join(p.target, 'archives'))}/"$part".tar.zst | tar --listed-incremental=/dev/null -C ${q(p.restore)} -xf - || exit 1; done`,
  written: (p) => join(p.target, 'archives'),
};

/** How fast the tree can be read at all: tar into a pipe (tar skips reading into /dev/null itself). */
const readFloor: Contender = {
  name: 'tar | cat (read floor)',
  requires: ['tar'],
  full: (p) => `set -o pipefail; tar --sparse -C ${q(p.source)} -cf - . | cat >/dev/null`,
};

const restic: Contender = {
  name: 'restic',
  requires: ['restic'],
  env: (p) => ({ RESTIC_PASSWORD: 'backup-gen-bench', RESTIC_REPOSITORY: join(p.target, 'repo'), RESTIC_CACHE_DIR: join(p.target, 'cache') }),
  prepare: () => 'restic init --quiet',
  full: (p) => shellCommand(['restic', 'backup', '--quiet', '--host', 'bench', p.source]),
  inc: (p) => shellCommand(['restic', 'backup', '--quiet', '--host', 'bench', p.source]),
  restore: (p) => shellCommand(['restic', 'restore', 'latest', '--quiet', '--target', p.restore]),
  restoredRoot: (p) => join(p.restore, p.source),
  written: (p) => join(p.target, 'repo'),
};

const borg: Contender = {
  name: 'borg',
  requires: ['borg'],
  env: (p) => ({
    BORG_REPO: join(p.target, 'repo'),
    BORG_BASE_DIR: join(p.target, 'home'),
    BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
    BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
  }),
  prepare: () => 'borg init -e none',
  full: (p) => shellCommand(['borg', 'create', '--compression', 'zstd,3', '::full', p.source]),
  inc: (p) => shellCommand(['borg', 'create', '--compression', 'zstd,3', '::inc', p.source]),
  restore: (p) => `mkdir -p ${q(p.restore)} && cd ${q(p.restore)} && borg extract --sparse ::inc`,
  restoredRoot: (p) => join(p.restore, p.source.replace(/^\/+/, '')),
  written: (p) => join(p.target, 'repo'),
};

export const CONTENDERS: readonly Contender[] = [backupGen, darOriginal, tarZstd, readFloor, restic, borg];
export const BASELINE = backupGen.name;
