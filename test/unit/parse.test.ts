// Stage 1, parse: the ConfigParser dialect existing profiles rely on, rule by rule.

import ini from 'ini';
import { describe, expect, it } from 'vitest';
import { parseProfileText } from '../../src/profile/parse.js';

/** Section → key → value, the shape both our parser and `ini` can be compared in. */
function asMap(text: string): Record<string, Record<string, string>> {
  const { profile } = parseProfileText(text);
  return Object.fromEntries(
    profile.sections.map((s) => [s.name, Object.fromEntries(s.entries.map((e) => [e.key, e.value]))]),
  );
}

function valueOf(text: string, key: string): string | undefined {
  const { profile, diagnostics } = parseProfileText(text);
  expect(diagnostics).toEqual([]);
  return profile.sections[0]?.entries.find((e) => e.key === key)?.value;
}

describe('parseProfileText: accepted syntax', () => {
  it.each([
    ['"=" separator', '[s]\nk = v', 'k', 'v'],
    ['":" separator', '[s]\nk: v', 'k', 'v'],
    ['first of "=" / ":" wins (":" first)', '[s]\nk: a=b', 'k', 'a=b'],
    ['first of "=" / ":" wins ("=" first)', '[s]\nk = C:\\x', 'k', 'C:\\x'],
    ['key is lower-cased', '[s]\nSnapshot_Size = 2G', 'snapshot_size', '2G'],
    ['key and value are trimmed', '[s]\n  \nk\t=   spaced out  \t', 'k', 'spaced out'],
    ['empty value', '[s]\nk =', 'k', ''],
    ['"" means empty', '[s]\nk = ""', 'k', ''],
    ['other quotes kept verbatim', '[s]\nk = "a b"', 'k', '"a b"'],
    ["single quotes kept", "[s]\nk = ''", 'k', "''"],
    ['inline comment after whitespace', '[s]\nk = 2G ; two gigabytes', 'k', '2G'],
    ['inline comment after tab', '[s]\nk = 2G\t;tab', 'k', '2G'],
    ['";" without whitespace before stays', '[s]\nk = /srv/a;b', 'k', '/srv/a;b'],
    ['";" glued to a word stays (validator rejects it)', '[s]\nk = 2G; rm -rf /', 'k', '2G; rm -rf /'],
    ['lone "%" kept (lenient)', '[s]\nk = 20%ORIGIN', 'k', '20%ORIGIN'],
    ['trailing "%" kept', '[s]\nk = 100%', 'k', '100%'],
    ['continuation joined with newline', '[s]\nk = a\n  b\n\tc', 'k', 'a\nb\nc'],
    ['blank line ends continuation', '[s]\nk = a\n\nj = b', 'k', 'a'],
    ['whole-line "#" comment', '[s]\n# k = no\nk = yes', 'k', 'yes'],
    ['whole-line ";" comment', '[s]\n; k = no\nk = yes', 'k', 'yes'],
    ['CRLF line endings', '[s]\r\nk = v\r\n', 'k', 'v'],
    ['leading BOM ignored', '\uFEFF[s]\nk = v', 'k', 'v'],
    ['tab inside a value is allowed', '[s]\nk = a\tb', 'k', 'a\tb'],
  ])('%s', (_name, text, key, expected) => {
    expect(valueOf(text, key)).toBe(expected);
  });

  it.each([
    ['name with spaces', '[volume home]\nk = v', 'volume home'],
    ['name kept with its spaces, as ConfigParser read it', '[ lvm ]\nk = v', ' lvm '],
    ['comment after header', '[lvm] ; the root LV\nk = v', 'lvm'],
    ['"]" inside the comment after a header', '[lvm] ; see [backup]\nk = v', 'lvm'],
    ['";" glued after the header', '[lvm];x\nk = v', 'lvm'],
    ['"#" comment after the header', '[backup] # main\nk = v', 'backup'],
    ['only white space between the brackets', '[ ]\nk = v', ' '],
  ])('section header: %s', (_name, text, name) => {
    const { profile, diagnostics } = parseProfileText(text);
    expect(diagnostics).toEqual([]);
    expect(profile.sections.map((s) => s.name)).toEqual([name]);
  });

  it('merges a repeated section into the first, keeping its line', () => {
    const { profile, diagnostics } = parseProfileText('[a]\nx = 1\n[b]\ny = 2\n[a]\nz = 3');
    expect(diagnostics).toEqual([]);
    expect(profile.sections).toEqual([
      { name: 'a', line: 1, entries: [{ key: 'x', value: '1', line: 2 }, { key: 'z', value: '3', line: 6 }] },
      { name: 'b', line: 3, entries: [{ key: 'y', value: '2', line: 4 }] },
    ]);
  });

  it('section names are case-sensitive, as in ConfigParser', () => {
    expect(Object.keys(asMap('[A]\nk = 1\n[a]\nk = 2'))).toEqual(['A', 'a']);
  });
});

describe('parseProfileText: read as ConfigParser read it, silently', () => {
  it.each([
    ['"rem" line is a comment', '[s]\nrem = x\nk = v', 'k', 'v'],
    ['"REM" line is a comment', '[s]\nREM a note\nk = v', 'k', 'v'],
    ['"rem" glued to "=" is a key', '[s]\nrem=x', 'rem', 'x'],
    ['"remote" is a key', '[s]\nremote = x', 'remote', 'x'],
    ['a blank line, then a key at column 1', '[s]\nk = a\n\nj = b', 'j', 'b'],
    ['first ";" glued: no comment at all', '[s]\nk = /srv/a;b', 'k', '/srv/a;b'],
    ['";" ends a value only after white space', '[s]\nk = a ;b ;c', 'k', 'a'],
    ['key with spaces inside', '[s]\nsnap size = 2G', 'snap size', '2G'],
    ['key folded in A-Z only', '[s]\n\u00c9T\u00c9 = v', '\u00c9t\u00c9', 'v'],
    ['no-break space is not white space', '[s]\nk = \u00a0v\u00a0', 'k', '\u00a0v\u00a0'],
    ['"[" with a separator is a key', '[s]\n[lvm = x', '[lvm', 'x'],
    ['value of "" and a comment is empty', '[s]\nk = "" ; none', 'k', ''],
    ['CRLF: ";" after "=" and a CRLF line end is a comment', '[s]\r\nk = v\r\nj = a ; c\r\n', 'j', 'a'],
  ])('%s', (_name, text, key, expected) => {
    expect(valueOf(text, key)).toBe(expected);
  });

  it('skips "rem" lines whatever follows the word, at column 1 only', () => {
    const { profile, diagnostics } = parseProfileText('rem top\n[s]\nrem = x\nRem\tnote\nrEm y\nk = a\n  rem b');
    expect(diagnostics).toEqual([]);
    expect(profile.sections[0]?.entries).toEqual([{ key: 'k', value: 'a\nrem b', line: 6 }]);
  });
});

describe('parseProfileText: warnings where the original reading surprises', () => {
  it.each([
    ['"%%" stays two characters', '[s]\nk = 20%%ORIGIN', 'k', '20%%ORIGIN', 'BG040', 2, '"%%" is read as two characters, as the original read it (ConfigParser turned %% into % only in a value that also used %(name)s): read as "20%%ORIGIN"; write a single "%" if one is meant'],
    ['"%%" in a continuation line', '[s]\nk = a\n  50%%', 'k', 'a\n50%%', 'BG040', 3, 'read as "50%%"'],
    ['"#" after white space stays', '[s]\ntarget = /srv/x   # NFS', 'target', '/srv/x   # NFS', 'BG041', 2, '"#" does not start a comment inside a value: read as "/srv/x   # NFS"; put the comment on a line of its own, with "#" or ";" in column 1'],
    ['a second " ;" stays', '[s]\nk = a;b ;c ;d', 'k', 'a;b ;c ;d', 'BG042', 2, 'only the first ";" of a line can start a comment, so this one is part of the value: read as "a;b ;c ;d"'],
    ['";" right after "=" stays', '[s]\nk = ; a comment', 'k', '; a comment', 'BG042', 2, 'a ";" right after "=" is part of the value, as the original read it: read as "; a comment"; for an empty value write "key =" and put the comment'],
    ['";" glued to "=" stays', '[s]\nk =;x', 'k', ';x', 'BG042', 2, 'read as ";x"'],
    ['";" after "=" and trailing white space: empty', '[s]\nk = ;x ', 'k', '', 'BG043', 2, 'read as an empty value: it starts with ";" and the line ends in white space, so the original took all of ";x" for a comment'],
    ['";" after "=" on a CRLF line: empty', '[s]\r\nk = ;x\r\n', 'k', '', 'BG043', 2, 'read as an empty value'],
    ['an indented ";" line is a value line', '[s]\nsubdirs = etc\n  ; var', 'subdirs', 'etc\n; var', 'BG044', 3, 'an indented line continues the value of "subdirs" (line 2) and is never comment-stripped; this indented comment is part of the value: read as "; var"; put the comment on a line of its own, with "#" or ";" in column 1'],
    ['an indented "#" line is a value line', '[s]\nk = a\n  # note', 'k', 'a\n# note', 'BG044', 3, 'read as "# note"'],
    ['a continuation line keeps its " ;" comment', '[s]\nk = a\n  b ; note', 'k', 'a\nb ; note', 'BG044', 3, 'its comment is part of the value: read as "b ; note"'],
    ['a continuation across a blank line', '[s]\nk = a\n\n  b', 'k', 'a\nb', 'BG045', 4, 'indented line continues the value of "k" (line 2) across the blank or comment line 3, as the original read it: value line "b"; delete line 3 if this line belongs to the value, or start this line in column 1'],
    ['a continuation across a comment line', '[s]\nk = a\n# c\n  b', 'k', 'a\nb', 'BG045', 4, 'across the blank or comment line 3'],
    ['an indented header is a value line', '[s]\nk = a\n\n  [t]', 'k', 'a\n[t]', 'BG045', 4, 'value line "[t]"'],
  ])('%s', (_name, text, key, expected, code, line, message) => {
    const { profile, diagnostics } = parseProfileText(text);
    expect(profile.sections[0]?.entries.find((e) => e.key === key)?.value).toBe(expected);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'warning', code, line, section: 's', key });
    expect(diagnostics[0]?.message).toContain(message);
  });

  it.each([
    ['text after "]"', '[lvm] x\nk = v', 'lvm', 'read as [lvm]: the original ignored everything after the first "]" (here "x"); remove it, or make it a comment after " ;"'],
    ['the first "]" closes the name', '[a]b]\nk = v', 'a', 'read as [a]: the original ignored everything after the first "]" (here "b]"); remove it, or make it a comment after " ;"'],
  ])('section header: %s', (_name, text, name, message) => {
    const { profile, diagnostics } = parseProfileText(text);
    expect(profile.sections.map((s) => s.name)).toEqual([name]);
    expect(diagnostics).toEqual([{ severity: 'warning', code: 'BG046', line: 1, section: name, message }]);
  });

  it('warns once per line, on the line that surprises', () => {
    const { diagnostics } = parseProfileText('[s]\nk = a # x\n  ; y\n\n  z ; w');
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['BG041', 2], ['BG044', 3], ['BG044', 5], ['BG045', 5]]);
  });

  it('does not warn about "%%" in a value refused for %(name)s', () => {
    const { diagnostics } = parseProfileText('[s]\nk = 50%% of %(x)s');
    expect(diagnostics.map((d) => d.code)).toEqual(['BG004']);
  });
});

describe('parseProfileText: errors', () => {
  it.each([
    ['malformed line', '[s]\nfoo bar', 'BG001', 2, 'expected "key = value", "[section]" or a comment, found "foo bar"'],
    ['header missing "]"', '[lvm\nk = v', 'BG001', 1, 'expected "]" to close the section header, found "[lvm"'],
    ['empty section name', '[]', 'BG001', 1, 'expected a section name between "[" and "]", found "[]"'],
    ['indented line right after a header', '[s]\n  k = v', 'BG001', 2, 'expected "key = value" at column 1, found "  k = v"'],
    ['escape character', '[s]\nk = a\u001bb', 'BG002', 2, 'found control character U+001B at column 6'],
    ['NUL', '[s]\nk\u0000 = v', 'BG002', 2, 'U+0000 at column 2'],
    ['DEL', '[s]\nk = \u007f', 'BG002', 2, 'U+007F at column 5'],
    ['stray carriage return', '[s]\nk = a\rb', 'BG002', 2, 'U+000D at column 6'],
    ['key without separator', '[s]\nenabled', 'BG003', 2, 'expected "enabled = value", found "enabled" with no "=" or ":"'],
    ['empty key', '[s]\n= v', 'BG003', 2, 'expected a key before "=", found "= v"'],
    ['empty key before ":"', '[s]\n:v', 'BG003', 2, 'expected a key before ":"'],
    ['interpolation', '[s]\nk = %(home)s/x', 'BG004', 2, '"%(" starts %(name)s interpolation, which backup-gen does not support (the original looked the name up in the section and in [DEFAULT], and turned %% into %); write the value out in full (found "%(home)s/x")'],
    ['interpolation in a continuation', '[s]\nk = a\n  %(x)s', 'BG004', 3, 'found "%(x)s"'],
    ['"%%(x)s" is no literal: ConfigParser interpolated it twice', '[s]\nk = %%(x)s', 'BG004', 2, 'found "%(x)s"'],
    ['"%(" without a name', '[s]\nk = a%(b', 'BG004', 2, 'found "%(b"'],
    ['duplicate key', '[s]\nk = 1\nk = 2', 'BG005', 3, 'duplicate key "k" (first set on line 2; the original tool silently kept the last)'],
    ['duplicate key, case-insensitive', '[s]\nTarget = 1\ntarget = 2', 'BG005', 3, 'duplicate key "target" (first set on line 2'],
    ['duplicate key across repeated sections', '[s]\nk = 1\n[t]\n[s]\nk = 2', 'BG005', 5, 'first set on line 2'],
    ['entry before any section', 'k = v\n[s]', 'BG006', 1, 'expected a "[section]" header before the first entry, found "k = v"'],
    ['indented line before any section', '  [s]', 'BG006', 1, 'expected a "[section]" header at column 1'],
  ])('%s', (_name, text, code, line, fragment) => {
    const { diagnostics } = parseProfileText(text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', code, line });
    expect(diagnostics[0]?.message).toContain(fragment);
  });

  it('names the section and key when known', () => {
    const { diagnostics } = parseProfileText('[lvm]\nk = 1\nk = 2');
    expect(diagnostics[0]).toMatchObject({ section: 'lvm', key: 'k' });
  });

  it('truncates long found text to about 40 characters', () => {
    const { diagnostics } = parseProfileText(`[s]\n${'x '.repeat(50)}`);
    expect(diagnostics[0]?.message).toContain(`found "${'x '.repeat(19)}x…"`);
  });

  it('keeps the first value of a duplicate key and ignores its continuation', () => {
    const { profile } = parseProfileText('[s]\nk = 1\nk = 2\n  more');
    expect(profile.sections[0]?.entries).toEqual([{ key: 'k', value: '1', line: 2 }]);
  });

  it('reports every problem, not just the first, and never throws', () => {
    const text = 'k = v\n[s]\nfoo bar\nenabled\nk = %(x)s\nk = 2\n[\nj = \u0007';
    const { diagnostics } = parseProfileText(text);
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['BG006', 1],
      ['BG001', 3],
      ['BG003', 4],
      ['BG004', 5],
      ['BG005', 6],
      ['BG001', 7],
      ['BG002', 8],
    ]);
  });

  it('drops entries under an unreadable header without extra errors', () => {
    const { profile, diagnostics } = parseProfileText('[a]\nx = 1\n[b\ny = 2\n  z');
    expect(diagnostics.map((d) => d.code)).toEqual(['BG001']);
    expect(profile.sections).toEqual([{ name: 'a', line: 1, entries: [{ key: 'x', value: '1', line: 2 }] }]);
  });

  it('does not cascade errors onto continuation lines of a bad line', () => {
    const { diagnostics } = parseProfileText('[s]\nfoo bar\n  baz\n  qux');
    expect(diagnostics.map((d) => d.line)).toEqual([2]);
  });
});

describe('parseProfileText: original-style profile', () => {
  it('reads the original example into sections, entries and lines', () => {
    const text = [
      '[lvm]',
      'volume_group = data',
      'logical_volume: os-xub-precise',
      'snapshot_lv_name = os-xub-precise-backsnap',
      'Snapshot_Size = 2G ; two gigabytes',
      '',
      '[backup]',
      'source_type = lvm',
      'target = /var/backups/a;b#c',
      'archive_prefix = hostname-os-xub-precise-',
      'subdirs = etc',
      '  home',
      '',
    ].join('\n');
    expect(parseProfileText(text)).toEqual({
      diagnostics: [],
      profile: {
        sections: [
          {
            name: 'lvm',
            line: 1,
            entries: [
              { key: 'volume_group', value: 'data', line: 2 },
              { key: 'logical_volume', value: 'os-xub-precise', line: 3 },
              { key: 'snapshot_lv_name', value: 'os-xub-precise-backsnap', line: 4 },
              { key: 'snapshot_size', value: '2G', line: 5 },
            ],
          },
          {
            name: 'backup',
            line: 7,
            entries: [
              { key: 'source_type', value: 'lvm', line: 8 },
              { key: 'target', value: '/var/backups/a;b#c', line: 9 },
              { key: 'archive_prefix', value: 'hostname-os-xub-precise-', line: 10 },
              { key: 'subdirs', value: 'etc\nhome', line: 11 },
            ],
          },
        ],
      },
    });
  });
});

describe('parseProfileText agrees with the ini package on the plain subset', () => {
  it.each([
    ['single section', '[lvm]\nvolume_group = data\nlogical_volume = os-xub-precise\n'],
    ['several sections, spacing', '[backup]\nsource_type=lvm\n  \ntarget =   /var/backups/x  \n\n[rsync]\ntarget_dir = /mnt/nfs/b\n'],
    ['section name with a space', '[volume home]\nsnapshot_size = 2G\narchive_prefix = h-\n'],
    ['value containing "="', '[s]\nopts = -a --x=1\n'],
  ])('%s', (_name, text) => {
    expect(asMap(text)).toEqual(ini.parse(text));
  });

  // Deliberate differences: we follow ConfigParser, which existing profiles were written for.
  it.each([
    ['ini cuts at any ";", we keep "a;b"', '[s]\ntarget = /srv/a;b\n', '/srv/a', '/srv/a;b'],
    ['ini unquotes "…", we keep quotes', '[s]\ntarget = "a b"\n', 'a b', '"a b"'],
  ])('differs on purpose: %s', (_name, text, fromIni, ours) => {
    expect(ini.parse(text)).toEqual({ s: { target: fromIni } });
    expect(asMap(text)).toEqual({ s: { target: ours } });
  });
});
