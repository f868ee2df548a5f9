import { describe, expect, it } from 'vitest';
import { Backoff, goDuration } from '../../../src/kubelet/backoff.js';

describe('CrashLoopBackOff arithmetic', () => {
  it('restarts the first crash at once, then waits 10s, 20s, 40s ... capped at 300s', () => {
    const b = new Backoff();
    let t = 1_000_000;
    // first exit: no entry, so no back-off; the restart records 10s
    expect(b.isInBackOffSince('p/c', t, t)).toBe(false);
    b.next('p/c', t);
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      t += 1000; // the container ran 1s and exited again
      expect(b.isInBackOffSince('p/c', t, t)).toBe(true);
      waits.push(b.get('p/c'));
      expect(b.isInBackOffSince('p/c', t, t + b.get('p/c'))).toBe(false);
      b.next('p/c', t);
    }
    expect(waits).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('forgets the back-off after 10 minutes of running', () => {
    const b = new Backoff();
    b.next('k', 0);
    b.next('k', 1000);
    expect(b.get('k')).toBe(20_000);
    const later = 1000 + 600_001;
    expect(b.isInBackOffSince('k', later, later)).toBe(false);
    b.next('k', later);
    expect(b.get('k')).toBe(10_000);
  });

  it('tells the remaining wait', () => {
    const b = new Backoff();
    b.next('k', 0);
    expect(b.remaining('k', 0, 4000)).toBe(6000);
    expect(b.remaining('k', 0, 12_000)).toBe(0);
  });

  it('prints durations as Go does in the waiting message', () => {
    expect(goDuration(10_000)).toBe('10s');
    expect(goDuration(40_000)).toBe('40s');
    expect(goDuration(80_000)).toBe('1m20s');
    expect(goDuration(300_000)).toBe('5m0s');
  });
});
