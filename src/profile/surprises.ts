// Stage 1 checks: a value as ConfigParser read it → errors for what backup-gen refuses in it, and a
// warning wherever the original's reading differs from what the line seems to say. The reading is
// kept (compatibility first); the warning says what was read and how to write what was meant.

import type { Diagnostic } from '../diagnostics.js';
import type { SemicolonReading } from './configparser.js';
import type { RawEntry } from './raw.js';

/** One line of a value: the key's line first, then its continuation lines. */
export interface ValueLine {
  /** What the line adds to the value. */
  text: string;
  line: number;
  /** How ConfigParser's ";" rule treated the key's line ('none' for continuation lines). */
  semicolon: SemicolonReading;
  /** The line's value before the ";" rule, stripped. */
  raw: string;
  /** A blank or comment line between this continuation line and the value's previous line. */
  afterGap?: number;
}

export interface ReadValue {
  section: string;
  entry: RawEntry;
  lines: ValueLine[];
}

const COMMENT_SETTLED = 'put the comment on a line of its own, with "#" or ";" in column 1';

export function valueProblems(value: ReadValue): Diagnostic[] {
  const at = (severity: Diagnostic['severity'], code: string, line: number, message: string): Diagnostic => ({ severity, code, line, section: value.section, key: value.entry.key, message });
  const found: Diagnostic[] = [];
  const interpolated = value.lines.find((l) => l.text.includes('%('));
  if (interpolated !== undefined) {
    found.push(at('error', 'BG004', interpolated.line, `"%(" starts %(name)s interpolation, which backup-gen does not support (the original looked the name up in the section and in [DEFAULT], and turned %% into %); write the value out in full (found ${quote(interpolated.text.slice(interpolated.text.indexOf('%(')))})`));
  } else {
    const doubled = value.lines.find((l) => l.text.includes('%%'));
    if (doubled !== undefined) found.push(at('warning', 'BG040', doubled.line, `"%%" is read as two characters, as the original read it (ConfigParser turned %% into % only in a value that also used %(name)s): read as ${quote(doubled.text)}; write a single "%" if one is meant`));
  }
  value.lines.forEach((line, i) => {
    const surprise = i === 0 ? keyLineSurprise(line) : continuationSurprise(line, value.entry);
    if (surprise !== undefined) found.push(at('warning', surprise.code, line.line, surprise.message));
    if (line.afterGap !== undefined) found.push(at('warning', 'BG045', line.line, `indented line continues the value of "${value.entry.key}" (line ${value.entry.line}) across the blank or comment line ${line.afterGap}, as the original read it: value line ${quote(line.text)}; delete line ${line.afterGap} if this line belongs to the value, or start this line in column 1`));
  });
  return found;
}

function keyLineSurprise(line: ValueLine): { code: string; message: string } | undefined {
  switch (line.semicolon) {
    case 'emptied':
      return { code: 'BG043', message: `read as an empty value: it starts with ";" and the line ends in white space, so the original took all of ${quote(line.raw)} for a comment; remove the trailing white space to keep it, or write "key =" for an empty value and ${COMMENT_SETTLED}` };
    case 'kept-at-start':
      return { code: 'BG042', message: `a ";" right after "=" is part of the value, as the original read it: read as ${quote(line.text)}; for an empty value write "key =" and ${COMMENT_SETTLED}` };
    case 'none':
    case 'comment':
    case 'kept':
      break;
  }
  if (/[ \t];/.test(line.text)) return { code: 'BG042', message: `only the first ";" of a line can start a comment, so this one is part of the value: read as ${quote(line.text)}; ${COMMENT_SETTLED}` };
  if (/[ \t]#/.test(line.text)) return { code: 'BG041', message: `"#" does not start a comment inside a value: read as ${quote(line.text)}; ${COMMENT_SETTLED}` };
  return undefined;
}

function continuationSurprise(line: ValueLine, entry: RawEntry): { code: string; message: string } | undefined {
  const looksLikeComment = line.text.startsWith('#') || line.text.startsWith(';');
  if (!looksLikeComment && !/[ \t][;#]/.test(line.text)) return undefined;
  const what = looksLikeComment ? 'this indented comment is part of the value' : 'its comment is part of the value';
  return { code: 'BG044', message: `an indented line continues the value of "${entry.key}" (line ${entry.line}) and is never comment-stripped; ${what}: read as ${quote(line.text)}; ${COMMENT_SETTLED}` };
}

/** SECTCRE read the name up to the first "]" and ignored the rest of the line; a comment there is fine. */
export function headerSurprise(name: string, rest: string, line: number): Diagnostic | undefined {
  const trimmed = rest.trim();
  if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) return undefined;
  return { severity: 'warning', code: 'BG046', line, message: `read as [${name}]: the original ignored everything after the first "]" (here ${quote(trimmed)}); remove it, or make it a comment after " ;"` };
}

export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 39)}…` : text);
}
