// Template changes: RollingUpdate within maxSurge/maxUnavailable, waiting on readiness; Recreate; history.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deployment, Pod, ReplicaSet } from '../../../src/kube/types.js';
import { Store, type Stored } from '../../../src/store/store.js';
import { startControllers, type RunningControllers } from '../../../src/controllers/controller-manager.js';
import {
  activePods, deployment, events, FakeKubelet, getDeployment, pods, readyPods, replicaSets, rolledOut, setImage, setReplicas, sleep, waitFor,
} from './helpers.js';

const NAME = 'liveness-pod';

let store: Store;
let kubelet: FakeKubelet;
let controllers: RunningControllers;

beforeEach(() => {
  store = new Store();
  kubelet = new FakeKubelet(store);
  controllers = startControllers(store);
});

afterEach(() => {
  controllers.stop();
  kubelet.stop();
});

const image = (p: Pod) => p.spec?.containers[0]?.image;
const rsByImage = (img: string) => replicaSets(store, NAME).find((r) => r.spec?.template?.spec?.containers[0]?.image === img);

/** Watches every change of the store and records the extremes of active and available pods. */
function observeBounds(): { maxActive: number; minAvailable: number; stop: () => void } {
  const seen = { maxActive: 0, minAvailable: Infinity, stop: () => {} };
  seen.stop = store.watch({}, () => {
    seen.maxActive = Math.max(seen.maxActive, activePods(store, NAME).length);
    seen.minAvailable = Math.min(seen.minAvailable, readyPods(store, NAME).length);
  });
  return seen;
}

describe('RollingUpdate', () => {
  it.each([
    { replicas: 3, strategy: undefined, surge: 1, unavailable: 0 },
    { replicas: 10, strategy: undefined, surge: 3, unavailable: 2 },
    { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }, surge: 0, unavailable: 1 },
    { replicas: 5, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: 0 } }, surge: 5, unavailable: 0 },
  ])('replicas $replicas (surge $surge, unavailable $unavailable): pod count and availability stay within bounds', async ({ replicas, strategy, surge, unavailable }) => {
    store.create(deployment(NAME, { replicas, strategy }));
    await waitFor('first rollout', () => rolledOut(store, NAME, replicas));
    const oldRS = replicaSets(store, NAME)[0]!;

    const bounds = observeBounds();
    setImage(store, NAME, 'busybox:v2');
    await waitFor('second rollout', () => rolledOut(store, NAME, replicas) && pods(store, NAME).every((p) => image(p) === 'busybox:v2'));
    bounds.stop();

    expect(bounds.maxActive).toBeLessThanOrEqual(replicas + surge);
    expect(bounds.minAvailable).toBeGreaterThanOrEqual(replicas - unavailable);
    // The surge was used when there was one: the bound is tight, not just respected.
    if (surge > 0) expect(bounds.maxActive).toBeGreaterThan(replicas);

    const newRS = rsByImage('busybox:v2')!;
    expect(newRS.metadata.name).not.toBe(oldRS.metadata.name);
    expect(newRS.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(store.get<ReplicaSet>('ReplicaSet', 'default', oldRS.metadata.name)!.spec!.replicas).toBe(0);
    expect(getDeployment(store, NAME)!.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const messages = events(store, 'ScalingReplicaSet').map((e) => e.message);
    expect(messages).toContain(`Scaled down replica set ${oldRS.metadata.name} to 0`);
    expect(messages.some((m) => m?.startsWith(`Scaled up replica set ${newRS.metadata.name} to `))).toBe(true);
    expect(getDeployment(store, NAME)!.status?.conditions?.find((c) => c.type === 'Progressing')?.message).toBe(
      `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`,
    );
  });

  it('waits while new pods are not ready, then completes when they become ready', async () => {
    store.create(deployment(NAME));
    await waitFor('first rollout', () => rolledOut(store, NAME, 3));
    kubelet.setReadyWhen((p) => image(p) !== 'busybox:v2');
    const bounds = observeBounds();
    setImage(store, NAME, 'busybox:v2');

    await waitFor('one new pod running', () => pods(store, NAME).some((p) => image(p) === 'busybox:v2' && p.status?.phase === 'Running'));
    await sleep(150);
    // 3 replicas: surge 1, unavailable 0. One new pod may exist; no old pod may go while it is not ready.
    expect(rsByImage('busybox:v2')!.spec!.replicas).toBe(1);
    expect(rsByImage('registry.k8s.io/busybox')!.spec!.replicas).toBe(3);
    expect(readyPods(store, NAME).filter((p) => image(p) === 'registry.k8s.io/busybox')).toHaveLength(3);
    expect(activePods(store, NAME)).toHaveLength(4);
    const d = getDeployment(store, NAME)!;
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 });
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).not.toBe('NewReplicaSetAvailable');
    expect(d.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');

    kubelet.setReadyWhen(() => true);
    await waitFor('rollout', () => rolledOut(store, NAME, 3) && pods(store, NAME).every((p) => image(p) === 'busybox:v2'));
    bounds.stop();
    expect(bounds.maxActive).toBeLessThanOrEqual(4);
    expect(bounds.minAvailable).toBeGreaterThanOrEqual(3);
  });

  it('rolling back to an earlier template reuses its ReplicaSet with a new revision', async () => {
    store.create(deployment(NAME));
    await waitFor('first rollout', () => rolledOut(store, NAME, 3));
    const first = replicaSets(store, NAME)[0]!.metadata.name;
    setImage(store, NAME, 'busybox:v2');
    await waitFor('second rollout', () => rolledOut(store, NAME, 3) && pods(store, NAME).every((p) => image(p) === 'busybox:v2'));
    setImage(store, NAME, 'registry.k8s.io/busybox');
    await waitFor('rollback', () => rolledOut(store, NAME, 3) && pods(store, NAME).every((p) => image(p) === 'registry.k8s.io/busybox'));

    expect(replicaSets(store, NAME)).toHaveLength(2);
    const back = store.get<ReplicaSet>('ReplicaSet', 'default', first)!;
    expect(back.spec!.replicas).toBe(3);
    expect(back.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(getDeployment(store, NAME)!.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    store.create(deployment(NAME, { replicas: 1, revisionHistoryLimit: 1 }));
    await waitFor('first rollout', () => rolledOut(store, NAME, 1));
    for (const v of ['v2', 'v3', 'v4']) {
      setImage(store, NAME, `busybox:${v}`);
      await waitFor(`rollout ${v}`, () => rolledOut(store, NAME, 1) && pods(store, NAME).every((p) => image(p) === `busybox:${v}`));
    }
    await waitFor('history pruned', () => replicaSets(store, NAME).length === 2);
    const revisions = replicaSets(store, NAME).map((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
    expect(revisions).toEqual(['3', '4']);
  });

  it('scales proportionally during a rollout', async () => {
    store.create(deployment(NAME, { replicas: 10 }));
    await waitFor('first rollout', () => rolledOut(store, NAME, 10));
    kubelet.setReadyWhen((p) => image(p) !== 'busybox:v2');
    setImage(store, NAME, 'busybox:v2');
    // 10 replicas: surge 3, unavailable 2 -> old 8, new 5 while the new pods are not ready.
    await waitFor('stuck rollout', () => rsByImage('busybox:v2')?.spec?.replicas === 5 && rsByImage('registry.k8s.io/busybox')?.spec?.replicas === 8);
    await sleep(30);

    setReplicas(store, NAME, 20);
    // 20 replicas: surge 5; 13 pods grow to 25, in proportion 8:5.
    await waitFor('proportional scale', () => rsByImage('registry.k8s.io/busybox')?.spec?.replicas === 15 && rsByImage('busybox:v2')?.spec?.replicas === 10);
    for (const rs of replicaSets(store, NAME)) {
      expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '20', 'deployment.kubernetes.io/max-replicas': '25' });
    }
    kubelet.setReadyWhen(() => true);
    await waitFor('rollout', () => rolledOut(store, NAME, 20) && pods(store, NAME).every((p) => image(p) === 'busybox:v2'));
  });

  it('counts a pod as available only after minReadySeconds', async () => {
    store.create(deployment(NAME, { replicas: 2, minReadySeconds: 2 }));
    await waitFor('2 ready pods', () => readyPods(store, NAME).length === 2 && getDeployment(store, NAME)!.status?.readyReplicas === 2);
    expect(getDeployment(store, NAME)!.status?.availableReplicas).toBeUndefined();
    expect(store.list<ReplicaSet>('ReplicaSet')[0]!.status?.availableReplicas).toBeUndefined();
    // No further event comes: only the controllers' own requeue can make them available.
    await waitFor('available after minReadySeconds', () => rolledOut(store, NAME, 2), 4000);
    expect(store.list<ReplicaSet>('ReplicaSet')[0]!.status?.availableReplicas).toBe(2);
  });
});

describe('Recreate', () => {
  it('removes every old pod before it creates a new one', async () => {
    store.create(deployment(NAME, { strategy: { type: 'Recreate' } }));
    await waitFor('first rollout', () => rolledOut(store, NAME, 3));
    kubelet.deleteDelayMs = 30;
    let overlap = false;
    const unwatch = store.watch({ kind: 'Pod' }, () => {
      const all = pods(store, NAME);
      if (all.some((p) => image(p) === 'busybox:v2') && all.some((p) => image(p) !== 'busybox:v2')) overlap = true;
    });
    setImage(store, NAME, 'busybox:v2');
    await waitFor('rollout', () => rolledOut(store, NAME, 3) && pods(store, NAME).every((p) => image(p) === 'busybox:v2'));
    unwatch();
    expect(overlap).toBe(false);
    const newRS = rsByImage('busybox:v2')!;
    expect(events(store, 'ScalingReplicaSet').map((e) => e.message).slice(-2)).toEqual([
      `Scaled down replica set ${rsByImage('registry.k8s.io/busybox')!.metadata.name} to 0`,
      `Scaled up replica set ${newRS.metadata.name} to 3`,
    ]);
  });
});

describe('adoption', () => {
  it('a Deployment adopts a matching orphan ReplicaSet instead of making another', async () => {
    // Run once, then orphan the set (as `delete --cascade=orphan` would) and re-create the Deployment.
    store.create(deployment(NAME));
    await waitFor('first rollout', () => rolledOut(store, NAME, 3));
    controllers.stop();
    const rs = replicaSets(store, NAME)[0]!;
    store.mutate<ReplicaSet>('ReplicaSet', 'default', rs.metadata.name, (r) => { delete r.metadata.ownerReferences; });
    store.delete('Deployment', 'default', NAME);
    const podNames = pods(store, NAME).map((p) => p.metadata.name);

    const d = store.create(deployment(NAME)) as Stored<Deployment>;
    controllers = startControllers(store);
    await waitFor('adopted', () => replicaSets(store, NAME)[0]?.metadata.ownerReferences?.[0]?.uid === d.metadata.uid);
    await waitFor('rolled out', () => rolledOut(store, NAME, 3));
    expect(replicaSets(store, NAME)).toHaveLength(1);
    expect(pods(store, NAME).map((p) => p.metadata.name)).toEqual(podNames);
  });
});
