// The tutorial's readiness section on the real engine: manifests/healthcheck.yaml (httpGet /readiness,
// initialDelaySeconds 5, periodSeconds 5). Removing /tmp/healthcheck turns the pod 0/1 without any
// restart; touching it again turns it 1/1.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Pod } from '../../src/lib/index.js';
import { cli, ROOT, testCluster, until } from './harness.js';

const HEALTHCHECK = path.join(ROOT, 'manifests/healthcheck.yaml');

const readyRunning = (p: Pod): boolean => !!p.status?.containerStatuses?.every((c) => c.state?.running && c.ready);

async function podLine(cluster: Cluster, name: string): Promise<string> {
  const get = await cli(cluster, ['get', 'pod']);
  return get.stdout.split('\n').find((l) => l.startsWith(name)) ?? '';
}

describe('tutorial: readiness probe takes a pod out and back without restarting it', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('0/1 after rm /tmp/healthcheck, never restarted, 1/1 after touch', async () => {
    expect((await cli(cluster, ['apply', '-f', HEALTHCHECK])).code).toBe(0);
    const pods = await until('3 ready pods', async () => {
      const list = await cluster.pods('app=healthcheck');
      return list.length === 3 && list.every(readyRunning) ? list : undefined;
    });
    const victim = pods[0]!.metadata.name;
    expect(await podLine(cluster, victim)).toMatch(/\s1\/1\s+Running\s+0\s/);

    expect((await cli(cluster, ['exec', victim, '--', 'rm', '/tmp/healthcheck'])).code).toBe(0);
    // failureThreshold 3 at a 5 s period: unready within 15 s (+ the period in flight).
    // Polled through the API (a CLI process per poll is heavy on a loaded machine); then shown by the CLI.
    await until('victim unready', async () => !readyRunning(await cluster.get<Pod>('Pod', victim)), 25_000);
    expect(await podLine(cluster, victim)).toMatch(/\s0\/1\s+Running\s+0\s/);
    const ready = await cluster.get<Pod>('Pod', victim);
    expect(ready.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    // The other pods stay ready.
    for (const p of await cluster.pods('app=healthcheck')) {
      if (p.metadata.name !== victim) expect(readyRunning(p)).toBe(true);
    }

    expect((await cli(cluster, ['exec', victim, '--', 'touch', '/tmp/healthcheck'])).code).toBe(0);
    await until('victim ready', async () => readyRunning(await cluster.get<Pod>('Pod', victim)), 12_000);
    expect(await podLine(cluster, victim)).toMatch(/\s1\/1\s+Running\s+0\s/);

    const describe = await cli(cluster, ['describe', 'pod', victim]);
    expect(describe.stdout).toContain('Readiness:      http-get http://:8080/readiness delay=5s timeout=1s period=5s #success=1 #failure=3');
    expect(describe.stdout).toMatch(/Warning\s+Unhealthy\s+\S+ \(x\d+ over \d+s\)\s+kubelet\s+Readiness probe failed: HTTP probe failed with statuscode: 500/);
    expect(describe.stdout).toMatch(/Restart Count:\s+0\n/);
    expect(describe.stdout).not.toContain('Killing');
  }, 85_000);
});
