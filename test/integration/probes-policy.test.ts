// The kubelet's side of probes on the real engine: CrashLoopBackOff delays, the probe-level grace
// period, readiness across a restart, startup holding liveness back, and readiness right after startup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/lib/index.js';
import { cli, sleep, testCluster, until } from './harness.js';
import { eventsOf, isReady, podOf, probe, restartsOf, serverPod } from './probes-pods.js';

const SH_IGNORING_TERM = ['sh', '-c', "trap '' TERM; while true; do sleep 1; done"];

describe('probe policy on the real engine', () => {
  let cluster: Cluster;
  let startedAt = 0;
  beforeAll(async () => {
    cluster = await testCluster();
    startedAt = Date.now();
    await cluster.apply([
      serverPod('crash', { command: ['sh', '-c', 'exit 1'] }),
      serverPod('grace', {
        command: SH_IGNORING_TERM,
        // Alive until the test creates /tmp/die; the restarted instance does not have it.
        livenessProbe: { exec: { command: ['sh', '-c', 'test ! -e /tmp/die'] }, periodSeconds: 1, failureThreshold: 1, timeoutSeconds: 5, terminationGracePeriodSeconds: 2 },
        // Ready 3 s into each instance: the window where a restarted container must read unready.
        readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1, initialDelaySeconds: 3, timeoutSeconds: 5 },
      }, { terminationGracePeriodSeconds: 60 }),
      serverPod('gated', {
        command: SH_IGNORING_TERM,
        startupProbe: { exec: { command: ['cat', '/tmp/started'] }, periodSeconds: 1, failureThreshold: 120, timeoutSeconds: 5 },
        livenessProbe: { exec: { command: ['cat', '/nope'] }, periodSeconds: 1, failureThreshold: 1, timeoutSeconds: 5 },
      }),
    ]);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('CrashLoopBackOff: restarts ~10 s then ~20 s apart, counts never go down, STATUS and event', async () => {
    const increments: number[] = [];
    let max = 0;
    let sawBackOffStatus = false;
    await until('3 restarts', async () => {
      const p = await podOf(cluster, 'crash');
      const n = restartsOf(p);
      expect(n).toBeGreaterThanOrEqual(max); // never goes down
      if (n > max) {
        for (let k = max; k < n; k++) increments.push(Date.now());
        max = n;
      }
      if (p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' && !sawBackOffStatus) {
        sawBackOffStatus = true;
        const line = (await cli(cluster, ['get', 'pod', 'crash'])).stdout.split('\n')[1] ?? '';
        expect(line).toMatch(/^crash\s+0\/1\s+CrashLoopBackOff\s+\d+ \(\d+s ago\)\s+\d+s$/);
      }
      return n >= 3;
    }, 60_000);
    expect(sawBackOffStatus).toBe(true);
    const gap1 = increments[1]! - increments[0]!;
    const gap2 = increments[2]! - increments[1]!;
    // Back-off counts from the exit; creating and starting the next instance adds a little, more on a
    // loaded machine. The doubling is what matters: 10 s, then 20 s.
    expect(gap1).toBeGreaterThan(9_000);
    expect(gap1).toBeLessThan(17_000);
    expect(gap2).toBeGreaterThan(19_000);
    expect(gap2).toBeLessThan(28_000);
    expect(gap2 - gap1).toBeGreaterThan(6_000);
    const events = await eventsOf(cluster, 'crash');
    expect(events.some((e) => e.reason === 'BackOff' && e.message.startsWith('Back-off restarting failed container app in pod crash_default('))).toBe(true);
  }, 80_000);

  it('the probe grace period (2 s) overrides the pod one (60 s); unready from death until the new instance passes', async () => {
    await until('grace ready', async () => isReady(await podOf(cluster, 'grace')), 20_000);
    expect(restartsOf(await podOf(cluster, 'grace'))).toBe(0);
    await cluster.exec('grace', ['touch', '/tmp/die']);
    const touchedAt = Date.now();
    const killedAt = await until('Killing', async () =>
      (await eventsOf(cluster, 'grace')).some((e) => e.reason === 'Killing') && Date.now(), 30_000);
    let sawUnreadyRestarted = false;
    const restartedAt = await until('restart', async () => {
      const p = await podOf(cluster, 'grace');
      if (restartsOf(p) >= 1) {
        sawUnreadyRestarted = !isReady(p);
        return Date.now();
      }
      return undefined;
    }, 30_000);
    // A TERM-ignoring container is SIGKILLed after the probe's 2 s, not the pod's 60 s: the engine's
    // own finishedAt is ~1 probe period + 2 s after the file appeared (creating the next instance is
    // not part of it), and the new one runs long before 60 s.
    expect(restartedAt - killedAt).toBeLessThan(30_000);
    expect(sawUnreadyRestarted).toBe(true);
    const p = await podOf(cluster, 'grace');
    const last = p.status?.containerStatuses?.[0]?.lastState?.terminated;
    expect(last?.exitCode).toBe(137);
    const stoppedAfter = Date.parse(last!.finishedAt!) - touchedAt;
    expect(stoppedAfter).toBeGreaterThan(1_500);
    expect(stoppedAfter).toBeLessThan(10_000);
    await until('ready after its initial delay', async () => isReady(await podOf(cluster, 'grace')), 15_000);
    expect(restartsOf(await podOf(cluster, 'grace'))).toBe(1);
  }, 60_000);

  it('startup holds liveness back, then lets it act; the new instance is not started again', async () => {
    const before = await podOf(cluster, 'gated');
    expect(restartsOf(before)).toBe(0);
    expect(before.status?.containerStatuses?.[0]?.started).toBe(false);
    expect((await eventsOf(cluster, 'gated')).some((e) => e.message.startsWith('Liveness'))).toBe(false);
    await cluster.exec('gated', ['touch', '/tmp/started']);
    const t0 = Date.now();
    await until('liveness restarts it', async () => restartsOf(await podOf(cluster, 'gated')) === 1, 15_000);
    expect(Date.now() - t0).toBeLessThan(20_000);
    const msgs = (await eventsOf(cluster, 'gated')).map((e) => `${e.reason}: ${e.message}`);
    expect(msgs.some((m) => m.startsWith("Unhealthy: Liveness probe failed: cat: can't open '/nope'")), msgs.join('\n')).toBe(true);
    expect(msgs).toContain('Killing: Container app failed liveness probe, will be restarted');
    await until('new instance running, not started', async () => {
      const s = (await podOf(cluster, 'gated')).status?.containerStatuses?.[0];
      return !!s?.state?.running && s.started === false;
    }, 15_000);
  }, 40_000);

  it('readiness runs right after startup succeeds, not one (long) period later', async () => {
    // Workers created within one period of the kubelet's start are jittered by up to a period, as in
    // the kubelet; create this pod later than that so the period is the only delay there could be.
    const period = 30;
    await sleep(Math.max(0, startedAt + period * 1000 + 500 - Date.now()));
    await cluster.apply(serverPod('ready-fast', {
      startupProbe: { exec: { command: ['cat', '/tmp/started'] }, periodSeconds: 1, failureThreshold: 120, timeoutSeconds: 5 },
      readinessProbe: { ...probe('httpGet', true), periodSeconds: period },
    }));
    await until('running', async () => !!(await podOf(cluster, 'ready-fast')).status?.containerStatuses?.[0]?.state?.running, 20_000);
    // Let the server listen before startup can pass.
    await until('server up', async () => (await cluster.exec('ready-fast', ['wget', '-qO-', 'http://127.0.0.1:8080/ok'])).stdout === 'ok', 20_000);
    await cluster.exec('ready-fast', ['touch', '/tmp/started']);
    const t0 = Date.now();
    await until('ready', async () => isReady(await podOf(cluster, 'ready-fast')), 10_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
  }, 60_000);
});
