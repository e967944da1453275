// Stage 1, parse: profile text → RawProfile with line numbers.
// Reads the dialect Python 2.7's ConfigParser accepted, because existing users' profiles were
// written for it. Where ConfigParser silently guessed (repeated keys, bare keys, stray text) we
// report an error instead, and we collect every problem rather than stopping at the first.

import type { Diagnostic } from '../diagnostics.js';
import type { RawEntry, RawProfile, RawSection } from './raw.js';

const KEY_RE = /^[a-z0-9_.-]+$/;
// Tab is allowed: it is ordinary indentation. Everything else below U+0020, and DEL, would be
// invisible in an editor and dangerous once pasted into a generated shell script.
const CONTROL_RE = /[\u0000-\u0008\u000a-\u001f\u007f]/;

interface SectionState {
  raw: RawSection;
  keys: Map<string, RawEntry>;
}

interface State {
  profile: RawProfile;
  diagnostics: Diagnostic[];
  byName: Map<string, SectionState>;
  /** Undefined before the first header, and after a header we could not read. */
  section: SectionState | undefined;
  /** After an unreadable header its entries are dropped quietly: the header error explains them. */
  badHeader: boolean;
  /** Entry that indented lines extend; 'swallow' after a line already reported as an error. */
  open: RawEntry | 'swallow' | undefined;
}

export function parseProfileText(text: string): { profile: RawProfile; diagnostics: Diagnostic[] } {
  const state: State = {
    profile: { sections: [] },
    diagnostics: [],
    byName: new Map(),
    section: undefined,
    badHeader: false,
    open: undefined,
  };
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => parseLine(state, raw.endsWith('\r') ? raw.slice(0, -1) : raw, i + 1));
  return { profile: state.profile, diagnostics: state.diagnostics };
}

function parseLine(state: State, line: string, n: number): void {
  const control = CONTROL_RE.exec(line);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    fail(state, 'BG002', n, `expected printable text, found control character U+${code} at column ${control.index + 1}`);
    return;
  }
  const trimmed = line.trim();
  // A blank or comment line ends a continuation (Python 2.7 let it run on; simpler to reason about).
  if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
    state.open = undefined;
  } else if (line.startsWith(' ') || line.startsWith('\t')) {
    parseContinuation(state, line, n);
  } else if (line.startsWith('[')) {
    parseHeader(state, line, n);
  } else {
    parseEntry(state, line, n);
  }
}

function parseHeader(state: State, line: string, n: number): void {
  state.open = undefined;
  // Strip the comment first so a "]" inside it is not taken as the closing bracket.
  const text = stripInlineComment(line).trimEnd();
  const close = text.lastIndexOf(']');
  const name = close < 0 ? '' : text.slice(1, close).trim();
  let problem: string | undefined;
  if (close < 0) problem = `expected "]" to close the section header, found ${quote(line)}`;
  else if (text.slice(close + 1).trim() !== '') problem = `expected nothing after "]" but a " ;" comment, found ${quote(line)}`;
  else if (name === '') problem = `expected a section name between "[" and "]", found ${quote(line)}`;
  if (problem !== undefined) {
    state.section = undefined;
    state.badHeader = true;
    fail(state, 'BG001', n, problem);
    return;
  }
  state.badHeader = false;
  state.section = state.byName.get(name) ?? openSection(state, name, n);
}

function openSection(state: State, name: string, n: number): SectionState {
  // A repeated section name merges into the first, as ConfigParser did.
  const section: SectionState = { raw: { name, line: n, entries: [] }, keys: new Map() };
  state.profile.sections.push(section.raw);
  state.byName.set(name, section);
  return section;
}

function parseEntry(state: State, line: string, n: number): void {
  state.open = 'swallow'; // replaced below once the entry is accepted
  const sep = line.search(/[=:]/);
  if (sep < 0) {
    reportNoSeparator(state, line.trim(), n);
    return;
  }
  const key = line.slice(0, sep).trim().toLowerCase();
  if (!KEY_RE.test(key)) {
    fail(state, 'BG003', n, `expected a key of letters, digits, "_", "." or "-" before "${line[sep]}", found ${quote(key)}`);
    return;
  }
  const section = state.section;
  if (section === undefined) {
    if (!state.badHeader) fail(state, 'BG006', n, `expected a "[section]" header before the first entry, found ${quote(line.trim())}`, key);
    return;
  }
  let text = stripInlineComment(line.slice(sep + 1)).trim();
  if (text === '""') text = ''; // ConfigParser's one way to write an empty value explicitly
  const value = unescapeValue(state, text, n, key);
  const first = section.keys.get(key);
  if (first !== undefined) {
    fail(state, 'BG005', n, `duplicate key "${key}" (first set on line ${first.line}; the original tool silently kept the last)`, key);
    return;
  }
  const entry: RawEntry = { key, value, line: n };
  section.raw.entries.push(entry);
  section.keys.set(key, entry);
  state.open = entry;
}

/** A bare word is a valueless key (ConfigParser's allow_no_value, which we refuse); else junk. */
function reportNoSeparator(state: State, bare: string, n: number): void {
  if (/^[A-Za-z0-9_.-]+$/.test(bare)) {
    const key = bare.toLowerCase();
    fail(state, 'BG003', n, `expected "${key} = value", found ${quote(bare)} with no "=" or ":"`, key);
  } else {
    fail(state, 'BG001', n, `expected "key = value", "[section]" or a comment, found ${quote(bare)}`);
  }
}

function parseContinuation(state: State, line: string, n: number): void {
  const open = state.open;
  if (open === 'swallow' || (open === undefined && state.badHeader)) return; // already reported
  if (open === undefined) {
    const found = quote(line);
    if (state.section === undefined) {
      fail(state, 'BG006', n, `expected a "[section]" header at column 0 before any entry, found indented line ${found}`);
    } else {
      fail(state, 'BG001', n, `indented lines continue the previous value; expected "key = value" at column 0, found ${found}`);
    }
    state.open = 'swallow';
    return;
  }
  const text = stripInlineComment(line).trim();
  open.value += '\n' + unescapeValue(state, text, n, open.key);
}

/** Only a ";" after whitespace starts a comment, so paths like /srv/a;b survive (unlike `ini`). */
function stripInlineComment(text: string): string {
  const match = /[ \t];/.exec(text);
  return match ? text.slice(0, match.index + 1) : text;
}

/** `%%` → `%`; a lone `%` is kept (ConfigParser would refuse it); `%(` is reported, kept verbatim. */
function unescapeValue(state: State, text: string, n: number, key: string): string {
  // Scan left to right so `%%(x)s` reads as a literal `%(x)s`, not as interpolation.
  let reported = false;
  return text.replace(/%[%(]/g, (pair, at: number) => {
    if (pair === '%%') return '%';
    if (!reported) {
      reported = true;
      const found = quote(text.slice(at));
      fail(state, 'BG004', n, `interpolation %(name)s is not supported; write %% for a literal % (found ${found})`, key);
    }
    return pair;
  });
}

function fail(state: State, code: string, line: number, message: string, key?: string): void {
  const d: Diagnostic = { severity: 'error', code, line, message };
  if (state.section !== undefined) d.section = state.section.raw.name;
  if (key !== undefined) d.key = key;
  state.diagnostics.push(d);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 39)}…` : text);
}
