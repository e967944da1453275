// The benchmark's corpus (bench/): the plan is a pure function of the seed, the written tree is
// byte-identical for the same seed, source text compresses like source, and the 1 % change is
// seeded too.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planChange } from '../../bench/change.js';
import { sourceText } from '../../bench/corpus-content.js';
import { DEEP_DIRECTORY_DEPTH, planCorpus } from '../../bench/corpus-plan.js';
import { writeCorpus } from '../../bench/corpus-write.js';
import { manifestDifferences, manifestOf, treeDigest } from '../../bench/tree.js';

const hasCli = (command: string) => spawnSync('bash', ['-c', `command -v ${command}`]).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'bench-corpus-test.'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('planCorpus', () => {
  it('plans the same entries for the same seed and size', () => {
    expect(planCorpus('seed-a', 4 << 20)).toEqual(planCorpus('seed-a', 4 << 20));
  });

  it('plans other entries for another seed', () => {
    expect(planCorpus('seed-a', 4 << 20)).not.toEqual(planCorpus('seed-b', 4 << 20));
  });

  it('has every kind of file the issue names, unique paths, and directories deeper than 20', () => {
    const entries = planCorpus('seed-a', 8 << 20);
    const kinds = new Set(entries.map((entry) => entry.kind));
    expect([...kinds].sort()).toEqual(['gzip', 'log', 'media', 'random', 'source', 'sparse', 'symlink', 'xz', 'zip', 'zstd']);
    expect(new Set(entries.map((entry) => entry.path)).size).toBe(entries.length);
    const depth = Math.max(...entries.map((entry) => entry.path.split('/').length - 1));
    expect(depth).toBeGreaterThanOrEqual(DEEP_DIRECTORY_DEPTH);
    expect(DEEP_DIRECTORY_DEPTH).toBeGreaterThan(20);
  });
});

describe('sourceText', () => {
  it('is exactly the size asked for and the same for the same seed', () => {
    expect(sourceText('x', 5000)).toHaveLength(5000);
    expect(sourceText('x', 5000).equals(sourceText('x', 5000))).toBe(true);
  });

  it.skipIf(!hasCli('zstd'))('compresses 3-5x with zstd -3, as source code does (zstd CLI needed)', () => {
    const text = Buffer.concat(Array.from({ length: 40 }, (_, i) => sourceText(`file${i}`, 20_000)));
    const factor = text.length / spawnSync('zstd', ['-3', '-c'], { input: text, maxBuffer: 1 << 26 }).stdout.length;
    expect(factor).toBeGreaterThanOrEqual(3);
    expect(factor).toBeLessThanOrEqual(5);
  });
});

describe('writeCorpus', () => {
  it.skipIf(!hasCli('xz') || !hasCli('zstd'))('writes a byte-identical tree for the same seed (xz and zstd CLIs needed)', () => {
    const plan = planCorpus('identical', 2 << 20);
    writeCorpus(join(scratch, 'one'), plan);
    writeCorpus(join(scratch, 'two'), planCorpus('identical', 2 << 20));
    const one = manifestOf(join(scratch, 'one'));
    const two = manifestOf(join(scratch, 'two'));
    expect(manifestDifferences(one, two)).toEqual([]);
    expect(treeDigest(one)).toBe(treeDigest(two));
    expect(one.size).toBeGreaterThan(50);
  });
});

describe('planChange', () => {
  const files = Array.from({ length: 1000 }, (_, i) => `d${i % 10}/f${i}.txt`);

  it('picks 1 % of the files, split into modified, removed and added, the same for the same seed', () => {
    const plan = planChange('s', files);
    expect(plan).toEqual(planChange('s', files));
    expect(plan.modify.length + plan.remove.length + plan.add.length).toBe(10);
    expect(plan.modify.length).toBeGreaterThan(0);
    expect(plan.remove.length).toBeGreaterThan(0);
    expect(plan.add.length).toBeGreaterThan(0);
    expect(plan.modify.filter((path) => plan.remove.includes(path))).toEqual([]);
  });
});

describe('manifestDifferences', () => {
  it('names a missing, an unexpected and a changed path', () => {
    const expected = new Map([
      ['a', { type: 'file' as const, size: 1, digest: 'x' }],
      ['b', { type: 'file' as const, size: 1, digest: 'y' }],
    ]);
    const actual = new Map([
      ['b', { type: 'file' as const, size: 1, digest: 'z' }],
      ['c', { type: 'directory' as const, size: 0, digest: '' }],
    ]);
    expect(manifestDifferences(expected, actual)).toEqual(['missing: a', 'b: content differs', 'unexpected: c']);
  });
});
