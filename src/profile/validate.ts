// Stage 2a, validate: RawProfile → typed values per section, with a diagnostic for every unknown
// section or key and every value its kind rejects. normalize.ts turns the result into a Profile.
import type { Diagnostic } from '../diagnostics.js';
import type { RawProfile, RawSection } from './raw.js';
import { SCHEMA, sectionSpecFor, type SectionSpec } from './schema.js';
import { didYouMean } from './suggest.js';
import { parseValue } from './values.js';

export interface TypedValue {
  value: unknown;
  line: number;
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

export function validateSections(raw: RawProfile): { sections: TypedSection[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const sections: TypedSection[] = [];
  for (const rawSection of raw.sections) {
    const spec = sectionSpecFor(rawSection.name);
    if (spec === undefined) {
      diagnostics.push(unknownSection(rawSection));
      continue;
    }
    sections.push(typeSection(rawSection, spec, diagnostics));
  }
  return { sections, diagnostics };
}

function unknownSection(section: RawSection): Diagnostic {
  const hint = /^volume$/i.test(section.name) ? '; a volume section needs a name: [volume NAME]' : didYouMean(section.name, SECTION_NAMES);
  return {
    severity: 'error',
    code: 'BG010',
    line: section.line,
    section: section.name,
    message: `unknown section; expected one of ${SECTION_NAMES.map((n) => `[${n}]`).join(', ')}${hint}`,
  };
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
    if (parsed.ok) typed.values.set(entry.key, { value: parsed.value, line: entry.line });
    else diagnostics.push({ ...where, code: keySpec.kind.code, message: parsed.message });
  }
  return typed;
}
