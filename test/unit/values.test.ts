// Stage 2a, value kinds: every kind accepts what its tool accepts and rejects the rest with its
// code, a message naming the problem, and the line of the key that held the value.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compile.js';
import { sectionSpecFor } from '../../src/profile/schema.js';
import { parseValue } from '../../src/profile/values.js';
import { splitWords } from '../../src/profile/words.js';
import { hasCommand } from './fixtures/support.js';

/** A valid profile in which every key of every section can be set. */
const BASE = [
  '[backup]',
  'source_type = lvm',
  'target = /var/backups/dar',
  'archive_prefix = host-',
  '[lvm]',
  'volume_group = data',
  'logical_volume = root',
  'snapshot_lv_name = root-backsnap',
  'snapshot_size = 2G',
  '[bindmounts]',
  'equals = /boot',
  '[volume home]',
  'volume_group = data',
  'logical_volume = home',
  'snapshot_size = 1G',
  '[dar]',
  'compression = gzip',
  '[rsync]',
  'enabled = true',
  'target_dir = /mnt/mirror',
];

/**
 * BASE with `key = value` written last, in a repeated `[section]` header (which merges into the
 * first, as ConfigParser did). A value with newlines becomes continuation lines.
 */
function profileWith(section: string, key: string, value: string): { text: string; line: number } {
  let current = '';
  const lines = BASE.filter((l) => {
    current = /^\[(.*)\]$/.exec(l)?.[1] ?? current;
    return !(current === section && l.startsWith(`${key} =`));
  });
  const [first, ...rest] = value.split('\n');
  lines.push(`[${section}]`, `${key} = ${first}`);
  const line = lines.length;
  lines.push(...rest.map((r) => `  ${r}`));
  return { text: `${lines.join('\n')}\n`, line };
}

function kindOf(section: string, key: string) {
  const kind = sectionSpecFor(section)?.keys.find((k) => k.key === key)?.kind;
  if (kind === undefined) throw new Error(`no key ${key} in [${section}]`);
  return kind;
}

function diagnosticsFor(section: string, key: string, value: string) {
  const { text, line } = profileWith(section, key, value);
  return { line, diagnostics: compileProfile(text, { profileName: 'p.ini' }).diagnostics };
}

const LONG_127 = 'a'.repeat(127);
const LONG_128 = 'a'.repeat(128);
const LV_RESERVED = ['_cdata', '_cmeta', '_corig', '_cpool', '_cvol', '_imeta', '_iorig', '_mimage', '_mlog', '_pmspare', '_rimage', '_rmeta', '_tdata', '_tmeta', '_vdata', '_vorigin', '_wcorig'];

describe('accepted values and what they become', () => {
  it.each([
    // LVM names: a-z A-Z 0-9 + _ . - (lvm(8) VALID NAMES)
    ['lvm', 'volume_group', 'data', 'data'],
    ['lvm', 'volume_group', 'vg_00+x.y-z', 'vg_00+x.y-z'],
    ['lvm', 'volume_group', 'snapshot', 'snapshot'], // reserved words bind LV names only
    ['lvm', 'volume_group', 'x_tmeta', 'x_tmeta'],
    ['lvm', 'volume_group', LONG_127, LONG_127],
    ['lvm', 'logical_volume', 'os-xub-precise', 'os-xub-precise'],
    ['lvm', 'logical_volume', 'lv.1+2_3', 'lv.1+2_3'],
    ['lvm', 'logical_volume', 'snap', 'snap'],
    ['lvm', 'logical_volume', 'my-snapshot', 'my-snapshot'],
    ['lvm', 'logical_volume', 'a.', 'a.'],
    ['lvm', 'logical_volume', '...', '...'],
    ['lvm', 'logical_volume', 'root_data', 'root_data'],
    ['lvm', 'snapshot_lv_name', LONG_127, LONG_127],
    // lvcreate sizes: --size for absolute sizes, --extents for percentages
    ['lvm', 'snapshot_size', '2G', { option: '--size', value: '2G' }],
    ['lvm', 'snapshot_size', '512M', { option: '--size', value: '512M' }],
    ['lvm', 'snapshot_size', '1.5T', { option: '--size', value: '1.5T' }],
    ['lvm', 'snapshot_size', '.5g', { option: '--size', value: '.5g' }],
    ['lvm', 'snapshot_size', '512', { option: '--size', value: '512' }],
    ['lvm', 'snapshot_size', '4096s', { option: '--size', value: '4096s' }],
    ['lvm', 'snapshot_size', '20%ORIGIN', { option: '--extents', value: '20%ORIGIN' }],
    ['lvm', 'snapshot_size', '100%VG', { option: '--extents', value: '100%VG' }],
    ['lvm', 'snapshot_size', '1%FREE', { option: '--extents', value: '1%FREE' }],
    ['lvm', 'snapshot_size', '50%PVS', { option: '--extents', value: '50%PVS' }],
    // paths
    ['backup', 'target', '/var/backups/dar', '/var/backups/dar'],
    ['backup', 'target', '/srv/a b;c#d', '/srv/a b;c#d'],
    ['backup', 'target', "/srv/it's $(here)", "/srv/it's $(here)"],
    ['backup', 'log_file', '/var/log/backup-gen.log', '/var/log/backup-gen.log'],
    ['rsync', 'touch_file', '/mnt/mirror/.wake', '/mnt/mirror/.wake'],
    // the mirror: a directory here, or [user@]host:/path (rsync over ssh)
    ['rsync', 'target_dir', '/mnt/mirror', { text: '/mnt/mirror' }],
    ['rsync', 'target_dir', '/mnt/a:b', { text: '/mnt/a:b' }],
    ['rsync', 'target_dir', 'nas:/srv/mirror', { text: 'nas:/srv/mirror', remote: { host: 'nas', path: '/srv/mirror' } }],
    ['rsync', 'target_dir', 'backup@nas.example.org:/srv/m', { text: 'backup@nas.example.org:/srv/m', remote: { user: 'backup', host: 'nas.example.org', path: '/srv/m' } }],
    ['rsync', 'target_dir', 'root@192.0.2.7:/', { text: 'root@192.0.2.7:/', remote: { user: 'root', host: '192.0.2.7', path: '/' } }],
    ['rsync', 'target_dir', '[2001:db8::1]:/srv/m', { text: '[2001:db8::1]:/srv/m', remote: { host: '[2001:db8::1]', path: '/srv/m' } }],
    ['rsync', 'target_dir', 'b_1@nas_2:/srv/a,b=c+d@e%f', { text: 'b_1@nas_2:/srv/a,b=c+d@e%f', remote: { user: 'b_1', host: 'nas_2', path: '/srv/a,b=c+d@e%f' } }],
    ['bindmounts', 'equals', '/boot /srv/efi', ['/boot', '/srv/efi']],
    ['bindmounts', 'equals', "'/srv/a b' /x\\ y", ['/srv/a b', '/x y']],
    ['bindmounts', 'equals', '/boot\n/var/mail', ['/boot', '/var/mail']],
    ['bindmounts', 'equals', '', []],
    ['backup', 'subdirs', 'etc home', ['etc', 'home']],
    ['backup', 'subdirs', 'etc/ssh "my docs" ./x', ['etc/ssh', 'my docs', './x']],
    ['backup', 'excludes', 'var/cache\ntmp', ['var/cache', 'tmp']],
    ['backup', 'excludes', 'a..b ..c', ['a..b', '..c']],
    ['dar', 'no_compress', '*.gz *.zst', ['*.gz', '*.zst']],
    ['dar', 'exclude_masks', "'*.tmp' *~ \"a b*\"", ['*.tmp', '*~', 'a b*']],
    // booleans, any case
    ...['1', 'yes', 'true', 'on', 'YES', 'True', 'ON'].map((v) => ['rsync', 'even_if_backup_failed', v, true]),
    ...['0', 'no', 'false', 'off', 'No', 'FALSE', 'Off'].map((v) => ['rsync', 'even_if_backup_failed', v, false]),
    ['backup', 'target_must_be_mounted', 'yes', true],
    ['rsync', 'target_dir_must_be_mounted', 'Off', false],
    // bounds on waits
    ['rsync', 'io_timeout', '1', 1],
    ['rsync', 'io_timeout', '600', 600],
    ['rsync', 'io_timeout', '86400', 86400],
    // mount options: always mounted ro; these are extras
    ['lvm', 'mount_options', 'noatime', ['noatime']],
    ['lvm', 'mount_options', 'noatime,nodev', ['noatime', 'nodev']],
    ['lvm', 'mount_options', 'noatime, nodev,,', ['noatime', 'nodev']],
    ['lvm', 'mount_options', 'ro', ['ro']],
    ['lvm', 'mount_options', 'errors=remount-ro,data=ordered', ['errors=remount-ro', 'data=ordered']],
    ['lvm', 'mount_options', '', []],
    // full_every
    ['backup', 'full_every', 'month', { every: 'month' }],
    ['backup', 'full_every', 'Week', { every: 'week' }],
    ['backup', 'full_every', '1 run', { every: 'runs', count: 1 }],
    ['backup', 'full_every', '10 runs', { every: 'runs', count: 10 }],
    ['backup', 'full_every', '1000 RUNS', { every: 'runs', count: 1000 }],
    ['backup', 'full_every', '1 day', { every: 'days', count: 1 }],
    ['backup', 'full_every', '31  days', { every: 'days', count: 31 }],
    // dar
    ['dar', 'slice_size', '0', '0'],
    ['dar', 'slice_size', '1875000000', '1875000000'],
    ['dar', 'slice_size', '700M', '700M'],
    ['dar', 'slice_size', '1k', '1k'],
    ['dar', 'slice_size', '4G', '4G'],
    ['dar', 'compression', 'zstd', 'zstd'],
    ['backup', 'parallel', 'auto', 0],
    ['backup', 'parallel', 'AUTO', 0],
    ['backup', 'parallel', '1', 1],
    ['backup', 'parallel', '64', 64],
    ['dar', 'compression', 'none', 'none'],
    ['dar', 'compression_level', '1', 1],
    ['dar', 'compression_level', '09', 9],
    ['dar', 'min_compress_size', '0', 0],
    ['dar', 'min_compress_size', '150', 150],
    // other words
    ['backup', 'archive_prefix', 'hostname-os-xub-precise-', 'hostname-os-xub-precise-'],
    ['backup', 'archive_prefix', "it's-`y`-é-", "it's-`y`-é-"],
    ['backup', 'source_type', 'directory', 'directory'],
  ] as [string, string, string, unknown][])('[%s] %s = %j', (section, key, value, expected) => {
    expect(parseValue(kindOf(section, key), value)).toEqual({ ok: true, value: expected });
    if (!(section === 'backup' && key === 'source_type')) {
      expect(diagnosticsFor(section, key, value).diagnostics).toEqual([]);
    }
  });
});

describe('rejected values: code, message and line', () => {
  it.each([
    // LVM names
    ['empty LV name', 'lvm', 'logical_volume', '', 'BG021', 'is empty'],
    ['LV name of 128 characters', 'lvm', 'logical_volume', LONG_128, 'BG021', 'is 128 characters long; LVM allows at most 127'],
    ['VG name of 128 characters', 'lvm', 'volume_group', LONG_128, 'BG021', 'LVM allows at most 127'],
    ['space in an LV name', 'lvm', 'logical_volume', 'my root', 'BG021', 'may contain only A-Z a-z 0-9 + _ . - (lvm(8))'],
    ['slash in an LV name', 'lvm', 'logical_volume', 'data/root', 'BG021', 'may contain only'],
    ['non-ASCII letter', 'lvm', 'volume_group', 'données', 'BG021', 'may contain only'],
    ['shell in a VG name', 'lvm', 'volume_group', 'vg$(id)', 'BG021', 'may contain only'],
    ['quote in a snapshot name', 'lvm', 'snapshot_lv_name', "it's", 'BG021', 'may contain only'],
    ['leading hyphen, LV', 'lvm', 'logical_volume', '-root', 'BG021', 'may not start with "-"'],
    ['leading hyphen, VG', 'lvm', 'volume_group', '-data', 'BG021', 'may not start with "-"'],
    ['"." as LV', 'lvm', 'logical_volume', '.', 'BG021', 'may not be "."'],
    ['".." as VG', 'lvm', 'volume_group', '..', 'BG021', 'may not be ".."'],
    ['"snapshot" as LV', 'lvm', 'logical_volume', 'snapshot', 'BG021', 'may not start with "snapshot" or "pvmove"'],
    ['"snapshot…" as snapshot name', 'lvm', 'snapshot_lv_name', 'snapshot-root', 'BG021', 'reserved by LVM'],
    ['"pvmove…" as LV', 'lvm', 'logical_volume', 'pvmove0', 'BG021', 'may not start with "snapshot" or "pvmove"'],
    ...LV_RESERVED.map((s) => [`reserved ${s} in an LV name`, 'lvm', 'snapshot_lv_name', `root${s}1`, 'BG021', `may not contain "${s}" (reserved by LVM)`]),
    ['reserved string in a volume section', 'volume home', 'logical_volume', 'home_tmeta', 'BG021', 'may not contain "_tmeta"'],
    // snapshot sizes
    ['a command after the size', 'lvm', 'snapshot_size', '2G; rm -rf /', 'BG022', 'found "2G; rm -rf /": is not a size lvcreate accepts'],
    ['zero', 'lvm', 'snapshot_size', '0', 'BG022', 'is not a size lvcreate accepts'],
    ['zero with a unit', 'lvm', 'snapshot_size', '0.0G', 'BG022', 'is not a size lvcreate accepts'],
    ['negative', 'lvm', 'snapshot_size', '-1G', 'BG022', 'found "-1G"'],
    ['over 100 percent', 'lvm', 'snapshot_size', '150%VG', 'BG022', 'percentage must be 1 to 100, found 150'],
    ['zero percent', 'lvm', 'snapshot_size', '0%ORIGIN', 'BG022', 'percentage must be 1 to 100, found 0'],
    ['lower-case percentage base', 'lvm', 'snapshot_size', '20%origin', 'BG022', 'is not a size lvcreate accepts'],
    ['unknown percentage base', 'lvm', 'snapshot_size', '20%LV', 'BG022', 'is not a size lvcreate accepts'],
    ['bare percentage', 'lvm', 'snapshot_size', '20%', 'BG022', 'is not a size lvcreate accepts'],
    ['two-letter unit', 'lvm', 'snapshot_size', '2GB', 'BG022', 'is not a size lvcreate accepts'],
    ['space before the unit', 'lvm', 'snapshot_size', '2 G', 'BG022', 'is not a size lvcreate accepts'],
    ['exponent', 'lvm', 'snapshot_size', '1e3', 'BG022', 'is not a size lvcreate accepts'],
    ['empty size', 'lvm', 'snapshot_size', '', 'BG022', 'expected an lvcreate size such as 2G'],
    ['volume snapshot size', 'volume home', 'snapshot_size', '$(id)', 'BG022', 'is not a size lvcreate accepts'],
    // single paths
    ['relative target', 'backup', 'target', 'var/backups', 'BG020', 'must be an absolute path (start with "/")'],
    ['home-relative target', 'backup', 'target', '~/backups', 'BG020', 'must be an absolute path'],
    ['empty target', 'backup', 'target', '', 'BG020', 'expected an absolute path, found ""'],
    ['target on two lines', 'backup', 'target', '/var/a\n/var/b', 'BG020', 'must fit on one line (no continuation lines)'],
    ['relative mirror', 'rsync', 'target_dir', 'mirror', 'BG020', 'must be an absolute path'],
    ['relative touch file', 'rsync', 'touch_file', '.wake', 'BG020', 'must be an absolute path'],
    ['remote mirror, relative path', 'rsync', 'target_dir', 'nas:srv/m', 'BG020', 'expected an absolute path, or host:/path or user@host:/path (rsync over ssh), found "nas:srv/m": the path after "nas:" must be absolute (start with "/")'],
    ['remote mirror, home-relative path', 'rsync', 'target_dir', 'nas:~/m', 'BG020', 'the path after "nas:" must be absolute'],
    ['remote mirror, no path', 'rsync', 'target_dir', 'nas:', 'BG020', 'the path after "nas:" must be absolute'],
    ['rsync daemon module', 'rsync', 'target_dir', 'nas::backups', 'BG020', 'rsync daemon destinations (rsync://, host::module) are not supported; use host:/path (rsync over ssh)'],
    ['rsync daemon module, no host', 'rsync', 'target_dir', '::backups', 'BG020', 'rsync daemon destinations'],
    ['rsync daemon URL', 'rsync', 'target_dir', 'rsync://nas/backups', 'BG020', 'rsync daemon destinations'],
    ['shell in a remote path', 'rsync', 'target_dir', 'nas:/srv/$(id)', 'BG020', 'the remote path may contain only letters, digits and _ @ % + = : , . / - (the remote shell reads it)'],
    ['space in a remote path', 'rsync', 'target_dir', 'nas:/srv/a b', 'BG020', 'the remote path may contain only'],
    ['quote in a remote path', 'rsync', 'target_dir', "nas:/srv/it's", 'BG020', 'the remote path may contain only'],
    ['an ssh option as the host', 'rsync', 'target_dir', '-oProxyCommand=x:/srv', 'BG020', 'host "-oProxyCommand=x" is not a host name, an IPv4 address or an IPv6 address in [brackets]'],
    ['empty host', 'rsync', 'target_dir', ':/srv', 'BG020', 'host "" is not a host name'],
    ['shell in the host', 'rsync', 'target_dir', 'n;s:/srv', 'BG020', 'host "n;s" is not a host name'],
    ['bad IPv6 in brackets', 'rsync', 'target_dir', '[nas]:/srv', 'BG020', 'host "[nas]" is not a host name'],
    ['IPv6 without brackets: rsync too reads the host as "2001"', 'rsync', 'target_dir', '2001:db8::1:/srv', 'BG020', 'the path after "2001:" must be absolute'],
    ['user with a space', 'rsync', 'target_dir', 'a b@nas:/srv', 'BG020', 'user "a b" is not a user name'],
    ['user starting with "-"', 'rsync', 'target_dir', '-l@nas:/srv', 'BG020', 'user "-l" is not a user name'],
    ['remote mirror on two lines', 'rsync', 'target_dir', 'nas:/a\nnas:/b', 'BG020', 'must fit on one line'],
    ['ssh port 0', 'rsync', 'ssh_port', '0', 'BG025', 'expected a TCP port, 1 to 65535, found "0": must be from 1 to 65535'],
    ['ssh port too high', 'rsync', 'ssh_port', '65536', 'BG025', 'must be from 1 to 65535'],
    ['ssh port by name', 'rsync', 'ssh_port', 'ssh', 'BG025', 'must be a whole number'],
    ['relative ssh key file', 'rsync', 'ssh_identity_file', '.ssh/id', 'BG020', 'must be an absolute path'],
    ['relative log file', 'backup', 'log_file', 'backup.log', 'BG020', 'must be an absolute path'],
    // path lists
    ['relative bind mount', 'bindmounts', 'equals', '/boot boot/efi', 'BG026', '"boot/efi" must be an absolute path (start with "/")'],
    ['"/" as a bind mount', 'bindmounts', 'equals', '/', 'BG026', '"/" may not be "/"'],
    ['"//" as a bind mount', 'bindmounts', 'equals', '//', 'BG026', 'may not be "/"'],
    ['".." in a bind mount', 'bindmounts', 'equals', '/boot/../etc', 'BG026', '"/boot/../etc" may not contain ".."'],
    ['escaped newline in a bind mount', 'bindmounts', 'equals', '"/a\\\nb"', 'BG026', 'may not contain a newline'],
    ['absolute subdir', 'backup', 'subdirs', 'etc /home', 'BG026', '"/home" must be relative to the backed-up root (no leading "/")'],
    ['".." in a subdir', 'backup', 'subdirs', '../etc', 'BG026', 'may not contain ".."'],
    ['empty quoted subdir', 'backup', 'subdirs', "etc ''", 'BG026', '"" is empty'],
    ['absolute exclude in a volume', 'volume home', 'excludes', '/home/cache', 'BG026', 'must be relative'],
    ['empty mask', 'dar', 'no_compress', '*.gz ""', 'BG026', '"" is empty'],
    ['unterminated double quote', 'backup', 'subdirs', '"my docs', 'BG026', 'has an unterminated double quote'],
    ['unterminated single quote', 'dar', 'exclude_masks', "'*.tmp", 'BG026', 'has an unterminated single quote'],
    ['quote left open across a continuation', 'backup', 'excludes', "'a\nb", 'BG026', 'has an unterminated single quote'],
    ['lone trailing backslash', 'bindmounts', 'equals', '/boot\\', 'BG026', 'ends with a lone backslash'],
    // booleans
    ...['2', 'y', 'enabled', 'truee', '', 'yes please'].map((v) => [`boolean ${JSON.stringify(v)}`, 'rsync', 'even_if_backup_failed', v, 'BG023', 'is not a boolean']),
    ['boolean enabled', 'rsync', 'enabled', 'sometimes', 'BG023', 'expected a boolean: 1, yes, true, on, 0, no, false or off, found "sometimes"'],
    ['target_must_be_mounted not a boolean', 'backup', 'target_must_be_mounted', 'nfs', 'BG023', 'is not a boolean'],
    ['target_dir_must_be_mounted not a boolean', 'rsync', 'target_dir_must_be_mounted', 'mounted', 'BG023', 'is not a boolean'],
    // io_timeout: 0 would be "no bound" to rsync
    ['io_timeout 0', 'rsync', 'io_timeout', '0', 'BG025', 'expected a whole number of seconds, 1 to 86400, found "0": must be from 1 to 86400'],
    ['io_timeout with a unit', 'rsync', 'io_timeout', '10m', 'BG025', 'must be a whole number'],
    ['thin_pool_threshold 100 (a full pool)', 'lvm', 'thin_pool_threshold', '100', 'BG025', 'expected a whole percentage, 1 to 99, found "100": must be from 1 to 99'],
    ['thin_pool_threshold 0', 'volume home', 'thin_pool_threshold', '0', 'BG025', 'must be from 1 to 99'],
    ['thin_pool_threshold with a % sign', 'lvm', 'thin_pool_threshold', '80%', 'BG025', 'must be a whole number'],
    ['io_timeout over a day', 'rsync', 'io_timeout', '86401', 'BG025', 'must be from 1 to 86400'],
    // mount options
    ['rw', 'lvm', 'mount_options', 'rw', 'BG028', 'option "rw" is not allowed: the snapshot is mounted read-only'],
    ['rw among others', 'lvm', 'mount_options', 'noatime,rw', 'BG028', 'option "rw" is not allowed'],
    ['rw after spaces', 'volume home', 'mount_options', 'noatime, rw', 'BG028', 'option "rw" is not allowed'],
    ['remount', 'lvm', 'mount_options', 'remount', 'BG028', 'option "remount" is not allowed'],
    ['bind', 'lvm', 'mount_options', 'bind', 'BG028', 'option "bind" is not allowed'],
    ['rbind', 'lvm', 'mount_options', 'rbind', 'BG028', 'option "rbind" is not allowed'],
    ['move', 'lvm', 'mount_options', 'move', 'BG028', 'option "move" is not allowed'],
    ['space inside an option', 'lvm', 'mount_options', 'no atime', 'BG028', 'option "no atime" has characters mount options never use'],
    ['shell in an option', 'lvm', 'mount_options', 'noatime,$(id)', 'BG028', 'option "$(id)" has characters'],
    ['quoted rw', 'lvm', 'mount_options', "'rw'", 'BG028', `option "'rw'" has characters`],
    // full_every
    ['unknown policy', 'backup', 'full_every', 'daily', 'BG024', 'is not a full-backup policy'],
    ['zero runs', 'backup', 'full_every', '0 runs', 'BG024', '"N runs" (N 1-1000) or "N days" (N 1-31), found "0 runs"'],
    ['too many runs', 'backup', 'full_every', '1001 runs', 'BG024', 'is not a full-backup policy'],
    ['too many days', 'backup', 'full_every', '32 days', 'BG024', 'is not a full-backup policy'],
    ['zero days', 'backup', 'full_every', '0 days', 'BG024', 'is not a full-backup policy'],
    ['number glued to its unit', 'backup', 'full_every', '7days', 'BG024', 'is not a full-backup policy'],
    ['fractional runs', 'backup', 'full_every', '1.5 runs', 'BG024', 'is not a full-backup policy'],
    ['weeks', 'backup', 'full_every', '2 weeks', 'BG024', 'is not a full-backup policy'],
    // dar
    ['fractional slice size', 'dar', 'slice_size', '1.5G', 'BG025', 'is not a size dar -s accepts'],
    ['negative slice size', 'dar', 'slice_size', '-1', 'BG025', 'is not a size dar -s accepts'],
    ['lower-case G', 'dar', 'slice_size', '1g', 'BG025', 'is not a size dar -s accepts'],
    ['two-letter unit', 'dar', 'slice_size', '1GB', 'BG025', 'is not a size dar -s accepts'],
    ['empty slice size', 'dar', 'slice_size', '', 'BG025', 'expected a dar slice size'],
    ['compression level 0', 'dar', 'compression_level', '0', 'BG025', 'must be from 1 to 22'],
    ['parallel 0', 'backup', 'parallel', '0', 'BG025', 'is not "auto" or a whole number from 1 to 64'],
    ['parallel 65', 'backup', 'parallel', '65', 'BG025', 'is not "auto" or a whole number from 1 to 64'],
    ['parallel word', 'backup', 'parallel', 'all', 'BG025', 'is not "auto" or a whole number from 1 to 64'],
    ['compression level 23', 'dar', 'compression_level', '23', 'BG025', 'must be from 1 to 22'],
    ['compression level 10 for gzip', 'dar', 'compression_level', '10', 'BG025', 'expected 1 to 9 for gzip (only zstd goes up to 22), found 10'],
    ['compression level word', 'dar', 'compression_level', 'max', 'BG025', 'must be a whole number'],
    ['negative byte count', 'dar', 'min_compress_size', '-1', 'BG025', 'must be a whole number'],
    ['byte count with a unit', 'dar', 'min_compress_size', '1k', 'BG025', 'must be a whole number'],
    ['unknown compression', 'dar', 'compression', 'gz', 'BG024', 'expected one of none, gzip, bzip2, xz, zstd, lz4, lzo, found "gz"'],
    // words
    ['archive prefix with "/"', 'backup', 'archive_prefix', 'host/root-', 'BG027', 'is not a usable file-name prefix'],
    ['archive prefix with ":"', 'backup', 'archive_prefix', 'host:root-', 'BG027', 'is not a usable file-name prefix'],
    ...['db(prod-', 'test[', 'x{', 'host{b,c}-', 'p$(x)-', 'back\\', 'a*', 'a?', 'a+b', 'a|b', '^a'].map((prefix) => [`archive prefix ${prefix} (dar would read it as a regular expression)`, 'backup', 'archive_prefix', prefix, 'BG027', 'is not a usable file-name prefix']),
    ['archive prefix with a space', 'backup', 'archive_prefix', 'host root-', 'BG027', 'is not a usable file-name prefix'],
    ['archive prefix starting with "."', 'backup', 'archive_prefix', '.host-', 'BG027', 'not starting with "." or "-"'],
    ['archive prefix starting with "-"', 'backup', 'archive_prefix', '-host-', 'BG027', 'not starting with "." or "-"'],
    ['empty archive prefix', 'backup', 'archive_prefix', '', 'BG027', 'is not a usable file-name prefix'],
    ['source type in capitals', 'backup', 'source_type', 'LVM', 'BG024', 'expected "lvm" or "directory", found "LVM"'],
    ['source type "file"', 'volume home', 'source_type', 'file', 'BG024', 'expected "lvm" or "directory", found "file": is not one of these'],
    ['source type on two lines: the message stays on one', 'volume home', 'source_type', 'lvm\ndirectory', 'BG024', /^expected "lvm" or "directory", found "lvm\\ndirectory": is not one of these$/],
  ] as [string, string, string, string, string, string | RegExp][])('%s: [%s] %s = %j', (_name, section, key, value, code, fragment) => {
    const { line, diagnostics } = diagnosticsFor(section, key, value);
    expect(diagnostics.map((d) => ({ code: d.code, line: d.line, section: d.section, key: d.key }))).toEqual([{ code, line, section, key }]);
    expect(diagnostics[0]?.message).toMatch(fragment);
  });
});

// Expected words are what Python's shlex.split (POSIX mode, as the original used) returns.
const WORD_CASES: [string, string, string[] | string][] = [
  ['spaces', 'a b', ['a', 'b']],
  ['runs of white space', '  a \t b\r\n c  ', ['a', 'b', 'c']],
  ['empty', '', []],
  ['only white space', ' \t ', []],
  ['single quotes', "'a b' c", ['a b', 'c']],
  ['double quotes', '"a b" c', ['a b', 'c']],
  ['quotes join with neighbours', `a'b c'"d e"f`, ['ab cd ef']],
  ['empty quotes make an empty word', "''", ['']],
  ['empty double quotes in a word', 'a""b', ['ab']],
  ['backslash-space', 'a\\ b', ['a b']],
  ['backslash-quote outside quotes', "a\\'b", ["a'b"]],
  ['backslash-letter outside quotes', '\\a', ['a']],
  ['backslash-newline outside quotes', 'a\\\nb', ['a\nb']],
  ['\\" inside double quotes', '"a\\"b"', ['a"b']],
  ['\\\\ inside double quotes', '"a\\\\b"', ['a\\b']],
  ['\\n inside double quotes stays', '"a\\nb"', ['a\\nb']],
  ['\\$ inside double quotes stays (shlex, not the shell)', '"\\$HOME"', ['\\$HOME']],
  ['\\` inside double quotes stays', '"\\`x\\`"', ['\\`x\\`']],
  ['backslash inside single quotes', "'a\\'", ['a\\']],
  ['"#" is an ordinary character', 'a#b #c', ['a#b', '#c']],
  ['no-break space belongs to the word', 'x\u00a0y', ['x\u00a0y']],
  ['em space belongs to the word', 'x\u2003y', ['x\u2003y']],
  ['unicode', 'ünï 日本', ['ünï', '日本']],
  ['shell syntax is just text', '$(id) `x` ; | & > *', ['$(id)', '`x`', ';', '|', '&', '>', '*']],
  ['unterminated double quote', '"a', 'has an unterminated double quote'],
  ['unterminated single quote', "a 'b", 'has an unterminated single quote'],
  ['double quote inside single quotes does not close', `'a"`, 'has an unterminated single quote'],
  ['lone trailing backslash', 'a\\', 'ends with a lone backslash'],
  ['escaped quote does not close', '"a\\"', 'has an unterminated double quote'],
];

describe('splitWords: shell-style word lists, as Python shlex.split', () => {
  it.each(WORD_CASES)('%s: %j', (_name, text, expected) => {
    const result = splitWords(text);
    if (typeof expected === 'string') expect(result).toEqual({ ok: false, message: expected });
    else expect(result).toEqual({ ok: true, words: expected });
  });

  it.skipIf(!hasCommand('python3'))('agrees with Python shlex.split on every case above', () => {
    const program = 'import json,shlex,sys\nout=[]\nfor s in json.load(sys.stdin):\n  try: out.append(shlex.split(s))\n  except ValueError: out.append(None)\nprint(json.dumps(out))';
    const python = spawnSync('python3', ['-c', program], { input: JSON.stringify(WORD_CASES.map((c) => c[1])), encoding: 'utf8' });
    const fromPython = JSON.parse(python.stdout) as (string[] | null)[];
    const ours = WORD_CASES.map(([, text]) => {
      const result = splitWords(text);
      return result.ok ? result.words : null;
    });
    expect(ours).toEqual(fromPython);
  });
});
