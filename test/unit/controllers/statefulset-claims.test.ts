// A StatefulSet's claims (controllers/statefulset/claims.ts): named <template>-<set>-<ordinal>, labelled with
// the set's selector, and the retention policy written as owner references the garbage collector follows.
import { describe, expect, it } from 'vitest';
import { Store, type Stored } from '../../../src/store/store.js';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../../../src/kube/types.js';
import { applyRetention, ensureClaims } from '../../../src/controllers/statefulset/claims.js';

function setup(policy: { whenDeleted?: string; whenScaled?: string }) {
  const store = new Store();
  const sts = store.create<StatefulSet>({
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template: {},
      persistentVolumeClaimRetentionPolicy: policy,
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } } }],
    },
  });
  const pod = store.create<Pod>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default' }, spec: { containers: [] } });
  ensureClaims(store, sts, 1);
  const owners = () => (store.get<PersistentVolumeClaim>('PersistentVolumeClaim', 'default', 'data-web-1')!.metadata.ownerReferences ?? []).map((r) => r.kind);
  return { store, sts, pod: pod as Stored<Pod>, owners };
}

describe('StatefulSet claims', () => {
  it('makes data-web-1 with the selector\'s labels; Retain/Retain: no owner', () => {
    const { store, owners } = setup({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    const claim = store.get<PersistentVolumeClaim>('PersistentVolumeClaim', 'default', 'data-web-1')!;
    expect(claim.metadata.labels).toEqual({ app: 'web' });
    expect(claim.spec?.resources?.requests?.['storage']).toBe('1Mi');
    expect(owners()).toEqual([]);
  });

  it('whenDeleted: Delete makes the set its owner; whenScaled: Delete hands it to the condemned pod alone', () => {
    const { store, sts, pod, owners } = setup({ whenDeleted: 'Delete', whenScaled: 'Delete' });
    expect(owners()).toEqual(['StatefulSet']);
    applyRetention(store, sts, 1, pod);
    expect(owners()).toEqual(['Pod']);
    // scaled up again before the pod went: back to the set
    applyRetention(store, sts, 1, undefined);
    expect(owners()).toEqual(['StatefulSet']);
  });

  it('whenScaled: Retain keeps the claim off the condemned pod', () => {
    const { store, sts, pod, owners } = setup({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    applyRetention(store, sts, 1, pod);
    expect(owners()).toEqual([]);
  });
});
