// Stage 2a, first step: RawProfile with a [DEFAULT] section → RawProfile without it, each of its
// keys copied into the sections that take it. ConfigParser's get(section, key) looked the key up
// in the section, then in [DEFAULT], and the original only ever asked for keys it knew, in sections
// the file had (a missing section was NoSectionError, or "not configured"). So a [DEFAULT] key
// reaches a section only if that section is in the file, the schema knows the key there, and the
// section does not set it itself; anywhere else it would only be an unknown-key error that the
// original never raised. Each use is a warning, since an edit to [DEFAULT] changes several sections.

import type { Diagnostic } from '../diagnostics.js';
import type { RawEntry, RawProfile, RawSection } from './raw.js';
import { SCHEMA, sectionSpecFor } from './schema.js';
import { didYouMean } from './suggest.js';

/** ConfigParser's DEFAULTSECT, matched exactly: [default] is an ordinary section. */
export const DEFAULT_SECTION = 'DEFAULT';

const EVERY_KEY = [...new Set(SCHEMA.flatMap((s) => s.keys.map((k) => k.key)))];

export function applyDefaultSection(raw: RawProfile): { profile: RawProfile; diagnostics: Diagnostic[] } {
  const defaults = raw.sections.filter((s) => s.name === DEFAULT_SECTION);
  const sections = raw.sections.filter((s) => s.name !== DEFAULT_SECTION).map((s) => ({ ...s, entries: [...s.entries] }));
  const diagnostics: Diagnostic[] = [];
  for (const entry of defaults.flatMap((s) => s.entries)) {
    const takers = sections.filter((s) => takesFromDefault(s, entry.key));
    for (const section of takers) section.entries.push({ ...entry, inherited: true });
    diagnostics.push(describeUse(entry, takers));
  }
  return { profile: { sections }, diagnostics };
}

function takesFromDefault(section: RawSection, key: string): boolean {
  const spec = sectionSpecFor(section.name);
  return spec !== undefined && spec.keys.some((k) => k.key === key) && !section.entries.some((e) => e.key === key);
}

function describeUse(entry: RawEntry, takers: RawSection[]): Diagnostic {
  const where = { line: entry.line, section: DEFAULT_SECTION, key: entry.key };
  if (!EVERY_KEY.includes(entry.key)) {
    return { ...where, severity: 'error', code: 'BG011', message: `unknown key: no section takes it, so [DEFAULT] gives it to none${didYouMean(entry.key, EVERY_KEY)}` };
  }
  if (takers.length === 0) {
    return { ...where, severity: 'warning', code: 'BG047', message: 'given to no section: every section here that takes it sets it itself, or none that takes it is in the profile; delete it from [DEFAULT]' };
  }
  const names = takers.map((s) => `[${s.name}]`).join(', ');
  return { ...where, severity: 'warning', code: 'BG047', message: `given to ${names}, as the original's ConfigParser looked up there a key a section did not set; write it in ${takers.length === 1 ? 'that section' : 'each of them'} instead to make that plain` };
}
