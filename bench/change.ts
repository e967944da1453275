// The 1 % change between a FULL and an INC: a seeded choice of files to modify, delete and add
// (a third each), applied to the work copy, never to the user's directory. Files touched get
// fresh mtimes, as edits do.

import { closeSync, fstatSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sourceText } from './corpus-content.js';
import { SeededRandom } from './prng.js';

export interface ChangePlan {
  modify: string[];
  remove: string[];
  add: { path: string; size: number; seed: string }[];
}

/** Chooses the change among `files` (relative paths, in a fixed order). */
export function planChange(seed: string, files: readonly string[], fraction = 0.01): ChangePlan {
  const random = new SeededRandom(`${seed}:change`);
  const count = Math.max(3, Math.round(files.length * fraction));
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, files.length)) chosen.add(random.int(0, files.length - 1));
  const picked = [...chosen].map((index) => files[index] as string);
  const third = Math.ceil(picked.length / 3);
  const modify = picked.slice(0, third);
  const remove = picked.slice(third, 2 * third);
  const add = picked.slice(2 * third).map((beside, index) => ({
    path: `${dirname(beside)}/added${index}.txt`,
    size: random.logInt(200, 40_000),
    seed: `${seed}:added:${index}`,
  }));
  return { modify, remove, add };
}

/** Overwrites a piece in the middle and appends a line: the size and the content both change. */
function modifyFile(path: string, seed: string): void {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const patch = sourceText(seed, 256);
    writeSync(fd, patch, 0, Math.min(patch.length, size), Math.floor(size / 2));
    writeSync(fd, Buffer.from(`\n// changed by the benchmark (${seed})\n`), 0, undefined, Math.max(size, Math.floor(size / 2) + 256));
  } finally {
    closeSync(fd);
  }
}

export function applyChange(root: string, plan: ChangePlan): void {
  plan.modify.forEach((path, index) => modifyFile(join(root, path), `modify:${index}`));
  for (const path of plan.remove) rmSync(join(root, path), { force: true });
  for (const file of plan.add) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), sourceText(file.seed, file.size));
  }
}
