// The AGE table of k8s-semantics.md §4.3 (apimachinery duration.HumanDuration), boundary by boundary.
import { describe, expect, it } from 'vitest';
import { humanDuration, translateTimestampSince } from '../../../src/printers/age.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration', () => {
  it.each([
    // < -1s is invalid; -1s..0 is tolerated clock skew (Go truncates toward zero)
    [-2 * s, '<invalid>'],
    [-1.5 * s, '0s'],
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    // < 120s: seconds
    [95 * s, '95s'],
    [119 * s, '119s'],
    // < 10m: MmSs, or Mm on a whole minute
    [120 * s, '2m'],
    [3 * m + 2 * s, '3m2s'],
    [5 * m, '5m'],
    [9 * m + 59 * s, '9m59s'],
    // < 3h: minutes
    [10 * m, '10m'],
    [47 * m + 30 * s, '47m'],
    [179 * m, '179m'],
    // < 8h: HhMm, or Hh
    [3 * h, '3h'],
    [4 * h + 5 * m, '4h5m'],
    [7 * h + 59 * m, '7h59m'],
    // < 48h: hours
    [8 * h, '8h'],
    [47 * h + 59 * m, '47h'],
    // < 8d: DdHh, or Dd
    [2 * d, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [7 * d + 23 * h, '7d23h'],
    // < 2y: days
    [8 * d, '8d'],
    [729 * d, '729d'],
    // < 8y: YyDd, or Yy
    [2 * y, '2y'],
    [3 * y + 120 * d, '3y120d'],
    [7 * y + 364 * d, '7y364d'],
    // then years
    [8 * y, '8y'],
    [10 * y + 100 * d, '10y'],
  ])('%d ms -> %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('translateTimestampSince', () => {
  const now = new Date('2024-05-01T12:00:00Z');

  it('is <unknown> for a missing timestamp', () => {
    expect(translateTimestampSince(undefined, now)).toBe('<unknown>');
    expect(translateTimestampSince('', now)).toBe('<unknown>');
  });

  it('measures from the timestamp to now', () => {
    expect(translateTimestampSince('2024-05-01T11:56:58Z', now)).toBe('3m2s');
    expect(translateTimestampSince('2024-04-29T09:00:00Z', now)).toBe('2d3h');
  });

  it('is <invalid> for a time well in the future', () => {
    expect(translateTimestampSince('2024-05-01T12:00:30Z', now)).toBe('<invalid>');
  });
});
