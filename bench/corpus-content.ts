// Corpus stage, content: seeded bytes for each kind of file. Pure functions of (seed, size).
// Text is built from a vocabulary so that it compresses like real source code (3-5x with zstd),
// not like random letters (barely) nor like one repeated line (hundreds of times).

import { deflateRawSync, gzipSync } from 'node:zlib';
import { randomBytesFromSeed, SeededRandom } from './prng.js';

const KEYWORDS = ['const', 'let', 'return', 'if', 'else', 'for', 'while', 'function', 'import', 'export', 'from', 'class', 'new', 'this', 'null', 'true', 'false', 'static', 'void', 'int', 'char', 'struct', 'self', 'def', 'async', 'await', 'try', 'catch', 'throw', 'public', 'private', 'type', 'interface', 'switch', 'case', 'break', 'default', 'unsigned', 'sizeof', 'typedef'];
const SYLLABLES = ['get', 'set', 'buf', 'len', 'count', 'node', 'tree', 'list', 'map', 'key', 'val', 'item', 'user', 'file', 'path', 'read', 'write', 'open', 'close', 'init', 'free', 'alloc', 'parse', 'emit', 'next', 'prev', 'head', 'tail', 'size', 'data', 'info', 'ctx', 'err', 'opt', 'cfg', 'log', 'lock', 'page', 'block', 'cache', 'hash', 'index', 'query', 'row', 'col', 'name', 'time', 'state', 'event', 'queue'];
const OPERATORS = [' = ', ' == ', ' != ', ' + ', ' - ', ' * ', ' < ', ' > ', ' && ', ' || ', ' += ', '->', '.', ', '];
const COMMENT_WORDS = ['the', 'a', 'is', 'of', 'to', 'and', 'when', 'this', 'that', 'we', 'not', 'must', 'be', 'in', 'for', 'buffer', 'caller', 'returns', 'value', 'before', 'after', 'only', 'lock', 'held', 'free', 'error', 'here', 'because', 'otherwise', 'list', 'entry'];

/** A fixed identifier vocabulary (same for every seed: a project's names recur across its files). */
const IDENTIFIERS: readonly string[] = (() => {
  const random = new SeededRandom('identifiers');
  const names = new Set<string>();
  while (names.size < 1500) {
    const parts = random.int(1, 3);
    let name = random.pick(SYLLABLES);
    for (let i = 1; i < parts; i += 1) {
      const part = random.pick(SYLLABLES);
      name += random.next() < 0.5 ? `_${part}` : part.charAt(0).toUpperCase() + part.slice(1);
    }
    names.add(name);
  }
  return [...names];
})();

function sourceLine(random: SeededRandom, depth: number): string {
  const indent = '    '.repeat(depth);
  const shape = random.next();
  if (shape < 0.08) return '';
  if (shape < 0.18) {
    const words = Array.from({ length: random.int(3, 12) }, () => random.pickSkewed(COMMENT_WORDS));
    return `${indent}// ${words.join(' ')}`;
  }
  const tokens: string[] = [];
  if (shape < 0.45) tokens.push(random.pick(KEYWORDS), ' ');
  const terms = random.int(1, 5);
  for (let i = 0; i < terms; i += 1) {
    if (i > 0) tokens.push(random.pick(OPERATORS));
    const term = random.next();
    if (term < 0.7) tokens.push(random.pickSkewed(IDENTIFIERS));
    else if (term < 0.85) tokens.push(String(random.int(0, 4096)));
    else tokens.push(`${random.pickSkewed(IDENTIFIERS)}(${random.pickSkewed(IDENTIFIERS)})`);
  }
  tokens.push(random.next() < 0.2 ? ' {' : ';');
  return indent + tokens.join('');
}

/** Source-like text of exactly `size` bytes (ASCII). */
export function sourceText(seed: string, size: number): Buffer {
  const random = new SeededRandom(seed);
  const lines: string[] = [];
  let length = 0;
  let depth = 0;
  while (length < size) {
    const line = sourceLine(random, depth);
    if (line.endsWith('{')) depth = Math.min(depth + 1, 5);
    else if (depth > 0 && random.next() < 0.15) {
      depth -= 1;
      lines.push(`${'    '.repeat(depth)}}`);
      length += depth * 4 + 2;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'latin1').subarray(0, size);
}

/** A service log: timestamps, levels, ids; very compressible (about 8-12x), as logs are. */
export function logText(seed: string, size: number): Buffer {
  const random = new SeededRandom(seed);
  const levels = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
  const chunks: string[] = [];
  let length = 0;
  let millis = Date.UTC(2024, 0, 1);
  while (length < size) {
    millis += random.int(0, 900);
    const line = `${new Date(millis).toISOString()} ${random.pick(levels)} [worker-${random.int(1, 16)}] ${random.pick(['GET', 'POST', 'PUT'])} /api/${random.pickSkewed(IDENTIFIERS)}/${random.int(1, 99999)} status=${random.pickSkewed([200, 200, 304, 404, 500])} ms=${random.int(1, 2000)} id=${random.int(0, 0xffffff).toString(16)}\n`;
    chunks.push(line);
    length += line.length;
  }
  return Buffer.from(chunks.join(''), 'latin1').subarray(0, size);
}

/** The first bytes of each media format: enough for `file` and for an extension-blind tool to see. */
const MEDIA_MAGIC: Record<string, Buffer> = {
  jpg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
  webp: Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'),
  mp4: Buffer.from([0x00, 0x00, 0x00, 0x20, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]),
  mp3: Buffer.from('ID3\x04\0\0\0\0\0\0', 'latin1'),
  pdf: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
};

export const MEDIA_EXTENSIONS = Object.keys(MEDIA_MAGIC);

/** Compressed media is incompressible after its header: a header, then random bytes. */
export function mediaBytes(seed: string, size: number, extension: string): Buffer {
  const magic = MEDIA_MAGIC[extension] ?? Buffer.alloc(0);
  return Buffer.concat([magic, randomBytesFromSeed(seed, Math.max(0, size - magic.length))]);
}

/** A zip-like container (.zip, .jar, .deb stand-ins): a local file header, then deflated source text. */
export function zipLikeBytes(seed: string, textSize: number): Buffer {
  const header = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]);
  return Buffer.concat([header, deflateRawSync(sourceText(seed, textSize), { level: 6 })]);
}

/** Real gzip (node:zlib) of source text. xz and zstd go through their CLIs (corpus-write.ts). */
export function gzipBytes(seed: string, textSize: number): Buffer {
  return gzipSync(sourceText(seed, textSize), { level: 6 });
}
