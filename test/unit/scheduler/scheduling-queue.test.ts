// The scheduling queue: FIFO, back-off doubling to its maximum, unschedulable pods moved on cluster events.
import { describe, expect, it } from 'vitest';
import { SchedulingQueue } from '../../../src/scheduler/scheduling-queue.js';

describe('scheduling queue', () => {
  it('pops in order; a failed pod waits for a cluster event, then for its back-off', () => {
    let now = 0;
    const q = new SchedulingQueue({ now: () => now });
    q.add('a'); q.add('b');
    expect([q.pop(), q.pop(), q.pop()]).toEqual(['a', 'b', undefined]);
    q.failed('a');
    expect(q.pop()).toBeUndefined();
    q.moveAllToActiveOrBackoff();
    expect(q.pop()).toBeUndefined(); // backing off 1 s
    expect(q.nextBackoffInMs()).toBe(1000);
    now = 1000;
    expect(q.pop()).toBe('a');
    q.failed('a'); q.failed('a'); q.failed('a'); q.failed('a'); q.failed('a');
    expect(q.backoffMs('a')).toBe(10_000);
  });

  it('flushes pods unschedulable for longer than the maximum', () => {
    let now = 0;
    const q = new SchedulingQueue({ now: () => now, maxUnschedulableMs: 300_000 });
    q.add('a'); q.pop(); q.failed('a');
    q.flushUnschedulable();
    expect(q.pop()).toBeUndefined();
    now = 300_000;
    q.flushUnschedulable();
    expect(q.pop()).toBe('a');
  });
});
