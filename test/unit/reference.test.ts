// The README's profile reference is generated from the schema (src/profile/reference.ts): the text
// between its markers must be exactly renderReference(), so the documentation cannot drift.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReference } from '../../src/profile/reference.js';
import { SCHEMA } from '../../src/profile/schema.js';
import { REPO_ROOT } from './fixtures/support.js';

const BEGIN = '<!-- BEGIN PROFILE REFERENCE -->';
const END = '<!-- END PROFILE REFERENCE -->';
const README = join(REPO_ROOT, 'README.md');

/** The text between the markers, without the line break that ends the BEGIN marker's line. */
function referenceInReadme(): string {
  const text = readFileSync(README, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  expect(begin, `README.md has no ${BEGIN}`).toBeGreaterThanOrEqual(0);
  expect(end, `README.md has no ${END} after ${BEGIN}`).toBeGreaterThan(begin);
  expect(text.indexOf(BEGIN, begin + 1), 'README.md has two BEGIN markers').toBe(-1);
  return text.slice(begin + BEGIN.length, end).replace(/^\n/, '');
}

describe('README profile reference', () => {
  it('README.md exists', () => {
    expect(existsSync(README)).toBe(true);
  });

  it('between its markers is exactly renderReference() (regenerate it from src/profile/reference.ts)', () => {
    expect(referenceInReadme()).toBe(renderReference());
  });

  it.each(SCHEMA.flatMap((s) => s.keys.map((k) => [s.name, k.key])))('documents [%s] %s', (section, key) => {
    const reference = renderReference();
    const sectionStart = reference.indexOf(`### \`[${section}]\``);
    expect(sectionStart).toBeGreaterThanOrEqual(0);
    expect(reference.slice(sectionStart)).toContain(`| \`${key}\` |`);
  });
});

describe("the README's table of diagnostic codes", () => {
  it('lists every code the compiler can give, and no other', () => {
    const sources = readdirSync(join(REPO_ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const emitted = new Set(sources.flatMap((f) => [...readFileSync(join(REPO_ROOT, 'src', f), 'utf8').matchAll(/'(BG\d{3})'/g)].map((m) => m[1])));
    const documented = [...readFileSync(README, 'utf8').matchAll(/^\| (BG\d{3}) \|/gm)].map((m) => m[1]);
    expect(documented).toEqual([...emitted].sort());
  });
});
