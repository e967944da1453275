// Simulator: the fake clock the script reads (through the `date` first on BACKUP_GEN_PATH): steps
// forward and back, and to either side of the next daylight-saving transition of the zone.
import { makeRng } from './prng.mjs';
import { TZ } from './world.mjs';

const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: TZ, timeZoneName: 'longOffset' });

function offsetAt(epoch) {
  return offsetFormat.formatToParts(new Date(epoch * 1000)).find((p) => p.type === 'timeZoneName').value;
}

/** The first second after `from` whose UTC offset differs from from's (within 400 days). */
export function nextTransition(from) {
  const start = offsetAt(from);
  let low = from;
  let high = from;
  for (let day = 0; day < 400 && offsetAt(high) === start; day++) high += 86400;
  if (offsetAt(high) === start) return null;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle) === start) low = middle;
    else high = middle;
  }
  return high;
}

export function startEpoch(seed) {
  const rng = makeRng((seed ^ 0x27d4eb2d) >>> 0);
  return 1704067200 + rng.int(0, 700) * 86400 + rng.int(0, 86399);
}

export function localTime(epoch) {
  return new Date(epoch * 1000).toLocaleString('sv-SE', { timeZone: TZ, timeZoneName: 'short' });
}

export function clockStep(ctx, step) {
  const before = ctx.now;
  if (step.how === 'forward') ctx.now += step.seconds;
  else if (step.how === 'back') ctx.now -= step.seconds;
  else {
    const transition = nextTransition(ctx.now);
    if (transition !== null) ctx.now = transition + step.offsetMinutes * 60;
  }
  if (ctx.now < before) ctx.model.clockWentBack = true;
  ctx.note(`clock ${localTime(before)} → ${localTime(ctx.now)}`);
}
