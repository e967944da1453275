// Corpus stage, plan: (seed, size) -> the list of entries to write. Pure, so a test can check that
// the same seed always plans the same tree; corpus-write.ts turns the plan into files.

import { MEDIA_EXTENSIONS } from './corpus-content.js';
import { SeededRandom } from './prng.js';

export type CorpusEntry =
  | { kind: 'source'; path: string; size: number; seed: string }
  | { kind: 'random'; path: string; size: number; seed: string }
  | { kind: 'media'; path: string; size: number; seed: string; extension: string }
  | { kind: 'gzip' | 'xz' | 'zstd' | 'zip'; path: string; textSize: number; seed: string }
  | { kind: 'log'; path: string; size: number; seed: string }
  | { kind: 'sparse'; path: string; apparentSize: number; dataSize: number; seed: string }
  | { kind: 'symlink'; path: string; target: string };

/** Shares of the corpus's bytes. Source text is most of the files, not most of the bytes. */
const SHARES = { source: 0.33, deep: 0.02, random: 0.12, media: 0.12, gzip: 0.05, xz: 0.02, zstd: 0.04, zip: 0.05, log: 0.13, bigRandom: 0.12 } as const;

const SOURCE_EXTENSIONS = ['c', 'h', 'ts', 'py', 'js', 'rs', 'go', 'java', 'md', 'txt', 'json', 'html'];
const DIRECTORY_WORDS = ['src', 'lib', 'include', 'core', 'util', 'net', 'fs', 'mm', 'drivers', 'docs', 'test', 'api', 'ui', 'db', 'io', 'crypto', 'kernel', 'tools', 'share', 'pkg'];
/** How much text goes into an entry of each compressed kind, per byte of its planned size. */
const TEXT_PER_COMPRESSED_BYTE = 4;
export const DEEP_DIRECTORY_DEPTH = 24;

/** Adds entries of one kind until their bytes reach `budget`; sizes from `sizeOf`. */
function fill(budget: number, sizeOf: () => number, add: (size: number, index: number) => void): void {
  let used = 0;
  for (let index = 0; used < budget; index += 1) {
    const size = Math.min(sizeOf(), Math.max(1, budget - used));
    add(size, index);
    used += size;
  }
}

/** A directory of a source tree: one to five levels of names such as src/net/core3. */
function sourceDirectory(random: SeededRandom): string {
  const depth = random.int(1, 5);
  return Array.from({ length: depth }, (_, level) => `${random.pick(DIRECTORY_WORDS)}${level > 0 ? random.int(0, 9) : ''}`).join('/');
}

function planSources(random: SeededRandom, seed: string, budget: number, entries: CorpusEntry[]): void {
  let directory = sourceDirectory(random);
  fill(budget, () => random.logInt(120, 60_000), (size, index) => {
    if (index % 24 === 0) directory = sourceDirectory(random);
    const path = `tree/${directory}/file${index}.${random.pick(SOURCE_EXTENSIONS)}`;
    entries.push({ kind: 'source', path, size, seed: `${seed}:source:${index}` });
  });
}

function planDeep(seed: string, budget: number, entries: CorpusEntry[]): void {
  const levels = Array.from({ length: DEEP_DIRECTORY_DEPTH }, (_, level) => `level${level}`);
  fill(budget, () => 4096, (size, index) => {
    const depth = 1 + (index % DEEP_DIRECTORY_DEPTH);
    entries.push({ kind: 'source', path: `deep/${levels.slice(0, depth).join('/')}/note${index}.txt`, size, seed: `${seed}:deep:${index}` });
  });
}

function planBinaries(random: SeededRandom, seed: string, size: number, entries: CorpusEntry[]): void {
  fill(size * SHARES.random, () => random.logInt(4096, Math.max(8192, Math.min(8 << 20, size / 64))), (bytes, index) => {
    entries.push({ kind: 'random', path: `bin/${random.pick(['lib', 'obj', 'cache'])}/blob${index}.${random.pick(['so', 'o', 'bin', 'dat'])}`, size: bytes, seed: `${seed}:random:${index}` });
  });
  fill(size * SHARES.media, () => random.logInt(16_384, Math.max(32_768, Math.min(16 << 20, size / 32))), (bytes, index) => {
    const extension = random.pick(MEDIA_EXTENSIONS);
    entries.push({ kind: 'media', path: `media/${extension}/item${index}.${extension}`, size: bytes, seed: `${seed}:media:${index}`, extension });
  });
}

function planCompressed(random: SeededRandom, seed: string, size: number, entries: CorpusEntry[]): void {
  const kinds = [
    ['gzip', SHARES.gzip, ['gz', 'tgz']],
    ['xz', SHARES.xz, ['xz', 'txz']],
    ['zstd', SHARES.zstd, ['zst']],
    ['zip', SHARES.zip, ['zip', 'jar', 'deb', 'apk']],
  ] as const;
  for (const [kind, share, extensions] of kinds) {
    fill(size * share, () => random.logInt(8192, Math.max(16_384, Math.min(4 << 20, size / 128))), (bytes, index) => {
      const path = `packages/${kind}/archive${index}.${random.pick(extensions)}`;
      entries.push({ kind, path, textSize: bytes * TEXT_PER_COMPRESSED_BYTE, seed: `${seed}:${kind}:${index}` });
    });
  }
}

/** The whole corpus for `size` bytes (about: compressed kinds land near their share). */
export function planCorpus(seed: string, size: number): CorpusEntry[] {
  const random = new SeededRandom(`${seed}:plan`);
  const entries: CorpusEntry[] = [];
  planSources(random, seed, size * SHARES.source, entries);
  planDeep(seed, size * SHARES.deep, entries);
  planBinaries(random, seed, size, entries);
  planCompressed(random, seed, size, entries);
  entries.push({ kind: 'log', path: 'large/service.log', size: Math.round(size * SHARES.log), seed: `${seed}:log` });
  entries.push({ kind: 'random', path: 'large/disk-image.raw', size: Math.round(size * SHARES.bigRandom), seed: `${seed}:big` });
  // A VM image or database file: large apparent size, few MB of data.
  const dataSize = Math.max(1 << 20, Math.min(4 << 20, Math.round(size / 256)));
  entries.push({ kind: 'sparse', path: 'large/sparse.img', apparentSize: Math.max(64 << 20, size), dataSize, seed: `${seed}:sparse` });
  entries.push({ kind: 'symlink', path: 'tree/current-log', target: '../large/service.log' });
  entries.push({ kind: 'symlink', path: 'deep/shortcut', target: 'level0/level1/level2' });
  return entries;
}
