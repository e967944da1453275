// A pure line diff: two texts → the unified diff GNU `diff -u` would print for them (Myers' O(ND)
// algorithm, after the common head and tail are set aside). Used by `check --script` to show how a
// deployed script differs from what its profile compiles to. No I/O, no dependency.

export type Edit = { kind: 'same' | 'delete' | 'insert'; line: string };

/**
 * Past this many differing lines (after the common head and tail) the middle is shown as all
 * deleted, then all inserted: still a correct diff, only not a minimal one, and the work and memory
 * (which grow with its square) stay small. Two scripts that far apart are not "a few edits" anyway.
 */
export const MAX_EDIT_DISTANCE = 4000;

/** Lines with their "\n"; only the last one may lack it (a text that does not end in a newline). */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

/** The edits that turn `a` into `b`: a shortest script of deletions and insertions, in order. */
export function diffLines(a: readonly string[], b: readonly string[], maxDistance = MAX_EDIT_DISTANCE): Edit[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const same = (lines: readonly string[]): Edit[] => lines.map((line) => ({ kind: 'same', line }));
  const middleA = a.slice(head, a.length - tail);
  const middleB = b.slice(head, b.length - tail);
  const middle = myers(middleA, middleB, maxDistance) ?? [
    ...middleA.map((line): Edit => ({ kind: 'delete', line })),
    ...middleB.map((line): Edit => ({ kind: 'insert', line })),
  ];
  return [...same(a.slice(0, head)), ...middle, ...same(a.slice(a.length - tail))];
}

/** Myers' greedy forward search, then a walk back through the saved frontiers; undefined past maxDistance. */
function myers(a: readonly string[], b: readonly string[], maxDistance: number): Edit[] | undefined {
  const n = a.length;
  const m = b.length;
  if (n + m === 0) return [];
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  // frontiers[d][k + d]: the furthest x on diagonal k after d edits.
  const frontiers: Int32Array[] = [];
  for (let d = 0; d <= Math.min(n + m, maxDistance); d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        frontiers.push(v.slice(offset - d, offset + d + 1));
        return walkBack(a, b, frontiers);
      }
    }
    frontiers.push(v.slice(offset - d, offset + d + 1));
  }
  return undefined;
}

function walkBack(a: readonly string[], b: readonly string[], frontiers: readonly Int32Array[]): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = frontiers.length - 1; d > 0; d--) {
    const previous = frontiers[d - 1] as Int32Array;
    const at = (k: number) => previous[k + d - 1] as number;
    const k = x - y;
    const previousK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      x--;
      y--;
      edits.push({ kind: 'same', line: a[x] as string });
    }
    if (x === previousX) edits.push({ kind: 'insert', line: b[previousY] as string });
    else edits.push({ kind: 'delete', line: a[previousX] as string });
    x = previousX;
    y = previousY;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    edits.push({ kind: 'same', line: a[x] as string });
  }
  return edits.reverse();
}

export interface DiffLabels {
  from: string;
  to: string;
}

/** GNU-style unified diff of two texts ('' when they are equal), with `context` lines around each change. */
export function unifiedDiff(from: string, to: string, labels: DiffLabels, context = 3): string {
  const edits = diffLines(splitLines(from), splitLines(to));
  const hunks = groupHunks(edits, context);
  if (hunks.length === 0) return '';
  const out = [`--- ${labels.from}\n`, `+++ ${labels.to}\n`];
  for (const hunk of hunks) out.push(hunkHeader(hunk), ...hunk.edits.map(renderEdit));
  return out.join('');
}

interface Hunk {
  /** Lines of each side before the hunk. */
  fromBefore: number;
  toBefore: number;
  edits: Edit[];
}

function groupHunks(edits: readonly Edit[], context: number): Hunk[] {
  const changes = edits.flatMap((e, i) => (e.kind === 'same' ? [] : [i]));
  const hunks: Hunk[] = [];
  let i = 0;
  while (i < changes.length) {
    let j = i;
    // Two changes share a hunk when the unchanged lines between them fit in both contexts.
    while (j + 1 < changes.length && (changes[j + 1] as number) - (changes[j] as number) - 1 <= 2 * context) j++;
    const start = Math.max(0, (changes[i] as number) - context);
    const end = Math.min(edits.length, (changes[j] as number) + context + 1);
    const before = edits.slice(0, start);
    hunks.push({
      fromBefore: before.filter((e) => e.kind !== 'insert').length,
      toBefore: before.filter((e) => e.kind !== 'delete').length,
      edits: edits.slice(start, end),
    });
    i = j + 1;
  }
  return hunks;
}

/** `@@ -START,LENGTH +START,LENGTH @@`, as GNU writes it: ",1" left out, an empty side starts at the line before. */
function hunkHeader(hunk: Hunk): string {
  const range = (before: number, length: number) => (length === 1 ? `${before + 1}` : `${length === 0 ? before : before + 1},${length}`);
  const fromLength = hunk.edits.filter((e) => e.kind !== 'insert').length;
  const toLength = hunk.edits.filter((e) => e.kind !== 'delete').length;
  return `@@ -${range(hunk.fromBefore, fromLength)} +${range(hunk.toBefore, toLength)} @@\n`;
}

function renderEdit(edit: Edit): string {
  const prefix = edit.kind === 'same' ? ' ' : edit.kind === 'delete' ? '-' : '+';
  return edit.line.endsWith('\n') ? `${prefix}${edit.line}` : `${prefix}${edit.line}\n\\ No newline at end of file\n`;
}
