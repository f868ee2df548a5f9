// Changing a ReplicaSet's size on behalf of its Deployment, with the ScalingReplicaSet event that
// `kubectl describe deployment` shows. Only spec.replicas and the size annotations are written.
import type { ReplicaSet } from '../kube/types.js';
import { recordEvent, type EventSource } from '../store/events.js';
import { desiredReplicas, maxSurge, rsReplicas, setReplicasAnnotations } from './deployment-util.js';
import type { DeploymentContext, RS } from './deployment-context.js';

export const DEPLOYMENT_CONTROLLER: EventSource = { component: 'deployment-controller' };

export interface ScaleResult {
  scaled: boolean;
  rs: RS;
}

/** scaleReplicaSetAndRecordEvent: nothing to do when the size is already right. */
export function scaleReplicaSetAndRecordEvent(ctx: DeploymentContext, rs: RS, newScale: number): ScaleResult {
  if (rsReplicas(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(ctx, rs, newScale, newScale > rsReplicas(rs) ? 'up' : 'down');
}

/** Sets the size and the desired/max annotations; an event only when the size changes. */
export function scaleReplicaSet(ctx: DeploymentContext, rs: RS, newScale: number, operation: 'up' | 'down'): ScaleResult {
  const desired = desiredReplicas(ctx.d);
  const max = desired + maxSurge(ctx.d);
  const sizeChanges = rsReplicas(rs) !== newScale;
  const probe = structuredClone(rs);
  if (!sizeChanges && !setReplicasAnnotations(probe, desired, max)) return { scaled: false, rs };
  const updated = ctx.store.mutate<ReplicaSet>('ReplicaSet', rs.metadata.namespace, rs.metadata.name, (r) => {
    r.spec = { ...r.spec!, replicas: newScale };
    setReplicasAnnotations(r, desired, max);
  });
  if (!updated) return { scaled: false, rs };
  if (sizeChanges) {
    recordEvent(ctx.store, ctx.d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata.name} to ${newScale}`, {
      source: DEPLOYMENT_CONTROLLER,
    });
  }
  return { scaled: true, rs: updated };
}
