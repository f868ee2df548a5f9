// The kubelet's resource metrics: which containers make a pod's metrics (not the sandbox), what the node
// sums (every container of the cluster and the control plane), and the engine's stats read as cAdvisor
// reads them (working set = usage - inactive_file, cgroup v1 and v2).
import { describe, expect, it } from 'vitest';
import { KubeletResourceMetrics } from '../../../src/kubelet/resource-metrics.js';
import { toContainerStats } from '../../../src/runtime/docker.js';
import { LABEL_CLUSTER, LABEL_CONTAINER, LABEL_NAMESPACE, LABEL_POD, LABEL_POD_UID, LABEL_SANDBOX, type ContainerInfo, type ContainerStats, type Runtime } from '../../../src/runtime/runtime.js';

function container(id: string, labels: Record<string, string>, running = true): ContainerInfo {
  return { id, name: id, image: 'x', labels: { [LABEL_CLUSTER]: 'c1', ...labels }, status: running ? 'running' : 'exited', running, exitCode: 0, oomKilled: false, error: '', publishedPorts: {} };
}

const pod = { [LABEL_NAMESPACE]: 'default', [LABEL_POD]: 'web', [LABEL_POD_UID]: 'u1' };

describe('KubeletResourceMetrics', () => {
  it('pods list their app containers; the node sums every running container plus the control plane', async () => {
    const containers = [
      container('sandbox', { ...pod, [LABEL_SANDBOX]: 'true' }),
      container('app', { ...pod, [LABEL_CONTAINER]: 'app' }),
      container('side', { ...pod, [LABEL_CONTAINER]: 'side' }),
      container('old', { ...pod, [LABEL_CONTAINER]: 'app' }, false),
      container('agent', {}),
    ];
    const stats: Record<string, ContainerStats> = {
      sandbox: { cpuUsageNanoSeconds: 1, memoryWorkingSetBytes: 10, timestamp: 5 },
      app: { cpuUsageNanoSeconds: 100, memoryWorkingSetBytes: 1000, timestamp: 5 },
      side: { cpuUsageNanoSeconds: 20, memoryWorkingSetBytes: 200, timestamp: 5 },
      agent: { cpuUsageNanoSeconds: 3, memoryWorkingSetBytes: 30, timestamp: 5 },
    };
    const runtime = { listContainers: async () => containers, containerStats: async (id: string) => stats[id] } as unknown as Runtime;
    const s = await new KubeletResourceMetrics(runtime, 'c1').scrape();
    expect(s.pods).toEqual([{ namespace: 'default', name: 'web', uid: 'u1', containers: [{ name: 'app', ...stats['app'] }, { name: 'side', ...stats['side'] }] }]);
    expect(s.node.name).toBe('mini-kube');
    expect(s.node.cpuUsageNanoSeconds).toBeGreaterThanOrEqual(124);
    expect(s.node.memoryWorkingSetBytes).toBeGreaterThan(1240); // plus this process's RSS
  });

  it('a container gone between list and stats is left out', async () => {
    const runtime = { listContainers: async () => [container('app', { ...pod, [LABEL_CONTAINER]: 'app' })], containerStats: async () => undefined } as unknown as Runtime;
    expect((await new KubeletResourceMetrics(runtime, 'c1').scrape()).pods).toEqual([]);
  });
});

describe('toContainerStats', () => {
  it('working set = usage - inactive_file (cgroup v2) or total_inactive_file (v1)', () => {
    expect(toContainerStats({ read: '2026-01-01T00:00:00.5Z', cpu_stats: { cpu_usage: { total_usage: 42 } }, memory_stats: { usage: 10_000, stats: { inactive_file: 4_000 } } }))
      .toEqual({ cpuUsageNanoSeconds: 42, memoryWorkingSetBytes: 6_000, timestamp: Date.parse('2026-01-01T00:00:00.5Z') });
    expect(toContainerStats({ read: '2026-01-01T00:00:00Z', cpu_stats: { cpu_usage: { total_usage: 1 } }, memory_stats: { usage: 10_000, stats: { total_inactive_file: 12_000 } } })!.memoryWorkingSetBytes).toBe(0);
  });

  it('a stopped container (zero read time) has no reading', () => {
    expect(toContainerStats({ read: '0001-01-01T00:00:00Z', cpu_stats: { cpu_usage: { total_usage: 0 } } })).toBeUndefined();
  });
});
