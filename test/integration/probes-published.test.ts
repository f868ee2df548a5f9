// The "published ports" mode (Docker Desktop, where the host cannot reach container IPs), forced on
// Linux: network probes go through ports published on 127.0.0.1, including ports the container never
// declared in ports[], and a closed port behind Docker's proxy still reads as refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/lib/index.js';
import { sleep, testCluster, until } from './harness.js';
import { eventsOf, isReady, podOf, probe, restartsOf, serverPod } from './probes-pods.js';

describe('probes in the published-ports mode', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster({ publishPorts: true });
    await cluster.apply([
      // No ports[] at all: the kubelet publishes what the probes dial.
      serverPod('undeclared', {
        startupProbe: probe('grpc', true), livenessProbe: probe('tcpSocket', true), readinessProbe: probe('httpGet', true),
      }),
      serverPod('closed', { livenessProbe: probe('tcpSocket', false, { initialDelaySeconds: 2 }), readinessProbe: probe('httpGet', false) }),
    ]);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('httpGet, tcpSocket and grpc reach undeclared ports through published ones', async () => {
    await until('ready', async () => isReady(await podOf(cluster, 'undeclared')), 40_000);
    const p = await podOf(cluster, 'undeclared');
    const published = JSON.parse(p.metadata.annotations?.['mini-kube.io/published-ports'] ?? '{}') as Record<string, number>;
    expect(Object.keys(published).sort()).toEqual(['50051', '8080']);
    await sleep(3_000);
    expect(restartsOf(await podOf(cluster, 'undeclared'))).toBe(0);
    expect(isReady(await podOf(cluster, 'undeclared'))).toBe(true);
  });

  it('a closed port behind the proxy fails (refused), and a 500 fails readiness', async () => {
    const msgs = await until('failures and a restart', async () => {
      const m = (await eventsOf(cluster, 'closed')).map((e) => `${e.reason}: ${e.message}`);
      return m.some((x) => /^Unhealthy: Liveness probe failed: dial tcp [\d.]+:9999: connect: connection refused/.test(x)) &&
        m.some((x) => x === 'Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 500') &&
        m.includes('Killing: Container app failed liveness probe, will be restarted') && m;
    }, 40_000);
    await until(`a restart after: ${msgs.join('\n')}`, async () => restartsOf(await podOf(cluster, 'closed')) >= 1, 10_000);
    expect(isReady(await podOf(cluster, 'closed'))).toBe(false);
  });
});
