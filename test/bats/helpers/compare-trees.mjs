#!/usr/bin/env node
// Test helper: compares two directory trees the way a restore must reproduce them, and prints every
// difference. Usage: compare-trees.mjs EXPECTED ACTUAL. Exit 0 when identical, 1 on any difference,
// 2 on bad usage.
//
// Compared for every entry below the roots (the roots themselves are not: dar never saves -R's own
// inode): file type; permission bits (with setuid/setgid/sticky; not for symlinks, whose mode Linux
// ignores); owner and group; modification time to the nanosecond (symlinks and directories too);
// regular files' size and content; symlink targets; and the hard-link structure (which names share
// an inode). Names are handled as bytes, so spaces, quotes, newlines and non-ASCII are fine.
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync } from 'node:fs';

const [expectedRoot, actualRoot] = process.argv.slice(2);
if (expectedRoot === undefined || actualRoot === undefined || process.argv.length !== 4) {
  process.stderr.write('usage: compare-trees.mjs EXPECTED ACTUAL\n');
  process.exit(2);
}

const SLASH = Buffer.from('/');

/** Every entry below root: relative name (a Buffer) → { stat, full path }. */
function walk(root) {
  const entries = new Map();
  const visit = (relative) => {
    const directory = relative.length === 0 ? Buffer.from(root) : Buffer.concat([Buffer.from(root), SLASH, relative]);
    for (const name of readdirSync(directory, { encoding: 'buffer' }).sort(Buffer.compare)) {
      const childRelative = relative.length === 0 ? name : Buffer.concat([relative, SLASH, name]);
      const full = Buffer.concat([directory, SLASH, name]);
      const stat = lstatSync(full, { bigint: true });
      entries.set(childRelative.toString('latin1'), { name: childRelative, full, stat });
      if (stat.isDirectory()) visit(childRelative);
    }
  };
  visit(Buffer.alloc(0));
  return entries;
}

function show(name) {
  return JSON.stringify(name.toString('utf8'));
}

function typeOf(stat) {
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'directory';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  if (stat.isBlockDevice()) return 'block device';
  return 'character device';
}

function contentHash(path) {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** For each regular file: the sorted names that share its inode inside the tree, as one string. */
function linkGroups(entries) {
  const byInode = new Map();
  for (const [key, entry] of entries) {
    if (!entry.stat.isFile()) continue;
    const inode = `${entry.stat.dev}:${entry.stat.ino}`;
    byInode.set(inode, [...(byInode.get(inode) ?? []), key]);
  }
  const groups = new Map();
  for (const keys of byInode.values()) {
    const group = keys.sort().map((k) => show(entries.get(k).name)).join(', ');
    for (const key of keys) groups.set(key, group);
  }
  return groups;
}

const expected = walk(expectedRoot);
const actual = walk(actualRoot);
const expectedGroups = linkGroups(expected);
const actualGroups = linkGroups(actual);
const differences = [];
const differ = (name, what, want, got) => differences.push(`${show(name)}: ${what}: expected ${want}, found ${got}`);

for (const [key, want] of expected) {
  const got = actual.get(key);
  if (got === undefined) {
    differences.push(`${show(want.name)}: missing (expected a ${typeOf(want.stat)})`);
    continue;
  }
  const [a, b] = [want.stat, got.stat];
  if (typeOf(a) !== typeOf(b)) {
    differ(want.name, 'type', typeOf(a), typeOf(b));
    continue;
  }
  if (!a.isSymbolicLink() && (a.mode & 0o7777n) !== (b.mode & 0o7777n)) differ(want.name, 'mode', (a.mode & 0o7777n).toString(8), (b.mode & 0o7777n).toString(8));
  if (a.uid !== b.uid || a.gid !== b.gid) differ(want.name, 'owner', `${a.uid}:${a.gid}`, `${b.uid}:${b.gid}`);
  if (a.mtimeNs !== b.mtimeNs) differ(want.name, 'mtime (ns)', a.mtimeNs, b.mtimeNs);
  if (a.isSymbolicLink()) {
    const [ta, tb] = [readlinkSync(want.full, { encoding: 'buffer' }), readlinkSync(got.full, { encoding: 'buffer' })];
    if (!ta.equals(tb)) differ(want.name, 'symlink target', show(ta), show(tb));
  }
  if (a.isFile()) {
    if (a.size !== b.size) differ(want.name, 'size', a.size, b.size);
    else if (contentHash(want.full) !== contentHash(got.full)) differences.push(`${show(want.name)}: content differs`);
    if (expectedGroups.get(key) !== actualGroups.get(key)) differ(want.name, 'hard links', `[${expectedGroups.get(key)}]`, `[${actualGroups.get(key)}]`);
  }
}
for (const [key, got] of actual) {
  if (!expected.has(key)) differences.push(`${show(got.name)}: unexpected ${typeOf(got.stat)} (not in ${expectedRoot})`);
}

for (const line of differences) process.stdout.write(`${line}\n`);
process.exit(differences.length === 0 ? 0 : 1);
