// persistentVolumeClaim volumes, pure (docs/storage.md): what the scheduler's VolumeBinding plugin decides
// before a pod is bound to the node (claims missing, Immediate claims not bound yet, WaitForFirstConsumer
// claims to provision for this node), and what the kubelet's volume manager mounts once they are bound: the
// claim's PV's Docker named volume (mini-kube.io/docker-volume CSI driver, volumeHandle = the volume's name).
// The kubelet (kubelet.ts) looks the objects up and acts; table-tested in test/unit/kubelet/volume-claims.test.ts.
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../kube/types.js';
import { dockerVolumeOf } from '../kube/storage.js';

export interface ClaimLookup {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
  /** the class annotated as the default, which a claim without storageClassName gets */
  defaultClass(): StorageClass | undefined;
}

/** The mount of one persistentVolumeClaim volume of a pod. */
export interface ClaimMount {
  /** the Docker named volume */
  dockerVolume: string;
  pvName: string;
  readOnly: boolean;
}

export type SchedulingResult =
  | { schedulable: true }
  /** bind nothing yet: the scheduler's Unschedulable message, or a wait for provisioning (no message change) */
  | { schedulable: false; message?: string; selectNode: string[] };

const PREEMPTION = 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';

/** The scheduler's FailedScheduling text for one node: `0/1 nodes are available: <reason>. preemption: ...`. */
export function unschedulableMessage(reason: string): string {
  return `0/1 nodes are available: ${reason}. ${PREEMPTION}`;
}

/**
 * VolumeBinding's PreFilter/Filter/PreBind for the one node: a claim missing or being deleted, or an
 * unbound claim of an Immediate class, leaves the pod unschedulable (with the scheduler's message); an
 * unbound WaitForFirstConsumer claim is handed to the provisioner (the selected-node annotation, listed in
 * `selectNode`) and the pod waits until it is bound.
 */
export function claimScheduling(pod: Pod, lookup: ClaimLookup): SchedulingResult {
  const ns = pod.metadata?.namespace ?? 'default';
  const selectNode: string[] = [];
  let waits = false;
  for (const v of pod.spec?.volumes ?? []) {
    const name = v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const pvc = lookup.claim(ns, name);
    if (!pvc) return { schedulable: false, message: unschedulableMessage(`persistentvolumeclaim "${name}" not found`), selectNode: [] };
    if (pvc.metadata?.deletionTimestamp) return { schedulable: false, message: unschedulableMessage(`persistentvolumeclaim "${name}" is being deleted`), selectNode: [] };
    if (pvc.spec?.volumeName && pvc.status?.phase === 'Bound') continue;
    // a claim the PV controller has not given the default class yet is of that class already
    const className = pvc.spec?.storageClassName;
    const cls = className === undefined ? lookup.defaultClass() : className ? lookup.storageClass(className) : undefined;
    if (cls?.volumeBindingMode === 'WaitForFirstConsumer') {
      waits = true;
      if (!pvc.metadata?.annotations?.['volume.kubernetes.io/selected-node']) selectNode.push(name);
      continue;
    }
    return { schedulable: false, message: unschedulableMessage('pod has unbound immediate PersistentVolumeClaims'), selectNode: [] };
  }
  return waits ? { schedulable: false, selectNode } : { schedulable: true };
}

export type ClaimMounts = { ok: true; mounts: Map<string, ClaimMount> } | { ok: false; volume: string; message: string };

/** The volume manager's view of the pod's claims (desired_state_of_world_populator): each bound to a PV of mini-kube's driver. */
export function claimMounts(pod: Pod, lookup: ClaimLookup): ClaimMounts {
  const ns = pod.metadata?.namespace ?? 'default';
  const mounts = new Map<string, ClaimMount>();
  for (const v of pod.spec?.volumes ?? []) {
    const src = v.persistentVolumeClaim;
    if (!src?.claimName) continue;
    const pvc = lookup.claim(ns, src.claimName);
    if (!pvc) return { ok: false, volume: v.name, message: `error processing PVC ${ns}/${src.claimName}: persistentvolumeclaim "${src.claimName}" not found` };
    if (!pvc.spec?.volumeName || pvc.status?.phase !== 'Bound') {
      return { ok: false, volume: v.name, message: `error processing PVC ${ns}/${src.claimName}: PVC is not bound` };
    }
    const pv = lookup.volume(pvc.spec.volumeName);
    if (!pv) return { ok: false, volume: v.name, message: `error processing PVC ${ns}/${src.claimName}: persistentvolume "${pvc.spec.volumeName}" not found` };
    if (pv.spec?.claimRef?.uid && pv.spec.claimRef.uid !== pvc.metadata?.uid) {
      return { ok: false, volume: v.name, message: `error processing PVC ${ns}/${src.claimName}: the PV ${pv.metadata?.name} is bound to another claim` };
    }
    const dockerVolume = dockerVolumeOf(pv);
    if (!dockerVolume) return { ok: false, volume: v.name, message: `the PV ${pv.metadata?.name} is not a volume of the mini-kube.io/docker-volume driver` };
    mounts.set(v.name, { dockerVolume, pvName: pv.metadata?.name ?? '', readOnly: src.readOnly === true || pv.spec?.csi?.readOnly === true });
  }
  return { ok: true, mounts };
}
