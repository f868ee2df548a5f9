// What controllers, the endpoint view and front ends read from a pod's status (written by the kubelet):
// active, ready, available. These are
// Kubernetes' podutil.IsPodReady / IsPodAvailable and controller.IsPodActive, in one place.
import type { Pod, PodCondition } from './types.js';

/** Counts toward replicas: not terminal and not being deleted (a deleted pod is replaced at once). */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

export function readyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/**
 * Epoch milliseconds from which the pod counts as available (Ready for minReadySeconds), or undefined
 * when it is not ready. Kubernetes requires the Ready condition's lastTransitionTime; without one we
 * cannot wait, so the pod counts as available from now rather than never.
 */
export function availableSince(pod: Pod, minReadySeconds: number): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return undefined;
  if (!minReadySeconds || !c.lastTransitionTime) return 0;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? 0 : t + minReadySeconds * 1000;
}

export function isPodAvailable(pod: Pod, minReadySeconds: number, now = Date.now()): boolean {
  const since = availableSince(pod, minReadySeconds);
  // lastTransitionTime has whole seconds; "after" in Kubernetes is strict, so is ours.
  return since !== undefined && (since === 0 || since < now);
}

/**
 * Milliseconds until the first of `pods` that is ready but not yet available becomes available, for a
 * requeue; undefined when none is waiting.
 */
export function nextAvailableIn(pods: Pod[], minReadySeconds: number, now = Date.now()): number | undefined {
  let next: number | undefined;
  for (const pod of pods) {
    const since = availableSince(pod, minReadySeconds);
    if (since === undefined || since === 0 || since < now) continue;
    const wait = since - now + 1;
    next = next === undefined ? wait : Math.min(next, wait);
  }
  return next;
}

export function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}
