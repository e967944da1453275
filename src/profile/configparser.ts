// Stage 1 helpers: the character rules of Python 2.7's ConfigParser, which read bytes (str) and
// knew only ASCII. JavaScript's trim(), \s and toLowerCase() know Unicode, so they would strip a
// no-break space the original kept, or fold a key the original left alone.

/** str.isspace(), str.strip() and the regex \s of Python 2 on str: these six, nothing else. */
const PYTHON_SPACE = ' \t\n\r\v\f';

export function isPythonSpace(character: string | undefined): boolean {
  return character !== undefined && character !== '' && PYTHON_SPACE.includes(character);
}

export function stripStart(text: string): string {
  let start = 0;
  while (isPythonSpace(text[start])) start++;
  return text.slice(start);
}

export function stripEnd(text: string): string {
  let end = text.length;
  while (isPythonSpace(text[end - 1])) end--;
  return text.slice(0, end);
}

export function strip(text: string): string {
  return stripEnd(stripStart(text));
}

/** optionxform: str.lower(), which changes A-Z only. */
export function foldKey(key: string): string {
  return key.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** SECTCRE: "[", then everything up to the first "]"; the rest of the line is ignored. */
export const SECTION_HEADER = /^\[([^\]]+)\]/;

/** `rem` comments: a line starting with r or R whose first word is "rem" in any case. */
export function isRemComment(line: string): boolean {
  return (line[0] === 'r' || line[0] === 'R') && (strip(line).split(/[ \t\n\r\v\f]/, 1)[0] ?? '').toLowerCase() === 'rem';
}

/** Blank lines, and "#" or ";" in column 1: skipped without ending a value that continues after them. */
export function isSkippedLine(line: string): boolean {
  return strip(line) === '' || line[0] === '#' || line[0] === ';' || isRemComment(line);
}

export type SemicolonReading = 'none' | 'comment' | 'kept' | 'kept-at-start' | 'emptied';

/**
 * The inline-comment rule of _read(), quirks included: only the first ";" is looked at, and it
 * starts a comment only if the character before it is white space. For a ";" that starts the
 * value, "before" is index -1: the last character of the line (a trailing space, or the "\r" of
 * a CRLF line), so `k = ;x` keeps ";x" but `k = ;x ` is empty.
 */
export function cutInlineComment(value: string): { text: string; reading: SemicolonReading } {
  const at = value.indexOf(';');
  if (at < 0) return { text: value, reading: 'none' };
  const before = at === 0 ? value[value.length - 1] : value[at - 1];
  if (isPythonSpace(before)) return { text: value.slice(0, at), reading: at === 0 ? 'emptied' : 'comment' };
  return { text: value, reading: at === 0 ? 'kept-at-start' : 'kept' };
}
