// The protobuf content type for the storage kinds and StatefulSets (kubectl 1.32 sends create/apply bodies
// of built-in kinds as protobuf): a PV's inline volume source, a StatefulSet's claim templates and its
// pointer fields set to 0 survive the encode/decode round trip, StorageClass in storage.k8s.io/v1.
import { describe, expect, it } from 'vitest';
import { decodeObject, encodeObject } from '../../../src/api/protobuf/codec.js';

const roundTrip = (obj: object) => decodeObject(encodeObject(obj)!);

describe('protobuf for PVs, PVCs, StorageClasses, StatefulSets and ControllerRevisions', () => {
  it('a PersistentVolume keeps its csi source (inline persistentVolumeSource in protobuf) and claimRef', () => {
    const pv = {
      apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-small', labels: { size: 'small' } },
      spec: {
        accessModes: ['ReadWriteOnce'], capacity: { storage: '100Mi' }, storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Retain',
        csi: { driver: 'mini-kube.io/docker-volume', volumeHandle: 'my-data' }, claimRef: { namespace: 'default', name: 'data' }, volumeMode: 'Filesystem',
      },
      status: { phase: 'Available' },
    };
    expect(roundTrip(pv)).toEqual(pv);
  });

  it('a claim, a class (allowVolumeExpansion: false kept) and a StatefulSet with replicas and partition 0', () => {
    const pvc = {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: '', selector: { matchLabels: { size: 'small' } } },
    };
    expect(roundTrip(pvc)).toEqual({ ...pvc, spec: { ...pvc.spec, storageClassName: undefined } });
    const sc = {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'mini-kube.io/docker-volume',
      reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate', allowVolumeExpansion: false,
    };
    expect(roundTrip(sc)).toEqual(sc);
    const sts = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 0, serviceName: 'web', selector: { matchLabels: { app: 'web' } }, podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, ordinals: { start: 0 },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } } }],
      },
    };
    expect(roundTrip(sts)).toEqual(sts);
  });

  it('a ControllerRevision keeps its data (RawExtension) and revision', () => {
    const cr = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'web-abc', namespace: 'default' },
      data: { spec: { template: { metadata: { labels: { app: 'web' } }, $patch: 'replace' } } }, revision: 3,
    };
    expect(roundTrip(cr)).toEqual(cr);
  });
});
