// The dashboard's state carries the nodes (Ready, cordoned, taints) and each pod's node, for the node columns.
import { describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/store.js';
import { snapshot } from '../../../src/dashboard/snapshot.js';

describe('dashboard snapshot: nodes', () => {
  it('lists nodes with their state and pods with their node', () => {
    const store = new Store();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'b' }, spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });
    store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'on-a', namespace: 'default' }, spec: { nodeName: 'a', containers: [{ name: 'c', image: 'x' }] } });
    store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const s = snapshot(store, undefined, {});
    expect(s.nodes).toEqual([
      { name: 'a', ready: 'True', unschedulable: false, taints: [] },
      { name: 'b', ready: 'Unknown', unschedulable: true, taints: ['node.kubernetes.io/unreachable:NoExecute'] },
    ]);
    expect(s.pods.map((p) => [p.name, p.node])).toEqual([['on-a', 'a'], ['pending', undefined]]);
  });
});
