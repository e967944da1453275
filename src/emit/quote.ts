// Stage 4 helper: the one way a value enters the generated script. Same rules as Python's shlex.quote:
// a word of safe characters stays as it is, anything else is single-quoted with ' written as '"'"'.

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quote(value: string): string {
  if (SAFE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

export function quoteWords(values: readonly string[]): string {
  return values.map(quote).join(' ');
}

/** Text for a `#` comment: one line, control characters shown as \xNN so nothing can end the comment. */
export function commentText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
