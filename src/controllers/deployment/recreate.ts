// The Recreate strategy (pkg/controller/deployment/recreate.go): scale every old ReplicaSet to zero, wait
// until none of their pods runs any more, then bring up the new set at full size.
import type { DeploymentContext, RS } from './context.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent } from './sync.js';
import { deploymentComplete, syncRolloutStatus } from './status.js';
import { desiredReplicas, rsReplicas } from './util.js';

export function rolloutRecreate(ctx: DeploymentContext, rsList: RS[]): number | undefined {
  let { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, rsList, false);
  const all = () => (newRS ? [...oldRSs, newRS] : oldRSs);

  let scaledDown = false;
  oldRSs = oldRSs.map((rs) => {
    if (rsReplicas(rs) === 0) return rs;
    const r = scaleReplicaSetAndRecordEvent(ctx, rs, 0);
    scaledDown ||= r.scaled;
    return r.rs;
  });
  if (scaledDown) return syncRolloutStatus(ctx, all(), newRS);

  // Terminating pods still run: the new pods must not meet them.
  if (oldPodsRunning(ctx, oldRSs)) return syncRolloutStatus(ctx, all(), newRS);

  if (!newRS) ({ newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, rsList, true));
  if (!newRS) throw new Error('no new replica set after creating it');
  newRS = scaleReplicaSetAndRecordEvent(ctx, newRS, desiredReplicas(ctx.d)).rs;

  if (deploymentComplete(ctx.d, ctx.d.status)) oldRSs = cleanupDeployment(ctx, oldRSs);
  return syncRolloutStatus(ctx, all(), newRS);
}

/** Any pod of an old set that has not finished (Failed or Succeeded) counts as running, deleted or not. */
function oldPodsRunning(ctx: DeploymentContext, oldRSs: RS[]): boolean {
  return oldRSs.some((rs) => ctx.pods.all(rs).some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded'));
}
