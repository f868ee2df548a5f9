// The scheduler's VolumeBinding plugin, pure (docs/storage.md): before a pod is bound to a node, a claim
// missing or being deleted, or an unbound claim of an Immediate class, leaves it unschedulable with
// kube-scheduler's message; an unbound WaitForFirstConsumer claim is handed to the provisioner (the
// selected-node annotation) and the pod waits until it is bound. Used by src/scheduler; table-tested in
// test/unit/kubelet/volume-claims.test.ts.
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from './types.js';
import { isDefaultClass } from './storage.js';

export interface ClaimLookup {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
  /** the class annotated as the default, which a claim without storageClassName gets */
  defaultClass(): StorageClass | undefined;
}

/** The lookups over a store (the scheduler's and the kubelet's): its claims, volumes and classes as they are now. */
export function claimLookupFrom(store: {
  get(kind: 'PersistentVolumeClaim' | 'PersistentVolume' | 'StorageClass', namespace: string | undefined, name: string): unknown;
  list(kind: 'StorageClass'): unknown[];
}): ClaimLookup {
  return {
    claim: (ns, name) => store.get('PersistentVolumeClaim', ns, name) as PersistentVolumeClaim | undefined,
    volume: (name) => store.get('PersistentVolume', undefined, name) as PersistentVolume | undefined,
    storageClass: (name) => store.get('StorageClass', undefined, name) as StorageClass | undefined,
    defaultClass: () => (store.list('StorageClass') as StorageClass[]).find(isDefaultClass),
  };
}

export type SchedulingResult =
  | { schedulable: true }
  /** bind nothing yet: the scheduler's Unschedulable message, or a wait for provisioning (no message change) */
  | { schedulable: false; message?: string; selectNode: string[] };

/** kube-scheduler's FailedScheduling text for a PreFilter failure: `0/N nodes are available: <reason>. preemption: ...`. */
export function unschedulableMessage(reason: string, nodes = 1): string {
  return `0/${nodes} nodes are available: ${reason}. preemption: 0/${nodes} nodes are available: ${nodes} Preemption is not helpful for scheduling.`;
}

/**
 * VolumeBinding's PreFilter/Filter/PreBind for the one node: a claim missing or being deleted, or an
 * unbound claim of an Immediate class, leaves the pod unschedulable (with the scheduler's message); an
 * unbound WaitForFirstConsumer claim is handed to the provisioner (the selected-node annotation, listed in
 * `selectNode`) and the pod waits until it is bound.
 */
export function claimScheduling(pod: Pod, lookup: ClaimLookup, nodes = 1): SchedulingResult {
  const ns = pod.metadata?.namespace ?? 'default';
  const selectNode: string[] = [];
  let waits = false;
  for (const v of pod.spec?.volumes ?? []) {
    const name = v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const pvc = lookup.claim(ns, name);
    if (!pvc) return { schedulable: false, message: unschedulableMessage(`persistentvolumeclaim "${name}" not found`, nodes), selectNode: [] };
    if (pvc.metadata?.deletionTimestamp) return { schedulable: false, message: unschedulableMessage(`persistentvolumeclaim "${name}" is being deleted`, nodes), selectNode: [] };
    if (pvc.spec?.volumeName && pvc.status?.phase === 'Bound') continue;
    // a claim the PV controller has not given the default class yet is of that class already
    const className = pvc.spec?.storageClassName;
    const cls = className === undefined ? lookup.defaultClass() : className ? lookup.storageClass(className) : undefined;
    if (cls?.volumeBindingMode === 'WaitForFirstConsumer') {
      waits = true;
      if (!pvc.metadata?.annotations?.['volume.kubernetes.io/selected-node']) selectNode.push(name);
      continue;
    }
    return { schedulable: false, message: unschedulableMessage('pod has unbound immediate PersistentVolumeClaims', nodes), selectNode: [] };
  }
  return waits ? { schedulable: false, selectNode } : { schedulable: true };
}

