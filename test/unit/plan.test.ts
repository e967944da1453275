// Stage 3, plan: every default resolved, dar arguments and commands decided, provenance kept.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compile.js';
import { loadTemplates } from '../../src/emit/render.js';
import { buildPlan, darOptionsFor, sizeInBytes } from '../../src/plan/build.js';
import type { Plan } from '../../src/plan/plan.js';
import type { DarSettings } from '../../src/profile/profile.js';
import { DEFAULT_NO_COMPRESS } from '../../src/profile/schema.js';
import { VERSION } from '../../src/version.js';
import { EXAMPLES_DIRECTORY, TEMPLATES_DIRECTORY } from './fixtures/support.js';

function planOf(lines: string[], profileName = 'p.ini'): Plan {
  const result = compileProfile(`${lines.join('\n')}\n`, { profileName });
  expect(result.diagnostics).toEqual([]);
  return result.plan as Plan;
}

const ORIGINAL_NO_COMPRESS = ['*.avi', '*.bz2', '*.gif', '*.gz', '*.jpg', '*.mov', '*.mpg', '*.mp3', '*.pbm', '*.pdf', '*.png', '*.Z', '*.zip'];
const NO_COMPRESS_DEFAULT = DEFAULT_NO_COMPRESS.split(' ');
const DEFAULT_DAR_OPTIONS = ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '1875000000', '-zzstd:3', '-m', '150', '-an', ...NO_COMPRESS_DEFAULT.flatMap((m) => ['-Z', m]), '-acase'];
const BASE_COMMANDS = ['date', 'mkdir', 'mktemp', 'mv', 'cat', 'rm', 'rmdir', 'touch', 'sleep', 'sync', 'stat', 'realpath', 'timeout', 'flock', 'df', 'sha512sum', 'dar'];
const LVM_COMMANDS = ['lvs', 'vgs', 'lvcreate', 'lvchange', 'lvremove', 'blkid', 'mount', 'umount', 'mountpoint', 'findmnt', 'find', 'tr', 'readlink'];

const BACKUP = ['[backup]', 'target = /var/backups/dar', 'archive_prefix = host-'];
const LVM_MAIN = ['source_type = lvm', '[lvm]', 'volume_group = data', 'logical_volume = root', 'snapshot_lv_name = root-backsnap', 'snapshot_size = 2G'];
const DIRECTORY_MAIN = ['source_type = directory', 'source_root = /srv'];

const DEFAULT_DAR: DarSettings = { compression: 'gzip', compressionLevel: 9, sliceSize: '1875000000', minCompressSize: 150, noCompress: ORIGINAL_NO_COMPRESS, excludeMasks: [] };

describe('defaults', () => {
  it('the original example gets the original dar options (-n for -w, and -Q) with the benchmark\'s compression: zstd level 3 and the no-compress list, case-blind', () => {
    const plan = compileProfile(readFileSync(join(EXAMPLES_DIRECTORY, 'host-precise.ini'), 'utf8'), { profileName: 'host-precise.ini' }).plan as Plan;
    expect(plan.sources.map((s) => s.darOptions)).toEqual([DEFAULT_DAR_OPTIONS]);
  });

  it('the no-compress list holds the compressed formats that fill a modern system, and the original\'s but *.pbm', () => {
    const modern = ['*.gz', '*.xz', '*.bz2', '*.zst', '*.lz4', '*.7z', '*.zip', '*.jar', '*.deb', '*.rpm', '*.apk', '*.jpg', '*.jpeg', '*.png', '*.gif', '*.webp', '*.heic', '*.avif', '*.mp3', '*.ogg', '*.flac', '*.mp4', '*.mkv', '*.webm', '*.mov', '*.pdf', '*.woff2'];
    expect(NO_COMPRESS_DEFAULT).toEqual(expect.arrayContaining([...modern, ...ORIGINAL_NO_COMPRESS.filter((m) => m !== '*.pbm')]));
    expect(NO_COMPRESS_DEFAULT).not.toContain('*.pbm');
    expect(new Set(NO_COMPRESS_DEFAULT).size).toBe(NO_COMPRESS_DEFAULT.length);
  });

  it.each([
    ['no [dar] compression: zstd level 3', [], '-zzstd:3'],
    ['compression = zstd alone: level 3', ['compression = zstd'], '-zzstd:3'],
    ['compression = gzip alone: level 9, as the original', ['compression = gzip'], '-zgzip:9'],
    ['compression = xz alone: level 9', ['compression = xz'], '-zxz:9'],
    ['a level given is kept', ['compression = zstd', 'compression_level = 19'], '-zzstd:19'],
  ])('%s', (_name, darLines, expected) => {
    const plan = planOf([...BACKUP, ...DIRECTORY_MAIN, ...(darLines.length > 0 ? ['[dar]', ...darLines] : [])]);
    expect(plan.sources[0]?.darOptions.filter((o) => o.startsWith('-z'))).toEqual([expected]);
  });

  it('a no_compress list given replaces the default one, and stays case-blind', () => {
    const plan = planOf([...BACKUP, ...DIRECTORY_MAIN, '[dar]', 'no_compress = *.iso *.qcow2']);
    expect(plan.sources[0]?.darOptions.slice(-6)).toEqual(['-an', '-Z', '*.iso', '-Z', '*.qcow2', '-acase']);
  });

  it.each([
    ['fullPolicy', { every: 'month' }],
    ['logFile', undefined],
    ['mirror', undefined],
    ['target', '/var/backups/dar'],
    ['targetMustBeMounted', false],
    ['profileName', 'p.ini'],
    ['generator', { name: 'backup-gen', version: VERSION, profileSha256: createHash('sha256').update(`${[...BACKUP, ...LVM_MAIN].join('\n')}\n`).digest('hex') }],
  ] as [keyof Plan, unknown][])('%s defaults to %j', (field, expected) => {
    expect(planOf([...BACKUP, ...LVM_MAIN])[field]).toEqual(expected);
  });

  it.each([
    ['main source', [...BACKUP, ...LVM_MAIN], { name: 'main', functionName: 'main', setRoot: '/var/backups/dar', archivePrefix: 'host-', bindMounts: [], root: undefined }],
    ['mount options and bind mounts default to none', [...BACKUP, ...LVM_MAIN], { snapshot: { volumeGroup: 'data', logicalVolume: 'root', snapshotName: 'root-backsnap', sizeArguments: ['--size', '2G'], mountOptions: [] } }],
    ['volume: TARGET/NAME and PREFIX+NAME+"-"', [...BACKUP, '[volume home]', 'volume_group = data', 'logical_volume = home', 'snapshot_size = 1G'], { name: 'home', setRoot: '/var/backups/dar/home', archivePrefix: 'host-home-' }],
    ['volume: snapshot_lv_name defaults to LV-backsnap', [...BACKUP, '[volume home]', 'volume_group = data', 'logical_volume = home', 'snapshot_size = 1G'], { snapshot: { volumeGroup: 'data', logicalVolume: 'home', snapshotName: 'home-backsnap', sizeArguments: ['--size', '1G'], mountOptions: [] } }],
    ['thin_pool_threshold defaults to 80', [...BACKUP, ...LVM_MAIN], { snapshot: expect.objectContaining({ thinPoolThreshold: 80 }) }],
    ['volume: a written thin_pool_threshold', [...BACKUP, '[volume home]', 'volume_group = data', 'logical_volume = home', 'thin_pool_threshold = 60'], { snapshot: expect.objectContaining({ thinPoolThreshold: 60 }) }],
    ['volume: a written snapshot_lv_name wins', [...BACKUP, '[volume home]', 'volume_group = data', 'logical_volume = home', 'snapshot_lv_name = snap', 'snapshot_size = 1G'], { snapshot: expect.objectContaining({ snapshotName: 'snap' }) }],
    ['volume: source_type defaults to lvm', [...BACKUP, '[volume home]', 'volume_group = data', 'logical_volume = home', 'snapshot_size = 1G'], { kind: 'lvm' }],
    ['volume: a trailing "/" on target is not doubled', ['[backup]', 'target = /var/backups/', 'archive_prefix = h-', '[volume home]', 'source_type = directory', 'source_root = /home'], { setRoot: '/var/backups/home', archivePrefix: 'h-home-' }],
    ['volume: "-" becomes "_" in the function name only', [...BACKUP, '[volume srv-web]', 'source_type = directory', 'source_root = /srv/www'], { name: 'srv-web', functionName: 'srv_web', setRoot: '/var/backups/dar/srv-web', archivePrefix: 'host-srv-web-' }],
    ['volume: the name as written after "volume "', [...BACKUP, '[volume   Home_2]', 'source_type = directory', 'source_root = /home'], { name: 'Home_2', functionName: 'Home_2', setRoot: '/var/backups/dar/Home_2', archivePrefix: 'host-Home_2-' }],
    ['directory source', [...BACKUP, ...DIRECTORY_MAIN], { kind: 'directory', root: '/srv', snapshot: undefined, bindMounts: [] }],
    ['bind mounts in order', [...BACKUP, ...LVM_MAIN, '[bindmounts]', 'equals = /srv/z /boot'], { bindMounts: ['/srv/z', '/boot'] }],
  ] as [string, string[], Record<string, unknown>][])('%s', (_name, lines, expected) => {
    expect(planOf(lines).sources.at(-1)).toMatchObject(expected);
  });
});

describe('snapshot sizes become lvcreate arguments', () => {
  it.each([
    ['2G', ['--size', '2G']],
    ['512', ['--size', '512']],
    ['1.5T', ['--size', '1.5T']],
    ['20%ORIGIN', ['--extents', '20%ORIGIN']],
    ['100%VG', ['--extents', '100%VG']],
    ['50%FREE', ['--extents', '50%FREE']],
    ['10%PVS', ['--extents', '10%PVS']],
  ])('snapshot_size = %s', (size, expected) => {
    const plan = planOf([...BACKUP, ...LVM_MAIN.slice(0, -1), `snapshot_size = ${size}`]);
    expect(plan.sources[0]?.snapshot?.sizeArguments).toEqual(expected);
  });
});

describe('dar options', () => {
  it.each([
    ['the original\'s settings', {}, {}, ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '1875000000', '-zgzip:9', '-m', '150', '-an', ...ORIGINAL_NO_COMPRESS.flatMap((m) => ['-Z', m]), '-acase']],
    ['slice_size = 0: no -s', { sliceSize: '0' }, {}, ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-zgzip:9', '-m', '150', '-an', ...ORIGINAL_NO_COMPRESS.flatMap((m) => ['-Z', m]), '-acase']],
    ['compression none: no -z, -m or -Z', { compression: 'none' }, {}, ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '1875000000']],
    ['zstd level 19', { compression: 'zstd', compressionLevel: 19, noCompress: [] }, {}, ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '1875000000', '-zzstd:19', '-m', '150']],
    ['min_compress_size', { minCompressSize: 4096, noCompress: ['*.gz'] }, {}, ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '1875000000', '-zgzip:9', '-m', '4096', '-an', '-Z', '*.gz', '-acase']],
    ['exclude masks (-X), excludes (-P), subdirs (-g), in that order', { noCompress: [], excludeMasks: ['*.tmp', '*~'] }, { excludes: ['var/cache'], subdirs: ['etc', 'my docs'] }, ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '1875000000', '-zgzip:9', '-m', '150', '-X', '*.tmp', '-X', '*~', '-P', 'var/cache', '-g', 'etc', '-g', 'my docs']],
    ['exclude masks stay without compression', { compression: 'none', excludeMasks: ['*.iso'] }, {}, ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '1875000000', '-X', '*.iso']],
    ['excludes are literal: glob characters are escaped for -P', { noCompress: [] }, { excludes: ['music [live]', 'star*', 'a?b', 'back\\slash'] }, ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '1875000000', '-zgzip:9', '-m', '150', '-P', 'music \\[live]', '-P', 'star\\*', '-P', 'a\\?b', '-P', 'back\\\\slash']],
    ['words starting with "-" stay separate arguments', { noCompress: ['-x'] }, { subdirs: ['-g'] }, ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '1875000000', '-zgzip:9', '-m', '150', '-an', '-Z', '-x', '-acase', '-g', '-g']],
  ] as [string, Partial<DarSettings>, { subdirs?: string[]; excludes?: string[] }, string[]][])('%s', (_name, dar, source, expected) => {
    expect(darOptionsFor({ subdirs: [], excludes: [], ...source }, { ...DEFAULT_DAR, ...dar })).toEqual(expected);
  });

  it('the profile\'s [dar] section reaches every source, with each source\'s own subdirs', () => {
    const plan = planOf([
      ...BACKUP,
      ...LVM_MAIN,
      '[backup]',
      'subdirs = etc',
      '[volume srv]',
      'source_type = directory',
      'source_root = /srv',
      'excludes = cache',
      '[dar]',
      'compression = xz',
      'compression_level = 6',
      'slice_size = 700M',
      'no_compress = *.xz',
    ]);
    expect(plan.sources.map((s) => s.darOptions)).toEqual([
      ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '700M', '-zxz:6', '-m', '150', '-an', '-Z', '*.xz', '-acase', '-g', 'etc'],
      ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '700M', '-zxz:6', '-m', '150', '-an', '-Z', '*.xz', '-acase', '-P', 'cache'],
    ]);
  });
});

describe('required commands and root', () => {
  it.each([
    ['directory only', [...BACKUP, ...DIRECTORY_MAIN], BASE_COMMANDS, false],
    ['LVM', [...BACKUP, ...LVM_MAIN], [...BASE_COMMANDS, ...LVM_COMMANDS], true],
    ['directory main with an LVM volume', [...BACKUP, ...DIRECTORY_MAIN, '[volume home]', 'volume_group = data', 'logical_volume = home', 'snapshot_size = 1G'], [...BASE_COMMANDS, ...LVM_COMMANDS], true],
    ['directory with a mirror', [...BACKUP, ...DIRECTORY_MAIN, '[rsync]', 'enabled = yes', 'target_dir = /mnt/m'], [...BASE_COMMANDS, 'rsync'], false],
    ['LVM with a mirror', [...BACKUP, ...LVM_MAIN, '[rsync]', 'enabled = yes', 'target_dir = /mnt/m'], [...BASE_COMMANDS, ...LVM_COMMANDS, 'rsync'], true],
    ['directory whose target must be mounted', [...BACKUP, 'target_must_be_mounted = yes', ...DIRECTORY_MAIN], [...BASE_COMMANDS, 'mountpoint'], false],
    ['directory whose mirror must be mounted', [...BACKUP, ...DIRECTORY_MAIN, '[rsync]', 'enabled = yes', 'target_dir = /mnt/m', 'target_dir_must_be_mounted = yes'], [...BASE_COMMANDS, 'mountpoint', 'rsync'], false],
    ['LVM whose target and mirror must be mounted: mountpoint once', [...BACKUP, 'target_must_be_mounted = yes', ...LVM_MAIN, '[rsync]', 'enabled = yes', 'target_dir = /mnt/m', 'target_dir_must_be_mounted = yes'], [...BASE_COMMANDS, ...LVM_COMMANDS, 'rsync'], true],
    ['a remote mirror needs ssh', [...BACKUP, ...DIRECTORY_MAIN, '[rsync]', 'enabled = yes', 'target_dir = backup@nas:/srv/m'], [...BASE_COMMANDS, 'rsync', 'ssh'], false],
    ['a disabled mirror needs no rsync', [...BACKUP, ...DIRECTORY_MAIN, '[rsync]', 'enabled = no', 'target_dir = /mnt/m'], BASE_COMMANDS, false],
  ] as [string, string[], string[], boolean][])('%s', (_name, lines, commands, needsRoot) => {
    const plan = planOf(lines);
    expect(plan.requiredCommands).toEqual(commands);
    expect(plan.needsRoot).toBe(needsRoot);
  });
});

describe('profile-wide settings', () => {
  it.each([
    ['full_every = week', { every: 'week' }],
    ['full_every = 5 runs', { every: 'runs', count: 5 }],
    ['full_every = 7 days', { every: 'days', count: 7 }],
  ])('%s', (line, expected) => {
    expect(planOf([...BACKUP, line, ...LVM_MAIN]).fullPolicy).toEqual(expected);
  });

  it.each([
    ['mirror with defaults', ['[rsync]', 'enabled = yes', 'target_dir = /mnt/m'], { targetDir: '/mnt/m', evenIfBackupFailed: false, touchFile: undefined, mustBeMounted: false, ioTimeoutSeconds: 600, provenance: ['[rsync] enabled, p.ini:11', '[rsync] target_dir, p.ini:12'] }],
    ['mirror with everything', ['[rsync]', 'enabled = 1', 'target_dir = /mnt/m', 'even_if_backup_failed = on', 'touch_file = /mnt/m/.wake', 'target_dir_must_be_mounted = yes', 'io_timeout = 30'], { targetDir: '/mnt/m', evenIfBackupFailed: true, touchFile: '/mnt/m/.wake', mustBeMounted: true, ioTimeoutSeconds: 30 }],
    ['a local mirror has no ssh command', ['[rsync]', 'enabled = yes', 'target_dir = /mnt/m'], { remote: undefined, sshCommand: [] }],
    ['a remote mirror: ssh in batch mode, connect bounded by io_timeout', ['[rsync]', 'enabled = yes', 'target_dir = nas:/srv/m'], { targetDir: 'nas:/srv/m', remote: { host: 'nas', path: '/srv/m' }, sshCommand: ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=600'] }],
    ['a remote mirror with a port, a key file and io_timeout', ['[rsync]', 'enabled = yes', 'target_dir = b@[2001:db8::1]:/m', 'ssh_identity_file = /root/.ssh/b k', 'ssh_port = 2222', 'io_timeout = 60'], { remote: { user: 'b', host: '[2001:db8::1]', path: '/m' }, sshCommand: ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=60', '-p', '2222', '-i', '/root/.ssh/b k'] }],
  ] as [string, string[], Record<string, unknown>][])('%s', (_name, rsync, expected) => {
    expect(planOf([...BACKUP, ...LVM_MAIN, ...rsync]).mirror).toMatchObject(expected);
  });

  it('log_file', () => {
    expect(planOf([...BACKUP, 'log_file = /var/log/b.log', ...LVM_MAIN]).logFile).toBe('/var/log/b.log');
  });

  it.each([
    ['no reserve', [], 0],
    ['10G', ['target_reserve = 10G'], 10 * 2 ** 30],
    ['1.5T', ['target_reserve = 1.5T'], 1.5 * 2 ** 40],
    ['0G is none', ['target_reserve = 0G'], 0],
    // A reserve too large for bash arithmetic is the largest it holds, never "no reserve".
    ['900000T', ['target_reserve = 900000T'], Number.MAX_SAFE_INTEGER],
  ] as [string, string[], number][])('target_reserve: %s', (_name, lines, bytes) => {
    expect(planOf([...BACKUP, ...lines, ...LVM_MAIN]).targetReserveBytes).toBe(bytes);
  });

  it('retention and compare_with_source; none by default', () => {
    expect(planOf([...BACKUP, ...LVM_MAIN])).toMatchObject({ retention: { keepMonths: 0, keepDays: 0, pruneAfterBackup: false, mirrorKeepMonths: 0, mirrorKeepDays: 0 }, compareWithSource: false });
    const plan = planOf([...BACKUP, ...LVM_MAIN, '[dar]', 'compare_with_source = yes', '[rsync]', 'enabled = yes', 'target_dir = /mnt/m', '[retention]', 'keep_months = 3', 'keep_days = 45', 'prune_after_backup = yes', 'mirror_keep_months = 12']);
    expect(plan).toMatchObject({ retention: { keepMonths: 3, keepDays: 45, pruneAfterBackup: true, mirrorKeepMonths: 12, mirrorKeepDays: 0 }, compareWithSource: true });
  });

  it('each source knows where its sets are on the mirror and what it is on the live system', () => {
    const plan = planOf([...BACKUP, ...LVM_MAIN, '[volume www]', 'source_type = directory', 'source_root = /srv/www', '[rsync]', 'enabled = yes', 'target_dir = nas:/srv/m/']);
    expect(plan.sources.map((s) => [s.name, s.setRoot, s.mirrorSetRoot, s.liveRoot])).toEqual([
      ['main', '/var/backups/dar', '/srv/m', '/dev/data/root'],
      ['www', '/var/backups/dar/www', '/srv/m/www', '/srv/www'],
    ]);
  });
});

describe('provenance', () => {
  it('names the section, key, profile and line of every key given, and nothing else', () => {
    const plan = planOf([...BACKUP, ...LVM_MAIN, '[dar]', 'compression = xz'], 'host.ini');
    expect(plan.provenance).toEqual({
      'backup target': '[backup] target, host.ini:2',
      'backup archive_prefix': '[backup] archive_prefix, host.ini:3',
      'backup source_type': '[backup] source_type, host.ini:4',
      'lvm volume_group': '[lvm] volume_group, host.ini:6',
      'lvm logical_volume': '[lvm] logical_volume, host.ini:7',
      'lvm snapshot_lv_name': '[lvm] snapshot_lv_name, host.ini:8',
      'lvm snapshot_size': '[lvm] snapshot_size, host.ini:9',
      'dar compression': '[dar] compression, host.ini:11',
    });
    expect(plan.sources[0]?.provenance).toContain('[lvm] snapshot_size, host.ini:9');
  });

  // [dar] shapes every source's dar_options, so each source's provenance block names its keys.
  it('every source names each [dar] key given, in the plan and above its function in the script', () => {
    const lines = [...BACKUP, ...LVM_MAIN, '[volume home]', 'source_type = directory', 'source_root = /home', '[dar]', 'compression = xz', 'compression_level = 6', 'slice_size = 4G', 'min_compress_size = 100', 'no_compress = *.gz', 'exclude_masks = *~'];
    const dar = ['compression, host.ini:14', 'compression_level, host.ini:15', 'slice_size, host.ini:16', 'min_compress_size, host.ini:17', 'no_compress, host.ini:18', 'exclude_masks, host.ini:19'].map((l) => `[dar] ${l}`);
    const result = compileProfile(`${lines.join('\n')}\n`, { profileName: 'host.ini', templates: loadTemplates(TEMPLATES_DIRECTORY) });
    expect(result.diagnostics).toEqual([]);
    for (const source of result.plan?.sources ?? []) expect(source.provenance.filter((l) => l.startsWith('[dar] '))).toEqual(dar);
    const script = result.script as string;
    for (const name of ['main', 'home']) {
      const start = script.indexOf(`# ---- source ${name}:`);
      const block = script.slice(start, script.indexOf('() {', start));
      expect(block.split('\n').filter((l) => l.startsWith('# [dar] '))).toEqual(dar.map((l) => `# ${l}`));
    }
  });

  it('is keyed by the canonical section name however the header was written', () => {
    const plan = planOf(['[BACKUP]', 'target = /b', 'archive_prefix = h-', '[volume  home]', 'source_type = directory', 'source_root = /home', '[Rsync]', 'enabled = yes', 'target_dir = /m']);
    expect(Object.keys(plan.provenance)).toEqual(['backup target', 'backup archive_prefix', 'volume home source_type', 'volume home source_root', 'rsync enabled', 'rsync target_dir']);
    expect(plan.mirror?.provenance).toEqual(['[rsync] enabled, p.ini:8', '[rsync] target_dir, p.ini:9']);
  });
});

describe('buildPlan', () => {
  it('is pure: the same profile gives equal plans, and the plan survives JSON', () => {
    const lines = [...BACKUP, ...LVM_MAIN, '[volume srv]', 'source_type = directory', 'source_root = /srv'];
    const first = planOf(lines);
    expect(planOf(lines)).toEqual(first);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });

  it('takes the version it is given', () => {
    const profile = {
      target: '/b',
      archivePrefix: 'h-',
      fullPolicy: { every: 'month' as const },
      dar: DEFAULT_DAR,
      sources: [{ name: 'main', kind: 'directory' as const, root: '/srv', subdirs: [], excludes: [], bindMounts: [], setRoot: '/b', archivePrefix: 'h-', lines: {} }],
      snapshotMode: 'one at a time' as const,
      hooks: { commands: {}, timeoutSeconds: 300 },
      monitoring: { pingTimeoutSeconds: 10 },
      lines: {},
    };
    expect(buildPlan(profile, 'x.ini', '9.9.9', 'ab'.repeat(32)).generator).toEqual({ name: 'backup-gen', version: '9.9.9', profileSha256: 'ab'.repeat(32) });
  });
});

describe('snapshot sizes for the free-space preflight', () => {
  it.each([
    ['2G', 2 * 1024 ** 3],
    ['512', 512 * 1024 ** 2], // no unit: MiB, as lvcreate
    ['512m', 512 * 1024 ** 2],
    ['1.5T', 1.5 * 1024 ** 4],
    ['100b', 100],
    ['3s', 1536],
    ['0.1k', 103], // rounded up to a whole byte
    ['.5G', 512 * 1024 ** 2],
    ['9E', 0], // past what bash arithmetic holds: no preflight
  ])('%s is %d bytes', (size, bytes) => {
    expect(sizeInBytes(size)).toBe(bytes);
  });

  it.each([
    ['snapshot_size = 2G', ['--size', '2G'], 2 * 1024 ** 3],
    ['snapshot_size = 20%ORIGIN', ['--extents', '20%ORIGIN'], 0],
    ['no snapshot_size (a thin origin)', [], 0],
  ])('%s: lvcreate gets %j, the preflight %d bytes', (line, sizeArguments, sizeBytes) => {
    const keys = line.startsWith('snapshot_size') ? [line] : [];
    const plan = compileProfile(['[backup]', 'target = /b', 'archive_prefix = h-', '[volume home]', 'volume_group = data', 'logical_volume = home', ...keys, ''].join('\n'), { profileName: 'p.ini' }).plan;
    expect(plan?.sources[0]?.snapshot).toMatchObject({ sizeArguments, sizeBytes, section: 'volume home' });
  });
});
