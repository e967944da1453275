// Splits a list value the way the original did (Python shlex, POSIX mode): white space (space,
// tab, CR, LF only: a no-break space belongs to its word) separates words; single quotes, double
// quotes and backslashes protect it. Inside double quotes a backslash escapes only \ and ", as in
// shlex (unlike the shell, "\$" keeps its backslash).

export type WordsResult = { ok: true; words: string[] } | { ok: false; message: string };

export function splitWords(text: string): WordsResult {
  const words: string[] = [];
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word = (word ?? '') + c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (text[i + 1] === '\\' || text[i + 1] === '"')) word = (word ?? '') + text[++i];
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\') {
      if (i + 1 >= text.length) return { ok: false, message: 'ends with a lone backslash' };
      word = (word ?? '') + text[++i];
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote !== null) return { ok: false, message: `has an unterminated ${quote === "'" ? 'single' : 'double'} quote` };
  if (word !== null) words.push(word);
  return { ok: true, words };
}
