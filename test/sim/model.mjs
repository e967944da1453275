// Simulator: the model of what was published: each archive's tree, chain and files (with their
// hashes), what prune deleted, what the simulator damaged, what was once good on the mirror.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PREFIX } from './world.mjs';

export function hashFile(path) {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

export function monthOf(name) {
  return name.slice(PREFIX.length, PREFIX.length + 7);
}

/** The files an archive consists of in its month directory: NAME.N.dar and NAME.N.dar.sha512. */
export function archiveFiles(root, name) {
  const month = monthOf(name);
  let names = [];
  try {
    names = readdirSync(join(root, month));
  } catch {
    return [];
  }
  const pattern = /^\d+\.dar(\.sha512)?$/;
  return names.filter((f) => f.startsWith(`${name}.`) && pattern.test(f.slice(name.length + 1))).map((f) => `${month}/${f}`);
}

export function readLines(path) {
  try {
    return readFileSync(path, 'latin1').split('\n').filter((l) => l.length > 0);
  } catch {
    return null;
  }
}

export class Model {
  constructor() {
    this.archives = new Map(); // name → {name, parent, kind, epoch, seq, tree, uncertain, files: Map rel → hash}
    this.order = []; // names, in the order they were published
    this.attempted = new Map(); // name → {tree, uncertain}: every archive a run announced, published or not
    this.pruned = new Set();
    this.target = new Map(); // rel → hash: published files that must not change (minus damaged, pruned)
    this.mirrorGood = new Map(); // rel → hash: files once good on the mirror (minus damaged there)
    this.mirrorEverGood = new Set(); // rel: files that were good on the mirror at some point
    this.damage = []; // {step, where, what, file}
    this.bookkeepingDamaged = new Set(); // "target:2024-05", "mirror:2024-05"
    this.clockWentBack = false;
    this.kills = 0;
  }

  publish(world, { name, parent, kind, epoch, tree, uncertain, step }) {
    const files = new Map();
    for (const rel of archiveFiles(world.target, name)) {
      const hash = hashFile(join(world.target, rel));
      files.set(rel, hash);
      this.target.set(rel, hash);
    }
    this.archives.set(name, { name, parent, kind, epoch, seq: this.order.length, tree, uncertain, files, step });
    this.order.push(name);
  }

  /** The archives NAME needs, its FULL first (as the runs announced them). */
  chainOf(name) {
    const chain = [];
    for (let a = this.archives.get(name); a; a = a.parent ? this.archives.get(a.parent) : null) chain.unshift(a);
    return chain;
  }

  /** Every file (or, slicesOnly, every .dar slice) of NAME's chain is on `where` with its published bytes. */
  chainIntact(world, name, where, { slicesOnly = false } = {}) {
    const root = where === 'mirror' ? world.mirror : world.target;
    const chain = this.chainOf(name);
    if (chain.length === 0 || chain[0].kind !== 'FULL') return false;
    return chain.every((a) => !this.pruned.has(a.name) && a.files.size > 0
      && [...a.files].every(([rel, hash]) => (slicesOnly && rel.endsWith('.sha512')) || hashFile(join(root, rel)) === hash));
  }

  /** NAME can be restored from `where` by any reasonable script: intact, bookkeeping untouched, not pruned, exact tree. */
  restorable(world, name, where) {
    const chain = this.chainOf(name);
    return this.chainIntact(world, name, where) && chain.every((a) => !a.uncertain
      && !this.bookkeepingDamaged.has(`${where}:${monthOf(a.name)}`));
  }

  live() {
    return this.order.filter((n) => !this.pruned.has(n));
  }

  /** Files of live published archives that are missing or changed on `where`. */
  damagedFiles(world, where) {
    const root = where === 'mirror' ? world.mirror : world.target;
    const bad = [];
    for (const name of this.live()) {
      for (const [rel, hash] of this.archives.get(name).files) {
        if (where === 'mirror' && !this.mirrorEverGood.has(rel)) continue;
        if (hashFile(join(root, rel)) !== hash) bad.push(rel);
      }
    }
    return bad;
  }

  /** Reads each month's "pruned" file; an archive whose month directory is gone was pruned with it. */
  notePrunes(world) {
    const newly = [];
    for (const name of this.live()) {
      const monthDir = join(world.target, monthOf(name));
      const listed = (readLines(join(monthDir, 'pruned')) ?? []).some((l) => l.split(' ')[0] === name);
      if (listed || !existsSync(monthDir)) {
        this.pruned.add(name);
        newly.push(name);
        for (const rel of this.archives.get(name).files.keys()) this.target.delete(rel);
      }
    }
    return newly;
  }
}
