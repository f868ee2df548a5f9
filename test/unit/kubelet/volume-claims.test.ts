// persistentVolumeClaim volumes (kubelet/volume-claims.ts): the scheduler's verdict on a pod's claims and
// the Docker volume each mounts.
import { describe, expect, it } from 'vitest';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../../src/kube/types.js';
import { claimMounts, claimScheduling, type ClaimLookup } from '../../../src/kubelet/volume-claims.js';

const pod = (claim: string, readOnly = false): Pod => ({
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [{ name: 'c' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: claim, readOnly } }] },
});
const pvc = (name: string, cls: string, bound?: string, annotations?: Record<string, string>): PersistentVolumeClaim => ({
  metadata: { name, namespace: 'default', uid: `u-${name}`, ...(annotations ? { annotations } : {}) },
  spec: { storageClassName: cls, ...(bound ? { volumeName: bound } : {}) },
  status: { phase: bound ? 'Bound' : 'Pending' },
});
const pv: PersistentVolume = { metadata: { name: 'pv1' }, spec: { claimRef: { uid: 'u-bound' }, csi: { driver: 'mini-kube.io/docker-volume', volumeHandle: 'vol-1' } } };
const classes: Record<string, StorageClass> = {
  standard: { metadata: { name: 'standard' }, provisioner: 'mini-kube.io/docker-volume', volumeBindingMode: 'WaitForFirstConsumer' },
  fast: { metadata: { name: 'fast' }, provisioner: 'mini-kube.io/docker-volume', volumeBindingMode: 'Immediate' },
};
const lookup = (claims: PersistentVolumeClaim[]): ClaimLookup => ({
  claim: (_ns, name) => claims.find((c) => c.metadata?.name === name),
  volume: (name) => (name === 'pv1' ? pv : undefined),
  storageClass: (name) => classes[name],
  defaultClass: () => classes['standard'],
});

describe('claimScheduling', () => {
  it('a missing claim or an unbound Immediate claim: unschedulable with the scheduler\'s message', () => {
    expect(claimScheduling(pod('x'), lookup([]))).toEqual({
      schedulable: false, selectNode: [],
      message: '0/1 nodes are available: persistentvolumeclaim "x" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    });
    expect(claimScheduling(pod('f'), lookup([pvc('f', 'fast')]))).toMatchObject({
      schedulable: false, message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    });
  });

  it('an unbound WaitForFirstConsumer claim gets the node selected once; a bound claim schedules', () => {
    expect(claimScheduling(pod('w'), lookup([pvc('w', 'standard')]))).toEqual({ schedulable: false, selectNode: ['w'] });
    expect(claimScheduling(pod('w'), lookup([pvc('w', 'standard', undefined, { 'volume.kubernetes.io/selected-node': 'mini-kube' })]))).toEqual({ schedulable: false, selectNode: [] });
    expect(claimScheduling(pod('bound'), lookup([pvc('bound', 'standard', 'pv1')]))).toEqual({ schedulable: true });
    // not given the default class yet: of the default class all the same
    const fresh = pvc('new', 'standard');
    delete fresh.spec!.storageClassName;
    expect(claimScheduling(pod('new'), lookup([fresh]))).toEqual({ schedulable: false, selectNode: ['new'] });
  });
});

describe('claimMounts', () => {
  it('mounts the bound PV\'s Docker volume, read-only when the pod volume says so', () => {
    const r = claimMounts(pod('bound', true), lookup([pvc('bound', 'standard', 'pv1')]));
    expect(r).toEqual({ ok: true, mounts: new Map([['d', { dockerVolume: 'vol-1', pvName: 'pv1', readOnly: true }]]) });
  });

  it('fails as the volume manager does while the claim is missing or unbound', () => {
    expect(claimMounts(pod('x'), lookup([]))).toEqual({ ok: false, volume: 'd', message: 'error processing PVC default/x: persistentvolumeclaim "x" not found' });
    expect(claimMounts(pod('w'), lookup([pvc('w', 'standard')]))).toEqual({ ok: false, volume: 'd', message: 'error processing PVC default/w: PVC is not bound' });
  });
});
