// Stage 1, parse: profile text → RawProfile with line numbers.
// Reads exactly what Python 2.7's ConfigParser.ConfigParser read (the original tool's reader:
// existing profiles rely on it), following its _read() line by line; configparser.ts holds its
// character rules. Where that reading would surprise the writer, a warning says what was read
// and how to write what was meant (surprises.ts). Where ConfigParser silently guessed (a repeated
// key), or let through what is dangerous in a script (control characters, %(name)s), an error.
// Every problem is collected; nothing stops at the first.

import type { Diagnostic } from '../diagnostics.js';
import { cutInlineComment, foldKey, isPythonSpace, isSkippedLine, SECTION_HEADER, strip, stripEnd, stripStart } from './configparser.js';
import type { RawEntry, RawProfile, RawSection } from './raw.js';
import { headerSurprise, quote, valueProblems, type ReadValue } from './surprises.js';

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
  /** The value indented lines extend ('swallow' after a line already reported as an error). */
  open: ReadValue | 'swallow' | undefined;
  /** Last blank or comment line since the open value's last line: ConfigParser continued across it. */
  gap: number | undefined;
  values: ReadValue[];
}

export function parseProfileText(text: string): { profile: RawProfile; diagnostics: Diagnostic[] } {
  const state: State = { profile: { sections: [] }, diagnostics: [], byName: new Map(), section: undefined, badHeader: false, open: undefined, gap: undefined, values: [] };
  // A byte order mark is dropped: ConfigParser refused such a file, so no profile relies on it.
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((line, i) => readLine(state, line, i + 1));
  for (const value of state.values) state.diagnostics.push(...valueProblems(value));
  return { profile: state.profile, diagnostics: state.diagnostics.sort((a, b) => a.line - b.line) };
}

/** `line` keeps the "\r" of a CRLF file: ConfigParser's ";" rule can see it (cutInlineComment). */
function readLine(state: State, line: string, n: number): void {
  const visible = line.endsWith('\r') ? line.slice(0, -1) : line;
  const control = CONTROL_RE.exec(visible);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    fail(state, 'BG002', n, `expected printable text, found control character U+${code} at column ${control.index + 1}`);
  } else if (isSkippedLine(line)) {
    if (state.open !== undefined) state.gap = n;
  } else if (isPythonSpace(line[0]) && state.open !== undefined) {
    readContinuation(state, line, n);
  } else {
    const header = SECTION_HEADER.exec(line);
    if (header) readHeader(state, header[1] as string, visible.slice(header[0].length), n);
    else readOption(state, visible, line, n);
  }
}

function readHeader(state: State, name: string, rest: string, n: number): void {
  state.open = undefined;
  state.badHeader = false;
  state.section = state.byName.get(name) ?? openSection(state, name, n);
  const surprise = headerSurprise(name, rest, n);
  if (surprise !== undefined) state.diagnostics.push({ ...surprise, section: name });
}

function openSection(state: State, name: string, n: number): SectionState {
  // A repeated section name merges into the first, as ConfigParser did.
  const section: SectionState = { raw: { name, line: n, entries: [] }, keys: new Map() };
  state.profile.sections.push(section.raw);
  state.byName.set(name, section);
  return section;
}

/** OPTCRE: a key not starting with white space, ":" or "=", then the first ":" or "=", then the value. */
function readOption(state: State, visible: string, line: string, n: number): void {
  state.open = 'swallow'; // replaced below once the entry is accepted
  if (state.section === undefined) {
    reportOutsideSection(state, visible, n);
    return;
  }
  const separator = visible.search(/[:=]/);
  if (isPythonSpace(visible[0])) {
    fail(state, 'BG001', n, `indented lines continue the previous value; expected "key = value" at column 1, found ${quote(visible)}`);
  } else if (separator < 0) {
    reportNoSeparator(state, strip(visible), n);
  } else if (separator === 0) {
    fail(state, 'BG003', n, `expected a key before "${visible[0]}", found ${quote(visible)}`);
  } else {
    addEntry(state, state.section, foldKey(stripEnd(visible.slice(0, separator))), stripStart(line.slice(separator + 1)), n);
  }
}

function addEntry(state: State, section: SectionState, key: string, rawValue: string, n: number): void {
  const cut = cutInlineComment(rawValue);
  let text = strip(cut.text);
  if (text === '""') text = ''; // ConfigParser's one way to write an empty value explicitly
  const first = section.keys.get(key);
  if (first !== undefined) {
    fail(state, 'BG005', n, `duplicate key "${key}" (first set on line ${first.line}; the original tool silently kept the last)`, key);
    return;
  }
  const entry: RawEntry = { key, value: text, line: n };
  section.raw.entries.push(entry);
  section.keys.set(key, entry);
  const value: ReadValue = { section: section.raw.name, entry, lines: [{ text, line: n, semicolon: cut.reading, raw: strip(rawValue) }] };
  state.values.push(value);
  state.open = value;
  state.gap = undefined;
}

/** MissingSectionHeaderError: anything but a comment or a header before the first header. */
function reportOutsideSection(state: State, visible: string, n: number): void {
  if (state.badHeader) return; // the header's error explains it
  if (visible.startsWith('[')) {
    badHeader(state, visible, n);
  } else if (isPythonSpace(visible[0])) {
    fail(state, 'BG006', n, `expected a "[section]" header at column 1 before any entry, found indented line ${quote(visible)}`);
  } else {
    fail(state, 'BG006', n, `expected a "[section]" header before the first entry, found ${quote(strip(visible))}`);
  }
}

/** A bare word is a valueless key (allow_no_value, which the original did not set); else junk. */
function reportNoSeparator(state: State, bare: string, n: number): void {
  if (bare.startsWith('[')) {
    badHeader(state, bare, n);
  } else if (/^[A-Za-z0-9_.-]+$/.test(bare)) {
    const key = foldKey(bare);
    fail(state, 'BG003', n, `expected "${key} = value", found ${quote(bare)} with no "=" or ":"`, key);
  } else {
    fail(state, 'BG001', n, `expected "key = value", "[section]" or a comment, found ${quote(bare)}`);
  }
}

function badHeader(state: State, text: string, n: number): void {
  const problem = text.includes(']') ? 'a section name between "[" and "]"' : '"]" to close the section header';
  fail(state, 'BG001', n, `expected ${problem}, found ${quote(text)}`);
  state.section = undefined;
  state.badHeader = true;
}

/** An indented line extends the open value, stripped, never comment-stripped (as _read() did). */
function readContinuation(state: State, line: string, n: number): void {
  const open = state.open;
  if (open === undefined || open === 'swallow') return; // already reported
  const text = strip(line);
  open.entry.value += `\n${text}`;
  open.lines.push({ text, line: n, semicolon: 'none', raw: text, ...(state.gap === undefined ? {} : { afterGap: state.gap }) });
  state.gap = undefined;
}

function fail(state: State, code: string, line: number, message: string, key?: string): void {
  const d: Diagnostic = { severity: 'error', code, line, message };
  if (state.section !== undefined) d.section = state.section.raw.name;
  if (key !== undefined) d.key = key;
  state.diagnostics.push(d);
}
