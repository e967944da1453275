// Simulator: changes to the source tree (add, modify, delete, rename, chmod, symlinks, odd names),
// each drawn from a step's own seed against the tree as it is now, so a step list replays.
import { chmodSync, mkdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { captureTree } from './tree.mjs';
import { makeRng } from './prng.mjs';

const ODD = [
  (n) => Buffer.from(`with space ${n}`),
  (n) => Buffer.from(`-dash${n}`),
  (n) => Buffer.from(`new\nline${n}`),
  (n) => Buffer.concat([Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(`latin${n}`)]),
  (n) => Buffer.from(`ünï ${n}`),
  (n) => Buffer.from(`star*?[${n}]`),
  (n) => Buffer.from(`quote'"\\${n}`),
];
const FILE_MODES = [0o644, 0o600, 0o755, 0o400, 0o640];
const DIR_MODES = [0o755, 0o700, 0o750];
const MAX_FILES = 40;

function freshName(world, rng) {
  world.names = (world.names ?? 0) + 1;
  return rng.chance(0.3) ? rng.pick(ODD)(world.names) : Buffer.from(`f${world.names}`);
}

function pathOf(world, key) {
  return Buffer.concat([Buffer.from(`${world.src}/`), Buffer.from(key, 'latin1')]);
}

function entriesOf(tree, type) {
  return [...tree].filter(([, e]) => e.type === type).map(([k]) => k);
}

function parentKey(rng, tree) {
  const dirs = ['', ...entriesOf(tree, 'dir')];
  return rng.pick(dirs);
}

function childPath(world, parent, name) {
  const prefix = parent === '' ? Buffer.alloc(0) : Buffer.from(`${parent}/`, 'latin1');
  return pathOf(world, Buffer.concat([prefix, name]).toString('latin1'));
}

function writeContent(path, rng) {
  writeFileSync(path, rng.bytes(rng.weighted([[3, rng.int(0, 400)], [2, rng.int(400, 4000)], [1, rng.int(4000, 9000)]])));
}

const OPERATIONS = {
  addFile(world, rng, tree) {
    const path = childPath(world, parentKey(rng, tree), freshName(world, rng));
    writeContent(path, rng);
    chmodSync(path, rng.pick(FILE_MODES));
  },
  addDir(world, rng, tree) {
    const path = childPath(world, parentKey(rng, tree), freshName(world, rng));
    mkdirSync(path);
    chmodSync(path, rng.pick(DIR_MODES));
  },
  addSymlink(world, rng, tree) {
    const keys = [...tree.keys()];
    const target = keys.length > 0 && rng.chance(0.7) ? Buffer.from(rng.pick(keys), 'latin1') : Buffer.from(`nowhere-${rng.int(0, 99)}`);
    symlinkSync(target, childPath(world, parentKey(rng, tree), freshName(world, rng)));
  },
  modify(world, rng, tree) {
    const files = entriesOf(tree, 'file');
    if (files.length === 0) return;
    const key = rng.pick(files);
    const path = pathOf(world, key);
    writeContent(path, rng);
    // Another second than any backup read it at: dar tells an INC's changes by mtime.
    const when = Date.now() / 1000 + rng.int(2, 100000);
    utimesSync(path, when, when);
  },
  remove(world, rng, tree) {
    const keys = [...tree].filter(([, e]) => e.type !== 'dir' || rng.chance(0.3)).map(([k]) => k);
    if (keys.length > 0) rmSync(pathOf(world, rng.pick(keys)), { recursive: true, force: true });
  },
  rename(world, rng, tree) {
    const keys = [...tree.keys()];
    if (keys.length === 0) return;
    const from = rng.pick(keys);
    const parent = parentKey(rng, tree);
    if (parent === from || parent.startsWith(`${from}/`)) return;
    renameSync(pathOf(world, from), childPath(world, parent, freshName(world, rng)));
  },
  chmod(world, rng, tree) {
    const keys = [...tree].filter(([, e]) => e.type !== 'symlink').map(([k]) => k);
    if (keys.length === 0) return;
    const key = rng.pick(keys);
    chmodSync(pathOf(world, key), tree.get(key).type === 'dir' ? rng.pick(DIR_MODES) : rng.pick(FILE_MODES));
  },
};

/** Applies `count` random changes drawn from seed; returns their names. */
export function changeSource(world, seed, count) {
  const rng = makeRng(seed);
  const done = [];
  for (let i = 0; i < count; i++) {
    const tree = captureTree(world.src);
    const files = entriesOf(tree, 'file').length;
    const name = files >= MAX_FILES
      ? rng.pick(['remove', 'modify', 'rename', 'chmod'])
      : rng.weighted([[4, 'addFile'], [1, 'addDir'], [1, 'addSymlink'], [4, 'modify'], [2, 'remove'], [2, 'rename'], [2, 'chmod']]);
    OPERATIONS[name](world, rng, tree);
    done.push(name);
  }
  return done;
}

/** The first tree: a dozen files in a few directories. */
export function seedSource(world) {
  const rng = makeRng((world.seed ^ 0x1234567) >>> 0);
  for (let i = 0; i < 3; i++) OPERATIONS.addDir(world, rng, captureTree(world.src));
  for (let i = 0; i < 10; i++) OPERATIONS.addFile(world, rng, captureTree(world.src));
  OPERATIONS.addSymlink(world, rng, captureTree(world.src));
}
