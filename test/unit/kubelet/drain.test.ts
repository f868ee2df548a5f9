// The kubelet's drain before SIGTERM, against the proxy's real connection counter: no wait without open
// connections, a wait that ends when the last one closes, a bound that cuts the rest, and the grace the
// stop keeps afterwards.
import { describe, expect, it } from 'vitest';
import { drainConnections, graceAfterDrain } from '../../../src/kubelet/drain.js';
import { OpenConnections } from '../../../src/service-proxy/open-connections.js';

function drainOf(c: OpenConnections) {
  return { openConnections: (uid: string) => c.count(uid), drained: (uid: string, ms: number) => c.drained(uid, ms) };
}

describe('drain before SIGTERM', () => {
  it('does not wait, nor say anything, when no connection is open (or there is no proxy)', async () => {
    const said: string[] = [];
    const c = new OpenConnections();
    c.open('other');
    const r = await drainConnections(drainOf(c), 'pod', 30, (_r, m) => said.push(m));
    expect(r).toMatchObject({ open: 0, left: 0, waitedMs: 0 });
    expect((await drainConnections(undefined, 'pod', 30, (_r, m) => said.push(m))).waitedMs).toBe(0);
    expect(said).toEqual([]);
  });

  it('waits until the last open connection closes, and says how many it waits for', async () => {
    const said: [string, string][] = [];
    const c = new OpenConnections();
    c.open('pod');
    c.open('pod');
    setTimeout(() => c.close('pod'), 50);
    setTimeout(() => c.close('pod'), 150);
    const r = await drainConnections(drainOf(c), 'pod', 30, (reason, m) => said.push([reason, m]), 5000);
    expect(r.open).toBe(2);
    expect(r.left).toBe(0);
    expect(r.waitedMs).toBeGreaterThanOrEqual(140);
    expect(r.waitedMs).toBeLessThan(3000);
    expect(said).toEqual([['Draining', 'Waiting for 2 open connections through the Service proxy to close before stopping the containers (at most 5s)']]);
    expect(c.count('pod')).toBe(0);
  });

  it('gives up at the bound (the smaller of the cap and the grace period) and says what it cuts', async () => {
    const said: string[] = [];
    const c = new OpenConnections();
    c.open('pod');
    const r = await drainConnections(drainOf(c), 'pod', 30, (_r, m) => said.push(m), 200);
    expect(r).toMatchObject({ open: 1, left: 1, boundMs: 200 });
    expect(r.waitedMs).toBeGreaterThanOrEqual(190);
    expect(said[1]).toBe('1 open connection still open after 0.2s (keep-alive clients): stopping the containers cuts them');
    // a grace period of 0 (force delete) never waits
    expect((await drainConnections(drainOf(c), 'pod', 0, () => {}, 200)).waitedMs).toBe(0);
    expect((await drainConnections(drainOf(c), 'pod', 1, () => {}, 5000)).boundMs).toBe(1000);
  });

  it('counts connections per pod: a close of another pod does not end the wait', async () => {
    const c = new OpenConnections();
    c.open('a');
    c.open('b');
    let done = false;
    const waiting = c.drained('a', 5000).then((left) => { done = true; return left; });
    c.close('b');
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    c.close('a');
    expect(await waiting).toBe(0);
  });

  it('the stop keeps what the drain left of the grace period, at least 2 s', () => {
    expect(graceAfterDrain(30, 200, 2)).toBe(30);
    expect(graceAfterDrain(30, 4500, 2)).toBe(26);
    expect(graceAfterDrain(5, 5000, 2)).toBe(2);
    expect(graceAfterDrain(1, 1000, 2)).toBe(1);
    expect(graceAfterDrain(0, 0, 2)).toBe(0);
  });
});
