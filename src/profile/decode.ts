// Stage 0, decode: profile bytes → text. A profile must be UTF-8: a stray Latin-1 byte would
// otherwise become U+FFFD silently and reach the script as a different path than the one written.
import type { Diagnostic } from '../diagnostics.js';

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

export function decodeProfile(bytes: Uint8Array): { text: string; diagnostics: Diagnostic[] } {
  try {
    return { text: strict.decode(bytes), diagnostics: [] };
  } catch {
    return { text: lenient.decode(bytes), diagnostics: invalidLines(bytes) };
  }
}

function invalidLines(bytes: Uint8Array): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    const column = firstInvalidColumn(bytes.subarray(start, end));
    if (column !== undefined) {
      const byte = bytes[start + column] as number;
      diagnostics.push({ severity: 'error', code: 'BG007', line, message: `expected UTF-8 text, found byte 0x${byte.toString(16).padStart(2, '0')} at byte ${column + 1} of the line; save the profile as UTF-8` });
    }
    start = end + 1;
  }
  return diagnostics;
}

/** 0-based offset of the first byte that does not start a valid UTF-8 sequence, if any. */
function firstInvalidColumn(line: Uint8Array): number | undefined {
  for (let offset = 0; offset < line.length; ) {
    const length = sequenceLength(line, offset);
    if (length === 0) return offset;
    offset += length;
  }
  return undefined;
}

function sequenceLength(bytes: Uint8Array, offset: number): number {
  const first = bytes[offset] as number;
  const length = first < 0x80 ? 1 : first >= 0xc2 && first < 0xe0 ? 2 : first >= 0xe0 && first < 0xf0 ? 3 : first >= 0xf0 && first < 0xf5 ? 4 : 0;
  if (length <= 1) return length;
  try {
    strict.decode(bytes.subarray(offset, offset + length));
    return length;
  } catch {
    return 0;
  }
}
