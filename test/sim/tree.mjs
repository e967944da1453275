// Simulator: a directory tree as data (name → type, mode, content hash, link target), and the
// differences between two of them. Names are bytes (latin1 keys), so any name survives.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';

const SLASH = Buffer.from('/');

function join(a, b) {
  return a.length === 0 ? b : Buffer.concat([a, SLASH, b]);
}

function describe(full, stat) {
  if (stat.isSymbolicLink()) return { type: 'symlink', target: readlinkSync(full, { encoding: 'buffer' }).toString('latin1') };
  if (stat.isDirectory()) return { type: 'dir', mode: stat.mode & 0o7777 };
  if (stat.isFile()) {
    const hash = createHash('sha256').update(readFileSync(full)).digest('hex');
    return { type: 'file', mode: stat.mode & 0o7777, hash, size: stat.size };
  }
  return { type: 'other', mode: stat.mode & 0o7777 };
}

/** Every entry below root (root itself excluded): Map latin1(relative name) → description. */
export function captureTree(root) {
  const entries = new Map();
  const rootBuffer = Buffer.from(root);
  const visit = (relative) => {
    const directory = join(rootBuffer, relative);
    for (const name of readdirSync(directory, { encoding: 'buffer' })) {
      const childRelative = join(relative, name);
      const full = join(rootBuffer, childRelative);
      const stat = lstatSync(full);
      entries.set(childRelative.toString('latin1'), describe(full, stat));
      if (stat.isDirectory()) visit(childRelative);
    }
  };
  visit(Buffer.alloc(0));
  return entries;
}

export function showName(key) {
  return JSON.stringify(Buffer.from(key, 'latin1').toString('utf8'));
}

function sameEntry(a, b) {
  if (a.type !== b.type) return `type ${a.type} → ${b.type}`;
  if (a.type === 'symlink') return a.target === b.target ? null : `link target ${showName(a.target)} → ${showName(b.target)}`;
  if (a.mode !== b.mode) return `mode ${a.mode.toString(8)} → ${b.mode.toString(8)}`;
  if (a.type === 'file' && a.hash !== b.hash) return `content differs (size ${a.size} → ${b.size})`;
  return null;
}

/** Entries of tree at or below one of keys, plus the directories above them (names only). */
export function subtree(tree, keys) {
  const result = new Map();
  for (const [name, entry] of tree) {
    if (keys.some((k) => name === k || name.startsWith(`${k}/`))) result.set(name, entry);
  }
  return result;
}

/** Differences from expected to actual, as readable lines; [] when equal. ignore(name): skip it. */
export function diffTrees(expected, actual, ignore = () => false) {
  const problems = [];
  for (const [name, entry] of expected) {
    if (ignore(name)) continue;
    const other = actual.get(name);
    if (!other) problems.push(`missing ${showName(name)}`);
    else {
      const why = sameEntry(entry, other);
      if (why) problems.push(`${showName(name)}: ${why}`);
    }
  }
  for (const name of actual.keys()) {
    if (!expected.has(name) && !ignore(name)) problems.push(`unexpected ${showName(name)}`);
  }
  return problems;
}
