// How big the new ReplicaSet may be right now (deploymentutil.NewRSNewReplicas).
import type { ReplicaSet } from '../kube/types.js';
import { desiredReplicas, isRollingUpdate, maxSurge, rsReplicas } from './deployment-util.js';
import { podsHeld, sum, type DeploymentContext } from './deployment-context.js';

/**
 * RollingUpdate: grow towards the desired count without all sets together holding more than
 * desired + maxSurge pods. A set's pods are its spec.replicas, or more while surplus pods still await
 * deletion (Kubernetes counts spec only; counting the surplus keeps the bound true of real pods too).
 * Recreate: the full count at once (old pods are gone by then).
 */
export function newRSNewReplicas(ctx: DeploymentContext, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  const desired = desiredReplicas(ctx.d);
  if (!isRollingUpdate(ctx.d)) return desired;
  const current = sum(allRSs.map((rs) => podsHeld(ctx, rs)));
  const maxTotal = desired + maxSurge(ctx.d);
  if (current >= maxTotal) return rsReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, desired - rsReplicas(newRS));
  return rsReplicas(newRS) + Math.max(0, scaleUp);
}
