// NoExecute taints: how long a pod may stay (minTolerationSeconds), the DefaultTolerationSeconds
// admission, the taint-eviction controller's deletions, and the node-lifecycle controller's taints.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Store } from '../../../src/store/store.js';
import type { Event, Node, Pod, Taint, Toleration } from '../../../src/kube/types.js';
import { addDefaultTolerations, minTolerationSeconds, tolerates } from '../../../src/kube/taints.js';
import { TaintEvictionController } from '../../../src/controllers/tainteviction/taint-eviction-controller.js';
import { NodeLifecycleController } from '../../../src/controllers/nodelifecycle/node-lifecycle-controller.js';

const noExec = (key: string): Taint => ({ key, effect: 'NoExecute' });

describe('tolerations', () => {
  const cases: [string, Toleration, Taint, boolean][] = [
    ['Exists without key tolerates everything', { operator: 'Exists' }, { key: 'a', value: 'b', effect: 'NoSchedule' }, true],
    ['Equal needs the value', { key: 'a', value: 'b', effect: 'NoSchedule' }, { key: 'a', value: 'c', effect: 'NoSchedule' }, false],
    ['an empty effect matches every effect', { key: 'a', operator: 'Exists' }, { key: 'a', effect: 'NoExecute' }, true],
    ['another effect does not', { key: 'a', operator: 'Exists', effect: 'NoSchedule' }, { key: 'a', effect: 'NoExecute' }, false],
  ];
  for (const [name, t, taint, want] of cases) it(name, () => expect(tolerates(t, taint)).toBe(want));

  it('minTolerationSeconds: untolerated 0, unbounded undefined, else the least', () => {
    expect(minTolerationSeconds([noExec('a')], [])).toBe(0);
    expect(minTolerationSeconds([noExec('a')], [{ key: 'a', operator: 'Exists' }])).toBeUndefined();
    expect(minTolerationSeconds([noExec('a'), noExec('b')], [{ key: 'a', operator: 'Exists', tolerationSeconds: 30 }, { operator: 'Exists', tolerationSeconds: 10 }])).toBe(10);
  });

  it('DefaultTolerationSeconds adds not-ready and unreachable for 300 s, once', () => {
    const pod: Pod = { spec: { containers: [], tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] } };
    addDefaultTolerations(pod);
    addDefaultTolerations(pod);
    expect(pod.spec!.tolerations).toEqual([
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });
});

function cluster(): Store {
  const store = new Store();
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  store.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date().toISOString() }] } });
  return store;
}
const podOn = (name: string, tolerations: Toleration[] = []): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'n1', tolerations, containers: [{ name: 'c', image: 'x' }] } });
const taint = (store: Store, taints: Taint[]) => store.mutate<Node>('Node', undefined, 'n1', (n) => { n.spec = { taints }; });

describe('taint-eviction controller', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('deletes an intolerant pod at once and a tolerant one after its tolerationSeconds; a removed taint cancels', () => {
    vi.useFakeTimers();
    const store = cluster();
    store.create(podOn('intolerant'));
    store.create(podOn('waits', [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]));
    store.create(podOn('stays', [{ key: 'k', operator: 'Exists', effect: 'NoExecute' }]));
    store.create(podOn('cancelled', [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]));
    const c = new TaintEvictionController(store);
    c.start();
    taint(store, [noExec('k')]);
    const deleting = () => store.list<Pod>('Pod').filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name);
    // deleted gracefully, as a client's delete: the kubelet finishes it
    expect(deleting()).toEqual(['intolerant']);
    vi.advanceTimersByTime(29_000);
    expect(deleting()).toEqual(['intolerant']);
    vi.advanceTimersByTime(1_000);
    expect(deleting()).toEqual(['intolerant', 'waits']);
    expect(store.list<Event>('Event').map((e) => `${e.reason} ${e.message}`)).toContain('TaintManagerEviction Marking for deletion Pod default/waits');
    taint(store, []);
    vi.advanceTimersByTime(60_000);
    expect(deleting()).toEqual(['intolerant', 'waits']);
    c.stop();
  });
});

describe('node-lifecycle controller', () => {
  it('a silent node turns Unknown, gets the unreachable taints, its pods NotReady; cordon adds the unschedulable taint', () => {
    const store = cluster();
    let now = Date.now();
    const marked: string[] = [];
    store.create<Pod>({ ...podOn('p'), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    const c = new NodeLifecycleController(store, { gracePeriodMs: 40_000, now: () => now, markPodNotReady: (p) => marked.push(p.metadata.name) });
    c.start();
    c.monitor();
    expect(store.get<Node>('Node', undefined, 'n1')!.status!.conditions![0]!.status).toBe('True');
    now += 41_000;
    c.monitor();
    const node = store.get<Node>('Node', undefined, 'n1')!;
    expect(node.status!.conditions![0]).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(node.spec!.taints!.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    expect(store.get<Pod>('Pod', 'default', 'p')!.status!.conditions![0]!.status).toBe('False');
    expect(marked).toEqual(['p']);
    store.mutate<Node>('Node', undefined, 'n1', (n) => { n.spec = { ...n.spec, unschedulable: true }; n.status!.conditions = [{ type: 'Ready', status: 'True' }]; });
    expect(store.get<Node>('Node', undefined, 'n1')!.spec!.taints).toEqual([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    c.stop();
  });
});
