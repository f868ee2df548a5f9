// The ReplicaSet controller on its own, the garbage collector, the work queue and deletion ranking.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod, ReplicaSet } from '../../../src/kube/types.js';
import { Store, type Stored } from '../../../src/store/store.js';
import { startControllers, type RunningControllers } from '../../../src/controllers/controller-manager.js';
import { orphanDependents } from '../../../src/controllers/garbagecollector/garbage-collector.js';
import { compareForDeletion, podsToDelete } from '../../../src/controllers/util/pod-ranking.js';
import { WorkQueue } from '../../../src/controllers/util/work-queue.js';
import { deployment, events, FakeKubelet, getDeployment, pods, replicaSets, rolledOut, sleep, waitFor } from './helpers.js';

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

function replicaSet(name: string, replicas: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

function barePod(name: string, labels: Record<string, string>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
}

const rsStatus = (name: string) => store.get<ReplicaSet>('ReplicaSet', 'default', name)?.status;

describe('ReplicaSet controller', () => {
  it('keeps a bare ReplicaSet at spec.replicas and reports fullyLabeledReplicas', async () => {
    store.create(replicaSet('web', 2));
    await waitFor('2 available', () => rsStatus('web')?.availableReplicas === 2);
    expect(pods(store, 'web').map((p) => p.metadata.name).every((n) => /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(n))).toBe(true);
    expect(rsStatus('web')).toEqual({ replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });

    // A pod that lost the template's extra label still matches the selector, but is not fully labelled.
    const p = pods(store, 'web')[0]!;
    store.mutate<Pod>('Pod', 'default', p.metadata.name, (o) => { delete o.metadata.labels!['tier']; });
    await waitFor('fullyLabeled 1', () => rsStatus('web')?.fullyLabeledReplicas === 1);
    expect(pods(store, 'web')).toHaveLength(2);
  });

  it('adopts a matching orphan pod and releases one whose labels stop matching', async () => {
    store.create(barePod('stray', { app: 'web' }));
    store.create(replicaSet('web', 2));
    await waitFor('2 pods', () => rsStatus('web')?.availableReplicas === 2);
    const rs = store.get<ReplicaSet>('ReplicaSet', 'default', 'web')!;
    const stray = store.get<Pod>('Pod', 'default', 'stray')!;
    expect(stray.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', uid: rs.metadata.uid, controller: true });
    expect(events(store, 'SuccessfulCreate')).toHaveLength(1);

    store.mutate<Pod>('Pod', 'default', 'stray', (o) => { o.metadata.labels = { app: 'elsewhere' }; });
    await waitFor('released and replaced', () => !store.get<Pod>('Pod', 'default', 'stray')!.metadata.ownerReferences && pods(store, 'web').length === 2);
    expect(store.get<Pod>('Pod', 'default', 'stray')!.metadata.deletionTimestamp).toBeUndefined();
  });

  it('never adopts with an empty selector', async () => {
    store.create(barePod('loner', { app: 'x' }));
    const rs = replicaSet('empty', 1);
    rs.spec!.selector = {};
    store.create(rs);
    await waitFor('one pod made', () => store.list('Pod').length === 2);
    await sleep(20);
    expect(store.get<Pod>('Pod', 'default', 'loner')!.metadata.ownerReferences).toBeUndefined();
  });
});

describe('garbage collector', () => {
  it('deletes pods whose ReplicaSet is deleted', async () => {
    store.create(replicaSet('web', 2));
    await waitFor('2 pods', () => rsStatus('web')?.availableReplicas === 2);
    store.delete('ReplicaSet', 'default', 'web');
    await waitFor('pods gone', () => pods(store, 'web').length === 0);
  });

  it('on start, collects dependents whose owner went while it was down', async () => {
    controllers.stop();
    store.create({ ...barePod('left-over', { app: 'gone' }), metadata: { ...barePod('left-over', {}).metadata, ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'no-such-uid', controller: true },
    ] } });
    // Same name as an existing set, but another uid: the owner was deleted and re-created.
    const rs = store.create(replicaSet('again', 0));
    store.create({ ...barePod('old-gen', {}), metadata: { name: 'old-gen', namespace: 'default', ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'again', uid: 'previous-uid', controller: true },
    ] } });
    // Owned by a live set as well: only the dangling reference goes.
    store.create({ ...barePod('two-owners', {}), metadata: { name: 'two-owners', namespace: 'default', ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'no-such-uid' },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'again', uid: rs.metadata.uid },
    ] } });
    controllers = startControllers(store);
    await waitFor('collected', () => !store.get('Pod', 'default', 'left-over') && !store.get('Pod', 'default', 'old-gen'));
    await waitFor('dangling reference dropped', () => store.get<Pod>('Pod', 'default', 'two-owners')!.metadata.ownerReferences?.length === 1);
    expect(store.get<Pod>('Pod', 'default', 'two-owners')!.metadata.ownerReferences![0]!.uid).toBe(rs.metadata.uid);
  });

  it('orphanDependents keeps the dependents of a deleted owner', async () => {
    store.create(deployment('keep', { replicas: 2 }));
    await waitFor('rollout', () => rolledOut(store, 'keep', 2));
    const podNames = pods(store, 'keep').map((p) => p.metadata.name);
    const d = getDeployment(store, 'keep')!;
    orphanDependents(store, d);
    store.delete('Deployment', 'default', 'keep');
    await sleep(50);
    expect(replicaSets(store, 'keep')).toHaveLength(1);
    expect(replicaSets(store, 'keep')[0]!.metadata.ownerReferences).toBeUndefined();
    expect(pods(store, 'keep').map((p) => p.metadata.name)).toEqual(podNames);
  });
});

describe('steady state', () => {
  it('writes nothing once everything is reconciled', async () => {
    store.create(deployment('quiet', { replicas: 3 }));
    await waitFor('rollout', () => rolledOut(store, 'quiet', 3));
    await sleep(20);
    const rv = store.resourceVersion;
    await sleep(80);
    expect(store.resourceVersion).toBe(rv);
  });
});

describe('WorkQueue', () => {
  it('coalesces repeated adds of a key into one reconcile', async () => {
    const runs: string[] = [];
    const q = new WorkQueue('test', (k) => { runs.push(k); });
    for (let i = 0; i < 100; i++) { q.add('a'); q.add('b'); }
    await sleep(5);
    expect(runs).toEqual(['a', 'b']);
    q.stop();
  });

  it('retries a failing reconcile with back-off and honours a requested requeue', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (m: unknown) => errors.push(m);
    try {
      const q = new WorkQueue('test', () => {
        calls++;
        if (calls < 3) throw new Error('not yet');
        return calls < 4 ? 10 : undefined;
      });
      q.add('k');
      await waitFor('4 runs', () => calls === 4, 1000);
      await sleep(30);
      expect(calls).toBe(4);
      expect(errors).toHaveLength(2);
      q.stop();
    } finally {
      console.error = original;
    }
  });
});

describe('deletion ranking', () => {
  const at = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: number; restarts?: number; created?: number }): Stored<Pod> {
    return {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, uid: name, resourceVersion: '1', creationTimestamp: at(o.created ?? 0) },
      spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
      status: {
        phase: o.phase ?? 'Running',
        conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: at(o.readySince ?? 0) }],
        containerStatuses: [{ name: 'c', image: '', imageID: '', ready: !!o.ready, restartCount: o.restarts ?? 0 }],
      },
    };
  }

  it('orders as Kubernetes ActivePods: unscheduled, pending, not ready, ready briefly, restarts, newest', () => {
    const pods = [
      pod('ready-long', { node: 'n', ready: true, readySince: 1 }),
      pod('ready-recent', { node: 'n', ready: true, readySince: 30 }),
      pod('unready-restarts', { node: 'n', ready: false, restarts: 5 }),
      pod('unready-new', { node: 'n', ready: false, created: 20 }),
      pod('unready-old', { node: 'n', ready: false, created: 10 }),
      pod('pending', { node: 'n', phase: 'Pending' }),
      pod('unscheduled', { phase: 'Running', ready: true }),
    ];
    expect([...pods].sort(compareForDeletion).map((p) => p.metadata.name)).toEqual([
      'unscheduled', 'pending', 'unready-restarts', 'unready-new', 'unready-old', 'ready-recent', 'ready-long',
    ]);
    expect(podsToDelete(pods, 2).map((p) => p.metadata.name)).toEqual(['unscheduled', 'pending']);
  });
});
