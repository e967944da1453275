// [encryption]: what the profile accepts and refuses (BG050-BG053, BG014, BG020, BG024), and what the
// plan resolves it to.

import { describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compile.js';
import type { Plan } from '../../src/plan/plan.js';

type Expected = [code: string, line: number, section: string, key: string | undefined, fragment: string | RegExp];

const BACKUP = ['[backup]', 'target = /var/backups/dar', 'archive_prefix = host-', 'source_type = directory', 'source_root = /srv']; // lines 1-5
const FINGERPRINT = '0123456789ABCDEF0123456789ABCDEF01234567';

function compile(lines: string[]) {
  return compileProfile(`${lines.join('\n')}\n`, { profileName: 'p.ini' });
}

describe('[encryption] profiles that compile', () => {
  it.each([
    ['an e-mail recipient', ['[encryption]', 'recipients = backup@example.org'], { mode: 'gnupg', recipients: ['backup@example.org'], darGnupgKey: 'gnupg:aes256:backup@example.org', gnupgHome: '', keyFile: '', isolatedCatalogues: true }],
    ['a fingerprint, a long key id and a GnuPG home (dar gets the long key id, once: the fingerprint ends in it)', ['[encryption]', `recipients = ${FINGERPRINT} 0x89ABCDEF01234567`, 'gnupg_home = /root/.gnupg-backup', 'cipher = camellia256'], { mode: 'gnupg', cipher: 'camellia256', recipients: [FINGERPRINT, '0x89ABCDEF01234567'], darGnupgKey: 'gnupg:camellia256:89ABCDEF01234567', gnupgHome: '/root/.gnupg-backup' }],
    ['a recipient given twice counts once', ['[encryption]', 'recipients = a@example.org a@example.org'], { recipients: ['a@example.org'] }],
    ['a key file', ['[encryption]', 'key_file = /root/backup.key'], { mode: 'key-file', cipher: 'aes256', recipients: [], darGnupgKey: '', keyFile: '/root/backup.key', isolatedCatalogues: false }],
    ['a key file with compare_with_source (this host can read its archives)', ['[encryption]', 'key_file = /root/backup.key', '[dar]', 'compare_with_source = yes'], { mode: 'key-file' }],
  ])('%s', (_name, lines, expected) => {
    const result = compile([...BACKUP, ...lines]);
    expect(result.diagnostics).toEqual([]);
    expect((result.plan as Plan).encryption).toMatchObject(expected);
  });

  it('needs gpg only for recipients, and nothing more without [encryption]', () => {
    const commands = (lines: string[]) => (compile([...BACKUP, ...lines]).plan as Plan).requiredCommands;
    expect(commands(['[encryption]', 'recipients = a@example.org'])).toContain('gpg');
    expect(commands(['[encryption]', 'key_file = /root/k'])).not.toContain('gpg');
    expect(commands([])).not.toContain('gpg');
    expect((compile(BACKUP).plan as Plan).encryption).toBeUndefined();
  });
});

describe('[encryption] profiles that are refused', () => {
  it.each([
    ['neither mode', ['[encryption]', 'cipher = aes256'], [['BG050', 6, 'encryption', 'recipients', 'expected exactly one of recipients (public-key encryption) and key_file (symmetric), found neither']]],
    ['both modes', ['[encryption]', 'recipients = a@example.org', 'key_file = /root/k'], [['BG050', 8, 'encryption', 'key_file', 'found both']]],
    ['compare_with_source with recipients', ['[dar]', 'compare_with_source = yes', '[encryption]', 'recipients = a@example.org'], [['BG051', 7, 'dar', 'compare_with_source', 'the backup host holds no secret key']]],
    ['a short key id', ['[encryption]', 'recipients = 01234567'], [['BG052', 7, 'encryption', 'recipients', '"01234567" is not a fingerprint, a long key id or an e-mail address']]],
    ['a user-id fragment, and a comma', ['[encryption]', 'recipients = Backup a@b.org,c@d.org'], [['BG052', 7, 'encryption', 'recipients', /"Backup" is not.*"a@b\.org,c@d\.org" is not/]]],
    ['a key file in the target', ['[encryption]', 'key_file = /var/backups/dar/key'], [['BG053', 7, 'encryption', 'key_file', 'expected a key file outside [backup] target "/var/backups/dar", found "/var/backups/dar/key": it would be copied with the archives it protects']]],
    ['a key file in a local mirror', ['[encryption]', 'key_file = /mnt/m/key', '[rsync]', 'enabled = yes', 'target_dir = /mnt/m'], [['BG053', 7, 'encryption', 'key_file', 'outside [rsync] target_dir "/mnt/m"']]],
    ['a relative key file', ['[encryption]', 'key_file = backup.key'], [['BG020', 7, 'encryption', 'key_file', 'expected an absolute path']]],
    ['gnupg_home with a key file', ['[encryption]', 'key_file = /root/k', 'gnupg_home = /root/.gnupg'], [['BG014', 8, 'encryption', 'gnupg_home', 'not used with key_file']]],
    ['a weak cipher', ['[encryption]', 'key_file = /root/k', 'cipher = blowfish'], [['BG024', 8, 'encryption', 'cipher', 'expected one of aes256, twofish256, serpent256, camellia256']]],
  ] as [string, string[], Expected[]][])('%s', (_name, lines, expected) => {
    const { diagnostics, plan } = compile([...BACKUP, ...lines]);
    expect(plan).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.line, d.section, d.key])).toEqual(expected.map(([code, line, section, key]) => [code, line, section, key]));
    expected.forEach(([, , , , fragment], i) => expect(diagnostics[i]?.message).toMatch(fragment));
  });
});
