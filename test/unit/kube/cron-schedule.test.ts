// The cron grammar and the schedule math of CronJobs, on fixed instants (no clock).
import { describe, expect, it } from 'vitest';
import { formatInZone, mostRecentScheduleTime, nextActivation, parseCron } from '../../../src/kube/cron-schedule.js';

const t = (s: string) => Date.parse(s);
const next = (spec: string, after: string, tz?: string) => {
  const n = nextActivation(parseCron(spec), t(after), tz);
  return n === undefined ? undefined : new Date(n).toISOString();
};

describe('parseCron (robfig ParseStandard)', () => {
  it.each([
    ['*/1 * * * *'], ['0 3 * * *'], ['15,45 9-17 * * mon-fri'], ['0 0 1 jan,jul ?'], ['@hourly'], ['@daily'], ['@midnight'],
    ['@weekly'], ['@monthly'], ['@yearly'], ['@annually'], ['@every 1h30m'], ['5/15 * * * *'], ['0 0 * * 0-6'],
  ])('accepts %s', (spec) => {
    expect(() => parseCron(spec)).not.toThrow();
  });

  it.each([
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['0 0 * * * *', 'expected exactly 5 fields, found 6: [0 0 * * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['0 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['0 0 * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['', 'empty spec string'],
  ])('refuses %j: %s', (spec, message) => {
    expect(() => parseCron(spec)).toThrow(message);
  });
});

describe('nextActivation', () => {
  it('steps, ranges, names and descriptors', () => {
    expect(next('*/1 * * * *', '2026-01-01T10:00:30Z')).toBe('2026-01-01T10:01:00.000Z');
    expect(next('*/15 * * * *', '2026-01-01T10:00:00Z')).toBe('2026-01-01T10:15:00.000Z');
    expect(next('@hourly', '2026-01-01T10:59:59Z')).toBe('2026-01-01T11:00:00.000Z');
    expect(next('@daily', '2026-01-01T10:00:00Z')).toBe('2026-01-02T00:00:00.000Z');
    // 2026-01-03 is a Saturday: mon-fri skips to Monday the 5th
    expect(next('0 9 * * mon-fri', '2026-01-02T09:00:00Z')).toBe('2026-01-05T09:00:00.000Z');
    expect(next('0 0 1 * *', '2026-01-15T00:00:00Z')).toBe('2026-02-01T00:00:00.000Z');
    expect(next('@every 90s', '2026-01-01T10:00:00.500Z')).toBe('2026-01-01T10:01:30.000Z');
  });

  it('day-of-month OR day-of-week when both are restricted, AND when one is a star', () => {
    // the 13th or any Friday: 2026-02-06 is a Friday, before the 13th
    expect(next('0 0 13 * fri', '2026-02-01T00:00:00Z')).toBe('2026-02-06T00:00:00.000Z');
    expect(next('0 0 13 * *', '2026-02-01T00:00:00Z')).toBe('2026-02-13T00:00:00.000Z');
  });

  it('an impossible date never comes', () => {
    expect(next('0 0 30 2 *', '2026-01-01T00:00:00Z')).toBeUndefined();
  });

  it('in a time zone, across a daylight-saving change', () => {
    // 09:00 in New York is 14:00 UTC in winter, 13:00 UTC in summer (DST began 2026-03-08)
    expect(next('0 9 * * *', '2026-03-07T15:00:00Z', 'America/New_York')).toBe('2026-03-08T13:00:00.000Z');
    expect(next('0 9 * * *', '2026-03-06T15:00:00Z', 'America/New_York')).toBe('2026-03-07T14:00:00.000Z');
    expect(next('30 0 * * *', '2026-06-01T00:00:00Z', 'Asia/Kolkata')).toBe('2026-06-01T19:00:00.000Z');
    expect(formatInZone(t('2026-06-01T19:00:00Z'), 'Asia/Kolkata')).toBe('2026-06-02T00:30:00+05:30');
    expect(formatInZone(t('2026-06-01T19:00:00Z'), undefined)).toBe('2026-06-01T19:00:00Z');
  });
});

describe('mostRecentScheduleTime', () => {
  const every = parseCron('*/1 * * * *');
  it('nothing due before the first activation', () => {
    expect(mostRecentScheduleTime(every, t('2026-01-01T10:00:10Z'), t('2026-01-01T10:00:50Z'))).toEqual({ missed: 'none' });
  });
  it('one due: that one', () => {
    expect(mostRecentScheduleTime(every, t('2026-01-01T10:00:10Z'), t('2026-01-01T10:01:05Z'))).toEqual({ time: t('2026-01-01T10:01:00Z'), missed: 'none' });
  });
  it('several missed: only the latest, and "few"', () => {
    expect(mostRecentScheduleTime(every, t('2026-01-01T10:00:00Z'), t('2026-01-01T10:05:30Z'))).toEqual({ time: t('2026-01-01T10:05:00Z'), missed: 'few' });
  });
  it('more than 100 missed: "many" (the TooManyMissedTimes warning), still the latest', () => {
    const r = mostRecentScheduleTime(parseCron('@hourly'), t('2026-01-01T00:00:00Z'), t('2026-01-06T00:30:00Z'));
    expect(r).toEqual({ time: t('2026-01-06T00:00:00Z'), missed: 'many' });
  });
});
