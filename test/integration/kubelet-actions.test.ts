// The kubelet's decisions on the real engine: a container killed by liveness goes through the same
// restart back-off as one that crashed (CrashLoopBackOff between restarts), a pod being created shows
// ContainerCreating, and a changed image in a live pod's spec restarts that container with the new image.
// Every status the kubelet writes is recorded from the store's watch, so short states are not missed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Pod, Stored } from '../../src/lib/index.js';
import { podStatusReason } from '../../src/printers/pod-status.js';
import { LABEL_POD_UID, LABEL_SANDBOX } from '../../src/runtime/runtime.js';
import { cli, testCluster, until } from './harness.js';
import { parseContainerId } from '../../src/kube/container-id.js';

const IMAGE = 'ondalk8s/healthcheck:v1';

function pod(name: string, extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels: { test: 'kubelet-actions' } },
    spec: {
      terminationGracePeriodSeconds: 2,
      ...extra,
      containers: [{ name: 'app', image: IMAGE, imagePullPolicy: 'IfNotPresent', ...container }],
    },
  } as Pod;
}

/** Every status the kubelet writes for the named pod, in order, with the time it was written. */
function recordStatuses(cluster: Cluster, name: string): { seen: { at: number; pod: Stored<Pod> }[]; stop: () => void } {
  const seen: { at: number; pod: Stored<Pod> }[] = [];
  const stop = cluster.controlPlane.store.watch({ kind: 'Pod' }, (e) => {
    const p = e.object as Stored<Pod>;
    if (p.metadata.name === name && e.type !== 'DELETED') seen.push({ at: Date.now(), pod: structuredClone(p) });
  });
  return { seen, stop };
}

const restarts = (p: Pod): number => p.status?.containerStatuses?.[0]?.restartCount ?? 0;

describe('kubelet: decide, then act, on the real engine', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster({ inProcess: true }); // watches the store, asks the runtime
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a container killed by liveness restarts at once the first time, then only after a 10 s CrashLoopBackOff', async () => {
    const rec = recordStatuses(cluster, 'live-loop');
    try {
      await cluster.apply(pod('live-loop', {}, {
        livenessProbe: {
          exec: { command: ['cat', '/no-such-file'] },
          initialDelaySeconds: 0, periodSeconds: 1, failureThreshold: 1, terminationGracePeriodSeconds: 1,
        },
      }));
      await until('the second restart', async () => restarts(await cluster.get<Pod>('Pod', 'live-loop')) >= 2 || undefined, 60_000);
      const firstAt = (n: number): number => rec.seen.find((s) => restarts(s.pod) >= n)!.at;
      // The first kill is restarted at once; the second waits out 10 s of back-off (it ran ~1-3 s first).
      expect(firstAt(1) - rec.seen[0]!.at).toBeLessThan(15_000);
      expect(firstAt(2) - firstAt(1)).toBeGreaterThanOrEqual(10_000);
      const waiting = rec.seen.find((s) => s.pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
      expect(waiting, 'CrashLoopBackOff shown while the back-off runs').toBeDefined();
      expect(restarts(waiting!.pod)).toBe(1);
      expect(waiting!.pod.status!.containerStatuses![0]!.state!.waiting!.message).toMatch(/^back-off 10s restarting failed container=app pod=live-loop_default\(/);
      expect(podStatusReason(waiting!.pod)).toBe('CrashLoopBackOff');
      const events = await cluster.events({ object: 'live-loop' });
      expect(events.some((e) => e.reason === 'Killing' && e.message === 'Container app failed liveness probe, will be restarted')).toBe(true);
      expect(events.some((e) => e.reason === 'BackOff' && e.message?.startsWith('Back-off restarting failed container app in pod live-loop_default('))).toBe(true);
    } finally {
      rec.stop();
      await cluster.delete('Pod', 'live-loop').catch(() => {});
    }
  }, 90_000);

  it('a pod whose container is being created shows ContainerCreating before it runs', async () => {
    const rec = recordStatuses(cluster, 'creating');
    try {
      await cluster.apply(pod('creating'));
      await until('running', async () => (await cluster.get<Pod>('Pod', 'creating')).status?.containerStatuses?.[0]?.state?.running, 60_000);
      const firstWithStatus = rec.seen.find((s) => s.pod.status?.containerStatuses?.length)!;
      expect(firstWithStatus.pod.status!.containerStatuses![0]!.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
      expect(firstWithStatus.pod.status!.phase).toBe('Pending');
      expect(podStatusReason(firstWithStatus.pod)).toBe('ContainerCreating');
    } finally {
      rec.stop();
      await cluster.delete('Pod', 'creating').catch(() => {});
    }
  }, 90_000);

  it('a new image in a live pod\'s spec restarts that container with the new image, with the Killing event', async () => {
    await cluster.apply(pod('reimage'));
    const before = await until('running', async () => {
      const p = await cluster.get<Pod>('Pod', 'reimage');
      return p.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
    }, 60_000);
    const oldId = before.status!.containerStatuses![0]!.containerID!;
    // The same image under another name: a changed definition all the same, as the container hash is.
    const newImage = `docker.io/${IMAGE}`;
    const applied = await cli(cluster, ['apply', '-f', '-'], { input: JSON.stringify(pod('reimage', {}, { image: newImage })) });
    expect(applied).toEqual({ code: 0, stdout: 'pod/reimage configured\n', stderr: '' });
    const after = await until('restarted with the new image', async () => {
      const p = await cluster.get<Pod>('Pod', 'reimage');
      const s = p.status?.containerStatuses?.[0];
      return s?.state?.running && s.containerID !== oldId ? p : undefined;
    }, 60_000);
    expect(after.status!.containerStatuses![0]!.image).toBe(newImage);
    expect(restarts(after)).toBe(1);
    // What the engine runs, not what the status says.
    const onEngine = await cluster.controlPlane.runtime.listContainers({ [LABEL_POD_UID]: after.metadata.uid });
    // one running container of the pod, beside the pod's sandbox (which the image change leaves alone)
    const running = onEngine.filter((c) => c.running && c.labels[LABEL_SANDBOX] !== 'true');
    expect(running).toHaveLength(1);
    expect(onEngine.filter((c) => c.running && c.labels[LABEL_SANDBOX] === 'true')).toHaveLength(1);
    expect(`docker://${running[0]!.id}`).toBe(after.status!.containerStatuses![0]!.containerID);
    expect((await cluster.controlPlane.runtime.inspectContainer(running[0]!.id))?.image).toBe(newImage);
    const events = await cluster.events({ object: 'reimage' });
    expect(events.some((e) => e.reason === 'Killing' && e.message === 'Container app definition changed, will be restarted')).toBe(true);

    // The same through a strategic merge PATCH (what `kubectl set image` sends): back to the first name,
    // restarted at once (the back-off is per image, as the kubelet's is per container hash).
    const secondId = after.status!.containerStatuses![0]!.containerID!;
    await cluster.client.patch('Pod', 'default', 'reimage', { spec: { containers: [{ name: 'app', image: IMAGE }] } }, 'application/strategic-merge-patch+json');
    const again = await until('restarted with the patched image', async () => {
      const p = await cluster.get<Pod>('Pod', 'reimage');
      const s = p.status?.containerStatuses?.[0];
      return s?.state?.running && s.containerID !== secondId ? p : undefined;
    }, 30_000);
    expect(again.status!.containerStatuses![0]!.image).toBe(IMAGE);
    expect(restarts(again)).toBe(2);
    const id = parseContainerId(again.status!.containerStatuses![0]!.containerID!);
    expect((await cluster.controlPlane.runtime.inspectContainer(id))?.image).toBe(IMAGE);
    await cluster.delete('Pod', 'reimage').catch(() => {});
  }, 90_000);
});
