// Stage 0: a profile that is not UTF-8 is an error on the line that holds the bad byte.
import { describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compile.js';
import { decodeProfile } from '../../src/profile/decode.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('decodeProfile', () => {
  it.each([
    ['ASCII', bytes('[backup]\ntarget = /srv\n'), '[backup]\ntarget = /srv\n'],
    ['UTF-8 with non-ASCII names', bytes('[backup]\ntarget = /srv/café/日本\n'), '[backup]\ntarget = /srv/café/日本\n'],
  ])('%s decodes without diagnostics', (_name, input, text) => {
    expect(decodeProfile(input)).toEqual({ text, diagnostics: [] });
  });

  it.each([
    ['a Latin-1 é', bytes('[backup]\ntarget = /srv/caf', [0xe9], '\n'), 2, 'found byte 0xe9 at byte 18 of the line'],
    ['a lone continuation byte', bytes('[backup]\n\n', [0x80], 'x = 1\n'), 3, 'found byte 0x80 at byte 1 of the line'],
    ['a truncated sequence on the last line', bytes('[backup]\ntarget = /a', [0xe6, 0x97]), 2, 'found byte 0xe6 at byte 12 of the line'],
    ['an overlong encoding of "/"', bytes('[backup]\ntarget = ', [0xc0, 0xaf], 'etc\n'), 2, 'found byte 0xc0 at byte 10 of the line'],
  ])('%s is BG007 on its line', (_name, input, line, message) => {
    const { diagnostics } = decodeProfile(input);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', code: 'BG007', line });
    expect(diagnostics[0]?.message).toContain(message);
  });

  it('compileProfile given bytes reports the encoding error and writes no plan', () => {
    const result = compileProfile(bytes('[backup]\ntarget = /srv/caf', [0xe9], '\narchive_prefix = h-\nsource_type = directory\nsource_root = /data\n'), { profileName: 'p.ini' });
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['BG007', 2]]);
  });
});
