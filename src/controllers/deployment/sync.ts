// The sync of a Deployment as pkg/controller/deployment/sync.go has it: scaling (spec.replicas changed
// without a template change: isScalingEvent, scale), resizing one ReplicaSet with its ScalingReplicaSet
// event (scaleReplicaSet), and pruning history to revisionHistoryLimit (cleanupDeployment). Mid-rollout a
// scale is spread over the sets in proportion to their sizes, so a rollout in progress keeps its shape.
// The strategies that call these live beside it, as in Kubernetes: rolling.ts and recreate.ts.
import type { Deployment, LabelSelector, ReplicaSet } from '../../kube/types.js';
import { StatusError } from '../../kube/errors.js';
import type { Stored } from '../../store/store.js';
import { podTemplateHash } from '../util/hash.js';
import { isControlledBy, newControllerRef } from '../util/owner-refs.js';
import { getCondition, newCondition, Reason, setCondition } from './conditions.js';
import { recordEvent, type EventSource } from '../../store/events.js';
import type { DeploymentContext, RS } from './context.js';
import { availableCount, fresh, podsHeld, sum } from './context.js';
import { syncDeploymentStatus } from './status.js';
import {
  annotatedInt,
  byCreation,
  byRevision,
  bySize,
  DESIRED_REPLICAS_ANNOTATION,
  desiredReplicas,
  equalIgnoreHash,
  findNewReplicaSet,
  isRollingUpdate,
  MAX_REPLICAS_ANNOTATION,
  maxRevision,
  maxSurge,
  minReadySeconds,
  POD_TEMPLATE_HASH_LABEL,
  progressDeadlineSeconds,
  REVISION_ANNOTATION,
  revisionHistoryLimit,
  rsReplicas,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './util.js';

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

// --- scaleReplicaSet: one set resized on behalf of its Deployment ---
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

// --- cleanupDeployment: revisionHistoryLimit; only sets fully scaled down and settled are deleted ---
/** Returns the old sets that remain. */
export function cleanupDeployment(ctx: DeploymentContext, oldRSs: RS[]): RS[] {
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - revisionHistoryLimit(ctx.d);
  if (diff <= 0) return oldRSs;
  const deleted = new Set<string>();
  for (const rs of [...cleanable].sort(byRevision).slice(0, diff)) {
    const settled = (rs.status?.observedGeneration ?? 0) >= (rs.metadata.generation ?? 0);
    // A set that still has pods (or whose controller has not caught up) is not history yet.
    if (rsReplicas(rs) !== 0 || (rs.status?.replicas ?? 0) !== 0 || !settled || ctx.pods.active(rs).length) continue;
    ctx.store.delete('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
    deleted.add(rs.metadata.uid);
  }
  return oldRSs.filter((rs) => !deleted.has(rs.metadata.uid));
}

// --- getAllReplicaSetsAndSyncRevision: the new set (the current template's), created as <deployment>-<pod-template-hash> ---
export interface SplitReplicaSets {
  newRS: RS | undefined;
  oldRSs: RS[];
}

/** getAllReplicaSetsAndSyncRevision: the new set (created when asked) and all the others. */
export function getAllReplicaSetsAndSyncRevision(ctx: DeploymentContext, rsList: RS[], createIfNotExisted: boolean): SplitReplicaSets {
  const existing = findNewReplicaSet(ctx.d, rsList);
  const oldRSs = rsList.filter((rs) => rs !== existing);
  return { newRS: getNewReplicaSet(ctx, existing, oldRSs, createIfNotExisted), oldRSs };
}

function getNewReplicaSet(ctx: DeploymentContext, existing: RS | undefined, oldRSs: RS[], create: boolean): RS | undefined {
  const { store, d } = ctx;
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) {
    // The current template's set gets the newest revision (a rollback to an old template reuses its set).
    const probe = structuredClone(existing);
    const annotationsChange = setNewReplicaSetAnnotations(d, probe, newRevision, true);
    if (annotationsChange || (existing.spec?.minReadySeconds ?? 0) !== minReadySeconds(d)) {
      return store.mutate<ReplicaSet>('ReplicaSet', existing.metadata.namespace, existing.metadata.name, (r) => {
        setNewReplicaSetAnnotations(d, r, newRevision, true);
        r.spec = { ...r.spec!, minReadySeconds: minReadySeconds(d) };
        // 0 is the default, which Kubernetes leaves out of the object.
        if (!r.spec.minReadySeconds) delete r.spec.minReadySeconds;
      }) ?? existing;
    }
    setDeploymentRevision(ctx, existing.metadata.annotations?.[REVISION_ANNOTATION]);
    if (progressDeadlineSeconds(d) !== undefined && !getCondition(d.status, 'Progressing')) {
      setCondition(d.status!, newCondition('Progressing', 'True', Reason.FoundNewReplicaSet, `Found new replica set "${existing.metadata.name}"`));
    }
    return existing;
  }
  if (!create) return undefined;

  const rs = newReplicaSetFor(d);
  rs.spec!.replicas = newRSNewReplicas(ctx, [...oldRSs, rs], rs);
  setNewReplicaSetAnnotations(d, rs, newRevision, false);
  let created: RS;
  try {
    created = store.create<ReplicaSet>(rs);
  } catch (err) {
    if (!(err instanceof StatusError) || err.reason !== 'AlreadyExists') throw err;
    const found = store.get<ReplicaSet>('ReplicaSet', d.metadata.namespace, rs.metadata!.name!);
    if (found && isControlledBy(found, d) && equalIgnoreHash(found.spec?.template, d.spec?.template)) return found;
    // A set of that name runs another template: a hash collision. Counting it changes the next hash.
    const collisionCount = (d.status?.collisionCount ?? 0) + 1;
    store.mutate<Deployment>('Deployment', d.metadata.namespace, d.metadata.name, (o) => {
      o.status = { ...o.status, collisionCount };
    });
    throw new Error(`replica set "${rs.metadata!.name}" already exists with another template; collisionCount is now ${collisionCount}`, { cause: err });
  }
  const replicas = created.spec?.replicas ?? 0;
  if (replicas > 0) {
    recordEvent(store, d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} to ${replicas}`, { source: DEPLOYMENT_CONTROLLER });
  }
  setDeploymentRevision(ctx, String(newRevision));
  if (progressDeadlineSeconds(d) !== undefined) {
    setCondition(d.status!, newCondition('Progressing', 'True', Reason.NewReplicaSetCreated, `Created new replica set "${created.metadata.name}"`));
  }
  return created;
}

/** The new ReplicaSet object: the template with pod-template-hash in its labels and the selector. */
function newReplicaSetFor(d: Stored<Deployment>): ReplicaSet {
  const hash = podTemplateHash(d.spec?.template, d.status?.collisionCount);
  const template = structuredClone(d.spec?.template ?? {});
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector: LabelSelector = structuredClone(d.spec?.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      ownerReferences: [newControllerRef(d)],
    },
    spec: { replicas: 0, ...(minReadySeconds(d) ? { minReadySeconds: minReadySeconds(d) } : {}), selector, template },
  };
}

/** The Deployment carries the revision of its new set, which `rollout history` and `describe` show. */
function setDeploymentRevision(ctx: DeploymentContext, revision: string | undefined): void {
  if (!revision || ctx.d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
  ctx.d.metadata.annotations = { ...ctx.d.metadata.annotations, [REVISION_ANNOTATION]: revision };
  ctx.store.mutate<Deployment>('Deployment', ctx.d.metadata.namespace, ctx.d.metadata.name, (o) => {
    o.metadata.annotations = { ...o.metadata.annotations, [REVISION_ANNOTATION]: revision };
  });
}

// --- NewRSNewReplicas (deploymentutil): how big the new ReplicaSet may be right now ---
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
