// Stage 2a, validate: RawProfile → typed values per section, with a diagnostic for every unknown
// section or key and every value its kind rejects. normalize.ts turns the result into a Profile.
import type { Diagnostic } from '../diagnostics.js';
import { applyDefaultSection } from './defaults.js';
import type { RawProfile, RawSection } from './raw.js';
import { SCHEMA, sectionSpecFor, type SectionSpec } from './schema.js';
import { didYouMean } from './suggest.js';
import { parseValue } from './values.js';

export interface TypedValue {
  value: unknown;
  line: number;
  /** From [DEFAULT]: given to every section that takes the key, so never "not used" here. */
  inherited?: true;
}

export interface TypedSection {
  name: string;
  line: number;
  spec: SectionSpec;
  /** Keys whose values parsed; a key with a bad value is absent (and has a diagnostic). */
  values: Map<string, TypedValue>;
  /** Every key written, good or bad, so "missing" is not reported for a key that was only wrong. */
  written: Set<string>;
}

const SECTION_NAMES = SCHEMA.map((s) => (s.name === 'volume NAME' ? 'volume NAME' : s.name));

export function validateSections(written: RawProfile): { sections: TypedSection[]; diagnostics: Diagnostic[] } {
  const { profile: raw, diagnostics } = applyDefaultSection(written);
  const sections: TypedSection[] = [];
  const byIdentity = new Map<string, RawSection>();
  for (const rawSection of raw.sections) {
    const spec = sectionSpecFor(rawSection.name);
    if (spec === undefined) {
      diagnostics.push(unknownSection(rawSection));
      continue;
    }
    const identity = sectionIdentity(rawSection.name, spec);
    const first = byIdentity.get(identity);
    if (first !== undefined) diagnostics.push(sectionCollision(rawSection, first, spec));
    else byIdentity.set(identity, rawSection);
    sections.push(typeSection(rawSection, spec, diagnostics));
  }
  return { sections, diagnostics };
}

/**
 * Sections are looked up case-insensitively, so [Backup] after [backup] would be silently ignored;
 * volume names that differ only in case or in "-" versus "_" share a set directory on a
 * case-insensitive file system, or a shell function (backup_a_b).
 */
function sectionIdentity(name: string, spec: SectionSpec): string {
  if (spec.name !== 'volume NAME') return spec.name;
  return `volume ${name.replace(/^volume\s+/, '').toLowerCase().replace(/-/g, '_')}`;
}

function sectionCollision(section: RawSection, first: RawSection, spec: SectionSpec): Diagnostic {
  const why = spec.name === 'volume NAME' ? 'volume names may not differ only in case or in "-" versus "_" (set directories and shell functions would collide)' : 'section names are not case-sensitive here; merge the two';
  return { severity: 'error', code: 'BG015', line: section.line, section: section.name, message: `same section as [${first.name}] on line ${first.line}: ${why}` };
}

function unknownSection(section: RawSection): Diagnostic {
  return {
    severity: 'error',
    code: 'BG010',
    line: section.line,
    section: section.name,
    message: `unknown section; expected one of ${SECTION_NAMES.map((n) => `[${n}]`).join(', ')}${unknownSectionHint(section.name)}`,
  };
}

function unknownSectionHint(name: string): string {
  const volume = /^volume\s+(\S.*)$/i.exec(name);
  // As in ConfigParser, the name is everything between "[" and "]": [ lvm ] is not [lvm].
  if (name.trim() !== name && sectionSpecFor(name.trim()) !== undefined) return `; the name is read exactly as written, white space included: write [${name.trim()}]`;
  if (name.toUpperCase() === 'DEFAULT') return '; the section of defaults for every section is [DEFAULT], in capitals';
  if (/^volume$/i.test(name)) return '; a volume section needs a name: [volume NAME]';
  if (volume !== null) return `; did you mean "volume ${volume[1]}"? ("volume" is lower-case)`;
  return didYouMean(name, SECTION_NAMES);
}

function typeSection(rawSection: RawSection, spec: SectionSpec, diagnostics: Diagnostic[]): TypedSection {
  const typed: TypedSection = { name: rawSection.name, line: rawSection.line, spec, values: new Map(), written: new Set() };
  const known = spec.keys.map((k) => k.key);
  for (const entry of rawSection.entries) {
    const keySpec = spec.keys.find((k) => k.key === entry.key);
    const where = { severity: 'error' as const, line: entry.line, section: rawSection.name, key: entry.key };
    if (keySpec === undefined) {
      diagnostics.push({ ...where, code: 'BG011', message: `unknown key; [${spec.name}] takes ${known.join(', ')}${didYouMean(entry.key, known)}` });
      continue;
    }
    typed.written.add(entry.key);
    const parsed = parseValue(keySpec.kind, entry.value);
    if (parsed.ok) typed.values.set(entry.key, { value: parsed.value, line: entry.line, ...(entry.inherited ? { inherited: true as const } : {}) });
    else diagnostics.push({ ...where, code: keySpec.kind.code, message: parsed.message });
  }
  return typed;
}
