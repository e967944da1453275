// src/diff.ts: the unified diff `check --script` shows. Its output is GNU diff -u's for the same
// texts (hunk ranges, context, the "No newline" marker), and its edit scripts are shortest ones.

import { describe, expect, it } from 'vitest';
import { diffLines, splitLines, unifiedDiff, type Edit } from '../../src/diff.js';

const LABELS = { from: 'A', to: 'B' };
const lines = (...l: string[]) => l.map((s) => `${s}\n`).join('');
const ALPHABET = lines(...'abcdefghijklm'.split(''));

describe('unifiedDiff: what GNU diff -u prints', () => {
  it.each([
    ['equal texts: nothing', ALPHABET, ALPHABET, ''],
    ['two empty texts: nothing', '', '', ''],
    ['one changed line: three lines of context, no context before line 1', lines('a', 'b', 'c', 'd', 'e'), lines('a', 'B', 'c', 'd', 'e'), ['--- A', '+++ B', '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' e', '']],
    [
      'changes far apart: two hunks; a missing final newline is marked',
      ALPHABET,
      `${lines('a', 'B', ...'cdefghijklm'.split(''))}n`,
      ['--- A', '+++ B', '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' e', '@@ -11,3 +11,4 @@', ' k', ' l', ' m', '+n', '\\ No newline at end of file', ''],
    ],
    ['changes six lines apart share one hunk', ALPHABET, lines('a', 'B', 'c', 'd', 'e', 'f', 'g', 'h', 'I', 'j', 'k', 'l', 'm'), ['--- A', '+++ B', '@@ -1,12 +1,12 @@', ' a', '-b', '+B', ' c', ' d', ' e', ' f', ' g', ' h', '-i', '+I', ' j', ' k', ' l', '']],
    ['from nothing: the "before" line of an empty side is 0', '', lines('x', 'y'), ['--- A', '+++ B', '@@ -0,0 +1,2 @@', '+x', '+y', '']],
    ['to nothing', lines('x'), '', ['--- A', '+++ B', '@@ -1 +0,0 @@', '-x', '']],
    ['only the final newline differs', lines('x', 'y'), 'x\ny', ['--- A', '+++ B', '@@ -1,2 +1,2 @@', ' x', '-y', '+y', '\\ No newline at end of file', '']],
    ['a deletion in the middle starts at its line', lines('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'), lines('a', 'b', 'c', 'd', 'f', 'g', 'h', 'i'), ['--- A', '+++ B', '@@ -2,7 +2,6 @@', ' b', ' c', ' d', '-e', ' f', ' g', ' h', '']],
  ] as [string, string, string, string | string[]][])('%s', (_name, from, to, expected) => {
    expect(unifiedDiff(from, to, LABELS)).toBe(Array.isArray(expected) ? expected.join('\n') : expected);
  });

  it('context 0 shows only the changed lines', () => {
    expect(unifiedDiff(lines('a', 'b', 'c'), lines('a', 'X', 'c'), LABELS, 0)).toBe(['--- A', '+++ B', '@@ -2 +2 @@', '-b', '+X', ''].join('\n'));
  });
});

describe('splitLines', () => {
  it.each([
    ['', []],
    ['a', ['a']],
    ['a\n', ['a\n']],
    ['a\n\nb', ['a\n', '\n', 'b']],
  ] as [string, string[]][])('%j', (text, expected) => {
    expect(splitLines(text)).toEqual(expected);
  });
});

/** A tiny deterministic generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The length of a longest common subsequence, by the textbook table (the reference for "shortest"). */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1] as number);
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

const side = (edits: readonly Edit[], kind: 'delete' | 'insert') => edits.filter((e) => e.kind !== kind).map((e) => e.line);

describe('diffLines on random texts', () => {
  it.each(Array.from({ length: 40 }, (_, i) => [i]))('seed %i: the edits rebuild both texts and are a shortest script', (seed) => {
    const next = random(seed + 1);
    const text = (length: number) => Array.from({ length }, () => 'abcd'[Math.floor(next() * 4)] as string);
    const a = text(Math.floor(next() * 30));
    const b = text(Math.floor(next() * 30));
    const edits = diffLines(a, b);
    expect(side(edits, 'insert')).toEqual(a);
    expect(side(edits, 'delete')).toEqual(b);
    expect(edits.filter((e) => e.kind === 'same')).toHaveLength(lcsLength(a, b));
  });

  it('past the distance limit: the middle is all deleted, then all inserted, and still rebuilds both texts', () => {
    const a = ['head', 'a1', 'a2', 'a3', 'tail'];
    const b = ['head', 'b1', 'b2', 'tail'];
    const edits = diffLines(a, b, 2);
    expect(edits.map((e) => `${e.kind} ${e.line}`)).toEqual(['same head', 'delete a1', 'delete a2', 'delete a3', 'insert b1', 'insert b2', 'same tail']);
  });

  it('two scripts of a few thousand lines with scattered edits: a small diff, quickly', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `line ${i}\n`);
    const b = a.map((l, i) => (i % 500 === 7 ? `changed ${l}` : l));
    const edits = diffLines(a, b);
    expect(edits.filter((e) => e.kind !== 'same')).toHaveLength(12);
  });
});
