// One serialized worker per pod: triggers during a sync collapse into one more sync after it; pods do not
// wait for each other; a failed sync goes to onError and the worker goes on; stop() waits for syncs in flight.
import { describe, expect, it } from 'vitest';
import { PodWorkers } from '../../../src/kubelet/pod-workers.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('PodWorkers', () => {
  it('never overlaps syncs of one pod; triggers during a sync make exactly one more', async () => {
    const gates: ReturnType<typeof deferred>[] = [];
    const calls: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const w = new PodWorkers(async (uid, req) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push(`${uid}${req.cached ? ' cached' : ''}`);
      const g = deferred();
      gates.push(g);
      await g.promise;
      inFlight--;
    }, () => {});
    w.request('a');
    w.request('a');
    w.request('a', { cached: true });
    w.request('b');
    expect(calls).toEqual(['a', 'b']);
    gates[0]!.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual(['a', 'b', 'a cached']);
    for (const g of gates) g.resolve();
    await new Promise((r) => setTimeout(r, 0));
    for (const g of gates) g.resolve();
    await w.stop();
    expect(calls).toEqual(['a', 'b', 'a cached']);
    expect(maxInFlight).toBe(2);
  });

  it('reports a failed sync and keeps the worker usable', async () => {
    const errors: string[] = [];
    let n = 0;
    const w = new PodWorkers(async () => {
      if (n++ === 0) throw new Error('engine said no');
    }, (uid, err) => errors.push(`${uid}: ${err.message}`));
    w.request('a');
    await new Promise((r) => setTimeout(r, 0));
    w.request('a');
    await w.stop();
    expect(errors).toEqual(['a: engine said no']);
    expect(n).toBe(2);
  });

  it('stop() waits for the sync in flight and starts no other', async () => {
    const g = deferred();
    const calls: string[] = [];
    const w = new PodWorkers(async (uid) => { calls.push(uid); await g.promise; calls.push(`${uid} done`); }, () => {});
    w.request('a');
    w.later('a', 1);
    const stopped = w.stop();
    w.request('b');
    g.resolve();
    await stopped;
    await new Promise((r) => setTimeout(r, 5));
    expect(calls).toEqual(['a', 'a done']);
  });
});
