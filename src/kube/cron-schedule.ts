// The cron grammar CronJobs use: robfig/cron v3's ParseStandard (5 fields: minute hour day-of-month month
// day-of-week; `*`, `?`, lists, ranges, steps, month and weekday names; the descriptors @yearly @annually
// @monthly @weekly @daily @midnight @hourly and `@every <duration>`), and Schedule.Next in a time zone.
// One home for the apiserver's validation (validate-workloads.ts) and the CronJob controller.
// Error texts are robfig's, which the apiserver returns as the field error detail.

export type CronSchedule =
  | { kind: 'spec'; minute: bigint; hour: bigint; dom: bigint; month: bigint; dow: bigint; domStar: boolean; dowStar: boolean }
  | { kind: 'every'; seconds: number };

interface Bounds { min: number; max: number; names?: Record<string, number> }

const MINUTE: Bounds = { min: 0, max: 59 };
const HOUR: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

export class CronParseError extends Error {}

/** cron.ParseStandard; throws CronParseError with robfig's message. */
export function parseCron(text: string): CronSchedule {
  const spec = text.trim();
  if (spec.length === 0) throw new CronParseError('empty spec string');
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    // robfig strips a leading TZ=; the apiserver refuses TZ in schedules separately (validation)
    const i = spec.indexOf(' ');
    if (i < 0) throw new CronParseError(`provided bad location ${spec.slice(spec.indexOf('=') + 1)}: unknown time zone`);
    return parseCron(spec.slice(i + 1));
  }
  if (spec.startsWith('@')) {
    if (spec.startsWith('@every ')) return { kind: 'every', seconds: everySeconds(spec.slice(7).trim(), spec) };
    const d = DESCRIPTORS[spec];
    if (!d) throw new CronParseError(`unrecognized descriptor: ${spec}`);
    return parseCron(d);
  }
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const [mi, h, dom, mo, dow] = fields as [string, string, string, string, string];
  const d = getField(dom, DOM);
  const w = getField(dow, DOW);
  return {
    kind: 'spec', minute: getField(mi, MINUTE).bits, hour: getField(h, HOUR).bits, dom: d.bits, month: getField(mo, MONTHS).bits, dow: w.bits,
    domStar: d.star, dowStar: w.star,
  };
}

function getField(field: string, b: Bounds): { bits: bigint; star: boolean } {
  let bits = 0n;
  let star = false;
  for (const expr of field.split(',')) {
    const r = getRange(expr, b);
    bits |= r.bits;
    star ||= r.star;
  }
  return { bits, star };
}

function getRange(expr: string, b: Bounds): { bits: bigint; star: boolean } {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = intOrName(lowAndHigh[0]!, b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1]!, b);
    else throw new CronParseError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    // "N/step" means "N-max/step"
    if (single) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronParseError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronParseError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronParseError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronParseError(`step of range should be a positive number: ${expr}`);
  let bits = 0n;
  for (let i = start; i <= end; i += step) bits |= 1n << BigInt(i);
  return { bits, star };
}

function intOrName(s: string, b: Bounds): number {
  const named = b.names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  return mustParseInt(s);
}

function mustParseInt(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new CronParseError(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
  const n = Number(s);
  if (n < 0) throw new CronParseError(`negative number (${n}) not allowed: ${s}`);
  return n;
}

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** time.ParseDuration, for `@every`; below one second it is one second (cron.Every). */
function everySeconds(d: string, spec: string): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(d)) !== null) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (d === '' || matched !== d.length) throw new CronParseError(`failed to parse duration ${spec}: time: invalid duration "${d}"`);
  return Math.max(1, Math.floor(total));
}

/** Wall-clock fields of an instant in a time zone (IANA name; undefined = the controller's local zone, UTC here). */
interface Wall { y: number; mo: number; d: number; h: number; mi: number }

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** True when Intl knows the IANA zone (the controller's time.LoadLocation). */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Offset of the zone from UTC at `ms`, in ms. */
export function zoneOffset(ms: number, tz: string | undefined): number {
  if (!tz || tz === 'UTC' || tz === 'Etc/UTC') return 0;
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

function wallOf(ms: number, tz: string | undefined): Wall {
  const d = new Date(ms + zoneOffset(ms, tz));
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes() };
}

/** The instant of a wall-clock time in the zone (the earlier one in a DST overlap, shifted forward in a gap). */
function instantOf(w: Wall, tz: string | undefined): number {
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
  let t = asUtc - zoneOffset(asUtc, tz);
  t = asUtc - zoneOffset(t, tz);
  return t;
}

const has = (bits: bigint, i: number) => (bits & (1n << BigInt(i))) !== 0n;

/**
 * Schedule.Next: the first activation strictly after `afterMs` (ms since the epoch), or undefined when
 * none comes within five years (robfig's answer to an impossible date such as `0 0 30 2 *`).
 */
export function nextActivation(s: CronSchedule, afterMs: number, tz?: string): number | undefined {
  if (s.kind === 'every') return Math.floor(afterMs / 1000) * 1000 + s.seconds * 1000;
  // Activations are on whole minutes: start at the next one.
  const start = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
  const w = wallOf(start, tz);
  const day = new Date(Date.UTC(w.y, w.mo - 1, w.d));
  for (let i = 0; i < 366 * 5; i++, day.setUTCDate(day.getUTCDate() + 1)) {
    const y = day.getUTCFullYear();
    const mo = day.getUTCMonth() + 1;
    const d = day.getUTCDate();
    if (!has(s.month, mo)) continue;
    const domMatch = has(s.dom, d);
    const dowMatch = has(s.dow, day.getUTCDay());
    // robfig: when either field is a star both must match, otherwise either does
    if (s.domStar || s.dowStar ? !(domMatch && dowMatch) : !(domMatch || dowMatch)) continue;
    for (let h = 0; h < 24; h++) {
      if (!has(s.hour, h)) continue;
      for (let mi = 0; mi < 60; mi++) {
        if (!has(s.minute, mi)) continue;
        const t = instantOf({ y, mo, d, h, mi }, tz);
        if (t >= start) return t;
      }
    }
  }
  return undefined;
}

export type MissedSchedules = 'none' | 'few' | 'many';

/**
 * mostRecentScheduleTime (pkg/controller/cronjob/utils.go): the latest activation not after `now` since
 * `earliest` (the last schedule time, the creation time, or now - startingDeadlineSeconds), and how many
 * were missed, estimated from the interval between two activations as the controller does. More than 100
 * missed is "many": the controller then warns TooManyMissedTimes (and still starts at most one).
 */
export function mostRecentScheduleTime(s: CronSchedule, earliest: number, now: number, tz?: string): { time?: number; missed: MissedSchedules } {
  const t1 = nextActivation(s, earliest, tz);
  if (t1 === undefined || now < t1) return { missed: 'none' };
  const t2 = nextActivation(s, t1, tz);
  if (t2 === undefined || now < t2) return { time: t1, missed: 'none' };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const elapsed = Math.trunc((now - t1) / 1000);
  const missedCount = Math.trunc(elapsed / between) + 1;
  let latest: number | undefined;
  const potentialEarliest = t1 + (missedCount - 2) * between * 1000;
  for (let t = nextActivation(s, potentialEarliest, tz); t !== undefined && t <= now; t = nextActivation(s, t, tz)) latest = t;
  const missed: MissedSchedules = missedCount > 100 ? 'many' : missedCount > 1 ? 'few' : 'none';
  return { time: latest, missed };
}

/** The time as RFC 3339 in the zone, with its offset, as Go's time.Format(time.RFC3339) of a zoned time. */
export function formatInZone(ms: number, tz: string | undefined): string {
  const off = zoneOffset(ms, tz);
  const d = new Date(ms + off);
  const iso = d.toISOString().replace(/\.\d{3}Z$/, '');
  if (off === 0) return `${iso}Z`;
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off) / 60_000;
  return `${iso}${sign}${String(Math.trunc(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
