// Stage 4, the one way into the shell: quote() follows Python's shlex.quote, and bash reads every
// quoted string back byte for byte.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commentText, quote, quoteWords } from '../../src/emit/quote.js';
import { hasCommand, prng } from './fixtures/support.js';

// [input, Python 3 shlex.quote(input)]
const SHLEX_CASES: [string, string][] = [
  ['', "''"],
  ['a', 'a'],
  ['abc-XYZ_0.9/path', 'abc-XYZ_0.9/path'],
  ['@%+=:,./-', '@%+=:,./-'],
  ['a=b', 'a=b'],
  ['-', '-'],
  ['--', '--'],
  ['-rf', '-rf'],
  ['--opt=1', '--opt=1'],
  ['a b', "'a b'"],
  ["it's", `'it'"'"'s'`],
  ["'", `''"'"''`],
  ["''", `''"'"''"'"''`],
  ['"', `'"'`],
  [`x y'z"w`, `'x y'"'"'z"w'`],
  ['$HOME', "'$HOME'"],
  ['${IFS}', "'${IFS}'"],
  ['$(id)', "'$(id)'"],
  ['`id`', "'`id`'"],
  ['a;b', "'a;b'"],
  ['a&b', "'a&b'"],
  ['a|b', "'a|b'"],
  ['a>b', "'a>b'"],
  ['*', "'*'"],
  ['?', "'?'"],
  ['[a]', "'[a]'"],
  ['{a,b}', "'{a,b}'"],
  ['~', "'~'"],
  ['~root', "'~root'"],
  ['#', "'#'"],
  ['a#b', "'a#b'"],
  ['!', "'!'"],
  ['!!', "'!!'"],
  ['\\', "'\\'"],
  ['a\\nb', "'a\\nb'"],
  ['\n', "'\n'"],
  ['\t', "'\t'"],
  ['é', "'é'"],
  ['日本', "'日本'"],
  ['\u00a0', "'\u00a0'"],
  ['\u200b', "'\u200b'"],
  ['😀', "'😀'"],
];

const SPECIAL = ["'", '"', '\\', '\n', '$', '`', ' ', '!', '*', '{', '}', '~', '#', ';', '%', '\r', '\t', '\u00a0', 'é', '日', '😀', '\u2028', '\ufeff'];

/** Every char U+0001..U+00FF alone, each pair of a quote with a neighbour, then random strings. */
function roundTripStrings(seed: number, count: number, alphabet: string[]): string[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const strings = alphabet.map((c) => c);
  strings.push('', "''", `'"'"'`, "'\\''", '\\\'', "a'b'c", '\'"\\$`', '-n', '-e', '--', '%s', '\\0', 'x\ny\n', "'\n'");
  const specials = SPECIAL.filter((c) => alphabet.includes(c));
  for (let i = 0; i < count; i++) {
    const length = Math.floor(random() * 24);
    let s = '';
    for (let j = 0; j < length; j++) s += random() < 0.4 ? pick(specials) : pick(alphabet);
    strings.push(s);
  }
  return strings;
}

const LATIN1 = Array.from({ length: 255 }, (_, i) => String.fromCharCode(i + 1));
const WITH_UNICODE = [...LATIN1, 'é', '日', '😀', '\u2028', '\u00a0', '\ufeff', '\u{10ffff}'];

/**
 * One bash process prints every quoted string NUL-terminated (`printf '%s\0' QUOTED...`); the
 * output must be the input bytes exactly. The script goes in on stdin: a -c argument is capped
 * at 128 KiB by the kernel.
 */
function bashPrints(strings: string[], encoding: 'utf8' | 'latin1', locale: string): Buffer {
  const script = `printf '%s\\0' ${strings.map(quote).join(' \\\n  ')}\n`;
  const result = spawnSync('bash', ['--norc', '--noprofile', '-s'], { input: Buffer.from(script, encoding), env: { PATH: process.env.PATH, LC_ALL: locale }, maxBuffer: 64 << 20 });
  expect(withoutLocaleWarnings(result.stderr.toString())).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** bash warns when a locale is not installed; that is the host's business, not a quoting failure. */
function withoutLocaleWarnings(stderr: string): string {
  return stderr.replace(/^.*setlocale: .*\n/gm, '');
}

function expectedBytes(strings: string[], encoding: 'utf8' | 'latin1'): Buffer {
  return Buffer.concat(strings.map((s) => Buffer.concat([Buffer.from(s, encoding), Buffer.from([0])])));
}

/** The first string that bash did not read back, for a readable failure. */
function firstMismatch(strings: string[], output: Buffer, encoding: 'utf8' | 'latin1'): string | undefined {
  let offset = 0;
  for (const s of strings) {
    const bytes = Buffer.from(s, encoding);
    if (!output.subarray(offset, offset + bytes.length).equals(bytes) || output[offset + bytes.length] !== 0) return `${JSON.stringify(s)} quoted as ${quote(s)}`;
    offset += bytes.length + 1;
  }
  return offset === output.length ? undefined : 'extra output';
}

describe('quote: Python shlex.quote rules', () => {
  it.each(SHLEX_CASES)('quote(%j) is %s', (input, expected) => {
    expect(quote(input)).toBe(expected);
  });

  it.skipIf(!hasCommand('python3'))('agrees with python3 shlex.quote on every case above', () => {
    const program = 'import json,shlex,sys\nprint(json.dumps([shlex.quote(s) for s in json.load(sys.stdin)]))';
    const python = spawnSync('python3', ['-c', program], { input: JSON.stringify(SHLEX_CASES.map(([s]) => s)), encoding: 'utf8' });
    expect(JSON.parse(python.stdout)).toEqual(SHLEX_CASES.map(([s]) => quote(s)));
  });

  it.each([
    [[], ''],
    [['-Q', '-n'], '-Q -n'],
    [['*.gz', 'a b', "it's", ''], `'*.gz' 'a b' 'it'"'"'s' ''`],
  ] as [string[], string][])('quoteWords(%j) is %s', (words, expected) => {
    expect(quoteWords(words)).toBe(expected);
  });
});

describe('bash reads every quoted string back byte for byte', () => {
  const SEED = Number(process.env.QUOTE_SEED ?? 20240601);

  it.each([
    ['U+0001..U+00FF as UTF-8, C locale', LATIN1, 'utf8', 'C'],
    ['U+0001..U+00FF as UTF-8, UTF-8 locale', LATIN1, 'utf8', 'C.UTF-8'],
    ['raw bytes 1..255 (not UTF-8), C locale', LATIN1, 'latin1', 'C'],
    ['raw bytes 1..255 (not UTF-8), UTF-8 locale', LATIN1, 'latin1', 'C.UTF-8'],
    ['with non-Latin and astral characters, UTF-8 locale', WITH_UNICODE, 'utf8', 'C.UTF-8'],
  ] as [string, string[], 'utf8' | 'latin1', string][])('%s', (_name, alphabet, encoding, locale) => {
    const strings = roundTripStrings(SEED, 3000, alphabet).filter((s) => encoding === 'utf8' || [...s].every((c) => c.charCodeAt(0) <= 0xff));
    const output = bashPrints(strings, encoding, locale);
    expect(firstMismatch(strings, output, encoding), `seed ${SEED} (set QUOTE_SEED to replay)`).toBeUndefined();
    expect(output.equals(expectedBytes(strings, encoding))).toBe(true);
  });

  it('quoteWords keeps word boundaries: bash sees exactly the words', () => {
    const random = prng(SEED + 1);
    const pool = roundTripStrings(SEED + 2, 1000, WITH_UNICODE);
    const lists = Array.from({ length: 300 }, () => Array.from({ length: Math.floor(random() * 6) }, () => pool[Math.floor(random() * pool.length)] as string));
    const script = lists.map((words) => `printf '%s\\0' ${quoteWords(words)} ; printf '\\1'`).join('\n');
    const result = spawnSync('bash', ['--norc', '--noprofile', '-s'], { input: script, env: { PATH: process.env.PATH, LC_ALL: 'C.UTF-8' } });
    const expected = lists.map((words) => (words.length === 0 ? '\0' : words.map((w) => `${w}\0`).join('')) + '\u0001').join('');
    expect(result.stdout.toString('utf8')).toBe(expected);
  });
});

describe('commentText: nothing can end a # comment', () => {
  it.each([
    ['plain', 'profile host.ini', 'profile host.ini'],
    ['newline', 'a\nrm -rf /', 'a\\x0arm -rf /'],
    ['carriage return', 'a\rb', 'a\\x0db'],
    ['escape and DEL', '\u001b[2J\u007f', '\\x1b[2J\\x7f'],
    ['NUL', 'a\u0000b', 'a\\x00b'],
    ['quotes and shell syntax stay', `it's "$(id)" \`x\``, `it's "$(id)" \`x\``],
  ])('%s', (_name, input, expected) => {
    expect(commentText(input)).toBe(expected);
  });

  it('a comment line made from any string runs nothing', () => {
    const strings = roundTripStrings(7, 500, WITH_UNICODE);
    const script = `${strings.map((s) => `# ${commentText(s)}`).join('\n')}\nprintf done\n`;
    const result = spawnSync('bash', ['--norc', '--noprofile', '-s'], { input: script, env: { PATH: process.env.PATH, LC_ALL: 'C.UTF-8' } });
    expect(withoutLocaleWarnings(result.stderr.toString())).toBe('');
    expect(result.stdout.toString()).toBe('done');
  });
});
