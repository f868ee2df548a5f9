// The tutorial's liveness section, word for word, on the real engine: liveness.yaml as printed
// (initialDelaySeconds 5, periodSeconds 5), `exec -t POD rm /tmp/healthcheck` on one pod, and that pod,
// only that pod, restarts once and then stays at one restart; `describe pod` tells the story.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Pod } from '../../src/lib/index.js';
import { cli, ROOT, sleep, testCluster, until } from './harness.js';

const LIVENESS = path.join(ROOT, 'test/fixtures/tutorial/liveness.yaml');

const restarts = (p: Pod): number => p.status?.containerStatuses?.[0]?.restartCount ?? 0;
const readyRunning = (p: Pod): boolean => !!p.status?.containerStatuses?.every((c) => c.state?.running && c.ready);

describe('tutorial: liveness probe restarts the pod whose health file is gone', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('restarts that pod once, and only that pod; describe shows Unhealthy x3, Killing and the probe line', async () => {
    expect((await cli(cluster, ['apply', '-f', LIVENESS])).code).toBe(0);
    const pods = await until('3 running pods', async () => {
      const list = await cluster.pods('app=liveness');
      return list.length === 3 && list.every(readyRunning) ? list : undefined;
    });
    const victim = pods[0]!.metadata.name;
    const others = pods.slice(1).map((p) => p.metadata.name);

    const rm = await cli(cluster, ['exec', '-t', victim, 'rm', '/tmp/healthcheck']);
    expect(rm.code).toBe(0);
    const removedAt = Date.now();

    // 3 failures 5 s apart after the next probe: the restart lands 10 to 20 s after the rm.
    await until('the victim restarted', async () => {
      const p = await cluster.get<Pod>('Pod', victim);
      return restarts(p) === 1;
    }, 30_000);
    const restartedAfter = Date.now() - removedAt;
    expect(restartedAfter).toBeGreaterThan(9_000);
    expect(restartedAfter).toBeLessThan(25_000);

    // The new container has the file again (it is in the image): one restart, for several periods.
    await until('the victim ready again', async () => readyRunning(await cluster.get<Pod>('Pod', victim)), 15_000);
    await sleep(16_000);
    const after = await cluster.pods('app=liveness');
    expect(after.map((p) => p.metadata.name).sort()).toEqual([victim, ...others].sort());
    for (const p of after) expect(restarts(p)).toBe(p.metadata.name === victim ? 1 : 0);

    const get = await cli(cluster, ['get', 'pod']);
    const line = get.stdout.split('\n').find((l) => l.startsWith(victim))!;
    expect(line).toMatch(/\s1\/1\s+Running\s+1 \(\d+s ago\)\s+\d+s$/);

    const describe = await cli(cluster, ['describe', 'pod', victim]);
    expect(describe.code).toBe(0);
    const out = describe.stdout;
    expect(out).toContain('Liveness:       exec [cat tmp/healthcheck] delay=5s timeout=1s period=5s #success=1 #failure=3');
    expect(out).toMatch(/Warning\s+Unhealthy\s+\S+ \(x3 over \d+s\)\s+kubelet\s+Liveness probe failed: cat: (can't open 'tmp\/healthcheck'|tmp\/healthcheck): No such file or directory/);
    expect(out).toMatch(/Normal\s+Killing\s+\S+\s+kubelet\s+Container liveness failed liveness probe, will be restarted/);
    expect(out).toMatch(/Restart Count:\s+1\n/);
    // The others never failed a probe.
    const other = await cli(cluster, ['describe', 'pod', others[0]!]);
    expect(other.stdout).not.toContain('Unhealthy');
  }, 85_000);
});
