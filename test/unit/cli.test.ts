// The CLI, run as users run it (node dist/cli.js): exit codes, where output goes, -o, and the
// check (and check --script), plan, units and init commands.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compile.js';
import { loadTemplates } from '../../src/emit/render.js';
import { DEFAULT_NO_COMPRESS } from '../../src/profile/schema.js';
import { VERSION } from '../../src/version.js';
import { ensureBuilt, makeTempDirectory, REPO_ROOT, runCliAsync, TEMPLATES_DIRECTORY } from './fixtures/support.js';

const EXAMPLE = 'examples/host-precise.ini';
/** What the pipeline makes of the example in-process: the CLI must print exactly this. */
const EXPECTED_SCRIPT = compileProfile(readFileSync(join(REPO_ROOT, EXAMPLE), 'utf8'), { profileName: 'host-precise.ini', templates: loadTemplates(TEMPLATES_DIRECTORY) }).script as string;

let scratch: string;
const INVALID = 'invalid.ini';
const WARNING_ONLY = 'warning-only.ini';
const DIRECTORY_ONLY = 'directory-only.ini';

beforeAll(() => {
  ensureBuilt();
  scratch = makeTempDirectory();
  const write = (name: string, lines: string[]) => writeFileSync(join(scratch, name), `${lines.join('\n')}\n`);
  write(INVALID, ['[backup]', 'target = relative', 'archive_prefix = h-', 'source_type = lvm', '[lvm]', 'volume_group = data', 'logical_volume = root', 'snapshot_lv_name = root-snap', 'snapshot_size = 2G; rm -rf /']);
  write(WARNING_ONLY, ['[backup]', 'target = /b', 'archive_prefix = h-', 'source_type = lvm', 'source_root = /ignored', '[lvm]', 'volume_group = data', 'logical_volume = root', 'snapshot_lv_name = root-snap', 'snapshot_size = 2G']);
  write(DIRECTORY_ONLY, ['[backup]', 'target = /b', 'archive_prefix = h-', 'source_type = directory', 'source_root = /srv']);
}, 180_000);

afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe.concurrent('exit codes and streams', () => {
  it('0: a valid profile prints the script on stdout and nothing on stderr', async () => {
    expect(await runCliAsync([EXAMPLE])).toEqual({ status: 0, stdout: EXPECTED_SCRIPT, stderr: '' });
  });

  it('0: warnings go to stderr, located, and the script is still written', async () => {
    const run = await runCliAsync([WARNING_ONLY], { cwd: scratch });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(`${WARNING_ONLY}:5: warning[BG014]: [backup] source_root: ignored when source_type = lvm (the original never read it either)\n`);
    expect(run.stdout).toMatch(/^#!\/usr\/bin\/env bash\n/);
  });

  it('1: an invalid profile: every error located on stderr, a count, nothing on stdout', async () => {
    const run = await runCliAsync([INVALID], { cwd: scratch });
    expect(run).toEqual({
      status: 1,
      stdout: '',
      stderr: [
        `${INVALID}:2: error[BG020]: [backup] target: expected an absolute path, found "relative": must be an absolute path (start with "/")`,
        `${INVALID}:9: error[BG022]: [lvm] snapshot_size: expected an lvcreate size such as 2G, 512M, 1.5T, or a percentage such as 20%ORIGIN, 10%VG, 50%FREE, found "2G; rm -rf /": is not a size lvcreate accepts`,
        `${INVALID}: 2 errors; no script written`,
        '',
      ].join('\n'),
    });
  });

  it('1: diagnostics name the profile as it was given on the command line', async () => {
    const run = await runCliAsync([join(scratch, INVALID)]);
    expect(run.stderr.split('\n')[0]).toMatch(new RegExp(`^${join(scratch, INVALID).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: error\\[BG020\\]: `));
  });

  it.each([
    ['a missing profile file', ['no-such-profile.ini'], /^backup-gen: cannot read profile no-such-profile\.ini: ENOENT\n$/],
    ['a directory as the profile', ['examples'], /^backup-gen: cannot read profile examples: EISDIR\n$/],
    ['no profile at all', [], /^backup-gen: missing profile; try backup-gen --help\n$/],
    ['an unknown option', ['--bogus', EXAMPLE], /unknown option '--bogus'/],
    ['-o without its file', [EXAMPLE, '-o'], /option '-o, --output <file>' argument missing/],
    ['check without a profile', ['check'], /missing required argument 'profile'/],
    ['check of a missing file', ['check', 'nope.ini'], /cannot read profile nope\.ini: ENOENT/],
    ['plan of a missing file', ['plan', 'nope.ini'], /cannot read profile nope\.ini: ENOENT/],
    ['-o after check (options after a command are that command\'s, never silently ignored)', ['check', EXAMPLE, '-o', 'x.sh'], /unknown option '-o'/],
  ])('2: %s', async (_name, args, stderr) => {
    const run = await runCliAsync(args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(stderr);
  });

  it.each([
    ['two profiles', [EXAMPLE, 'examples/directory.ini']],
    ['check with two profiles', ['check', EXAMPLE, 'extra.ini']],
  ])('2: %s (an extra argument is a usage error, never silently ignored)', async (_name, args) => {
    expect((await runCliAsync(args)).status).toBe(2);
  });
});

describe.concurrent('-o FILE', () => {
  it('writes the script with mode 0700, prints nothing, and leaves no temporary file', async () => {
    const directory = join(scratch, 'out-new');
    mkdirSync(directory);
    const run = await runCliAsync([EXAMPLE, '-o', join(directory, 'backup.sh')]);
    expect(run).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(directory, 'backup.sh'), 'utf8')).toBe(EXPECTED_SCRIPT);
    expect(statSync(join(directory, 'backup.sh')).mode & 0o777).toBe(0o700);
    expect(readdirSync(directory)).toEqual(['backup.sh']);
  });

  it('replaces an existing file by renaming a new one over it (a reader never sees half a script)', async () => {
    const directory = join(scratch, 'out-replace');
    mkdirSync(directory);
    const target = join(directory, 'backup.sh');
    writeFileSync(target, 'old contents\n', { mode: 0o644 });
    const before = statSync(target);
    expect((await runCliAsync(['--noop', EXAMPLE, '--output', target])).status).toBe(0);
    const after = statSync(target);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o700);
    expect(readFileSync(target, 'utf8')).toContain('readonly NOOP_VARIANT=1\n');
    expect(readdirSync(directory)).toEqual(['backup.sh']);
  });

  it('refuses a destination that is not a regular file, and leaves it as it was (a rename over /dev/null as root would replace the device)', async () => {
    const directory = join(scratch, 'out-special');
    mkdirSync(directory);
    const fifo = join(directory, 'a-pipe');
    execFileSync('mkfifo', [fifo]);
    const run = await runCliAsync([EXAMPLE, '-o', fifo]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`cannot write ${fifo}: it is a pipe, not a regular file; nothing written`);
    expect(statSync(fifo).isFIFO()).toBe(true);
    const linkToFifo = join(directory, 'link-to-pipe');
    symlinkSync(fifo, linkToFifo);
    const linkRun = await runCliAsync([EXAMPLE, '-o', linkToFifo]);
    expect(linkRun.status).toBe(2);
    expect(linkRun.stderr).toContain(`cannot write ${linkToFifo}: it is a pipe, not a regular file; nothing written`);
    expect(lstatSync(linkToFifo).isSymbolicLink()).toBe(true);
    expect(readdirSync(directory).sort()).toEqual(['a-pipe', 'link-to-pipe']);
  });

  it('units: one destination that is not a regular file writes neither unit', async () => {
    const probe = join(scratch, 'units-probe');
    mkdirSync(probe);
    expect((await runCliAsync(['units', EXAMPLE, '--dir', probe])).status).toBe(0);
    const timerName = readdirSync(probe).find((name) => name.endsWith('.timer')) ?? 'no timer written';
    const directory = join(scratch, 'units-blocked');
    mkdirSync(join(directory, timerName), { recursive: true });
    const run = await runCliAsync(['units', EXAMPLE, '--dir', directory]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`cannot write ${join(directory, timerName)}: it is a directory, not a regular file; nothing written`);
    expect(readdirSync(directory)).toEqual([timerName]);
  });

  it('writes through a symbolic link to the file it names, and keeps the link', async () => {
    const directory = join(scratch, 'out-link');
    mkdirSync(join(directory, 'real'), { recursive: true });
    const real = join(directory, 'real', 'backup.sh');
    writeFileSync(real, 'old contents\n');
    const link = join(directory, 'backup.sh');
    symlinkSync(join('real', 'backup.sh'), link);
    expect((await runCliAsync([EXAMPLE, '-o', link])).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe(EXPECTED_SCRIPT);
    expect(readdirSync(join(directory, 'real'))).toEqual(['backup.sh']);
    const dangling = join(directory, 'dangling.sh');
    symlinkSync(join(directory, 'nowhere', 'backup.sh'), dangling);
    const run = await runCliAsync([EXAMPLE, '-o', dangling]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`cannot write ${dangling}: it is a symbolic link to a file that does not exist`);
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
  });

  it('an invalid profile leaves an existing file untouched', async () => {
    const directory = join(scratch, 'out-invalid');
    mkdirSync(directory);
    const target = join(directory, 'backup.sh');
    writeFileSync(target, 'previous script\n');
    const run = await runCliAsync([INVALID, '-o', target], { cwd: scratch });
    expect(run.status).toBe(1);
    expect(readFileSync(target, 'utf8')).toBe('previous script\n');
    expect(readdirSync(directory)).toEqual(['backup.sh']);
  });

  it('2: a directory that does not exist, and no temporary file anywhere', async () => {
    const run = await runCliAsync([EXAMPLE, '-o', join(scratch, 'missing-dir', 'backup.sh')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^backup-gen: cannot write .*missing-dir\/backup\.sh: ENOENT\n$/);
    expect(readdirSync(scratch).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe.concurrent('check', () => {
  it.each([
    ['a valid profile', [EXAMPLE], 0, `${EXAMPLE}: ok\n`],
    ['warnings only', [WARNING_ONLY], 0, /warning\[BG014\][\s\S]*warning-only\.ini: ok\n$/],
    ['an invalid profile', [INVALID], 1, /error\[BG020\][\s\S]*invalid\.ini: 2 errors; no script written\n$/],
  ] as [string, string[], number, string | RegExp][])('%s', async (_name, args, status, stderr) => {
    const run = await runCliAsync(['check', ...args], { cwd: args[0] === EXAMPLE ? REPO_ROOT : scratch });
    expect(run.status).toBe(status);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(stderr);
  });
});

// Two CLI runs a test, in parallel with the rest of the suite: more than the default 5 s on a busy machine.
describe.concurrent('check --script DEPLOYED', { timeout: 30_000 }, () => {
  const PROFILE = 'deployed.ini';
  /** A directory of its own: the profile, and the script compiled from it (the noop variant with --noop). */
  async function deployment(name: string, noop = false): Promise<string> {
    const directory = join(scratch, name);
    mkdirSync(directory);
    writeFileSync(join(directory, PROFILE), readFileSync(join(REPO_ROOT, 'examples', 'directory.ini')));
    expect((await runCliAsync([...(noop ? ['--noop'] : []), PROFILE, '-o', 'deployed.sh'], { cwd: directory })).status).toBe(0);
    return directory;
  }
  const check = (cwd: string, script = 'deployed.sh') => runCliAsync(['check', PROFILE, '--script', script], { cwd });

  it('0: the deployed script is exactly what the profile compiles to', async () => {
    expect(await check(await deployment('same'))).toEqual({ status: 0, stdout: '', stderr: `deployed.sh: identical to deployed.ini compiled by backup-gen ${VERSION} (the real script, not the noop variant)\n` });
  });

  it('0: a deployed noop variant is compared with the noop variant, as its header says', async () => {
    expect(await check(await deployment('noop', true))).toEqual({ status: 0, stdout: '', stderr: `deployed.sh: identical to deployed.ini compiled by backup-gen ${VERSION} --noop (the noop variant, as its header says)\n` });
  });

  it('3: the profile changed since: the diff on stdout, the cause with both hashes on stderr', async () => {
    const directory = await deployment('changed');
    const before = readFileSync(join(directory, PROFILE));
    const after = Buffer.from(before.toString('utf8').replace('compression_level = 6', 'compression_level = 7'));
    writeFileSync(join(directory, PROFILE), after);
    const run = await check(directory);
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(new RegExp(`^--- deployed\\.sh\n\\+\\+\\+ deployed\\.ini compiled by backup-gen ${VERSION.replace(/\./g, '\\.')}\n@@ `));
    expect(run.stdout).toMatch(/\n- +local -ra dar_options=\(.* -zxz:6 .*\n\+ +local -ra dar_options=\(.* -zxz:7 /);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 12);
    expect(run.stderr).toBe(
      [
        `deployed.sh: differs from deployed.ini compiled by backup-gen ${VERSION} (the real script, not the noop variant); the diff is on stdout`,
        `deployed.sh: likely cause: the profile changed since: the script was compiled from a profile with sha256 ${sha(before)}..., and this profile's is ${sha(after)}...`,
        '',
      ].join('\n'),
    );
  });

  it('3: edited by hand (header matches, body differs): the diff shows the edit', async () => {
    const directory = await deployment('edited');
    const script = join(directory, 'deployed.sh');
    writeFileSync(script, readFileSync(script, 'utf8').replace('\nset_log_level() {\n', '\nset_log_level() {\n  : edited\n'));
    const run = await check(directory);
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(/\n set_log_level\(\) \{\n-  : edited\n /);
    expect(run.stdout.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toEqual(['-  : edited']);
    expect(run.stderr).toMatch(/\ndeployed\.sh: likely cause: its header matches this profile \(sha256 [0-9a-f]{12}\.\.\.\) and this backup-gen version, so the script was edited after it was generated\n$/);
  });

  it('3: made by another backup-gen version', async () => {
    const directory = await deployment('version');
    const script = join(directory, 'deployed.sh');
    writeFileSync(script, readFileSync(script, 'utf8').replace(`generated by backup-gen ${VERSION}.`, 'generated by backup-gen 0.0.1.'));
    const run = await check(directory);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain(`deployed.sh: likely cause: a different backup-gen made it: version 0.0.1, and this is ${VERSION}`);
  });

  it.each([
    ['a missing deployed script', 'missing.sh', /^backup-gen: cannot read deployed script missing\.sh: ENOENT\n$/],
    ['a directory as the deployed script', '.', /^backup-gen: cannot read deployed script \.: EISDIR\n$/],
  ])('2: %s, named', async (_name, script, stderr) => {
    const run = await check(await deployment(`missing-${script.length}`), script);
    expect(run).toMatchObject({ status: 2, stdout: '' });
    expect(run.stderr).toMatch(stderr);
  });

  it('1: an invalid profile is reported as such, before any comparison', async () => {
    const run = await runCliAsync(['check', INVALID, '--script', INVALID], { cwd: scratch });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/error\[BG020\][\s\S]*invalid\.ini: 2 errors; no script written\n$/);
  });
});

describe.concurrent('units', { timeout: 30_000 }, () => {
  it('writes the service and the timer (0644, no temporary file left), prints the crontab line, and says what it wrote', async () => {
    const directory = join(scratch, 'units');
    mkdirSync(directory);
    const run = await runCliAsync(['units', DIRECTORY_ONLY, '--dir', directory], { cwd: scratch });
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n').filter((l) => !l.startsWith('#'))).toEqual(['15 3 * * * root /usr/local/sbin/directory-only.sh --log-file /var/log/backup-gen-directory-only.log', '']);
    expect(run.stderr).toBe(
      [
        `wrote ${directory}/backup-gen-directory-only.service`,
        `wrote ${directory}/backup-gen-directory-only.timer`,
        'then: systemctl daemon-reload && systemctl enable --now backup-gen-directory-only.timer (or use the crontab line on stdout instead)',
        '',
      ].join('\n'),
    );
    expect(readdirSync(directory).sort()).toEqual(['backup-gen-directory-only.service', 'backup-gen-directory-only.timer']);
    for (const file of readdirSync(directory)) expect(statSync(join(directory, file)).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(directory, 'backup-gen-directory-only.service'), 'utf8')).toContain('\nExecStart=/usr/local/sbin/directory-only.sh --log INFO\n');
  });

  it.each([
    ['an invalid profile: located errors, exit 1', [INVALID], 1, /error\[BG020\][\s\S]*invalid\.ini: 2 errors; no script written\n$/],
    ['a relative --script', [DIRECTORY_ONLY, '--script', 'x.sh'], 2, /^backup-gen: --script x\.sh: must be an absolute path/],
    ['an --on-calendar backup-gen cannot read', [DIRECTORY_ONLY, '--on-calendar', 'tomorrow'], 2, /^backup-gen: --on-calendar "tomorrow": "tomorrow" is not a weekday/],
    ['no --dir', [DIRECTORY_ONLY], 2, /required option '--dir <dir>' not specified/],
  ])('%s: writes nothing', async (_name, args, status, stderr) => {
    const directory = join(scratch, `units-refused-${_name.replace(/[^a-z]+/g, '-')}`);
    mkdirSync(directory);
    const run = await runCliAsync(['units', ...args, ...(args.length === 1 && status === 2 ? [] : ['--dir', directory])], { cwd: scratch });
    expect(run.status).toBe(status);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(stderr);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('2: a profile name that cannot name a unit', async () => {
    writeFileSync(join(scratch, 'my host.ini'), readFileSync(join(scratch, DIRECTORY_ONLY)));
    const run = await runCliAsync(['units', 'my host.ini', '--dir', scratch], { cwd: scratch });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^backup-gen: the profile's name "my host" cannot name a systemd unit/);
  });

  it('2: a --dir that does not exist, and no temporary file anywhere', async () => {
    const run = await runCliAsync(['units', DIRECTORY_ONLY, '--dir', join(scratch, 'no-such-dir')], { cwd: scratch });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^backup-gen: cannot write .*no-such-dir\/backup-gen-directory-only\.service: ENOENT\n$/);
    expect(readdirSync(scratch).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe.concurrent('plan', () => {
  it('prints the plan as JSON with every default filled in', async () => {
    const run = await runCliAsync(['plan', DIRECTORY_ONLY], { cwd: scratch });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.endsWith('}\n')).toBe(true);
    const plan = JSON.parse(run.stdout);
    expect(plan).toMatchObject({
      generator: { name: 'backup-gen', version: VERSION },
      profileName: DIRECTORY_ONLY,
      target: '/b',
      fullPolicy: { every: 'month' },
      needsRoot: false,
      requiredCommands: ['date', 'mkdir', 'mktemp', 'mv', 'cat', 'rm', 'rmdir', 'touch', 'sleep', 'sync', 'stat', 'realpath', 'timeout', 'flock', 'df', 'sha512sum', 'dar'],
      sources: [
        {
          name: 'main',
          kind: 'directory',
          root: '/srv',
          setRoot: '/b',
          archivePrefix: 'h-',
          bindMounts: [],
          darOptions: ['-N', '-Q', '-n', '-D', '--modified-data-detection=any-inode-change', '--hash', 'sha512', '-s', '1875000000', '-zzstd:3', '-m', '150', '-an', ...DEFAULT_NO_COMPRESS.split(' ').flatMap((m) => ['-Z', m]), '-acase'],
        },
      ],
    });
    expect(plan.mirror).toBeUndefined();
  });

  it('1: an invalid profile prints no plan', async () => {
    const run = await runCliAsync(['plan', INVALID], { cwd: scratch });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
  });
});

describe.concurrent('init', () => {
  it('prints a profile that check accepts and that compiles to a script', async () => {
    const run = await runCliAsync(['init']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    writeFileSync(join(scratch, 'init.ini'), run.stdout);
    expect(await runCliAsync(['check', 'init.ini'], { cwd: scratch })).toEqual({ status: 0, stdout: '', stderr: 'init.ini: ok\n' });
    const compiled = await runCliAsync(['init.ini'], { cwd: scratch });
    expect(compiled.status).toBe(0);
    expect(compiled.stdout).toMatch(/^#!\/usr\/bin\/env bash\n/);
  });

  it('-o FILE writes the profile to FILE atomically (not executable), prints nothing, and leaves no temporary file', async () => {
    const directory = join(scratch, 'init-out');
    mkdirSync(directory);
    const target = join(directory, 'profile.ini');
    writeFileSync(target, 'old profile\n', { mode: 0o600 });
    const before = statSync(target);
    const run = await runCliAsync(['init', '-o', target]);
    expect(run).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(readFileSync(target, 'utf8')).toBe((await runCliAsync(['init'])).stdout);
    const after = statSync(target);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o111).toBe(0);
    expect(readdirSync(directory)).toEqual(['profile.ini']);
  });

  it('2: init -o into a directory that does not exist', async () => {
    const run = await runCliAsync(['init', '--output', join(scratch, 'missing-dir', 'profile.ini')]);
    expect(run).toMatchObject({ status: 2, stdout: '' });
    expect(run.stderr).toMatch(/^backup-gen: cannot write .*missing-dir\/profile\.ini: ENOENT\n$/);
  });

  // What a user does to add a volume: uncomment [volume home] and the keys a snapshot needs.
  const withVolumeHome = (profile: string) =>
    profile
      .split('\n\n')
      .map((block) => {
        if (!block.includes('\n; [volume home]\n')) return block;
        const keep = new Set(['[volume home]', 'volume_group', 'logical_volume', 'snapshot_size']);
        return block
          .split('\n')
          .map((line) => line.replace(/^; (\[volume home\]|(\w+) = .*)$/, (whole, rest: string, key?: string) => (keep.has(key ?? rest) ? rest : whole)))
          .map((line) => line.replace(/^logical_volume = .*$/, 'logical_volume = home'))
          .join('\n');
      })
      .join('\n\n');

  it('its archive_prefix composes with a [volume NAME]: each source\'s archives are named after the host, then the volume', async () => {
    const profile = withVolumeHome((await runCliAsync(['init'])).stdout);
    for (const line of ['[volume home]', 'logical_volume = home', 'snapshot_size = 2G']) expect(profile).toContain(`\n${line}\n`);
    writeFileSync(join(scratch, 'init-volume.ini'), profile);
    const run = await runCliAsync(['plan', 'init-volume.ini'], { cwd: scratch });
    expect(run.stderr).toBe('');
    const plan = JSON.parse(run.stdout) as { sources: { name: string; archivePrefix: string }[] };
    expect(plan.sources.map((s) => [s.name, s.archivePrefix])).toEqual([
      ['main', 'myhost-'],
      ['home', 'myhost-home-'],
    ]);
  });

  it('suggests target_dir_must_be_mounted = yes for the mirror (set, not commented out), and shows target_must_be_mounted commented out', async () => {
    const text = (await runCliAsync(['init'])).stdout;
    expect(text).toContain('\ntarget_dir_must_be_mounted = yes\n');
    expect(text).toContain('\n; target_must_be_mounted = false\n');
    expect(text.indexOf('\ntarget_dir_must_be_mounted = yes\n')).toBeGreaterThan(text.indexOf('\n[rsync]\n'));
  });

  it('documents every section', async () => {
    const text = (await runCliAsync(['init'])).stdout;
    for (const section of ['[backup]', '[lvm]', '; [bindmounts]', '; [volume home]', '[dar]', '[rsync]']) expect(text).toContain(`\n${section}\n`);
  });
});

describe.concurrent('--version and --help', () => {
  it.each([['--version'], ['-V']])('%s prints the version of package.json and src/version.ts', async (flag) => {
    const packageVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(VERSION).toBe(packageVersion);
    expect(await runCliAsync([flag])).toEqual({ status: 0, stdout: `${packageVersion}\n`, stderr: '' });
  });

  it.each([['--help'], ['-h']])('%s prints usage, commands and exit codes on stdout', async (flag) => {
    const run = await runCliAsync([flag]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    for (const text of ['Usage: backup-gen', '-o, --output <file>', '--noop', 'check [options] <profile>', 'plan <profile>', 'units [options] <profile>', 'init', 'Exit codes: 0 success, 1 invalid profile, 2 usage error, 3 (check --script) the deployed script differs.']) {
      expect(run.stdout).toContain(text);
    }
  });
});
