// ReplicaSet status as Kubernetes computes it (calculateStatus in replica_set_utils.go), from the pods the
// ReplicaSet controls. Zero counts are left out, as Go's omitempty leaves them out of real objects.
import type { Pod, ReplicaSet, ReplicaSetStatus } from '../../kube/types.js';
import { timestamp, type Stored } from '../../store/store.js';
import { isPodActive, isPodAvailable, isPodReady } from '../../kube/pod.js';

/** What went wrong creating or deleting pods in this round, for the ReplicaFailure condition. */
export interface ManageFailure {
  reason: 'FailedCreate' | 'FailedDelete';
  message: string;
}

export function calculateReplicaSetStatus(
  rs: Stored<ReplicaSet>,
  ownedPods: Pod[],
  failure: ManageFailure | undefined,
  now = Date.now(),
): ReplicaSetStatus {
  const active = ownedPods.filter(isPodActive);
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  // fullyLabeled: carries every label of the template, not just the selector's.
  const fullyLabeled = active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata?.labels?.[k] === v)).length;
  const ready = active.filter(isPodReady).length;
  const available = active.filter((p) => isPodAvailable(p, minReadySeconds, now)).length;
  const status: ReplicaSetStatus = { replicas: active.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (rs.metadata.generation !== undefined) status.observedGeneration = rs.metadata.generation;
  // ReplicaFailure is set on the first failure and kept (with its first time) until a round succeeds.
  const others = (rs.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  const current = rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  const conditions = failure
    ? [...others, current ?? { type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: failure.message, lastTransitionTime: timestamp() }]
    : others;
  if (conditions.length) status.conditions = conditions;
  return status;
}
