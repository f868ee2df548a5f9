// Every handler with every probe type, passing and failing, on real containers; then the exec timeout,
// named ports and redirects. Pods run a tiny http + grpc-health server (probes-pods.ts), 1 s periods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Pod } from '../../src/lib/index.js';
import { sleep, testCluster, until } from './harness.js';
import {
  eventsOf, isReady, isRunning, podOf, probe, restartsOf, serverPod, type Handler,
} from './probes-pods.js';

const HANDLERS: Handler[] = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
/** A latin square: every handler once as startup, liveness and readiness across the 4 passing pods. */
const rot = (i: number, k: number): Handler => HANDLERS[(i + k) % 4]!;
const FAILED: Record<Handler, RegExp> = {
  exec: /probe failed: cat: can't open '\/nope': No such file or directory/,
  httpGet: /probe failed: HTTP probe failed with statuscode: 500/,
  tcpSocket: /probe failed: dial tcp [\d.]+:9999: connect: connection refused/,
  grpc: /probe failed: service unhealthy \(responded with "NOT_SERVING"\)/,
};

export function handlerPods(): Pod[] {
  const pods: Pod[] = [];
  HANDLERS.forEach((h, i) => {
    pods.push(serverPod(`pass-${i}`, {
      startupProbe: probe(rot(i, 0), true), livenessProbe: probe(rot(i, 1), true), readinessProbe: probe(rot(i, 2), true),
    }));
    // Failing liveness restarts, failing readiness keeps it unready: both at once, different handlers.
    pods.push(serverPod(`fail-lr-${h.toLowerCase()}`, {
      // The delay lets the server listen first (node starts slowly on a loaded machine), so the readiness
      // failures carry the handler's own text (a 500, NOT_SERVING) before the kill.
      livenessProbe: probe(h, false, { initialDelaySeconds: 6, failureThreshold: 3 }), readinessProbe: probe(rot(i, 1), false),
    }));
    // Failing liveness and readiness too: held back by startup, they must never run (no events).
    pods.push(serverPod(`fail-s-${h.toLowerCase()}`, {
      startupProbe: probe(h, false, { failureThreshold: 3, initialDelaySeconds: 5 }),
      livenessProbe: probe(rot(i, 1), false), readinessProbe: probe(rot(i, 2), false),
    }));
  });
  pods.push(serverPod('exec-timeout', { readinessProbe: { exec: { command: ['sleep', '3'] }, periodSeconds: 1, timeoutSeconds: 1 } }));
  pods.push(serverPod('named', {
    ports: [{ name: 'http', containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/ok', port: 'http' }, periodSeconds: 1, timeoutSeconds: 5 },
    livenessProbe: { tcpSocket: { port: 'missing' }, periodSeconds: 1, failureThreshold: 1 },
  }));
  pods.push(serverPod('redirects', {
    readinessProbe: { httpGet: { path: '/same', port: 8080 }, periodSeconds: 1, timeoutSeconds: 5 },
    livenessProbe: { httpGet: { path: '/other', port: 8080 }, periodSeconds: 1, failureThreshold: 15 },
  }));
  return pods;
}

describe('probe handlers on the real engine', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster();
    await cluster.apply(handlerPods());
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('passing probes of each handler and type: started, ready, never restarted', async () => {
    await until('passing pods ready', async () => {
      const pods = await Promise.all([0, 1, 2, 3].map((i) => podOf(cluster, `pass-${i}`)));
      return pods.every((p) => isReady(p) && p.status?.containerStatuses?.[0]?.started === true);
    }, 40_000);
    // Before the server listens, network probes may fail; once ready, no probe fails any more.
    const failures = async (i: number): Promise<number> =>
      (await eventsOf(cluster, `pass-${i}`)).filter((e) => e.reason === 'Unhealthy').reduce((n, e) => n + e.count, 0);
    const before = await Promise.all([0, 1, 2, 3].map(failures));
    await sleep(4_000);
    for (const i of [0, 1, 2, 3]) {
      const p = await podOf(cluster, `pass-${i}`);
      expect(restartsOf(p), `pass-${i}`).toBe(0);
      expect(isReady(p)).toBe(true);
      expect(await failures(i), `pass-${i}`).toBe(before[i]);
    }
  });

  it('failing liveness restarts, failing readiness keeps the pod unready, with each handler', async () => {
    for (const [i, h] of HANDLERS.entries()) {
      const name = `fail-lr-${h.toLowerCase()}`;
      // Before the server listens, network probes fail with other texts: wait for the handler's own.
      const msgs = await until(`${name}: failures of both probes and a restart`, async () => {
        const m = (await eventsOf(cluster, name)).map((e) => `${e.reason}: ${e.message}`);
        return m.some((x) => x.startsWith('Unhealthy: Liveness') && FAILED[h].test(x)) &&
          m.some((x) => x.startsWith('Unhealthy: Readiness') && FAILED[rot(i, 1)].test(x)) &&
          m.includes('Killing: Container app failed liveness probe, will be restarted') && m;
      }, 60_000);
      await until(`${name} restarted after: ${msgs.join('\n')}`, async () => restartsOf(await podOf(cluster, name)) >= 1, 10_000);
      expect(isReady(await podOf(cluster, name))).toBe(false);
    }
  });

  it('failing startup restarts with each handler; never started, never ready', async () => {
    for (const h of HANDLERS) {
      const name = `fail-s-${h.toLowerCase()}`;
      const msgs = await until(`${name}: startup failures and a restart`, async () => {
        const m = (await eventsOf(cluster, name)).map((e) => `${e.reason}: ${e.message}`);
        return m.some((x) => x.startsWith('Unhealthy: Startup') && FAILED[h].test(x)) &&
          m.includes('Killing: Container app failed startup probe, will be restarted') && m;
      }, 60_000);
      await until(`${name} restarted after: ${msgs.join('\n')}`, async () => restartsOf(await podOf(cluster, name)) >= 1, 10_000);
      expect(msgs.some((m) => m.startsWith('Unhealthy: Liveness') || m.startsWith('Unhealthy: Readiness'))).toBe(false);
      const p = await podOf(cluster, name);
      expect(p.status?.containerStatuses?.[0]?.started).toBe(false);
      expect(isReady(p)).toBe(false);
    }
  });

  it('exec timeout: a failure "command ... timed out", and no leftover processes', async () => {
    await until('timed out event', async () =>
      (await eventsOf(cluster, 'exec-timeout')).some((e) => e.message === 'Readiness probe failed: command "sleep 3" timed out' && e.count >= 3), 30_000);
    const p = await podOf(cluster, 'exec-timeout');
    expect(isRunning(p)).toBe(true);
    expect(isReady(p)).toBe(false);
    // One probe may be in flight; the timed-out ones were killed.
    const ps = await cluster.exec('exec-timeout', ['ps', '-o', 'args']);
    const sleeps = ps.stdout.split('\n').filter((l) => l.trim() === 'sleep 3');
    expect(sleeps.length).toBeLessThanOrEqual(1);
  });

  it('named ports: "http" resolves; a missing name errors, is not counted, and restarts nothing', async () => {
    await until('named ready', async () => isReady(await podOf(cluster, 'named')), 30_000);
    await until('errored event', async () => (await eventsOf(cluster, 'named')).some((e) =>
      e.reason === 'Unhealthy' && e.message.startsWith('Liveness probe errored and resulted in unknown state: ') && e.count >= 2), 20_000);
    const p = await podOf(cluster, 'named');
    expect(restartsOf(p)).toBe(0);
    expect((await eventsOf(cluster, 'named')).some((e) => e.reason === 'Killing')).toBe(false);
  });

  it('redirects: same host followed (ready), other host not followed (ProbeWarning, success)', async () => {
    await until('redirects ready', async () => isReady(await podOf(cluster, 'redirects')), 30_000);
    await until('ProbeWarning', async () => (await eventsOf(cluster, 'redirects')).some((e) =>
      e.reason === 'ProbeWarning' && e.message.startsWith('Liveness probe warning: Probe terminated redirects')), 20_000);
    await sleep(2_000);
    const p = await podOf(cluster, 'redirects');
    expect(restartsOf(p)).toBe(0);
  });
});
