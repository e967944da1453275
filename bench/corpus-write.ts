// Corpus stage, write: a plan (corpus-plan.ts) -> files under a directory. The only bytes not made
// in Node are xz's and zstd's, which come from their CLIs (real archives, as a system holds).

import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, symlinkSync, utimesSync, writeFileSync, writeSync, ftruncateSync, lutimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipBytes, logText, mediaBytes, sourceText, zipLikeBytes } from './corpus-content.js';
import type { CorpusEntry } from './corpus-plan.js';
import { randomBytesFromSeed } from './prng.js';

/** Every file and directory gets this mtime: the same seed then gives the same tar stream too. */
export const CORPUS_MTIME = new Date(Date.UTC(2024, 0, 1, 12, 0, 0));

function compressWith(command: 'xz' | 'zstd', input: Buffer): Buffer {
  // -T1: one thread, so the output does not depend on the core count.
  const args = command === 'xz' ? ['-T1', '-1', '-c'] : ['-T1', '-3', '-q', '-c'];
  return execFileSync(command, args, { input, maxBuffer: 1 << 30 });
}

function writeSparse(path: string, apparentSize: number, dataSize: number, seed: string): void {
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, apparentSize);
    // Four islands of data, the rest holes.
    const island = Math.floor(dataSize / 4);
    for (let i = 0; i < 4; i += 1) {
      writeSync(fd, randomBytesFromSeed(`${seed}:${i}`, island), 0, island, Math.floor((apparentSize / 4) * i));
    }
  } finally {
    closeSync(fd);
  }
}

function entryBytes(entry: Exclude<CorpusEntry, { kind: 'sparse' | 'symlink' }>): Buffer {
  switch (entry.kind) {
    case 'source':
      return sourceText(entry.seed, entry.size);
    case 'random':
      return randomBytesFromSeed(entry.seed, entry.size);
    case 'media':
      return mediaBytes(entry.seed, entry.size, entry.extension);
    case 'log':
      return logText(entry.seed, entry.size);
    case 'gzip':
      return gzipBytes(entry.seed, entry.textSize);
    case 'zip':
      return zipLikeBytes(entry.seed, entry.textSize);
    case 'xz':
    case 'zstd':
      return compressWith(entry.kind, sourceText(entry.seed, entry.textSize));
  }
}

/** Large entries are written in pieces so that a 1 GiB corpus never needs 1 GiB of memory. */
function writeLarge(path: string, entry: { kind: 'log' | 'random'; size: number; seed: string }): void {
  const piece = 16 << 20;
  const fd = openSync(path, 'w');
  try {
    for (let offset = 0, index = 0; offset < entry.size; offset += piece, index += 1) {
      const length = Math.min(piece, entry.size - offset);
      const seed = `${entry.seed}:${index}`;
      writeSync(fd, entry.kind === 'log' ? logText(seed, length) : randomBytesFromSeed(seed, length));
    }
  } finally {
    closeSync(fd);
  }
}

function writeEntry(root: string, entry: CorpusEntry, directories: Set<string>): void {
  const path = join(root, entry.path);
  const directory = dirname(path);
  if (!directories.has(directory)) {
    mkdirSync(directory, { recursive: true });
    directories.add(directory);
  }
  if (entry.kind === 'symlink') {
    symlinkSync(entry.target, path);
    lutimesSync(path, CORPUS_MTIME, CORPUS_MTIME);
    return;
  }
  if (entry.kind === 'sparse') writeSparse(path, entry.apparentSize, entry.dataSize, entry.seed);
  else if ((entry.kind === 'log' || entry.kind === 'random') && entry.size > 32 << 20) writeLarge(path, entry);
  else writeFileSync(path, entryBytes(entry));
  utimesSync(path, CORPUS_MTIME, CORPUS_MTIME);
}

/** Writes the plan under root (which must not exist yet or be empty). */
export function writeCorpus(root: string, entries: readonly CorpusEntry[]): void {
  mkdirSync(root, { recursive: true });
  const directories = new Set<string>([root]);
  for (const entry of entries) writeEntry(root, entry, directories);
  // Directories last, deepest first: writing a file changes its directory's mtime.
  for (const directory of [...directories].sort((a, b) => b.length - a.length)) utimesSync(directory, CORPUS_MTIME, CORPUS_MTIME);
}
