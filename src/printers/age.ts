// Ages as kubectl prints them: apimachinery's duration.HumanDuration (util/duration/duration.go) and the
// printers' translateTimestampSince. Every AGE cell, "Last Seen", "(x3 over 40s)" and "1 (5s ago)" uses it.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Go's int(x) on a float truncates toward zero; so does its integer division. */
const trunc = (x: number): number => Math.trunc(x);

/** duration.HumanDuration: ~2-3 significant figures ("95s", "3m2s", "47m", "4h5m", "2d3h", "3y120d"). */
export function humanDuration(ms: number): string {
  const seconds = trunc(ms / SECOND);
  // Up to 2s in the future is tolerated as clock skew ("0s"); beyond that the timestamp is invalid.
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${trunc(hours / 24)}d` : `${trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = trunc(hours / 24) % 365;
    const y = trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${trunc(hours / 24 / 365)}y`;
}

/** Milliseconds since epoch of an RFC 3339 timestamp, or undefined when it is missing or unparseable. */
export function parseTimestamp(ts: string | undefined | null): number | undefined {
  if (!ts) return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}

/** printers.translateTimestampSince: "<unknown>" for a zero (missing) timestamp. */
export function translateTimestampSince(ts: string | undefined | null, now: Date): string {
  const t = parseTimestamp(ts);
  if (t === undefined) return '<unknown>';
  return humanDuration(now.getTime() - t);
}
