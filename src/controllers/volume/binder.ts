// The PV controller's decisions, pure (pkg/controller/volume/persistentvolume/pv_controller.go and
// util.go): which volume a claim binds to, and what a claim or a volume should show. Table-tested in
// test/unit/controllers/volume-binder.test.ts; persistentvolume-controller.ts acts on them.
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../kube/types.js';
import { selectorMatches } from '../../kube/labels.js';
import { capacityBytes, NO_PROVISIONER, requestedBytes } from '../../kube/storage.js';

/** The class a claim asks for ("" = none) once defaulting is done. */
export function classOf(pvc: PersistentVolumeClaim): string {
  return pvc.spec?.storageClassName ?? '';
}

/** True when the volume's access modes include every mode the claim asks for (checkAccessModes). */
export function accessModesFit(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  const has = new Set(pv.spec?.accessModes ?? []);
  return (pvc.spec?.accessModes ?? []).every((m) => has.has(m));
}

/** The volume is pre-bound to another claim (by name, or by uid to a claim of that name made before). */
function boundElsewhere(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== pvc.metadata?.name || (ref.namespace ?? 'default') !== (pvc.metadata?.namespace ?? 'default')) return true;
  return !!ref.uid && ref.uid !== pvc.metadata?.uid;
}

/**
 * findMatchingVolume (FindMatchingVolume in util.go): among volumes that are Available or pre-bound to this
 * claim, the smallest one of the claim's class and volume mode whose capacity, access modes and labels
 * (spec.selector) fit. A volume pre-bound to the claim wins over any other; one being deleted is skipped.
 */
export function findMatchingVolume(pvc: PersistentVolumeClaim, volumes: readonly PersistentVolume[]): PersistentVolume | undefined {
  const want = requestedBytes(pvc);
  const cls = classOf(pvc);
  let best: PersistentVolume | undefined;
  for (const pv of volumes) {
    if (pv.metadata?.deletionTimestamp) continue;
    if (boundElsewhere(pvc, pv)) continue;
    const preBound = !!pv.spec?.claimRef;
    if (!preBound && pv.status?.phase !== 'Available') continue;
    if ((pv.spec?.storageClassName ?? '') !== cls) continue;
    if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) continue;
    if (capacityBytes(pv) < want) continue;
    if (!accessModesFit(pvc, pv)) continue;
    if (pvc.spec?.selector && !selectorMatches(pvc.spec.selector, pv.metadata?.labels)) continue;
    if (preBound) return pv;
    if (!best || capacityBytes(pv) < capacityBytes(best)) best = pv;
  }
  return best;
}

export type ClaimPlan =
  | { action: 'bind'; volume: PersistentVolume }
  | { action: 'provision'; provisioner: string; storageClass: StorageClass }
  | { action: 'wait'; eventType: 'Normal' | 'Warning'; reason: string; message: string };

/**
 * What to do with an unbound claim (syncUnboundClaim): bind a matching volume; else provision through its
 * class (at once for Immediate, after the scheduler picked a node for WaitForFirstConsumer); else wait,
 * with the event the PV controller writes.
 */
export function planUnboundClaim(
  pvc: PersistentVolumeClaim, volumes: readonly PersistentVolume[], classes: readonly StorageClass[], selectedNode: boolean,
): ClaimPlan {
  const match = findMatchingVolume(pvc, volumes);
  if (match) return { action: 'bind', volume: match };
  const cls = classOf(pvc);
  if (!cls) {
    return { action: 'wait', eventType: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' };
  }
  const sc = classes.find((c) => c.metadata?.name === cls);
  if (!sc) return { action: 'wait', eventType: 'Warning', reason: 'ProvisioningFailed', message: `storageclass.storage.k8s.io "${cls}" not found` };
  if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !selectedNode) {
    return { action: 'wait', eventType: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' };
  }
  if (sc.provisioner === NO_PROVISIONER) {
    // a class for volumes written by hand: the claim waits for one (the controller's in-tree plugin lookup fails so)
    return { action: 'wait', eventType: 'Warning', reason: 'ProvisioningFailed', message: `no volume plugin matched name: ${NO_PROVISIONER}` };
  }
  return { action: 'provision', provisioner: sc.provisioner, storageClass: sc };
}

/** The phase a volume should show (syncVolume): Available without a claim, Bound with its claim, Released once it is gone. */
export function volumePhase(pv: PersistentVolume, claim: PersistentVolumeClaim | undefined): 'Available' | 'Bound' | 'Released' | 'Pending' {
  const ref = pv.spec?.claimRef;
  if (!ref) return 'Available';
  if (!claim || (ref.uid && claim.metadata?.uid !== ref.uid)) return ref.uid ? 'Released' : 'Available';
  return claim.spec?.volumeName === pv.metadata?.name ? 'Bound' : 'Available';
}
