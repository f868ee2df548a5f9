// Scaling a Deployment (spec.replicas changed) without a template change (pkg/controller/deployment/
// sync.go: isScalingEvent, scale). Mid-rollout the change is spread over the sets in proportion to their
// sizes, so a rollout in progress keeps its shape.
import type { DeploymentContext, RS } from './deployment-context.js';
import { availableCount, fresh, sum } from './deployment-context.js';
import { cleanupDeployment } from './deployment-cleanup.js';
import { getAllReplicaSetsAndSyncRevision } from './deployment-replicasets.js';
import { scaleReplicaSet, scaleReplicaSetAndRecordEvent } from './deployment-scaling.js';
import { syncDeploymentStatus } from './deployment-status.js';
import {
  annotatedInt,
  byCreation,
  bySize,
  DESIRED_REPLICAS_ANNOTATION,
  desiredReplicas,
  isRollingUpdate,
  MAX_REPLICAS_ANNOTATION,
  maxSurge,
  rsReplicas,
} from './deployment-util.js';

const active = (rss: (RS | undefined)[]): RS[] => rss.filter((rs): rs is RS => !!rs && rsReplicas(rs) > 0);

/** A set with pods was sized for another spec.replicas than the Deployment's now. */
export function isScalingEvent(ctx: DeploymentContext, rsList: RS[]): boolean {
  return active(rsList).some((rs) => {
    const desired = annotatedInt(rs, DESIRED_REPLICAS_ANNOTATION);
    return desired !== undefined && desired !== desiredReplicas(ctx.d);
  });
}

/** sync: scale, and keep history short while paused, then counts-only status. */
export function syncScale(ctx: DeploymentContext, rsList: RS[]): number | undefined {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, rsList, false);
  scale(ctx, newRS, oldRSs);
  let remaining = oldRSs;
  if (ctx.d.spec?.paused) remaining = cleanupDeployment(ctx, oldRSs);
  const freshNew = newRS && fresh(ctx, newRS);
  return syncDeploymentStatus(ctx, [...remaining.map((rs) => fresh(ctx, rs)), ...(freshNew ? [freshNew] : [])], freshNew);
}

function scale(ctx: DeploymentContext, newRS: RS | undefined, oldRSs: RS[]): void {
  const desired = desiredReplicas(ctx.d);
  // Only one set has pods (or none has): it takes the whole count.
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    scaleReplicaSetAndRecordEvent(ctx, only, desired);
    return;
  }
  // The new set is complete: the old ones are simply scaled away.
  if (newRS && isSaturated(ctx, newRS)) {
    for (const rs of active(oldRSs)) scaleReplicaSetAndRecordEvent(ctx, rs, 0);
    return;
  }
  if (!isRollingUpdate(ctx.d)) return;

  let all = active([...oldRSs, newRS]);
  const allowed = desired > 0 ? desired + maxSurge(ctx.d) : 0;
  const toAdd = allowed - sum(all.map(rsReplicas));
  // Growing favours the largest and newest sets, shrinking the largest and oldest.
  if (toAdd > 0) all = all.sort(bySize(true));
  else if (toAdd < 0) all = all.sort(bySize(false));
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of all) {
    const proportion = toAdd !== 0 ? getProportion(ctx, rs, toAdd, added) : 0;
    sizes.set(rs.metadata.name, rsReplicas(rs) + proportion);
    added += proportion;
  }
  // Rounding leftovers go to the largest set.
  if (toAdd !== 0 && all.length) {
    const first = all[0]!.metadata.name;
    sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
  }
  const operation = toAdd > 0 ? 'up' : 'down';
  for (const rs of all) scaleReplicaSet(ctx, rs, sizes.get(rs.metadata.name)!, operation);
}

/** FindActiveOrLatest: the one set with pods, or the newest when none has; undefined when several have. */
function findActiveOrLatest(newRS: RS | undefined, oldRSs: RS[]): RS | undefined {
  if (!newRS && !oldRSs.length) return undefined;
  const newestFirst = [...oldRSs].sort(byCreation).reverse();
  const all = active([...newestFirst, newRS]);
  if (all.length === 0) return newRS ?? newestFirst[0];
  return all.length === 1 ? all[0] : undefined;
}

function isSaturated(ctx: DeploymentContext, rs: RS): boolean {
  const desired = desiredReplicas(ctx.d);
  return rsReplicas(rs) === desired && annotatedInt(rs, DESIRED_REPLICAS_ANNOTATION) === desired && availableCount(ctx, rs) === desired;
}

/** GetProportion: this set's share of the change, capped by what is left to hand out. */
function getProportion(ctx: DeploymentContext, rs: RS, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(ctx, rs);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(ctx: DeploymentContext, rs: RS): number {
  const desired = desiredReplicas(ctx.d);
  if (desired === 0) return -rsReplicas(rs);
  const deploymentReplicas = desired + maxSurge(ctx.d);
  // The size the set was made for; without the annotation, the Deployment's last known size.
  const annotated = annotatedInt(rs, MAX_REPLICAS_ANNOTATION) ?? ctx.d.status?.replicas ?? 0;
  if (!annotated) return 0;
  return roundHalfAwayFromZero((rsReplicas(rs) * deploymentReplicas) / annotated) - rsReplicas(rs);
}

/** Go's math.Round, which JavaScript's Math.round is not for negative halves. */
function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}
