// Scheduling, pure: a systemd OnCalendar= expression → whether backup-gen understands it, and the
// crontab time fields that fire at the same moments (or why there are none). It reads a documented
// subset of systemd.time(7)'s grammar, offline; `systemd-analyze calendar` stays the authority, and
// a test checks that systemd accepts everything this accepts.

export type CalendarResult =
  | { ok: true; spec: string; cron: { ok: true; fields: string } | { ok: false; reason: string } }
  | { ok: false; problem: string };

/** systemd's shorthands (any case) and the expressions they stand for. */
const SHORTHANDS: Record<string, string> = {
  minutely: '*-*-* *:*:00',
  hourly: '*-*-* *:00:00',
  daily: '*-*-* 00:00:00',
  weekly: 'Mon *-*-* 00:00:00',
  monthly: '*-*-01 00:00:00',
  quarterly: '*-01,04,07,10-01 00:00:00',
  semiannually: '*-01,07-01 00:00:00',
  yearly: '*-01-01 00:00:00',
  annually: '*-01-01 00:00:00',
};

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** What backup-gen reads; anything else is refused with this, rather than guessed at. */
export const CALENDAR_SUBSET =
  'a shorthand (minutely, hourly, daily, weekly, monthly, quarterly, semiannually, yearly), or [WEEKDAYS] [[YEAR-]MONTH-DAY] [HOUR:MINUTE[:SECOND]] [UTC], ' +
  'where WEEKDAYS is a list such as Mon..Fri or Sat,Sun and each number field is *, or a list of N, N..M, N/STEP, N..M/STEP';

/** One field of a date or time: undefined for *, else its items. */
type Field = Item[] | undefined;
interface Item {
  from: number;
  to?: number;
  step?: number;
}

interface Parsed {
  weekdays?: Set<number>;
  year: Field;
  month: Field;
  day: Field;
  hour: Field;
  minute: Field;
  second: Field;
  utc: boolean;
}

export function parseCalendar(input: string): CalendarResult {
  // White space as one space: what the timer gets is one line, whatever was typed.
  const spec = input.trim().split(/\s+/).join(' ');
  if (spec === '') return { ok: false, problem: 'is empty' };
  const expanded = SHORTHANDS[spec.toLowerCase()] ?? spec;
  const parsed = parseExpression(expanded);
  if (typeof parsed === 'string') return { ok: false, problem: parsed };
  return { ok: true, spec, cron: cronFields(parsed) };
}

function parseExpression(spec: string): Parsed | string {
  const tokens = spec.split(/\s+/);
  const utc = tokens.length > 1 && tokens[tokens.length - 1] === 'UTC';
  if (utc) tokens.pop();
  const parsed: Parsed = { year: undefined, month: undefined, day: undefined, hour: [{ from: 0 }], minute: [{ from: 0 }], second: [{ from: 0 }], utc };
  if (/^[A-Za-z]/.test(tokens[0] as string)) {
    const weekdays = parseWeekdays(tokens.shift() as string);
    if (typeof weekdays === 'string') return weekdays;
    parsed.weekdays = weekdays;
  }
  if (tokens[0] !== undefined && tokens[0].includes('-')) {
    const date = parseDate(tokens.shift() as string);
    if (typeof date === 'string') return date;
    Object.assign(parsed, date);
  }
  if (tokens[0] !== undefined && tokens[0].includes(':')) {
    const time = parseTime(tokens.shift() as string);
    if (typeof time === 'string') return time;
    Object.assign(parsed, time);
  }
  if (tokens.length > 0) return `cannot read "${tokens.join(' ')}" (backup-gen reads ${CALENDAR_SUBSET})`;
  return parsed;
}

function weekdayNumber(name: string): number | undefined {
  const lower = name.toLowerCase();
  const index = WEEKDAYS.indexOf(lower) >= 0 ? WEEKDAYS.indexOf(lower) : WEEKDAY_NAMES.indexOf(lower);
  return index >= 0 ? index : undefined;
}

/** Mon=0 ... Sun=6; a range runs forwards (systemd refuses Fri..Mon). */
function parseWeekdays(token: string): Set<number> | string {
  const days = new Set<number>();
  for (const item of token.split(',')) {
    const [first, last, extra] = item.split(/\.\.|-/);
    const from = weekdayNumber(first ?? '');
    const to = last === undefined ? from : weekdayNumber(last);
    if (from === undefined || to === undefined || extra !== undefined) return `"${item}" is not a weekday or a range of weekdays such as Mon..Fri`;
    if (to < from) return `weekday range ${item} runs backwards (write it from Monday on, such as Mon,Fri..Sun)`;
    for (let d = from; d <= to; d++) days.add(d);
  }
  return days;
}

function parseDate(token: string): Pick<Parsed, 'year' | 'month' | 'day'> | string {
  const parts = token.split('-');
  if (parts.length !== 2 && parts.length !== 3) return `"${token}" is not a date such as *-*-*, *-*-01 or 2025-01-31`;
  const [day, month, year] = [...parts].reverse() as [string, string, string | undefined];
  const parsedYear = year === undefined ? undefined : parseField(year, 1970, 2199, 'year', /^\d{4}$/);
  const parsedMonth = parseField(month, 1, 12, 'month');
  const parsedDay = parseField(day, 1, 31, 'day');
  for (const f of [parsedYear, parsedMonth, parsedDay]) if (typeof f === 'string') return f;
  return { year: parsedYear as Field, month: parsedMonth as Field, day: parsedDay as Field };
}

function parseTime(token: string): Pick<Parsed, 'hour' | 'minute' | 'second'> | string {
  const parts = token.split(':');
  if (parts.length !== 2 && parts.length !== 3) return `"${token}" is not a time such as 03:15 or *:00/15`;
  const fields = [parseField(parts[0] as string, 0, 23, 'hour'), parseField(parts[1] as string, 0, 59, 'minute'), parseField(parts[2] ?? '00', 0, 59, 'second')];
  for (const f of fields) if (typeof f === 'string') return f;
  return { hour: fields[0] as Field, minute: fields[1] as Field, second: fields[2] as Field };
}

function parseField(text: string, min: number, max: number, what: string, digits = /^\d{1,2}$/): Field | string {
  if (text === '*') return undefined;
  const items: Item[] = [];
  for (const item of text.split(',')) {
    const match = /^([^./]+)(?:\.\.([^./]+))?(?:\/([^./]+))?$/.exec(item);
    const valid = match !== null && digits.test(match[1] as string) && (match[2] === undefined || digits.test(match[2])) && (match[3] === undefined || /^\d{1,4}$/.test(match[3]));
    if (!valid) return `"${item}" is not a ${what}: expected *, or a list of N, N..M, N/STEP, N..M/STEP`;
    const [from, to, step] = [match[1], match[2], match[3]].map((n) => (n === undefined ? undefined : Number(n)));
    if ((from as number) < min || (from as number) > max || (to !== undefined && (to < min || to > max))) return `${what} ${item} is out of range (${min}-${max})`;
    if (to !== undefined && to < (from as number)) return `${what} range ${item} runs backwards`;
    if (step !== undefined && step < 1) return `${what} ${item}: the step must be at least 1`;
    items.push({ from: from as number, ...(to === undefined ? {} : { to }), ...(step === undefined ? {} : { step }) });
  }
  return items;
}

/** The five crontab time fields, or why cron cannot fire at the same moments. */
function cronFields(p: Parsed): { ok: true; fields: string } | { ok: false; reason: string } {
  if (p.utc) return { ok: false, reason: 'it is in UTC, and cron uses the local time zone' };
  if (p.year !== undefined) return { ok: false, reason: 'it names a year, and cron has no year field' };
  if (p.second === undefined || p.second.length !== 1 || p.second[0]?.from !== 0 || p.second[0].to !== undefined || p.second[0].step !== undefined) {
    return { ok: false, reason: 'it fires at a second other than :00, and cron runs at whole minutes' };
  }
  const weekdays = p.weekdays === undefined || p.weekdays.size === 7 ? undefined : p.weekdays;
  if (weekdays !== undefined && p.day !== undefined) return { ok: false, reason: 'it restricts both the day of the month and the weekday, which cron would combine with OR where systemd requires both' };
  return { ok: true, fields: [cronField(p.minute, 59), cronField(p.hour, 23), cronField(p.day, 31), cronField(p.month, 12), cronWeekdays(weekdays)].join(' ') };
}

function cronField(field: Field, max: number): string {
  if (field === undefined) return '*';
  return field
    .map(({ from, to, step }) => {
      if (step !== undefined) return `${from}-${to ?? max}/${step}`;
      return to === undefined ? `${from}` : `${from}-${to}`;
    })
    .join(',');
}

/** systemd's Mon=0...Sun=6 → cron's Sun=0, Mon=1...Sat=6, runs of three or more as ranges. */
function cronWeekdays(days: Set<number> | undefined): string {
  if (days === undefined) return '*';
  const cron = [...days].map((d) => (d + 1) % 7).sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < cron.length; ) {
    let j = i;
    while (j + 1 < cron.length && (cron[j + 1] as number) === (cron[j] as number) + 1) j++;
    out.push(j - i >= 2 ? `${cron[i]}-${cron[j]}` : cron.slice(i, j + 1).join(','));
    i = j + 1;
  }
  return out.join(',');
}
