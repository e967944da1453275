// Stage 4 helper: shellcheck directives for quoted profile values. A value holding "$" or "`", or a
// "\" right before its closing quote, is single-quoted on purpose, and shellcheck would note that
// it does not expand (SC2016) or looks like a failed escape (SC1003). The quoting helpers mark such
// words; after rendering, each line where one starts gets a directive, with the reason, before it.

interface Note {
  code: string;
  applies: (quoted: string) => boolean;
  reason: string;
}

const NOTES: readonly Note[] = [
  { code: 'SC2016', applies: (quoted) => /[$`]/.test(quoted), reason: 'a $ or ` from the profile is literal, not an expansion' },
  { code: 'SC1003', applies: (quoted) => quoted.includes("\\'"), reason: 'a \\ from the profile before a closing quote is literal, not an escape' },
];

// NUL cannot be in the rendered text otherwise: the parser rejects control characters in a
// profile, and no file name, template or version holds one (renderScript checks the plan).
const MARK = '\u0000';

/** A word from quote(), marked when shellcheck would note it. */
export function markLiteral(quoted: string): string {
  return NOTES.some((n) => n.applies(quoted)) ? `${MARK}${quoted}${MARK}` : quoted;
}

function directive(codes: ReadonlySet<string>, indentation: string): string {
  const notes = NOTES.filter((n) => codes.has(n.code));
  return `${indentation}# shellcheck disable=${notes.map((n) => n.code).join(',')} # single-quoted on purpose: ${notes.map((n) => n.reason).join('; ')}`;
}

/** Rendered text with marks → the script: marks removed, a directive before each marked line. */
export function placeDirectives(marked: string): string {
  const codesByLine = new Map<number, Set<string>>();
  for (const match of marked.matchAll(new RegExp(`${MARK}([^${MARK}]*)${MARK}`, 'g'))) {
    const line = marked.slice(0, match.index).split('\n').length - 1;
    const codes = codesByLine.get(line) ?? new Set<string>();
    for (const note of NOTES) if (note.applies(match[1] as string)) codes.add(note.code);
    codesByLine.set(line, codes);
  }
  const lines = marked.replaceAll(MARK, '').split('\n');
  return lines
    .flatMap((line, i) => {
      const codes = codesByLine.get(i);
      if (codes === undefined) return [line];
      // A comment line inside a continued command would end it.
      if (lines[i - 1]?.endsWith('\\') === true) throw new Error(`bug: a quoted value on a continuation line: ${JSON.stringify(line)}`);
      return [directive(codes, /^ */.exec(line)?.[0] ?? ''), line];
    })
    .join('\n');
}
