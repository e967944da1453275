// Trees on disk: a manifest (every path with its type, size and content hash) to compare a restored
// tree with its source, and a walk that lists regular files for the 1 % change.

import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';

export interface ManifestEntry {
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  /** sha256 of a file's content, a symlink's target. */
  digest: string;
}

export type Manifest = Map<string, ManifestEntry>;

function hashFile(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Every path below root (relative, sorted), without root itself. */
export function walk(root: string, relative = '', into: string[] = []): string[] {
  const names = readdirSync(join(root, relative)).sort();
  for (const name of names) {
    const path = relative === '' ? name : `${relative}/${name}`;
    into.push(path);
    if (lstatSync(join(root, path)).isDirectory()) walk(root, path, into);
  }
  return into;
}

/** The regular files below root, sorted. */
export function regularFiles(root: string): string[] {
  return walk(root).filter((path) => lstatSync(join(root, path)).isFile());
}

export function manifestOf(root: string): Manifest {
  const manifest: Manifest = new Map();
  for (const path of walk(root)) {
    const full = join(root, path);
    const stat = lstatSync(full);
    if (stat.isFile()) manifest.set(path, { type: 'file', size: stat.size, digest: hashFile(full) });
    else if (stat.isDirectory()) manifest.set(path, { type: 'directory', size: 0, digest: '' });
    else if (stat.isSymbolicLink()) manifest.set(path, { type: 'symlink', size: 0, digest: readlinkSync(full) });
    else manifest.set(path, { type: 'other', size: stat.size, digest: '' });
  }
  return manifest;
}

/** One digest for the whole tree: names, types, sizes and contents. */
export function treeDigest(manifest: Manifest): string {
  const hash = createHash('sha256');
  for (const [path, entry] of manifest) hash.update(`${path}\0${entry.type}\0${entry.size}\0${entry.digest}\n`);
  return hash.digest('hex');
}

/** What differs between an expected and an actual manifest, at most `limit` lines. */
export function manifestDifferences(expected: Manifest, actual: Manifest, limit = 10): string[] {
  const problems: string[] = [];
  for (const [path, entry] of expected) {
    const other = actual.get(path);
    if (other === undefined) problems.push(`missing: ${path}`);
    else if (other.type !== entry.type) problems.push(`${path}: a ${other.type}, expected a ${entry.type}`);
    else if (other.size !== entry.size || other.digest !== entry.digest) problems.push(`${path}: content differs`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) problems.push(`unexpected: ${path}`);
  return problems.slice(0, limit).concat(problems.length > limit ? [`... and ${problems.length - limit} more`] : []);
}
