// The PV controller's pure decisions (controllers/volume/binder.ts): which volume a claim binds, when it is
// provisioned, and the phase a volume shows.
import { describe, expect, it } from 'vitest';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../src/kube/types.js';
import { findMatchingVolume, planUnboundClaim, volumePhase } from '../../../src/controllers/volume/binder.js';

const claim = (over: Partial<NonNullable<PersistentVolumeClaim['spec']>> = {}, name = 'data'): PersistentVolumeClaim => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'manual', ...over },
});
const volume = (name: string, size: string, over: Partial<NonNullable<PersistentVolume['spec']>> = {}, labels?: Record<string, string>): PersistentVolume => ({
  metadata: { name, ...(labels ? { labels } : {}) },
  spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: size }, storageClassName: 'manual', csi: { driver: 'mini-kube.io/docker-volume', volumeHandle: name }, ...over },
  status: { phase: 'Available' },
});
const cls = (name: string, mode: 'Immediate' | 'WaitForFirstConsumer', provisioner = 'mini-kube.io/docker-volume'): StorageClass =>
  ({ metadata: { name }, provisioner, volumeBindingMode: mode, reclaimPolicy: 'Delete' });

describe('findMatchingVolume', () => {
  it('picks the smallest available volume of the class that is big enough', () => {
    const pvs = [volume('big', '10Gi'), volume('small', '512Mi'), volume('fits', '2Gi'), volume('other-class', '1Gi', { storageClassName: 'fast' })];
    expect(findMatchingVolume(claim(), pvs)?.metadata?.name).toBe('fits');
  });

  it('needs every access mode the claim asks for, the selector\'s labels, and an Available volume', () => {
    expect(findMatchingVolume(claim({ accessModes: ['ReadOnlyMany'] }), [volume('rwo', '5Gi')])).toBeUndefined();
    expect(findMatchingVolume(claim({ accessModes: ['ReadOnlyMany'] }), [volume('both', '5Gi', { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] })])?.metadata?.name).toBe('both');
    const pvs = [volume('a', '1Gi', {}, { tier: 'a' }), volume('b', '1Gi', {}, { tier: 'b' })];
    expect(findMatchingVolume(claim({ selector: { matchLabels: { tier: 'b' } } }), pvs)?.metadata?.name).toBe('b');
    const released = { ...volume('r', '1Gi'), status: { phase: 'Released' as const } };
    expect(findMatchingVolume(claim(), [released])).toBeUndefined();
  });

  it('a volume pre-bound to the claim wins; one pre-bound to another claim is skipped', () => {
    const mine = volume('mine', '100Gi', { claimRef: { name: 'data', namespace: 'default' } });
    const theirs = volume('theirs', '1Gi', { claimRef: { name: 'other', namespace: 'default' } });
    expect(findMatchingVolume(claim(), [theirs, volume('free', '1Gi'), mine])?.metadata?.name).toBe('mine');
    expect(findMatchingVolume(claim(), [theirs])).toBeUndefined();
  });
});

describe('planUnboundClaim', () => {
  it('binds a match, provisions for Immediate at once and for WaitForFirstConsumer once a node is selected', () => {
    expect(planUnboundClaim(claim(), [volume('v', '1Gi')], [], false)).toMatchObject({ action: 'bind' });
    const imm = claim({ storageClassName: 'imm' });
    expect(planUnboundClaim(imm, [], [cls('imm', 'Immediate')], false)).toMatchObject({ action: 'provision', provisioner: 'mini-kube.io/docker-volume' });
    const wffc = claim({ storageClassName: 'standard' });
    expect(planUnboundClaim(wffc, [], [cls('standard', 'WaitForFirstConsumer')], false))
      .toEqual({ action: 'wait', eventType: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' });
    expect(planUnboundClaim(wffc, [], [cls('standard', 'WaitForFirstConsumer')], true)).toMatchObject({ action: 'provision' });
  });

  it('waits with the controller\'s events: no class, a missing class, a class without a provisioner', () => {
    expect(planUnboundClaim(claim({ storageClassName: '' }), [], [], false)).toMatchObject({ reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' });
    expect(planUnboundClaim(claim({ storageClassName: 'gone' }), [], [], false)).toMatchObject({ reason: 'ProvisioningFailed', message: 'storageclass.storage.k8s.io "gone" not found' });
    expect(planUnboundClaim(claim(), [], [cls('manual', 'Immediate', 'kubernetes.io/no-provisioner')], false))
      .toMatchObject({ reason: 'ProvisioningFailed', message: 'no volume plugin matched name: kubernetes.io/no-provisioner' });
  });
});

describe('volumePhase', () => {
  it('Available without a claim, Bound with it, Released once the claim (that uid) is gone', () => {
    const c = { ...claim(), spec: { ...claim().spec, volumeName: 'v' } };
    expect(volumePhase(volume('v', '1Gi'), undefined)).toBe('Available');
    const bound = volume('v', '1Gi', { claimRef: { name: 'data', namespace: 'default', uid: 'uid-data' } });
    expect(volumePhase(bound, c)).toBe('Bound');
    expect(volumePhase(bound, undefined)).toBe('Released');
    expect(volumePhase(bound, { ...c, metadata: { ...c.metadata, uid: 'a-new-claim' } })).toBe('Released');
    // pre-bound by name only (no uid): waits for its claim, available to it
    expect(volumePhase(volume('v', '1Gi', { claimRef: { name: 'data', namespace: 'default' } }), undefined)).toBe('Available');
  });
});
