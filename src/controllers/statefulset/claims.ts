// A StatefulSet's PersistentVolumeClaims (stateful_pod_control.go createPersistentVolumeClaims and the
// retention policy of KEP-1847, GA in 1.32): one claim per template and ordinal, `<template>-<set>-<n>`,
// made before its pod and never changed after; kept on scale-down and deletion unless
// persistentVolumeClaimRetentionPolicy says Delete, which hands the claim to an owner the garbage
// collector follows (whenDeleted: the set; whenScaled: the condemned pod).
import type { OwnerReference, PersistentVolumeClaim, Pod, StatefulSet } from '../../kube/types.js';
import { claimName } from '../../kube/statefulset.js';
import type { Store, Stored } from '../../store/store.js';
import { StatusError } from '../../kube/errors.js';

function ownerRef(owner: Stored, controller: boolean): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, ...(controller ? { controller: true, blockOwnerDeletion: true } : {}) };
}

/** The claims the pod of `ordinal` needs, as the controller makes them (labels: the set's selector). */
export function claimsFor(sts: Stored<StatefulSet>, ordinal: number): PersistentVolumeClaim[] {
  const whenDeleted = sts.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain';
  return (sts.spec?.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(t.metadata?.name ?? '', sts.metadata.name, ordinal),
      namespace: sts.metadata.namespace,
      labels: { ...t.metadata?.labels, ...sts.spec?.selector?.matchLabels },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ...(whenDeleted === 'Delete' ? { ownerReferences: [ownerRef(sts, true)] } : {}),
    },
    spec: structuredClone(t.spec ?? {}),
    status: { phase: 'Pending' },
  }));
}

/** Creates the claims that are missing; an existing claim is used as it is. Throws the store's error. */
export function ensureClaims(store: Store, sts: Stored<StatefulSet>, ordinal: number): void {
  for (const c of claimsFor(sts, ordinal)) {
    if (store.get('PersistentVolumeClaim', c.metadata!.namespace, c.metadata!.name!)) continue;
    try {
      store.create(c);
    } catch (err) {
      if (!(err instanceof StatusError && err.reason === 'AlreadyExists')) throw err;
    }
  }
}

/**
 * whenScaled: Delete, for a pod being condemned: its claims get the pod as owner, so they go when it does.
 * whenDeleted: Delete keeps the set as owner (the claim goes with the set); Retain drops that reference.
 */
export function applyRetention(store: Store, sts: Stored<StatefulSet>, ordinal: number, condemnedPod: Stored<Pod> | undefined): void {
  const policy = sts.spec?.persistentVolumeClaimRetentionPolicy ?? {};
  for (const c of claimsFor(sts, ordinal)) {
    store.mutate<PersistentVolumeClaim>('PersistentVolumeClaim', c.metadata!.namespace, c.metadata!.name!, (claim) => {
      let refs = [...(claim.metadata.ownerReferences ?? [])];
      const before = JSON.stringify(refs);
      const setRef = refs.find((r) => r.uid === sts.metadata.uid);
      if ((policy.whenDeleted ?? 'Retain') === 'Delete' && !setRef) refs.push(ownerRef(sts, true));
      if ((policy.whenDeleted ?? 'Retain') === 'Retain' && setRef) refs = refs.filter((r) => r.uid !== sts.metadata.uid);
      // back in range (scaled up again): a condemned pod's hold on the claim goes
      if (!condemnedPod) refs = refs.filter((r) => r.kind !== 'Pod');
      if (condemnedPod && (policy.whenScaled ?? 'Retain') === 'Delete') {
        // the pod alone owns it now: the garbage collector deletes an object only when all its owners are gone
        refs = refs.filter((r) => r.uid !== sts.metadata.uid);
        if (!refs.some((r) => r.uid === condemnedPod.metadata.uid)) refs.push(ownerRef(condemnedPod, false));
      }
      if (JSON.stringify(refs) === before) return false;
      if (refs.length) claim.metadata.ownerReferences = refs;
      else delete claim.metadata.ownerReferences;
    });
  }
}
