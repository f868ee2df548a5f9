// metrics-server's storage: rates between two readings, pods only when complete, restarts start over;
// and the Quantity strings it writes.
import { describe, expect, it } from 'vitest';
import { MetricsStorage } from '../../../src/metrics/storage.js';
import { cpuQuantity, memoryQuantity, milliQuantity, windowDuration } from '../../../src/metrics/quantity.js';
import type { ResourceMetricsScrape } from '../../../src/metrics/types.js';

const node = (t: number, cpu: number) => ({ name: 'mini-kube', cpuUsageNanoSeconds: cpu, memoryWorkingSetBytes: 100 << 20, timestamp: t });
function scrape(t: number, containers: Record<string, number>, nodeCpu = 0): ResourceMetricsScrape {
  return {
    node: node(t, nodeCpu),
    pods: [{ namespace: 'default', name: 'web', uid: 'u1', containers: Object.entries(containers).map(([name, cpu]) => ({ name, cpuUsageNanoSeconds: cpu, memoryWorkingSetBytes: 4096, timestamp: t })) }],
  };
}

describe('MetricsStorage', () => {
  it('has nothing after one reading, a rate after two', () => {
    const s = new MetricsStorage();
    s.store(scrape(1000, { app: 1e9 }, 5e9));
    expect(s.podMetrics()).toEqual([]);
    expect(s.nodeMetrics()).toEqual([]);
    s.store(scrape(16_000, { app: 1e9 + 1.5e9 }, 5e9 + 3e9));
    expect(s.podMetrics()).toEqual([{ namespace: 'default', name: 'web', uid: 'u1', timestamp: 16_000, windowMs: 15_000, containers: [{ name: 'app', usage: { cpuNanoCores: 100_000_000, memoryBytes: 4096 } }] }]);
    expect(s.nodeMetrics()[0]!.usage.cpuNanoCores).toBe(200_000_000);
  });

  it('leaves out a pod until every container has two readings', () => {
    const s = new MetricsStorage();
    s.store(scrape(1000, { app: 1e9 }));
    s.store(scrape(2000, { app: 2e9, sidecar: 1e9 }));
    expect(s.podMetrics()).toEqual([]);
  });

  it('starts a restarted container over (its counter went back)', () => {
    const s = new MetricsStorage();
    s.store(scrape(1000, { app: 5e9 }));
    s.store(scrape(2000, { app: 1e6 }));
    expect(s.podMetrics()).toEqual([]);
  });

  it('forgets pods that are gone', () => {
    const s = new MetricsStorage();
    s.store(scrape(1000, { app: 1e9 }));
    s.store(scrape(2000, { app: 2e9 }));
    s.store({ node: node(3000, 0), pods: [] });
    expect(s.podMetrics()).toEqual([]);
  });
});

describe('quantities as metrics-server writes them', () => {
  it.each([[0, '0'], [99_689_039, '99689039n'], [12_000_000, '12m'], [2_000_000_000, '2'], [1_500, '1500n'], [3_000, '3u']])('cpu %d nanocores -> %s', (n, q) => {
    expect(cpuQuantity(n)).toBe(q);
  });
  it.each([[0, '0'], [389_120, '380Ki'], [12 * 2 ** 20, '12Mi'], [1000, '1000'], [2 ** 30, '1Gi']])('memory %d bytes -> %s', (b, q) => {
    expect(memoryQuantity(b)).toBe(q);
  });
  it.each([[250, '250m'], [1000, '1'], [11_005_952_000, '11005952'], [12_000_000_000, '12M'], [0, '0']])('milli %d -> %s (NewMilliQuantity DecimalSI)', (v, q) => {
    expect(milliQuantity(v)).toBe(q);
  });
  it('windows as Go durations', () => {
    expect(windowDuration(15_000)).toBe('15s');
    expect(windowDuration(2_021)).toBe('2.021s');
  });
});
