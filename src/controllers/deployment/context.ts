// What one reconcile of one Deployment works with: the store, a working copy of the Deployment whose
// status is edited in memory and written once at the end, and the pods of its ReplicaSets.
//
// The Deployment controller counts pods itself rather than trusting ReplicaSet status: the store is
// in-process and synchronous, so the pods are the freshest truth, and a ReplicaSet status a moment old
// could let a rollout scale down more than maxUnavailable allows.
import type { Deployment, Pod, ReplicaSet } from '../../kube/types.js';
import type { Store, Stored } from '../../store/store.js';
import { controllerRefOf } from '../util/owner-refs.js';
import { isPodActive, isPodAvailable, isPodReady } from '../../kube/pod.js';
import { minReadySeconds, rsReplicas } from './util.js';

export type RS = Stored<ReplicaSet>;

export class PodIndex {
  private readonly byOwner = new Map<string, Stored<Pod>[]>();

  constructor(pods: Stored<Pod>[]) {
    for (const pod of pods) {
      const uid = controllerRefOf(pod)?.uid;
      if (!uid) continue;
      const list = this.byOwner.get(uid) ?? [];
      list.push(pod);
      this.byOwner.set(uid, list);
    }
  }

  /** Every pod the set controls, terminating and finished ones included. */
  all(rs: ReplicaSet | undefined): Stored<Pod>[] {
    const uid = rs?.metadata?.uid;
    return uid ? this.byOwner.get(uid) ?? [] : [];
  }

  active(rs: ReplicaSet | undefined): Stored<Pod>[] {
    return this.all(rs).filter(isPodActive);
  }
}

export interface DeploymentContext {
  store: Store;
  /** working copy: status edits stay in memory until the final status write */
  d: Stored<Deployment>;
  pods: PodIndex;
  now: number;
}

export function activeCount(ctx: DeploymentContext, rs: ReplicaSet | undefined): number {
  return ctx.pods.active(rs).length;
}

export function readyCount(ctx: DeploymentContext, rs: ReplicaSet | undefined): number {
  return ctx.pods.active(rs).filter(isPodReady).length;
}

export function availableCount(ctx: DeploymentContext, rs: ReplicaSet | undefined): number {
  return ctx.pods.active(rs).filter((p) => isPodAvailable(p, minReadySeconds(ctx.d), ctx.now)).length;
}

/**
 * Available pods a set will keep: never more than its spec.replicas, since the extra ones are about to
 * be deleted. Used for scale-down decisions, so that they never count a pod that is going away.
 */
export function keptAvailable(ctx: DeploymentContext, rs: RS): number {
  return Math.min(availableCount(ctx, rs), rsReplicas(rs));
}

/** Pods a set has or will have: its spec.replicas, or more while extra pods still await deletion. */
export function podsHeld(ctx: DeploymentContext, rs: ReplicaSet): number {
  return Math.max(rsReplicas(rs), activeCount(ctx, rs));
}

export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** The newest copy of a set after this run may have scaled it. */
export function fresh(ctx: DeploymentContext, rs: RS): RS {
  return ctx.store.get<ReplicaSet>('ReplicaSet', rs.metadata.namespace, rs.metadata.name) ?? rs;
}
