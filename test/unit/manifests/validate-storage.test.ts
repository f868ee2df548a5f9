// Admission of PersistentVolumeClaims, PersistentVolumes, StorageClasses and StatefulSets: Kubernetes'
// validation, and what mini-kube does not implement refused with the field's path (docs/storage.md).
import { describe, expect, it } from 'vitest';
import { admit } from '../../../src/manifests/index.js';
import { StatusError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/store/store.js';

function refusal(obj: object, opts = {}): string {
  try {
    admit(obj as KubeObject, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return (err as StatusError).message;
  }
  return 'admitted';
}

const pvc = (spec: object) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'default' }, spec });
const okClaim = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
const pv = (spec: object) => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'v' }, spec });
const okPv = { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, csi: { driver: 'mini-kube.io/docker-volume', volumeHandle: 'data-1' } };
const sc = (extra: object) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 's' }, provisioner: 'mini-kube.io/docker-volume', ...extra });
const sts = (spec: object) => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default' },
  spec: {
    serviceName: 'web', selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: okClaim }], ...spec,
  },
});

describe('admission of the storage kinds and StatefulSets', () => {
  it.each([
    ['a claim', pvc(okClaim), 'admitted'],
    ['a claim without access modes', pvc({ resources: okClaim.resources }), 'spec.accessModes: Required value: at least 1 access mode is required'],
    ['a claim without a size', pvc({ accessModes: ['ReadWriteOnce'] }), 'spec.resources.requests[storage]: Required value'],
    ['a block claim', pvc({ ...okClaim, volumeMode: 'Block' }), 'spec.volumeMode: Forbidden: mini-kube does not implement spec.volumeMode'],
    ['a claim from a snapshot', pvc({ ...okClaim, dataSource: { kind: 'VolumeSnapshot', name: 's' } }), 'mini-kube does not implement spec.dataSource'],
    ['a PV of mini-kube\'s driver', pv(okPv), 'admitted'],
    ['a hostPath PV', pv({ ...okPv, csi: undefined, hostPath: { path: '/mnt/data' } }), 'spec.hostPath: Forbidden: mini-kube does not implement spec.hostPath (a PersistentVolume of mini-kube is a Docker named volume'],
    ['a hostPath PV, even privileged', pv({ ...okPv, csi: undefined, hostPath: { path: '/mnt/data' } }), 'mini-kube does not implement spec.hostPath'],
    ['a PV of another CSI driver', pv({ ...okPv, csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'x' } }), 'spec.csi.driver: Unsupported value: "ebs.csi.aws.com": supported values: "mini-kube.io/docker-volume"'],
    ['a Recycle PV', pv({ ...okPv, persistentVolumeReclaimPolicy: 'Recycle' }), 'mini-kube does not implement spec.persistentVolumeReclaimPolicy'],
    ['a class', sc({ volumeBindingMode: 'WaitForFirstConsumer' }), 'admitted'],
    ['a class with a bad binding mode', sc({ volumeBindingMode: 'Later' }), 'volumeBindingMode: Unsupported value: "Later"'],
    ['an expandable class', sc({ allowVolumeExpansion: true }), 'mini-kube does not implement allowVolumeExpansion'],
    ['a StatefulSet whose mount names its claim template', sts({}), 'admitted'],
    ['a StatefulSet with a bad policy', sts({ podManagementPolicy: 'Random' }), 'spec.podManagementPolicy: Unsupported value: "Random"'],
    ['a StatefulSet with maxUnavailable', sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }), 'mini-kube does not implement spec.updateStrategy.rollingUpdate.maxUnavailable'],
    ['a StatefulSet with a negative partition', sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }), 'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1'],
    ['a StatefulSet with a bad retention policy', sts({ persistentVolumeClaimRetentionPolicy: { whenScaled: 'Keep' } }), 'spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "Keep"'],
    ['a privileged StatefulSet template', sts({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] } } }), 'spec.template.spec.containers[0].securityContext.privileged: Forbidden'],
    ['a StatefulSet mounting a volume nobody declares', sts({ volumeClaimTemplates: [] }), 'spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"'],
  ])('%s', (_what, obj, expected) => {
    const got = refusal(obj, _what.includes('privileged') && _what.includes('PV') ? { allowPrivileged: true } : {});
    if (expected === 'admitted') expect(got).toBe('admitted');
    else expect(got).toContain(expected);
  });

  it('defaults as the apiserver does', () => {
    const s = admit(sts({}) as KubeObject, {}).object as { spec: Record<string, unknown> };
    expect(s.spec['podManagementPolicy']).toBe('OrderedReady');
    expect(s.spec['updateStrategy']).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(s.spec['persistentVolumeClaimRetentionPolicy']).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(s.spec['revisionHistoryLimit']).toBe(10);
    const v = admit(pv(okPv) as KubeObject, {}).object as { spec: Record<string, unknown> };
    expect(v.spec['persistentVolumeReclaimPolicy']).toBe('Retain');
    const c = admit(sc({}) as KubeObject, {}).object as Record<string, unknown>;
    expect([c['reclaimPolicy'], c['volumeBindingMode']]).toEqual(['Delete', 'Immediate']);
  });
});

describe('updates of claims and StatefulSets', () => {
  it('a claim\'s spec is immutable; a resize says why it is refused', async () => {
    const { validateClaimUpdate, validateStatefulSetUpdate } = await import('../../../src/manifests/index.js');
    const before = { ...pvc(okClaim), spec: { ...okClaim, storageClassName: 'standard', volumeName: 'pvc-1' } } as never;
    expect(validateClaimUpdate(pvc(okClaim) as never, before)).toEqual([]);
    const bigger = pvc({ ...okClaim, resources: { requests: { storage: '2Gi' } } });
    expect(validateClaimUpdate(bigger as never, before)[0]?.detail).toBe('only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
    const other = pvc({ ...okClaim, accessModes: ['ReadOnlyMany'] });
    expect(validateClaimUpdate(other as never, before)[0]?.detail).toBe('spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
    expect(validateStatefulSetUpdate(sts({ replicas: 5 }) as never, sts({}) as never)).toEqual([]);
    expect(validateStatefulSetUpdate(sts({ serviceName: 'other' }) as never, sts({}) as never)[0]?.detail).toContain("updates to statefulset spec for fields other than 'replicas'");
  });
});
