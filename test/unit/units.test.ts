// src/units.ts: the systemd service and timer `backup-gen units` writes, and the crontab line it
// prints, from the plan and the options. (test/bats/units.bats runs systemd-analyze verify on them.)

import { describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compile.js';
import type { Plan } from '../../src/plan/plan.js';
import { execStartWord, renderUnits, type UnitOptions, type Units } from '../../src/units.js';

const DIRECTORY = ['[backup]', 'target = /srv/backups', 'archive_prefix = h-', 'source_type = directory', 'source_root = /srv/www'];
const WITH_LOG = [...DIRECTORY, 'log_file = /var/log/backup-gen/www.log'];
const REMOTE_MIRROR = [...DIRECTORY, '[rsync]', 'enabled = true', 'target_dir = backup@mirror.example:/srv/mirror'];

function planOf(lines: string[], profileName = 'www.ini'): Plan {
  const result = compileProfile(`${lines.join('\n')}\n`, { profileName });
  expect(result.diagnostics).toEqual([]);
  return result.plan as Plan;
}

function unitsOf(lines: string[], options: UnitOptions = {}, profileName = 'www.ini'): Units {
  const result = renderUnits(planOf(lines, profileName), options);
  if (!result.ok) throw new Error(result.problem);
  return result.units;
}

const settingLines = (text: string) => text.split('\n').filter((l) => /^[A-Za-z]+=/.test(l));

describe('the service', () => {
  it('runs the deployed script once, as a oneshot that exit 2 (warnings) does not fail, with time to tear down', () => {
    expect(settingLines(unitsOf(DIRECTORY).service)).toEqual([
      'Description=backup-gen backup of profile www.ini',
      'Type=oneshot',
      'ExecStart=/usr/local/sbin/www.sh --log INFO',
      'SuccessExitStatus=2',
      'TimeoutStartSec=infinity',
      'KillMode=mixed',
      'TimeoutStopSec=10min',
      'Nice=10',
      'CPUSchedulingPolicy=batch',
      'IOSchedulingClass=best-effort',
      'IOSchedulingPriority=7',
      'ProtectSystem=yes',
      'PrivateTmp=yes',
      'NoNewPrivileges=yes',
      'RestrictSUIDSGID=yes',
      'RestrictRealtime=yes',
      'LockPersonality=yes',
      'ProtectControlGroups=yes',
      'RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6',
    ]);
  });

  it('every setting of [Service] comes under a comment that says why', () => {
    const service = unitsOf(DIRECTORY).service;
    const body = service.slice(service.indexOf('[Service]\n') + '[Service]\n'.length).split('\n');
    body.forEach((line, i) => {
      if (/^[A-Za-z]+=/.test(line)) expect(body[i - 1], `the line before ${line}`).toMatch(/^(#|[A-Za-z]+=)/);
    });
  });

  it('says what it deliberately leaves out, and why', () => {
    const service = unitsOf(DIRECTORY).service;
    for (const option of ['PrivateDevices=', 'ProtectClock=', 'ProtectKernelModules=', 'ProtectHome=', 'PrivateNetwork=', 'CapabilityBoundingSet=']) {
      expect(service).toMatch(new RegExp(`^# (.*, )?${option}.*: .+`, 'm'));
    }
  });

  it('leaves OnFailure= to the user, with a commented example', () => {
    expect(unitsOf(DIRECTORY).service).toContain('\n#OnFailure=notify@%n.service\n');
  });

  it.each([
    ['a local target only: no network dependency', DIRECTORY, []],
    ['a mirror on another host: waits for the network', REMOTE_MIRROR, ['Wants=network-online.target', 'After=network-online.target']],
  ])('%s', (_name, lines, expected) => {
    expect(settingLines(unitsOf(lines).service).filter((l) => l.includes('network'))).toEqual(expected);
  });
});

describe('ExecStart= and the crontab line quote the script path each in their own syntax', () => {
  it.each([
    ['/usr/local/sbin/www.sh', 'ExecStart=/usr/local/sbin/www.sh --log INFO', '/usr/local/sbin/www.sh --log-file /var/log/backup-gen-www.log'],
    ['/opt/my backups/www.sh', 'ExecStart="/opt/my backups/www.sh" --log INFO', "'/opt/my backups/www.sh' --log-file /var/log/backup-gen-www.log"],
    ['/opt/100%/www.sh', 'ExecStart=/opt/100%%/www.sh --log INFO', '/opt/100\\%/www.sh --log-file /var/log/backup-gen-www.log'],
    ['/opt/$HOME;x/www.sh', 'ExecStart="/opt/$HOME;x/www.sh" --log INFO', "'/opt/$HOME;x/www.sh' --log-file /var/log/backup-gen-www.log"],
  ])('%j', (scriptPath, execStart, cronCommand) => {
    const units = unitsOf(DIRECTORY, { scriptPath });
    expect(units.service.split('\n')).toContain(execStart);
    expect(units.crontab.split('\n')).toContain(`15 3 * * * root ${cronCommand}`);
  });

  it.each([
    ['plain', '/a/b.sh', '/a/b.sh'],
    ['a tab', '/a\tb.sh', '"/a\tb.sh"'],
    ['a percent sign, twice', '/a%%b', '/a%%%%b'],
  ])('execStartWord: %s', (_name, path, word) => {
    expect(execStartWord(path)).toBe(word);
  });
});

describe('the timer', () => {
  it('runs nightly at 03:15 by default, catches up a missed run, with a randomized delay, enabled under timers.target', () => {
    expect(settingLines(unitsOf(DIRECTORY).timer)).toEqual([
      'Description=Schedule of the backup-gen backup of profile www.ini',
      'OnCalendar=*-*-* 03:15:00',
      'Persistent=true',
      'RandomizedDelaySec=15min',
      'WantedBy=timers.target',
    ]);
  });

  it('--on-calendar replaces the schedule, in the timer and the crontab line alike, and the header names the option', () => {
    const units = unitsOf(DIRECTORY, { onCalendar: 'Mon..Fri 22:30' });
    expect(units.timer).toContain('\nOnCalendar=Mon..Fri 22:30\n');
    expect(units.timer).toContain("backup-gen units www.ini --dir DIR --on-calendar 'Mon..Fri 22:30'\n");
    expect(units.crontab.split('\n')).toContain('30 22 * * 1-5 root /usr/local/sbin/www.sh --log-file /var/log/backup-gen-www.log');
  });
});

describe('the crontab line', () => {
  it.each([
    ['no [backup] log_file: the line gives one, so that cron mails only what went wrong', DIRECTORY, '15 3 * * * root /usr/local/sbin/www.sh --log-file /var/log/backup-gen-www.log'],
    ['a [backup] log_file: the script uses it', WITH_LOG, '15 3 * * * root /usr/local/sbin/www.sh'],
  ])('%s', (_name, lines, line) => {
    const crontab = unitsOf(lines).crontab.split('\n');
    expect(crontab.filter((l) => !l.startsWith('#'))).toEqual([line, '']);
    expect(crontab[0]).toBe('# /etc/cron.d/backup-gen-www: what backup-gen-www.timer does (OnCalendar=*-*-* 03:15:00), without its randomized delay and its catch-up after downtime.');
  });

  it('a schedule cron cannot express: no line, and why', () => {
    expect(unitsOf(DIRECTORY, { onCalendar: '*-*-* 03:15 UTC' }).crontab).toBe('# No crontab line: OnCalendar=*-*-* 03:15 UTC cannot be written for cron: it is in UTC, and cron uses the local time zone.\n');
  });

  it('suggests a cron.d file name cron reads (no dot in it)', () => {
    expect(unitsOf(DIRECTORY, {}, 'host.example.ini').crontab).toMatch(/^# \/etc\/cron\.d\/backup-gen-host_example: what backup-gen-host\.example\.timer does/);
  });
});

describe('refused, with what to do', () => {
  it.each([
    ['a relative script path', { scriptPath: 'www.sh' }, 'www.ini', '--script www.sh: must be an absolute path'],
    ['a quote in the script path', { scriptPath: '/opt/it"s/www.sh' }, 'www.ini', 'systemd refuses an executable path with a quote, a backslash or a control character'],
    ['a backslash in the script path', { scriptPath: '/opt/a\\b.sh' }, 'www.ini', 'systemd refuses an executable path with a quote'],
    ['a newline in the script path', { scriptPath: '/opt/a\nExecStartPre=/bin/evil' }, 'www.ini', 'systemd refuses an executable path with a quote, a backslash or a control character'],
    ['a path with //', { scriptPath: '/opt//www.sh' }, 'www.ini', 'must be a normalized path'],
    ['a path with /../', { scriptPath: '/opt/../www.sh' }, 'www.ini', 'must be a normalized path'],
    ['a directory', { scriptPath: '/opt/' }, 'www.ini', 'must be a normalized path'],
    ['a profile name with a space', {}, 'my host.ini', 'the profile\'s name "my host" cannot name a systemd unit: use only letters, digits, "_", "." and "-" (rename the profile file'],
    ['a profile name with @ (a template unit)', {}, 'www@x.ini', 'cannot name a systemd unit'],
    ['an overlong profile name', {}, `${'x'.repeat(240)}.ini`, 'is too long for a systemd unit name'],
    ['a calendar expression backup-gen does not read', { onCalendar: 'someday' }, 'www.ini', '--on-calendar "someday": "someday" is not a weekday'],
  ] as [string, UnitOptions, string, string][])('%s', (_name, options, profileName, problem) => {
    const result = renderUnits(planOf(DIRECTORY, profileName), options);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(problem);
  });
});

it('the same plan and options give the same text, byte for byte', () => {
  expect(unitsOf(REMOTE_MIRROR, { onCalendar: 'daily' })).toEqual(unitsOf(REMOTE_MIRROR, { onCalendar: 'daily' }));
});
