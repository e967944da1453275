// Stage 1, parse, against the original's reader: every profile of the recorded corpus
// (fixtures/configparser/cases, recorded by generate.py with Python 2.7's ConfigParser.ConfigParser)
// reads as ConfigParser read it, or differs in a way listed below with its reason.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { decodeProfile } from '../../src/profile/decode.js';
import { parseProfileText } from '../../src/profile/parse.js';
import type { RawProfile } from '../../src/profile/raw.js';

const CORPUS = join(import.meta.dirname, 'fixtures', 'configparser');

interface Failure {
  class: string;
  message: string;
  /** Lines ConfigParser named (ParsingError, MissingSectionHeaderError). */
  lines?: number[];
}
type Got = { value: string } | { error: Failure };
type Reading = { error: Failure } | { sections: { name: string; options: [string, Got][] }[]; defaults: [string, Got][] };

const READINGS = (JSON.parse(readFileSync(join(CORPUS, 'readings.json'), 'utf8')) as { readings: Record<string, Reading> }).readings;

/** Files ConfigParser read that backup-gen refuses on purpose: the error we give, where, and why. */
const REFUSED: Record<string, { code: string; lines: number[]; why: string }> = {
  'duplicate-key.ini': { code: 'BG005', lines: [3], why: 'a repeated key is a mistake; the original silently kept the last' },
  'duplicate-key-case.ini': { code: 'BG005', lines: [3], why: 'keys are case-insensitive, so Target and target are the same key given twice' },
  'duplicate-key-reopened-section.ini': { code: 'BG005', lines: [5], why: 'a repeated section merges, so its key is given twice' },
  'duplicate-key-continuation.ini': { code: 'BG005', lines: [3], why: 'a repeated key is a mistake' },
  'section-repeated-overrides.ini': { code: 'BG005', lines: [4], why: 'a repeated section merges, so its key is given twice' },
  'control-escape.ini': { code: 'BG002', lines: [2], why: 'control characters are invisible in an editor and dangerous in a script' },
  'control-nul.ini': { code: 'BG002', lines: [2], why: 'control characters are invisible in an editor and dangerous in a script' },
  'control-del.ini': { code: 'BG002', lines: [2], why: 'control characters are invisible in an editor and dangerous in a script' },
  'control-carriage-return-inside.ini': { code: 'BG002', lines: [2], why: 'a carriage return inside a line hides what precedes it in a terminal' },
  'control-form-feed-line-start.ini': { code: 'BG002', lines: [3], why: 'a form feed is invisible; ConfigParser took it as the indentation of a continuation line' },
  'interpolation-defined.ini': { code: 'BG004', lines: [3], why: '%(name)s interpolation is not supported: a value is what is written' },
  'interpolation-upper-name.ini': { code: 'BG004', lines: [3], why: '%(name)s interpolation is not supported' },
  'interpolation-from-default.ini': { code: 'BG004', lines: [4], why: '%(name)s interpolation is not supported' },
  'interpolation-recursive.ini': { code: 'BG004', lines: [2, 3], why: '%(name)s interpolation is not supported' },
  'interpolation-in-continuation.ini': { code: 'BG004', lines: [4], why: '%(name)s interpolation is not supported' },
  'interpolation-name-key.ini': { code: 'BG004', lines: [2], why: '%(name)s interpolation is not supported (%(__name__)s was the section name)' },
  'percent-double-with-interpolation.ini': { code: 'BG004', lines: [3], why: '%(name)s interpolation is not supported (only with it did %% become %)' },
  'percent-escaped-interpolation-defined.ini': { code: 'BG004', lines: [3], why: '%%(x)s is not a literal: ConfigParser interpolated it twice, into the value of x' },
};

/** Files ConfigParser refused that backup-gen reads on purpose, and why. */
const ACCEPTED: Record<string, string> = {
  'file-bom.ini': 'a UTF-8 byte order mark (added by some Windows editors) is ignored; ConfigParser saw it as text before the first header',
  'file-bom-comment.ini': 'a UTF-8 byte order mark is ignored',
};

/** Our RawProfile seen the way ConfigParser shows a file: sections without [DEFAULT], whose keys every section also has. */
function asConfigParserSees(profile: RawProfile): { name: string; options: [string, string][] }[] {
  const defaults = profile.sections.find((s) => s.name === 'DEFAULT')?.entries ?? [];
  return profile.sections
    .filter((s) => s.name !== 'DEFAULT')
    .map((s) => {
      const own = new Set(s.entries.map((e) => e.key));
      const entries = [...s.entries, ...defaults.filter((e) => !own.has(e.key))];
      return { name: s.name, options: entries.map((e): [string, string] => [e.key, e.value]) };
    });
}

function read(file: string): { profile: RawProfile; errors: Diagnostic[] } {
  const decoded = decodeProfile(readFileSync(join(CORPUS, 'cases', file)));
  const parsed = parseProfileText(decoded.text);
  return { profile: parsed.profile, errors: [...decoded.diagnostics, ...parsed.diagnostics].filter((d) => d.severity === 'error') };
}

const FILES = Object.keys(READINGS).sort();
const AGREED = FILES.filter((f) => REFUSED[f] === undefined && ACCEPTED[f] === undefined);

describe('the corpus is complete', () => {
  it('has a reading for every case file and a case for every listed difference', () => {
    const cases = readdirCases();
    expect(cases).toEqual(FILES);
    for (const f of [...Object.keys(REFUSED), ...Object.keys(ACCEPTED)]) expect(FILES).toContain(f);
  });
});

describe('reads as ConfigParser.ConfigParser read it', () => {
  it.each(AGREED)('%s', (file) => {
    const reading = READINGS[file] as Reading;
    const { profile, errors } = read(file);
    if ('error' in reading) {
      // Both refuse the file; our first error is on the line ConfigParser complained about first.
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]?.line).toBe(reading.error.lines?.[0]);
      return;
    }
    const refusedByGet = expectedGetRefusals(reading);
    expect(errors.map((d) => `${d.code} ${d.key ?? ''}`).sort()).toEqual(refusedByGet.map((key) => `BG004 ${key}`).sort());
    const ours = asConfigParserSees(profile);
    const theirs = reading.sections.map((s) => ({
      name: s.name,
      options: s.options.map(([key, got]): [string, string] => [key, 'value' in got ? got.value : ours.find((o) => o.name === s.name)?.options.find(([k]) => k === key)?.[1] ?? '(absent)']),
    }));
    expect(ours).toEqual(theirs);
  });
});

describe('deliberate differences from ConfigParser', () => {
  it.each(Object.entries(REFUSED).map(([file, refusal]) => [file, refusal.why, refusal] as const))('refuses %s: %s', (file, _why, { code, lines }) => {
    const { errors } = read(file);
    expect(errors.map((d) => [d.code, d.line])).toEqual(lines.map((line) => [code, line]));
  });

  it.each(Object.entries(ACCEPTED))('accepts %s: %s', (file) => {
    const reading = READINGS[file] as Reading;
    expect('error' in reading).toBe(true);
    const { profile, errors } = read(file);
    expect(errors).toEqual([]);
    expect(asConfigParserSees(profile)).toEqual([{ name: 's', options: [['k', 'v']] }]);
  });
});

/** Keys whose .get() raised (interpolation gone wrong): each must be a BG004 of ours. */
function expectedGetRefusals(reading: Exclude<Reading, { error: Failure }>): string[] {
  const keys = new Set<string>();
  for (const s of reading.sections) for (const [key, got] of s.options) if ('error' in got) keys.add(key);
  for (const [key, got] of reading.defaults) if ('error' in got) keys.add(key);
  return [...keys];
}

function readdirCases(): string[] {
  return readdirSync(join(CORPUS, 'cases')).filter((f) => f.endsWith('.ini')).sort();
}
