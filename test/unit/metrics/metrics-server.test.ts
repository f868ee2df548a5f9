// The collector's lifecycle: nothing until the first request, two readings then, and everything dropped
// after the idle time without a request (the clock and the scrape target are passed in).
import { describe, expect, it } from 'vitest';
import { MetricsServer } from '../../../src/metrics/metrics-server.js';
import type { ResourceMetricsScrape } from '../../../src/metrics/types.js';

function fakeSource() {
  let t = 1000;
  const source = {
    calls: 0,
    async scrape(): Promise<ResourceMetricsScrape> {
      source.calls++;
      t += 1000;
      return {
        node: { name: 'mini-kube', cpuUsageNanoSeconds: t * 1e3, memoryWorkingSetBytes: 1 << 20, timestamp: t },
        pods: [{ namespace: 'default', name: 'web', uid: 'u', containers: [{ name: 'app', cpuUsageNanoSeconds: t * 1e5, memoryWorkingSetBytes: 4096, timestamp: t }] }],
      };
    },
  };
  return source;
}

describe('MetricsServer', () => {
  it('reads nothing until asked, then answers the first request from two readings', async () => {
    const source = fakeSource();
    let now = 0;
    const server = new MetricsServer({ source, firstWindowMs: 0, now: () => now });
    expect(server.running).toBe(false);
    expect(source.calls).toBe(0);
    const pods = await server.podMetrics();
    expect(source.calls).toBe(2);
    expect(pods).toHaveLength(1);
    expect(pods[0]!.containers[0]!.usage.cpuNanoCores).toBe(100_000_000);
    // a later request reads the storage, it does not scrape
    await server.nodeMetrics();
    expect(source.calls).toBe(2);
    now = 60_000;
    await server.tick();
    expect(source.calls).toBe(3);
    server.stop();
  });

  it('stops and forgets after the idle time without a request; the next request starts it again', async () => {
    const source = fakeSource();
    let now = 0;
    const server = new MetricsServer({ source, firstWindowMs: 0, idleMs: 300_000, now: () => now });
    await server.podMetrics();
    now = 301_000;
    await server.tick();
    expect(server.running).toBe(false);
    expect(source.calls).toBe(2);
    expect(await server.podMetrics()).toHaveLength(1);
    expect(source.calls).toBe(4);
    server.stop();
  });

  it('concurrent first requests share one start and all get its readings', async () => {
    const source = fakeSource();
    const server = new MetricsServer({ source, firstWindowMs: 0 });
    const [a, b, n] = await Promise.all([server.podMetrics(), server.podMetrics(), server.nodeMetrics()]);
    expect(source.calls).toBe(2);
    // the second request arrived while the first started the collector: it waited for the readings too
    expect([a.length, b.length, n.length]).toEqual([1, 1, 1]);
    server.stop();
  });
});
