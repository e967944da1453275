// Property test of the whole pipeline: thousands of random mutations of valid profiles never make
// compileProfile throw; every diagnostic is located and coded; every accepted profile renders to a
// script that bash can parse. Seeded: a failure names the seed and case to replay it with
// PROPERTY_SEED=... (and PROPERTY_CASES=...).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compile.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { loadTemplates } from '../../src/emit/render.js';
import { SCHEMA } from '../../src/profile/schema.js';
import { bashSyntaxErrors, EXAMPLES_DIRECTORY, FIXTURE_PROFILES_DIRECTORY, prng, TEMPLATES_DIRECTORY } from './fixtures/support.js';

const SEED = Number(process.env.PROPERTY_SEED ?? 0x5eed2024);
const CASES = Number(process.env.PROPERTY_CASES ?? 3000);
/** Accepted profiles rendered to scripts (rendering is the slow part), and how many bash -n checks. */
const RENDERED = 400;
const BASH_CHECKED = 300;

const BASES = [
  ...readdirSync(EXAMPLES_DIRECTORY).filter((f) => f.endsWith('.ini')).map((f) => join(EXAMPLES_DIRECTORY, f)),
  ...readdirSync(FIXTURE_PROFILES_DIRECTORY).filter((f) => f.endsWith('.ini')).map((f) => join(FIXTURE_PROFILES_DIRECTORY, f)),
].map((path) => readFileSync(path, 'utf8'));

const KEYS = [...new Set(SCHEMA.flatMap((s) => s.keys.map((k) => k.key)))];
const JUNK_KEYS = ['foo', 'snaphot_size', 'Target', 'ENABLED', 'volume', 'a.b-c', 'x y', '', '[k]', '%(x)s'];
const SECTIONS = [
  ...SCHEMA.map((s) => `[${s.name === 'volume NAME' ? 'volume home' : s.name}]`),
  '[volume srv]', '[volume main]', '[volume a-b]', '[volume a_b]', '[volume Home]', '[volume]', '[volume 2024-01]', '[volume  home]',
  '[Backup]', '[LVM]', '[misc]', '[x', '[]', '[rsync] ; comment', '[lvm] trailing', '[a]b]',
];
const NASTY_VALUES = [
  '', ' ', '""', "''", '"', "'", '\\', '\\\\', '$(id)', '`id`', '${IFS}', '2G; rm -rf /', '2G ; comment', '%(home)s', '%%', '%', ';', '#', '[x]', '=', ':', '\t',
  '\u00a0', 'é', '日本', '😀', '\u2028', '\ufeff', '\u0000', '\u0007', '\u001b[2J', '\u007f', '\r', '../..', '/', '//', '/a/../b', '/tmp/x', '/srv/a b', '"a b" c', "'a", '"a',
  'a\\', '-rf', '--', '-g', 'rw', 'noatime,rw', 'noatime,nodev', '20%ORIGIN', '150%VG', '100%FREE', '0', '-1', '1e9', '99999999999999999999', '1.5T', '512',
  'snapshot', 'pvmove', 'root_tmeta', 'x'.repeat(130), 'true', 'off', 'yes', 'lvm', 'directory', 'zstd', 'none', '22', '9', 'week', 'month', '7 days', '5 runs', '0 runs',
  'main', 'data', 'root', 'home', 'root-backsnap', '/boot', '/media/backups/dar', '/media/backups/dar/x', '/mnt/nfs', 'etc home', '*.gz *~', 'host-', 'a/b', '.x',
];
const FRAGMENTS = ['=', ':', ';', ' ; x', '#', '"', "'", '\\', '[', ']', '%', '%(', ' ', '\t', '\n', '\n  ', '\r', '\u0000', 'é', '$(', '`', '-', '/', '..'];

type Mutation = (lines: string[], random: () => number) => string[];

function mutations(): Mutation[] {
  const index = (lines: string[], random: () => number) => Math.floor(random() * Math.max(lines.length, 1));
  const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;
  const insertAt = (lines: string[], at: number, ...inserted: string[]) => [...lines.slice(0, at), ...inserted, ...lines.slice(at)];
  return [
    /* drop a line */ (l, r) => l.filter((_, i) => i !== index(l, r)),
    /* duplicate a line */ (l, r) => {
      const i = index(l, r);
      return insertAt(l, i, l[i] ?? '');
    },
    /* swap two lines */ (l, r) => {
      const [i, j] = [index(l, r), index(l, r)];
      const copy = [...l];
      [copy[i], copy[j]] = [copy[j] ?? '', copy[i] ?? ''];
      return copy;
    },
    /* garble a line: insert, delete or replace characters */ (l, r) => {
      const i = index(l, r);
      let line = l[i] ?? '';
      for (let n = 1 + Math.floor(r() * 3); n > 0; n--) {
        const at = Math.floor(r() * (line.length + 1));
        const op = r();
        if (op < 0.4) line = line.slice(0, at) + pick(FRAGMENTS, r) + line.slice(at);
        else if (op < 0.7) line = line.slice(0, at) + line.slice(at + 1 + Math.floor(r() * 4));
        else line = line.slice(0, at) + pick(FRAGMENTS, r) + line.slice(at + 1);
      }
      return l.map((x, k) => (k === i ? line : x));
    },
    /* replace the value of an entry */ (l, r) => {
      const entries = l.map((x, i) => [x, i] as const).filter(([x]) => /^[A-Za-z_]+\s*[=:]/.test(x));
      if (entries.length === 0) return l;
      const [line, i] = pick(entries, r);
      const key = line.split(/[=:]/)[0] as string;
      return l.map((x, k) => (k === i ? `${key}= ${pick(NASTY_VALUES, r)}` : x));
    },
    /* insert an entry, known key or junk */ (l, r) => insertAt(l, index(l, r), `${r() < 0.8 ? pick(KEYS, r) : pick(JUNK_KEYS, r)} ${r() < 0.8 ? '=' : ':'} ${pick(NASTY_VALUES, r)}`),
    /* insert a section header, sometimes with entries */ (l, r) => insertAt(l, r() < 0.5 ? l.length : index(l, r), pick(SECTIONS, r), ...(r() < 0.5 ? [`${pick(KEYS, r)} = ${pick(NASTY_VALUES, r)}`] : [])),
    /* indent a line: it becomes a continuation */ (l, r) => {
      const i = index(l, r);
      return l.map((x, k) => (k === i ? `${r() < 0.5 ? '  ' : '\t'}${x}` : x));
    },
    /* change the case of a line */ (l, r) => {
      const i = index(l, r);
      return l.map((x, k) => (k === i ? (r() < 0.5 ? x.toUpperCase() : x.toLowerCase()) : x));
    },
    /* blank lines and comments */ (l, r) => insertAt(l, index(l, r), pick(['', '  ', '# c', '; c', '  ; indented comment', 'REM x'], r)),
    /* truncate the profile */ (l, r) => l.slice(0, index(l, r)),
    /* a continuation line with a nasty value */ (l, r) => insertAt(l, index(l, r) + 1, `  ${pick(NASTY_VALUES, r)}`),
  ];
}

function randomProfile(random: () => number, mutators: Mutation[]): string {
  let lines = (BASES[Math.floor(random() * BASES.length)] as string).split('\n');
  const count = random() < 0.15 ? 0 : 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) lines = (mutators[Math.floor(random() * mutators.length)] as Mutation)(lines, random);
  const text = lines.join('\n');
  const ending = random();
  if (ending < 0.05) return text.replace(/\n/g, '\r\n');
  if (ending < 0.08) return `\ufeff${text}`;
  return text;
}

describe('random profiles', () => {
  it(`${CASES} mutated profiles: no throw, located diagnostics, scripts bash can parse (seed ${SEED})`, () => {
    const random = prng(SEED);
    const mutators = mutations();
    const templates = loadTemplates(TEMPLATES_DIRECTORY);
    const scripts = new Map<string, string>();
    let accepted = 0;
    let rejected = 0;
    for (let n = 0; n < CASES; n++) {
      const text = randomProfile(random, mutators);
      const replay = `seed ${SEED}, case ${n} (PROPERTY_SEED=${SEED}); profile:\n${text}`;
      const render = accepted < RENDERED;
      let result;
      try {
        result = compileProfile(text, { profileName: 'p.ini', templates: render ? templates : undefined });
      } catch (error) {
        throw new Error(`compileProfile threw ${String(error)}\n${replay}`);
      }
      const lineCount = text.split('\n').length;
      for (const d of result.diagnostics) {
        expect(d.code, replay).toMatch(/^BG\d{3}$/);
        expect(['error', 'warning'], replay).toContain(d.severity);
        expect(Number.isInteger(d.line) && d.line >= 0 && d.line <= lineCount, `line ${d.line} of ${lineCount}: ${replay}`).toBe(true);
        expect(d.message.length, replay).toBeGreaterThan(0);
        expect(formatDiagnostic('p.ini', d), replay).not.toMatch(/[\n\r]/);
      }
      expect(result.diagnostics.map((d) => d.line), replay).toEqual([...result.diagnostics.map((d) => d.line)].sort((a, b) => a - b));
      const hasErrors = result.diagnostics.some((d) => d.severity === 'error');
      expect(result.plan === undefined, replay).toBe(hasErrors);
      if (hasErrors) {
        rejected++;
        expect(result.script, replay).toBeUndefined();
        continue;
      }
      accepted++;
      if (render) {
        expect(typeof result.script, replay).toBe('string');
        if (scripts.size < BASH_CHECKED) scripts.set(replay, result.script as string);
      }
    }
    // A property that only ever saw rejections, or only acceptances, would prove little.
    expect(accepted, `seed ${SEED}`).toBeGreaterThan(CASES / 10);
    expect(rejected, `seed ${SEED}`).toBeGreaterThan(CASES / 10);
    const failures = bashSyntaxErrors(scripts);
    const first = [...failures][0];
    expect(failures.size, first === undefined ? '' : `bash -n: ${first[1]}\n${first[0]}`).toBe(0);
  }, 120_000);
});
