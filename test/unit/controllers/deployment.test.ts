// The Deployment and ReplicaSet controllers together over a real in-memory store, with a fake kubelet.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '../../../src/kube/types.js';
import { Store } from '../../../src/store/store.js';
import { requestPodDeletion } from '../../../src/store/graceful-delete.js';
import { startControllers, type RunningControllers } from '../../../src/controllers/controller-manager.js';
import {
  activePods, deployment, events, FakeKubelet, getDeployment, pods, readyPods, replicaSets, rolledOut, setReplicas, sleep, waitFor,
} from './helpers.js';

const NAME = 'liveness-pod';
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';

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

describe('a new Deployment', () => {
  it('gets a ReplicaSet <deployment>-<hash> and 3 pods <rs>-<5 chars>, owned and labelled', async () => {
    store.create(deployment(NAME));
    await waitFor('rollout', () => rolledOut(store, NAME, 3));

    const [rs, ...more] = replicaSets(store, NAME);
    expect(more).toHaveLength(0);
    expect(rs!.metadata.name).toMatch(new RegExp(`^${NAME}-${SAFE}{1,10}$`));
    const hash = rs!.metadata.labels!['pod-template-hash']!;
    expect(rs!.metadata.name).toBe(`${NAME}-${hash}`);
    expect(rs!.spec!.selector.matchLabels).toEqual({ app: NAME, 'pod-template-hash': hash });
    expect(rs!.spec!.template!.metadata!.labels).toEqual({ app: NAME, 'pod-template-hash': hash });
    const d = getDeployment(store, NAME)!;
    expect(rs!.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(rs!.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');

    const ps = pods(store, NAME);
    expect(ps).toHaveLength(3);
    for (const p of ps) {
      expect(p.metadata.name).toMatch(new RegExp(`^${NAME}-${SAFE}{1,10}-${SAFE}{5}$`));
      expect(p.metadata.name.startsWith(`${rs!.metadata.name}-`)).toBe(true);
      expect(p.metadata.generateName).toBe(`${rs!.metadata.name}-`);
      expect(p.metadata.labels).toEqual({ app: NAME, 'pod-template-hash': hash });
      expect(p.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs!.metadata.name, uid: rs!.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(p.spec).toEqual(d.spec!.template.spec);
    }
  });

  it('reports status, conditions and events as Kubernetes does', async () => {
    store.create(deployment(NAME));
    await waitFor('rollout', () => rolledOut(store, NAME, 3));
    const rs = replicaSets(store, NAME)[0]!;
    await waitFor('replica set status', () => store.get<ReplicaSet>('ReplicaSet', 'default', rs.metadata.name)!.status?.availableReplicas === 3);

    const d = getDeployment(store, NAME)!;
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status!.unavailableReplicas).toBeUndefined();
    const byType = Object.fromEntries(d.status!.conditions!.map((c) => [c.type, c]));
    expect(byType['Available']).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(byType['Progressing']).toMatchObject({
      status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.`,
    });

    expect(store.get<ReplicaSet>('ReplicaSet', 'default', rs.metadata.name)!.status).toEqual({
      replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1,
    });

    const scaling = events(store, 'ScalingReplicaSet');
    expect(scaling.map((e) => e.message)).toEqual([`Scaled up replica set ${rs.metadata.name} to 3`]);
    expect(scaling[0]).toMatchObject({ type: 'Normal', source: { component: 'deployment-controller' }, involvedObject: { kind: 'Deployment', name: NAME } });
    const created = events(store, 'SuccessfulCreate');
    expect(created.map((e) => e.message).sort()).toEqual(pods(store, NAME).map((p) => `Created pod: ${p.metadata.name}`).sort());
    expect(created[0]).toMatchObject({ type: 'Normal', source: { component: 'replicaset-controller' }, involvedObject: { kind: 'ReplicaSet', name: rs.metadata.name } });
  });

  it('shows the rollout in progress while pods are not ready', async () => {
    kubelet.setReadyWhen(() => false);
    store.create(deployment(NAME));
    await waitFor('3 running pods', () => activePods(store, NAME).filter((p) => p.status?.phase === 'Running').length === 3);
    await waitFor('status of 3 unready', () => getDeployment(store, NAME)!.status?.unavailableReplicas === 3);
    const d = getDeployment(store, NAME)!;
    expect(d.status?.availableReplicas).toBeUndefined();
    const byType = Object.fromEntries(d.status!.conditions!.map((c) => [c.type, c]));
    expect(byType['Available']).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    const rs = replicaSets(store, NAME)[0]!.metadata.name;
    expect(byType['Progressing']).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rs}" is progressing.` });

    kubelet.setReadyWhen(() => true);
    await waitFor('rollout', () => rolledOut(store, NAME, 3));
  });
});

describe('keeping the replica count', () => {
  it('replaces a deleted pod at once, before the old one is gone', async () => {
    store.create(deployment(NAME));
    await waitFor('rollout', () => rolledOut(store, NAME, 3));
    kubelet.deleteDelayMs = 300;
    const original = new Set(pods(store, NAME).map((p) => p.metadata.name));
    const victim = pods(store, NAME)[0]!;
    requestPodDeletion(store, victim);

    await waitFor('a replacement pod', () => activePods(store, NAME).find((p) => !original.has(p.metadata.name)));
    // The old pod is still terminating: a deleted pod does not count toward replicas.
    expect(store.get('Pod', 'default', victim.metadata.name)?.metadata.deletionTimestamp).toBeDefined();
    expect(activePods(store, NAME)).toHaveLength(3);
    expect(pods(store, NAME)).toHaveLength(4);
    expect(events(store, 'SuccessfulCreate')).toHaveLength(4);

    await waitFor('victim gone', () => !store.get('Pod', 'default', victim.metadata.name));
    await waitFor('3 ready pods', () => rolledOut(store, NAME, 3));
  });

  it('replaces a pod removed outright and a pod that failed', async () => {
    store.create(deployment(NAME));
    await waitFor('rollout', () => rolledOut(store, NAME, 3));
    const [first, second] = pods(store, NAME);
    store.delete('Pod', 'default', first!.metadata.name);
    await waitFor('3 active pods again', () => activePods(store, NAME).length === 3 && !activePods(store, NAME).some((p) => p.metadata.name === first!.metadata.name));

    store.mutate('Pod', 'default', second!.metadata.name, (p) => {
      p['status'] = { phase: 'Failed', reason: 'Evicted' };
    });
    await waitFor('replacement of the failed pod', () => activePods(store, NAME).length === 3 && pods(store, NAME).length === 4);
    expect(activePods(store, NAME).map((p) => p.metadata.name)).not.toContain(second!.metadata.name);
    expect(events(store, 'SuccessfulCreate')).toHaveLength(5);
  });

  it('scales 3 -> 5 -> 1 with ScalingReplicaSet events', async () => {
    store.create(deployment(NAME));
    await waitFor('rollout', () => rolledOut(store, NAME, 3));
    const rs = replicaSets(store, NAME)[0]!.metadata.name;

    setReplicas(store, NAME, 5);
    await waitFor('5 ready pods', () => rolledOut(store, NAME, 5));
    expect(replicaSets(store, NAME)).toHaveLength(1);
    expect(replicaSets(store, NAME)[0]!.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/desired-replicas': '5', 'deployment.kubernetes.io/max-replicas': '7',
    });

    const before = new Set(pods(store, NAME).map((p) => p.metadata.name));
    setReplicas(store, NAME, 1);
    await waitFor('1 pod left', () => rolledOut(store, NAME, 1));
    expect(before.has(pods(store, NAME)[0]!.metadata.name)).toBe(true);
    expect(events(store, 'ScalingReplicaSet').map((e) => e.message)).toEqual([
      `Scaled up replica set ${rs} to 3`, `Scaled up replica set ${rs} to 5`, `Scaled down replica set ${rs} to 1`,
    ]);
    expect(events(store, 'SuccessfulDelete')).toHaveLength(4);
    expect(getDeployment(store, NAME)!.status).toMatchObject({ replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
  });

  it('deletes unready pods first when scaling down', async () => {
    store.create(deployment(NAME, { replicas: 4 }));
    await waitFor('rollout', () => rolledOut(store, NAME, 4));
    const [a, b] = pods(store, NAME);
    const unready = new Set([a!.metadata.name, b!.metadata.name]);
    kubelet.setReadyWhen((p) => !unready.has(p.metadata.name));
    await waitFor('2 ready', () => readyPods(store, NAME).length === 2);

    setReplicas(store, NAME, 2);
    await waitFor('2 pods left', () => pods(store, NAME).length === 2 && activePods(store, NAME).length === 2);
    for (const p of pods(store, NAME)) expect(unready.has(p.metadata.name)).toBe(false);
  });

  it('scales to zero and back', async () => {
    store.create(deployment(NAME, { replicas: 2 }));
    await waitFor('rollout', () => rolledOut(store, NAME, 2));
    setReplicas(store, NAME, 0);
    await waitFor('no pods', () => pods(store, NAME).length === 0 && getDeployment(store, NAME)!.status?.replicas === undefined);
    expect(getDeployment(store, NAME)!.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    setReplicas(store, NAME, 2);
    await waitFor('2 again', () => rolledOut(store, NAME, 2));
    expect(replicaSets(store, NAME)).toHaveLength(1);
  });
});

describe('deleting a Deployment', () => {
  it('removes its ReplicaSet, and its pods gracefully', async () => {
    store.create(deployment(NAME));
    await waitFor('rollout', () => rolledOut(store, NAME, 3));
    const podNames = pods(store, NAME).map((p) => p.metadata.name);
    const marked = new Set<string>();
    const unwatch = store.watch({ kind: 'Pod' }, (e) => {
      if (e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp) marked.add(e.object.metadata.name);
    });
    kubelet.deleteDelayMs = 20;

    store.delete('Deployment', 'default', NAME);
    await waitFor('replica set gone', () => replicaSets(store, NAME).length === 0);
    await waitFor('pods gone', () => pods(store, NAME).length === 0);
    unwatch();
    expect([...marked].sort()).toEqual([...podNames].sort());
    // Nothing came back.
    await sleep(30);
    expect(store.list('ReplicaSet')).toHaveLength(0);
    expect(store.list('Pod')).toHaveLength(0);
  });
});

describe('restarts', () => {
  it('a new set of controllers on an existing store creates nothing', async () => {
    store.create(deployment(NAME));
    await waitFor('rollout', () => rolledOut(store, NAME, 3));
    controllers.stop();
    const snapshot = () => ({
      pods: pods(store, NAME).map((p) => p.metadata.name),
      rs: replicaSets(store, NAME).map((r) => `${r.metadata.name}:${r.spec?.replicas}`),
      created: events(store, 'SuccessfulCreate').length,
      rv: (getDeployment(store, NAME)!.metadata.resourceVersion),
    });
    const before = snapshot();

    controllers = startControllers(store);
    await sleep(100);
    expect(snapshot()).toEqual(before);
  });

  it('a restart in the middle of a rollout neither doubles pods nor loses the rollout', async () => {
    store.create(deployment(NAME));
    await waitFor('rollout', () => rolledOut(store, NAME, 3));
    kubelet.setReadyWhen((p) => p.spec?.containers[0]?.image !== 'busybox:new');
    store.mutate<Deployment>('Deployment', 'default', NAME, (d) => {
      d.spec!.template.spec!.containers[0]!.image = 'busybox:new';
    });
    await waitFor('a new pod', () => activePods(store, NAME).length === 4);
    controllers.stop();
    const names = pods(store, NAME).map((p) => p.metadata.name);

    controllers = startControllers(store);
    await sleep(100);
    expect(pods(store, NAME).map((p) => p.metadata.name)).toEqual(names);
    expect(replicaSets(store, NAME)).toHaveLength(2);

    kubelet.setReadyWhen(() => true);
    await waitFor('rollout', () => rolledOut(store, NAME, 3));
    expect(pods(store, NAME).every((p) => p.spec?.containers[0]?.image === 'busybox:new')).toBe(true);
  });

  it('stop() stops reconciling', async () => {
    store.create(deployment(NAME, { replicas: 1 }));
    await waitFor('rollout', () => rolledOut(store, NAME, 1));
    controllers.stop();
    store.delete('Pod', 'default', pods(store, NAME)[0]!.metadata.name);
    await sleep(50);
    expect(pods(store, NAME)).toHaveLength(0);
  });
});
