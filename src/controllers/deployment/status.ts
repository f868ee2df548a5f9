// Deployment status: the counts (calculateStatus), the Available condition, and the Progressing
// condition of a rollout (syncRolloutStatus), as the Kubernetes Deployment controller computes them.
import type { Deployment, DeploymentStatus } from '../../kube/types.js';
import { deepEqual } from '../../kube/canonical-json.js';
import { getCondition, newCondition, Reason, removeCondition, setCondition } from './conditions.js';
import { activeCount, availableCount, readyCount, sum, type DeploymentContext, type RS } from './context.js';
import { desiredReplicas, maxUnavailable, progressDeadlineSeconds, rsReplicas } from './util.js';

/** The counts and the Available condition; other conditions are carried over from the working copy. */
export function calculateStatus(ctx: DeploymentContext, allRSs: RS[], newRS: RS | undefined): DeploymentStatus {
  const { d } = ctx;
  const available = sum(allRSs.map((rs) => availableCount(ctx, rs)));
  // More available than wanted happens while scaling down; never report a negative.
  const unavailable = Math.max(0, sum(allRSs.map(rsReplicas)) - available);
  const counts: Record<string, number | undefined> = {
    observedGeneration: d.metadata.generation,
    replicas: sum(allRSs.map((rs) => activeCount(ctx, rs))),
    updatedReplicas: activeCount(ctx, newRS),
    readyReplicas: sum(allRSs.map((rs) => readyCount(ctx, rs))),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    collisionCount: d.status?.collisionCount,
  };
  const status: DeploymentStatus = {};
  // Zero counts are left out, as Go's omitempty leaves them out of real objects.
  for (const [k, v] of Object.entries(counts)) if (v) (status as Record<string, number>)[k] = v;
  status.conditions = structuredClone(d.status?.conditions ?? []);
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.'));
  } else {
    setCondition(status, newCondition('Available', 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.'));
  }
  return status;
}

/** DeploymentComplete: every desired pod is updated and available, and this generation was seen. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus | undefined): boolean {
  const want = desiredReplicas(d);
  return (s?.updatedReplicas ?? 0) === want && (s?.replicas ?? 0) === want && (s?.availableReplicas ?? 0) === want &&
    (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** DeploymentProgressing: more updated, ready or available pods, or fewer old ones, than last time. */
function deploymentProgressing(d: Deployment, next: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

function deploymentTimedOut(d: Deployment, next: DeploymentStatus, now: number): boolean {
  const deadline = progressDeadlineSeconds(d);
  const c = getCondition(next, 'Progressing');
  if (deadline === undefined || !c) return false;
  if (c.reason === Reason.NewReplicaSetAvailable) return false;
  if (c.reason === Reason.ProgressDeadlineExceeded) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return !Number.isNaN(from) && from + deadline * 1000 < now;
}

/** Writes the status if it changed; only the status, so other writers' fields stay as they are. */
export function writeStatus(ctx: DeploymentContext, status: DeploymentStatus): void {
  const { d, store } = ctx;
  store.mutate<Deployment>('Deployment', d.metadata.namespace, d.metadata.name, (o) => {
    if (deepEqual(o.status ?? {}, status)) return false;
    o.status = status;
  });
}

/** syncDeploymentStatus: counts only, for a scaling or paused Deployment. */
export function syncDeploymentStatus(ctx: DeploymentContext, allRSs: RS[], newRS: RS | undefined): undefined {
  writeStatus(ctx, calculateStatus(ctx, allRSs, newRS));
  return undefined;
}

/**
 * syncRolloutStatus: counts plus the Progressing condition of the rollout. Returns when to look again
 * for a progress deadline that may pass (requeueStuckDeployment).
 */
export function syncRolloutStatus(ctx: DeploymentContext, allRSs: RS[], newRS: RS | undefined): number | undefined {
  const { d } = ctx;
  const next = calculateStatus(ctx, allRSs, newRS);
  const deadline = progressDeadlineSeconds(d);
  if (deadline === undefined) removeCondition(next, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const isComplete = next.replicas === next.updatedReplicas && current?.reason === Reason.NewReplicaSetAvailable;
  if (deadline !== undefined && !isComplete) {
    const rsName = newRS?.metadata.name;
    if (deploymentComplete(d, next)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setCondition(next, newCondition('Progressing', 'True', Reason.NewReplicaSetAvailable, msg));
    } else if (deploymentProgressing(d, next)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const c = newCondition('Progressing', 'True', Reason.ReplicaSetUpdated, msg);
      // Progress refreshes lastUpdateTime even with the same reason (that is what the deadline measures).
      if (current) {
        if (current.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
        removeCondition(next, 'Progressing');
      }
      setCondition(next, c);
    } else if (deploymentTimedOut(d, next, ctx.now)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(next, newCondition('Progressing', 'False', Reason.ProgressDeadlineExceeded, msg));
    }
  }
  writeStatus(ctx, next);
  return requeueForDeadline(ctx, next);
}

function requeueForDeadline(ctx: DeploymentContext, status: DeploymentStatus): number | undefined {
  const deadline = progressDeadlineSeconds(ctx.d);
  const c = getCondition(status, 'Progressing');
  if (deadline === undefined || !c || deploymentComplete(ctx.d, status)) return undefined;
  if (c.reason === Reason.ProgressDeadlineExceeded || c.reason === Reason.NewReplicaSetAvailable) return undefined;
  const from = Date.parse(c.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return undefined;
  // Timestamps have whole seconds: look a second after the deadline to be sure it has passed.
  return Math.max(0, from + deadline * 1000 - ctx.now) + 1000;
}
