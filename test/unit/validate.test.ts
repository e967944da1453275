// Stages 2a-2c on whole profiles, through compileProfile without templates: unknown and missing
// keys, keys that do not apply, conflicts, and the one-line diagnostic format.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compile.js';
import { formatDiagnostic, type Diagnostic } from '../../src/diagnostics.js';
import { renderExampleProfile } from '../../src/profile/reference.js';
import { EXAMPLES_DIRECTORY, FIXTURE_PROFILES_DIRECTORY } from './fixtures/support.js';

/** [code, line, section, key, message fragment]; severity is error unless the code says warning. */
type Expected = [code: string, line: number, section: string | undefined, key: string | undefined, fragment: string | RegExp];

function diagnose(lines: string[]): Diagnostic[] {
  return compileProfile(`${lines.join('\n')}\n`, { profileName: 'p.ini' }).diagnostics;
}

function expectDiagnostics(diagnostics: Diagnostic[], expected: Expected[]): void {
  expect(diagnostics.map((d) => [d.code, d.line, d.section, d.key])).toEqual(expected.map(([code, line, section, key]) => [code, line, section, key]));
  expected.forEach(([, , , , fragment], i) => expect(diagnostics[i]?.message).toMatch(fragment));
}

const BACKUP = ['[backup]', 'target = /var/backups/dar', 'archive_prefix = host-']; // lines 1-3
const LVM_MAIN = ['source_type = lvm', '[lvm]', 'volume_group = data', 'logical_volume = root', 'snapshot_lv_name = root-backsnap', 'snapshot_size = 2G']; // lines 4-9
const VALID = [...BACKUP, ...LVM_MAIN];

const volume = (name: string, ...keys: string[]) => [`[volume ${name}]`, ...keys];
const lvmVolume = (name: string, lv: string, ...keys: string[]) => volume(name, 'volume_group = data', `logical_volume = ${lv}`, 'snapshot_size = 1G', ...keys);
const directoryVolume = (name: string, root: string, ...keys: string[]) => volume(name, 'source_type = directory', `source_root = ${root}`, ...keys);

describe('accepted profiles', () => {
  it.each([
    ['the minimal original layout', VALID],
    ['retention, a reserve and dar -d', [...BACKUP, 'target_reserve = 1.5T', ...LVM_MAIN, '[dar]', 'compare_with_source = yes', '[retention]', 'keep_months = 3', 'keep_days = 45', 'prune_after_backup = yes']],
    ['only [volume NAME] sections, no source_type', [...BACKUP, ...lvmVolume('home', 'home')]],
    ['a directory main source', [...BACKUP, 'source_type = directory', 'source_root = /srv']],
    ['the same snapshot name in two volume groups', [...VALID, ...volume('other', 'volume_group = other', 'logical_volume = x', 'snapshot_lv_name = root-backsnap', 'snapshot_size = 1G')]],
    ['the same LV name in two volume groups', [...VALID, ...volume('other', 'volume_group = other', 'logical_volume = root', 'snapshot_size = 1G')]],
    ['target inside source_root but excluded', [...BACKUP, 'source_type = directory', 'source_root = /var', 'excludes = backups']],
    ['target inside source_root, excluded by a parent', [...BACKUP, 'source_type = directory', 'source_root = /var', 'excludes = "backups"']],
    ['source_root inside target', ['[backup]', 'target = /srv', 'archive_prefix = h-', 'source_type = directory', 'source_root = /srv/2024-01/x']],
    ['mirror beside the target', [...VALID, '[rsync]', 'enabled = yes', 'target_dir = /var/backups/dar-mirror']],
    ['a remote mirror at the target\'s path, on another host', [...VALID, '[rsync]', 'enabled = yes', 'target_dir = nas:/var/backups/dar', 'ssh_port = 22', 'ssh_identity_file = /root/.ssh/k']],
    ['a remote mirror inside a directory source_root\'s path, on another host', ['[backup]', 'target = /backups', 'archive_prefix = h-', 'source_type = directory', 'source_root = /srv', '[rsync]', 'enabled = yes', 'target_dir = nas:/srv/mirror']],
    ['a disabled mirror inside the target', [...VALID, '[rsync]', 'enabled = no', 'target_dir = /var/backups/dar/m']],
    ['volume names that differ otherwise', [...BACKUP, ...directoryVolume('a-b', '/srv/a'), ...directoryVolume('a-c', '/srv/b')]],
    ['section names in capitals', ['[BACKUP]', 'target = /var/backups/dar', 'archive_prefix = host-', 'source_type = directory', 'source_root = /srv', '[Dar]', 'compression = xz']],
    ['zstd up to level 22', [...VALID, '[dar]', 'compression = zstd', 'compression_level = 22']],
  ])('%s', (_name, lines) => {
    expect(diagnose(lines)).toEqual([]);
  });

  it.each([
    ['outside every subdir', ['subdirs = etc home']],
    ['excluded', ['excludes = backups']],
  ])('a target inside a directory source_root is fine when it is %s (dar never reads it)', (_name, keys) => {
    expect(diagnose(['[backup]', 'target = /srv/backups', 'archive_prefix = h-', 'source_type = directory', 'source_root = /srv', ...keys])).toEqual([]);
  });

  it('a target inside a directory source_root is a conflict when a subdir holds it', () => {
    expectDiagnostics(diagnose(['[backup]', 'target = /srv/data/backups', 'archive_prefix = h-', 'source_type = directory', 'source_root = /srv', 'subdirs = data']), [
      ['BG015', 5, 'backup', 'source_root', 'lies inside source_root "/srv"; add "data/backups" to excludes'],
    ]);
  });

  it('a [bindmounts] path inside another one, or given twice, is bound once with it, and said (BG048)', () => {
    const result = compileProfile(`${[...VALID, '[bindmounts]', 'equals = /boot/efi /boot /srv/x /srv/x/'].join('\n')}\n`, { profileName: 'p.ini' });
    expectDiagnostics(result.diagnostics, [
      ['BG048', 11, 'bindmounts', 'equals', '"/boot/efi" is inside "/boot", which is bound with every filesystem mounted below it; "/boot/efi" comes with it and is not bound again'],
      ['BG048', 11, 'bindmounts', 'equals', '"/srv/x/" is given twice; it is bound once'],
    ]);
    expect(result.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
    expect(result.plan?.sources[0]?.bindMounts).toEqual(['/boot', '/srv/x']);
  });

  it('a [volume] bindmounts path inside another one is bound once too', () => {
    const result = compileProfile(`${[...VALID, ...lvmVolume('home', 'home', 'bindmounts = /srv/a /srv/a/b')].join('\n')}\n`, { profileName: 'p.ini' });
    expectDiagnostics(result.diagnostics, [['BG048', 14, 'volume home', 'bindmounts', '"/srv/a/b" is inside "/srv/a"']]);
    expect(result.plan?.sources[1]?.bindMounts).toEqual(['/srv/a']);
  });

  it('a source that failed validation is not also reported as "nothing to back up"', () => {
    const codes = diagnose(['[backup]', 'target = /var/backups/dar', 'archive_prefix = host-', '[lvm]', 'volume_group = data']).map((d) => d.code);
    expect(codes).toContain('BG012');
    expect(codes).not.toContain('BG016');
  });

  it('the original example profile (examples/host-precise.ini) compiles with no diagnostics', () => {
    const result = compileProfile(readFileSync(join(EXAMPLES_DIRECTORY, 'host-precise.ini'), 'utf8'), { profileName: 'host-precise.ini' });
    expect(result.diagnostics).toEqual([]);
    expect(result.plan?.sources.map((s) => s.name)).toEqual(['main']);
  });

  it('the profile `backup-gen init` prints compiles with no diagnostics', () => {
    expect(compileProfile(renderExampleProfile(), { profileName: 'init.ini' }).diagnostics).toEqual([]);
  });

  it.each(['directory.ini', 'volumes.ini', 'volumes-only.ini', 'nasty.ini', 'mirror-mounted.ini', 'mirror-remote.ini'])('fixture %s compiles with no diagnostics', (name) => {
    expect(compileProfile(readFileSync(join(FIXTURE_PROFILES_DIRECTORY, name), 'utf8'), { profileName: name }).diagnostics).toEqual([]);
  });
});

describe('unknown sections and keys', () => {
  it.each([
    ['misspelled section', [...VALID, '[rsycn]', 'enabled = yes'], [['BG010', 10, 'rsycn', undefined, 'unknown section; expected one of [backup], [lvm], [bindmounts], [volume NAME], [dar], [retention], [encryption], [rsync], [hooks], [monitoring]; did you mean "rsync"?']]],
    ['misspelled section, longer', [...VALID, '[bindmount]'], [['BG010', 10, 'bindmount', undefined, 'did you mean "bindmounts"?']]],
    ['unrelated section: no suggestion', [...VALID, '[misc]'], [['BG010', 10, 'misc', undefined, /\[dar\], \[retention\], \[encryption\], \[rsync\], \[hooks\], \[monitoring\]$/]]],
    ['volume without a name', [...VALID, '[volume]'], [['BG010', 10, 'volume', undefined, 'a volume section needs a name: [volume NAME]']]],
    ['"Volume" in capitals', [...VALID, '[Volume home]'], [['BG010', 10, 'Volume home', undefined, 'did you mean "volume home"? ("volume" is lower-case)']]],
    ['spaces inside the brackets are part of the name', [...BACKUP, 'source_type = lvm', '[ lvm ]', 'volume_group = data'], [
      ['BG012', 4, 'lvm', undefined, 'missing section [lvm]'],
      ['BG010', 5, ' lvm ', undefined, 'the name is read exactly as written, white space included: write [lvm]'],
    ]],
    ['[default] in lower case is an ordinary section', [...VALID, '[default]', 'target = /x'], [['BG010', 10, 'default', undefined, 'the section of defaults for every section is [DEFAULT], in capitals']]],
    ['a key with a space inside', [...VALID, '[rsync]', 'target dir = /x'], [['BG011', 11, 'rsync', 'target dir', 'did you mean "target_dir"?']]],
    ['misspelled key', [...BACKUP, 'source_type = lvm', '[lvm]', 'volume_group = data', 'logical_volume = root', 'snapshot_lv_name = root-backsnap', 'snaphot_size = 2G'], [
      ['BG011', 9, 'lvm', 'snaphot_size', 'unknown key; [lvm] takes volume_group, logical_volume, snapshot_lv_name, snapshot_size, thin_pool_threshold, thin_snapshot_reserve, mount_options; did you mean "snapshot_size"?'],
    ]],
    ['misspelled boolean key', [...VALID, '[rsync]', 'enable = true'], [['BG011', 11, 'rsync', 'enable', 'did you mean "enabled"?']]],
    ['misspelled key in a volume', [...VALID, ...lvmVolume('home', 'home', 'bindmount = /var/mail')], [['BG011', 14, 'volume home', 'bindmount', 'did you mean "bindmounts"?']]],
    ['misspelled equals', [...VALID, '[bindmounts]', 'equal = /boot'], [['BG011', 11, 'bindmounts', 'equal', 'did you mean "equals"?']]],
    ['unrelated key: the list, no suggestion', [...VALID, '[dar]', 'speed = fast'], [['BG011', 11, 'dar', 'speed', /^unknown key; \[dar\] takes compression, compression_level, slice_size, min_compress_size, no_compress, compare_with_source, exclude_masks$/]]],
    ['a key of another section', [...VALID, '[backup]', 'snapshot_size = 1G'], [['BG011', 11, 'backup', 'snapshot_size', 'unknown key; [backup] takes source_type, source_root, subdirs, excludes, target, target_must_be_mounted, archive_prefix, full_every, lock_file, lock_wait, target_reserve, snapshots, parallel, log_file; did you mean "snapshots"?']]],
  ] as [string, string[], Expected[]][])('%s', (_name, lines, expected) => {
    expectDiagnostics(diagnose(lines), expected);
  });
});

describe('[DEFAULT]: its keys go to the sections here that take them (BG047)', () => {
  const LVM_NO_SIZE = ['source_type = lvm', '[lvm]', 'volume_group = data', 'logical_volume = root', 'snapshot_lv_name = root-backsnap']; // lines 5-9 after [DEFAULT] and one key

  it('gives a key to every section that takes it and does not set it, with a warning', () => {
    const result = compileProfile(['[DEFAULT]', 'snapshot_size = 2G', ...BACKUP, ...LVM_NO_SIZE, ...volume('home', 'volume_group = data', 'logical_volume = home'), ...volume('big', 'volume_group = data', 'logical_volume = big', 'snapshot_size = 9G')].join('\n'), { profileName: 'p.ini' });
    expectDiagnostics(result.diagnostics, [['BG047', 2, 'DEFAULT', 'snapshot_size', 'given to [lvm], [volume home], as the original\'s ConfigParser looked up there a key a section did not set; write it in each of them instead to make that plain']]);
    expect(result.diagnostics[0]?.severity).toBe('warning');
    expect(result.plan?.sources.map((s) => [s.name, s.snapshot?.sizeArguments])).toEqual([['main', ['--size', '2G']], ['home', ['--size', '2G']], ['big', ['--size', '9G']]]);
  });

  it.each([
    ['a key only an absent section takes: no unknown-key error', ['[DEFAULT]', 'target_dir = /mnt/m', ...VALID], [['BG047', 2, 'DEFAULT', 'target_dir', 'given to no section: every section here that takes it sets it itself, or none that takes it is in the profile; delete it from [DEFAULT]']]],
    ['a key every section sets itself', ['[DEFAULT]', 'target = /elsewhere', ...VALID], [['BG047', 2, 'DEFAULT', 'target', 'given to no section']]],
    ['a key no section takes', ['[DEFAULT]', 'snapshot_sise = 2G', ...VALID], [['BG011', 2, 'DEFAULT', 'snapshot_sise', 'unknown key: no section takes it, so [DEFAULT] gives it to none; did you mean "snapshot_size"?']]],
    ['a bad value is reported on its line in [DEFAULT]', ['[DEFAULT]', 'snapshot_size = huge', ...BACKUP, ...LVM_NO_SIZE], [
      ['BG022', 2, 'lvm', 'snapshot_size', 'expected an lvcreate size'],
      ['BG047', 2, 'DEFAULT', 'snapshot_size', 'given to [lvm]'],
    ]],
    ['an LVM key is not "not used" in a directory volume it reached through [DEFAULT]', ['[DEFAULT]', 'snapshot_size = 2G', ...BACKUP, ...LVM_NO_SIZE, ...directoryVolume('srv', '/srv')], [['BG047', 2, 'DEFAULT', 'snapshot_size', 'given to [lvm], [volume srv]']]],
    ['[DEFAULT] after the sections, and twice', [...BACKUP, ...LVM_NO_SIZE, '[DEFAULT]', 'snapshot_size = 2G', '[DEFAULT]', 'mount_options = noatime'], [
      ['BG047', 10, 'DEFAULT', 'snapshot_size', 'given to [lvm]'],
      ['BG047', 12, 'DEFAULT', 'mount_options', 'given to [lvm]'],
    ]],
  ] as [string, string[], Expected[]][])('%s', (_name, lines, expected) => {
    expectDiagnostics(diagnose(lines), expected);
  });
});

describe('missing sections and keys', () => {
  it.each([
    ['no [backup] section', LVM_MAIN.slice(1), [
      ['BG012', 0, 'backup', undefined, 'missing required section [backup] (it holds target and archive_prefix)'],
      ['BG012', 0, 'backup', 'target', 'missing required key (required always)'],
      ['BG012', 0, 'backup', 'archive_prefix', 'missing required key (required always)'],
      ['BG012', 0, 'backup', 'source_type', 'missing required key (required when the profile has [lvm] or [bindmounts])'],
    ]],
    ['no target', ['[backup]', 'archive_prefix = host-', ...LVM_MAIN], [['BG012', 1, 'backup', 'target', 'missing required key (required always)']]],
    ['no archive_prefix', ['[backup]', 'target = /b', ...LVM_MAIN], [['BG012', 1, 'backup', 'archive_prefix', 'missing required key (required always)']]],
    ['[lvm] without source_type', [...BACKUP, ...LVM_MAIN.slice(1)], [
      ['BG012', 1, 'backup', 'source_type', 'missing required key (required when the profile has [lvm] or [bindmounts])'],
    ]],
    ['source_type = lvm without [lvm]', [...BACKUP, 'source_type = lvm'], [['BG012', 4, 'lvm', undefined, 'missing section [lvm], required when [backup] source_type = lvm']]],
    ['[lvm] without its keys', [...BACKUP, 'source_type = lvm', '[lvm]', 'volume_group = data'], [
      ['BG012', 5, 'lvm', 'logical_volume', 'missing required key (required when source_type = lvm)'],
      ['BG012', 5, 'lvm', 'snapshot_lv_name', 'missing required key (required when source_type = lvm)'],
    ]],
    ['directory without source_root', [...BACKUP, 'source_type = directory'], [['BG012', 1, 'backup', 'source_root', 'missing required key (required when source_type = directory)']]],
    ['volume without logical_volume', [...BACKUP, ...volume('home', 'volume_group = data', 'snapshot_size = 1G')], [['BG012', 4, 'volume home', 'logical_volume', 'missing required key (required when source_type = lvm)']]],
    ['directory volume without source_root', [...BACKUP, ...volume('srv', 'source_type = directory')], [['BG012', 4, 'volume srv', 'source_root', 'missing required key (required when source_type = directory)']]],
    ['mirror enabled without target_dir', [...VALID, '[rsync]', 'enabled = yes'], [['BG012', 10, 'rsync', 'target_dir', 'missing required key (required when enabled = true)']]],
    ['a key with a bad value is not also "missing"', [...BACKUP.slice(0, 2), 'archive_prefix = a/b', ...LVM_MAIN], [['BG027', 3, 'backup', 'archive_prefix', 'is not a usable file-name prefix']]],
  ] as [string, string[], Expected[]][])('%s', (_name, lines, expected) => {
    expectDiagnostics(diagnose(lines), expected);
  });
});

describe('keys that do not apply (BG014) and duplicate keys (BG005)', () => {
  it.each([
    ['[lvm] keys with a directory source', [...BACKUP, 'source_type = directory', 'source_root = /srv', '[lvm]', 'volume_group = data', 'snapshot_size = 2G'], [
      ['BG014', 7, 'lvm', 'volume_group', 'not used when [backup] source_type = directory'],
      ['BG014', 8, 'lvm', 'snapshot_size', 'not used when [backup] source_type = directory'],
    ]],
    ['[bindmounts] with a directory source', [...BACKUP, 'source_type = directory', 'source_root = /srv', '[bindmounts]', 'equals = /boot'], [['BG014', 7, 'bindmounts', 'equals', 'bind mounts go into an LVM snapshot']]],
    ['LVM keys in a directory volume', [...BACKUP, ...directoryVolume('srv', '/srv', 'volume_group = data', 'mount_options = noatime', 'bindmounts = /boot')], [
      ['BG014', 7, 'volume srv', 'volume_group', 'not used when source_type = directory'],
      ['BG014', 8, 'volume srv', 'mount_options', 'not used when source_type = directory'],
      ['BG014', 9, 'volume srv', 'bindmounts', 'not used when source_type = directory'],
    ]],
    ['source_root in an LVM volume', [...BACKUP, ...lvmVolume('home', 'home', 'source_root = /home')], [['BG014', 8, 'volume home', 'source_root', 'not used when source_type = lvm']]],
    ['source_root with the original LVM source: only a warning', [...VALID, '[backup]', 'source_root = /srv'], [['BG014', 11, 'backup', 'source_root', 'ignored when source_type = lvm (the original never read it either)']]],
    ['ssh keys with a mirror on this host', [...VALID, '[rsync]', 'enabled = yes', 'target_dir = /mnt/m', 'ssh_port = 2222', 'ssh_identity_file = /root/.ssh/k'], [
      ['BG014', 13, 'rsync', 'ssh_port', 'not used when target_dir is a directory on this host (they are for host:/path)'],
      ['BG014', 14, 'rsync', 'ssh_identity_file', 'not used when target_dir is a directory on this host'],
    ]],
    ['local checks with a remote mirror', [...VALID, '[rsync]', 'enabled = yes', 'target_dir = nas:/srv/m', 'touch_file = /mnt/m/.wake', 'target_dir_must_be_mounted = yes'], [
      ['BG014', 13, 'rsync', 'touch_file', 'not used when target_dir is on another host: its side is not checked from here'],
      ['BG014', 14, 'rsync', 'target_dir_must_be_mounted', 'not used when target_dir is on another host'],
    ]],
    ['duplicate key', [...VALID, 'snapshot_size = 3G'], [['BG005', 10, 'lvm', 'snapshot_size', 'duplicate key "snapshot_size" (first set on line 9; the original tool silently kept the last)']]],
    ['duplicate key in a repeated section', [...VALID, '[backup]', 'Target = /srv'], [['BG005', 11, 'backup', 'target', 'first set on line 2']]],
  ] as [string, string[], Expected[]][])('%s', (_name, lines, expected) => {
    expectDiagnostics(diagnose(lines), expected);
  });

  it('the BG014 warning leaves the profile usable', () => {
    const result = compileProfile(`${[...VALID, '[backup]', 'source_root = /srv'].join('\n')}\n`, { profileName: 'p.ini' });
    expect(result.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(result.plan).toBeDefined();
  });
});

describe('conflicts (BG015), volume names (BG027) and nothing to back up (BG016)', () => {
  it.each([
    ['the same LV twice', [...VALID, ...lvmVolume('again', 'root')], [['BG015', 12, 'volume again', 'logical_volume', 'data/root is already backed up by [lvm]; use subdirs to take several paths from one snapshot']]],
    ['two volumes with one snapshot name', [...BACKUP, ...lvmVolume('a', 'x', 'snapshot_lv_name = snap'), ...lvmVolume('b', 'y', 'snapshot_lv_name = snap')], [['BG015', 13, 'volume b', 'snapshot_lv_name', 'snapshot name "snap" is also used by [volume a] in the same volume group']]],
    ['a default snapshot name that is written elsewhere', [...VALID, ...lvmVolume('home', 'home'), ...lvmVolume('other', 'other', 'snapshot_lv_name = home-backsnap')], [['BG015', 18, 'volume other', 'snapshot_lv_name', 'snapshot name "home-backsnap" is also used by [volume home]']]],
    ['a snapshot named like another origin LV', [...VALID, ...lvmVolume('home', 'home', 'snapshot_lv_name = root')], [['BG015', 14, 'volume home', 'snapshot_lv_name', 'snapshot name "root" is the name of the origin LV of [lvm]']]],
    ['a snapshot named like its own origin', [...BACKUP, 'source_type = lvm', '[lvm]', 'volume_group = data', 'logical_volume = root', 'snapshot_lv_name = root', 'snapshot_size = 2G'], [['BG015', 8, 'lvm', 'snapshot_lv_name', 'snapshot name "root" is the name of the origin LV of [lvm]']]],
    ['mirror inside the target', [...VALID, '[rsync]', 'enabled = yes', 'target_dir = /var/backups/dar/mirror'], [['BG015', 12, 'rsync', 'target_dir', 'expected a directory outside [backup] target, found "/var/backups/dar/mirror", which overlaps "/var/backups/dar"']]],
    ['mirror is the target', [...VALID, '[rsync]', 'enabled = yes', 'target_dir = /var/backups/dar/'], [['BG015', 12, 'rsync', 'target_dir', 'which overlaps']]],
    ['target inside the mirror', [...VALID, '[rsync]', 'enabled = yes', 'target_dir = /var'], [['BG015', 12, 'rsync', 'target_dir', 'found "/var", which overlaps "/var/backups/dar"']]],
    ['mirror inside the target, spelled with "//"', [...VALID, '[rsync]', 'enabled = yes', 'target_dir = /var//backups/dar/m'], [['BG015', 12, 'rsync', 'target_dir', 'which overlaps']]],
    ['mirror inside the target, spelled with "." and ".."', [...VALID, '[rsync]', 'enabled = yes', 'target_dir = /var/./x/../backups/dar/m'], [['BG015', 12, 'rsync', 'target_dir', 'which overlaps']]],
    ['target inside a directory source_root', [...BACKUP, 'source_type = directory', 'source_root = /var'], [['BG015', 5, 'backup', 'source_root', '[backup] target "/var/backups/dar" lies inside source_root "/var"; add "backups/dar" to excludes']]],
    ['target inside a source_root spelled with "//"', [...BACKUP, 'source_type = directory', 'source_root = /var//backups/'], [['BG015', 5, 'backup', 'source_root', 'lies inside source_root "/var//backups/"; add "dar" to excludes']]],
    ['target is the source_root', [...BACKUP, 'source_type = directory', 'source_root = /var/backups/dar'], [['BG015', 5, 'backup', 'source_root', /lies inside source_root "\/var\/backups\/dar"$/]]],
    ['the lock file inside a directory source_root', [...BACKUP, 'lock_file = /srv/run/backup.lock', 'source_type = directory', 'source_root = /srv'], [['BG015', 6, 'backup', 'source_root', '[backup] lock_file "/srv/run/backup.lock" lies inside source_root "/srv"; add "run/backup.lock" to excludes']]],
    ['the log file inside a directory source_root', [...BACKUP, 'log_file = /srv/backup.log', 'source_type = directory', 'source_root = /srv'], [['BG015', 6, 'backup', 'source_root', '[backup] log_file "/srv/backup.log" lies inside source_root "/srv"; add "backup.log" to excludes']]],
    ['the mirror inside a directory source_root', ['[backup]', 'target = /backups', 'archive_prefix = h-', 'source_type = directory', 'source_root = /srv', '[rsync]', 'enabled = yes', 'target_dir = /srv/mirror'], [['BG015', 5, 'backup', 'source_root', '[rsync] target_dir "/srv/mirror" lies inside source_root "/srv"; add "mirror" to excludes']]],
    ['target inside a directory volume', [...VALID, ...directoryVolume('var', '/var', 'excludes = cache')], [['BG015', 12, 'volume var', 'source_root', 'lies inside source_root "/var"; add "backups/dar" to excludes']]],
    ['a volume\'s set directory inside a directory source', ['[backup]', 'target = /srv', 'archive_prefix = h-', ...directoryVolume('www', '/srv/www')], [['BG015', 6, 'volume www', 'source_root', 'the set directory of [volume www], "/srv/www", lies inside source_root "/srv/www"']]],
    ['prune_after_backup without a keep rule', [...VALID, '[retention]', 'prune_after_backup = yes'], [['BG015', 11, 'retention', 'prune_after_backup', 'prune_after_backup needs keep_months or keep_days: they say what is kept']]],
    ['a mirror keep rule without a mirror', [...VALID, '[retention]', 'mirror_keep_days = 30'], [['BG015', 11, 'retention', 'mirror_keep_days', 'mirror_keep_days is for the mirror, and [rsync] is not enabled']]],
    ['a mirror keep rule for a mirror on another host', [...VALID, '[rsync]', 'enabled = yes', 'target_dir = backup@mirror:/srv/m', '[retention]', 'keep_months = 3', 'mirror_keep_months = 12'], [['BG015', 15, 'retention', 'mirror_keep_months', 'mirror_keep_months prunes a mirror on this host; backup@mirror:/srv/m is on another host, where this script does not delete']]],
    ['volume names that differ only in case', [...VALID, ...directoryVolume('home', '/home'), ...directoryVolume('Home', '/home2')], [['BG015', 13, 'volume Home', undefined, 'same section as [volume home] on line 10: volume names may not differ only in case or in "-" versus "_"']]],
    ['volume names that differ only in "-" versus "_"', [...VALID, ...directoryVolume('a-b', '/a'), ...directoryVolume('a_b', '/b')], [['BG015', 13, 'volume a_b', undefined, 'shell functions would collide']]],
    ['volume names that differ only in spacing', [...VALID, ...directoryVolume('home', '/home'), ...directoryVolume(' home', '/home2')], [['BG015', 13, 'volume  home', undefined, 'same section as [volume home]']]],
    ['two [backup] sections that differ in case', [...VALID, '[Backup]', 'log_file = /var/log/b.log'], [['BG015', 10, 'Backup', undefined, 'same section as [backup] on line 1: section names are not case-sensitive here; merge the two']]],
    ['a volume named main', [...VALID, ...directoryVolume('main', '/srv')], [['BG027', 10, 'volume main', undefined, 'expected a volume name other than "main"']]],
    ['a volume named like a month directory', [...VALID, ...directoryVolume('2024-01', '/srv')], [['BG027', 10, 'volume 2024-01', undefined, 'found "2024-01"']]],
    ['a volume name starting with a digit', [...VALID, ...directoryVolume('1st', '/srv')], [['BG027', 10, 'volume 1st', undefined, 'starting with a letter']]],
    ['a volume name with a space', [...VALID, ...directoryVolume('my home', '/srv')], [['BG027', 10, 'volume my home', undefined, 'found "my home"']]],
    ['a volume name with a dot', [...VALID, ...directoryVolume('a.b', '/srv')], [['BG027', 10, 'volume a.b', undefined, 'found "a.b"']]],
    ['a default snapshot name past LVM\'s limit', [...BACKUP, ...volume('big', 'volume_group = data', `logical_volume = ${'l'.repeat(120)}`, 'snapshot_size = 1G')], [['BG021', 6, 'volume big', 'logical_volume', 'the default snapshot_lv_name is unusable: expected an LVM logical volume name, found "' + 'l'.repeat(120) + '-backsnap": is 129 characters long; LVM allows at most 127; set snapshot_lv_name']]],
    ['nothing to back up', BACKUP, [['BG016', 1, 'backup', undefined, 'nothing to back up: set source_type (with [lvm] or source_root), or add a [volume NAME] section']]],
    ['nothing to back up, with other sections', [...BACKUP, '[dar]', 'compression = xz', '[rsync]', 'enabled = no'], [['BG016', 1, 'backup', undefined, 'nothing to back up']]],
  ] as [string, string[], Expected[]][])('%s', (_name, lines, expected) => {
    expectDiagnostics(diagnose(lines), expected);
  });
});

describe('every problem at once', () => {
  it('reports parse, value, key, missing-key and conflict errors together, sorted by line', () => {
    const lines = [
      '[backup]', // 1
      'target = relative/path', // 2: BG020
      'archive_prefix = host-', // 3
      'source_type = lvm', // 4
      'compresion = xz', // 5: BG011
      '[lvm]', // 6: BG012 snapshot_lv_name missing
      'volume_group = data', // 7
      'logical_volume = root', // 8
      'snapshot_size = 1G', // 9
      'logical_volume = other', // 10: BG005
      'mount_options = rw', // 11: BG028
      'garbage line', // 12: BG001
      '[volume home]', // 13
      'volume_group = data', // 14
      'logical_volume = root', // 15
      'snapshot_size = 150%VG', // 16: BG022
      '[dar]', // 17
      'compression_level = 12', // 18: BG025 (gzip goes to 9)
      'compression = gzip', // 19
      '[rsync]', // 20
      'enabled = maybe', // 21: BG023
      '[extras]', // 22: BG010
    ];
    expect(diagnose(lines).map((d) => [d.code, d.line])).toEqual([
      ['BG020', 2],
      ['BG011', 5],
      ['BG012', 6],
      ['BG005', 10],
      ['BG028', 11],
      ['BG001', 12],
      ['BG022', 16],
      ['BG025', 18],
      ['BG023', 21],
      ['BG010', 22],
    ]);
  });

  it('reports the same LV twice alongside value errors elsewhere', () => {
    const lines = [...VALID, ...lvmVolume('again', 'root'), '[dar]', 'slice_size = big'];
    expect(diagnose(lines).map((d) => [d.code, d.line])).toEqual([
      ['BG015', 12],
      ['BG025', 15],
    ]);
  });
});

describe('formatDiagnostic: FILE:LINE: error[CODE]: [section] key: message', () => {
  it.each([
    ['section and key', { severity: 'error', code: 'BG022', line: 7, section: 'lvm', key: 'snapshot_size', message: 'bad' }, 'host.ini:7: error[BG022]: [lvm] snapshot_size: bad'],
    ['section only', { severity: 'error', code: 'BG010', line: 3, section: 'misc', message: 'unknown section' }, 'host.ini:3: error[BG010]: [misc]: unknown section'],
    ['whole file', { severity: 'error', code: 'BG006', line: 1, message: 'no header' }, 'host.ini:1: error[BG006]: no header'],
    ['warning', { severity: 'warning', code: 'BG014', line: 5, section: 'backup', key: 'source_root', message: 'ignored' }, 'host.ini:5: warning[BG014]: [backup] source_root: ignored'],
    ['line 0', { severity: 'error', code: 'BG012', line: 0, section: 'backup', message: 'missing' }, 'host.ini:0: error[BG012]: [backup]: missing'],
    ['section with a space', { severity: 'error', code: 'BG015', line: 9, section: 'volume home', key: 'logical_volume', message: 'twice' }, 'host.ini:9: error[BG015]: [volume home] logical_volume: twice'],
  ] as [string, Diagnostic, string][])('%s', (_name, diagnostic, expected) => {
    expect(formatDiagnostic('host.ini', diagnostic)).toBe(expected);
  });

  it('formats a real diagnostic with the profile name the caller gives', () => {
    const [d] = diagnose([...BACKUP.slice(0, 2), 'archive_prefix = a:b', ...LVM_MAIN]);
    expect(formatDiagnostic('/etc/backup/host.ini', d as Diagnostic)).toMatch(/^\/etc\/backup\/host\.ini:3: error\[BG027\]: \[backup\] archive_prefix: expected a file-name prefix/);
  });
});
