// Finalizers in the store and the garbage collector's orphan and foreground propagation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store, type WatchEvent } from '../../../src/store/store.js';
import { GarbageCollector } from '../../../src/controllers/garbagecollector/garbage-collector.js';
import { requestDeletion } from '../../../src/store/graceful-delete.js';
import type { KubeObject, Stored } from '../../../src/kube/types.js';
import { waitFor } from './helpers.js';

let store: Store;
let gc: GarbageCollector;

beforeEach(() => {
  store = new Store();
  gc = new GarbageCollector(store);
  gc.start();
});
afterEach(() => gc.stop());

const template = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };

function owned(kind: 'ReplicaSet' | 'ConfigMap', name: string, owner: Stored): KubeObject {
  const ref = { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
  if (kind === 'ConfigMap') return { apiVersion: 'v1', kind, metadata: { name, namespace: 'default', ownerReferences: [ref] } } as KubeObject;
  return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: 'default', ownerReferences: [ref] }, spec: { selector: { matchLabels: { a: 'b' } }, template } } as KubeObject;
}

function deployment(name: string): Stored {
  return store.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: { a: 'b' } }, template } } as KubeObject);
}

describe('finalizers', () => {
  it('hold a deleted object (MODIFIED with deletionTimestamp) until the last one is removed (DELETED)', () => {
    const events: string[] = [];
    store.watch({ kind: 'ConfigMap' }, (e: WatchEvent) => events.push(`${e.type}${e.object.metadata.deletionTimestamp ? '+ts' : ''}`));
    store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', finalizers: ['example.com/a', 'example.com/b'] } } as KubeObject);
    const marked = store.delete('ConfigMap', 'default', 'c');
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(store.get('ConfigMap', 'default', 'c')).toBeDefined();
    store.mutate('ConfigMap', 'default', 'c', (o) => { o.metadata.finalizers = ['example.com/b']; });
    expect(store.get('ConfigMap', 'default', 'c')).toBeDefined();
    store.mutate('ConfigMap', 'default', 'c', (o) => { o.metadata.finalizers = []; });
    expect(store.get('ConfigMap', 'default', 'c')).toBeUndefined();
    expect(events).toEqual(['ADDED', 'MODIFIED+ts', 'MODIFIED+ts', 'DELETED+ts']);
  });
});

describe('propagation', () => {
  it('Foreground: the dependents go first, then the owner', async () => {
    const d = deployment('fg');
    store.create(owned('ReplicaSet', 'fg-rs', d));
    const marked = requestDeletion(store, d, { propagationPolicy: 'Foreground' });
    expect(marked.metadata.finalizers).toEqual(['foregroundDeletion']);
    await waitFor('deployment gone', () => !store.get('Deployment', 'default', 'fg'));
    expect(store.get('ReplicaSet', 'default', 'fg-rs')).toBeUndefined();
  });

  it('Foreground waits while a blocking dependent is held by its own finalizer', async () => {
    const d = deployment('held');
    const cm = owned('ConfigMap', 'held-cm', d);
    cm.metadata!.finalizers = ['example.com/keep'];
    store.create(cm);
    requestDeletion(store, d, { propagationPolicy: 'Foreground' });
    await waitFor('dependent marked', () => !!store.get('ConfigMap', 'default', 'held-cm')?.metadata.deletionTimestamp);
    expect(store.get('Deployment', 'default', 'held')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    store.mutate('ConfigMap', 'default', 'held-cm', (o) => { delete o.metadata.finalizers; });
    await waitFor('deployment gone', () => !store.get('Deployment', 'default', 'held'), 4000);
  });

  it('Orphan: the dependents lose the reference and stay; the owner goes', async () => {
    const d = deployment('or');
    store.create(owned('ReplicaSet', 'or-rs', d));
    requestDeletion(store, d, { propagationPolicy: 'Orphan' });
    await waitFor('deployment gone', () => !store.get('Deployment', 'default', 'or'));
    const rs = store.get('ReplicaSet', 'default', 'or-rs');
    expect(rs).toBeDefined();
    expect(rs!.metadata.ownerReferences).toBeUndefined();
  });
});
