// src/calendar.ts: which OnCalendar= expressions backup-gen accepts offline, and the crontab fields
// that fire at the same moments, or why cron cannot. (test/bats/units.bats checks that systemd
// accepts every expression accepted here.)

import { describe, expect, it } from 'vitest';
import { parseCalendar } from '../../src/calendar.js';

describe('expressions cron can express: the five crontab fields', () => {
  it.each([
    ['*-*-* 03:15:00', '15 3 * * *'],
    ['*-*-* 03:15', '15 3 * * *'],
    ['03:15', '15 3 * * *'],
    ['3:5', '5 3 * * *'],
    ['  *-*-*\t 03:15  ', '15 3 * * *'],
    ['minutely', '* * * * *'],
    ['hourly', '0 * * * *'],
    ['daily', '0 0 * * *'],
    ['Daily', '0 0 * * *'],
    ['weekly', '0 0 * * 1'],
    ['monthly', '0 0 1 * *'],
    ['quarterly', '0 0 1 1,4,7,10 *'],
    ['semiannually', '0 0 1 1,7 *'],
    ['yearly', '0 0 1 1 *'],
    ['annually', '0 0 1 1 *'],
    ['Mon..Fri 03:15', '15 3 * * 1-5'],
    ['Mon-Fri 03:15', '15 3 * * 1-5'],
    ['mon,wed,fri 22:30', '30 22 * * 1,3,5'],
    ['Sat,Sun 10:00', '0 10 * * 0,6'],
    ['Monday..Sunday 01:00', '0 1 * * *'],
    ['Fri..Sun 01:00', '0 1 * * 0,5,6'],
    ['Sun', '0 0 * * 0'],
    ['*-*-01 04:00', '0 4 1 * *'],
    ['*-*-1,15 04:00', '0 4 1,15 * *'],
    ['*-01,07-01 00:00', '0 0 1 1,7 *'],
    ['01-01', '0 0 1 1 *'],
    ['*:0/15', '0-59/15 * * * *'],
    ['*-*-* 0..6/2:00', '0 0-6/2 * * *'],
    ['*-*-* 2,14:30', '30 2,14 * * *'],
    ['*-*-* 01..05:00:00', '0 1-5 * * *'],
  ])('%j → %s', (spec, fields) => {
    expect(parseCalendar(spec)).toEqual({ ok: true, spec: spec.trim().replace(/\s+/g, ' '), cron: { ok: true, fields } });
  });
});

describe('expressions systemd takes that cron cannot express: no crontab line, and why', () => {
  it.each([
    ['*-*-* 03:15:30', 'it fires at a second other than :00, and cron runs at whole minutes'],
    ['*-*-* 03:15:*', 'it fires at a second other than :00, and cron runs at whole minutes'],
    ['*-*-* 03:15 UTC', 'it is in UTC, and cron uses the local time zone'],
    ['2025-*-* 01:00', 'it names a year, and cron has no year field'],
    ['Mon *-*-1..7 03:00', 'it restricts both the day of the month and the weekday, which cron would combine with OR where systemd requires both'],
  ])('%j', (spec, reason) => {
    expect(parseCalendar(spec)).toEqual({ ok: true, spec, cron: { ok: false, reason } });
  });
});

describe('refused: not a calendar expression, or outside the subset backup-gen reads', () => {
  it.each([
    ['', 'is empty'],
    ['bogus', '"bogus" is not a weekday or a range of weekdays such as Mon..Fri'],
    ['Fri..Mon 03:00', 'weekday range Fri..Mon runs backwards (write it from Monday on, such as Mon,Fri..Sun)'],
    ['*-*-* 24:00', 'hour 24 is out of range (0-23)'],
    ['*-*-* 03:60', 'minute 60 is out of range (0-59)'],
    ['*-13-01', 'month 13 is out of range (1-12)'],
    ['*-*-32', 'day 32 is out of range (1-31)'],
    ['*-*-* 3..1:00', 'hour range 3..1 runs backwards'],
    ['*-*-* 03:15/0', 'minute 15/0: the step must be at least 1'],
    ['*:*/15', '"*/15" is not a minute: expected *, or a list of N, N..M, N/STEP, N..M/STEP'],
    ['*-*~01', '"*~01" is not a day: expected *, or a list of N, N..M, N/STEP, N..M/STEP'],
    ['*-*-* 03:15:00.5', '"00.5" is not a second: expected *, or a list of N, N..M, N/STEP, N..M/STEP'],
    ['10:00 Mon', 'cannot read "Mon" (backup-gen reads a shorthand'],
    ['*-*-* 03:15 Europe/Berlin', 'cannot read "Europe/Berlin"'],
    ['03:15\nExecStart=/bin/evil', 'cannot read "ExecStart=/bin/evil"'],
  ])('%j: %s', (spec, problem) => {
    const result = parseCalendar(spec);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(problem);
  });
});
