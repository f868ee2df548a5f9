// Small facts about a Deployment and its ReplicaSets (Kubernetes' deploymentutil): defaults, annotations,
// revisions, template equality, ordering. No store access here.
import type { Deployment, LabelSelector, ReplicaSet } from '../../kube/types.js';
import { APPS_DEFAULTS } from '../../kube/defaults.js';
import { fromLabelSelector } from '../../kube/labels.js';
import { equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from '../../kube/pod-template.js';
import { resolveFenceposts } from '../../kube/int-or-percent.js';

export { equalIgnoreHash, POD_TEMPLATE_HASH_LABEL };
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/** Deployment annotations that are not copied to its ReplicaSets (annotationsToSkip). */
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** progressDeadlineSeconds of MaxInt32 means "no deadline". */
const NO_DEADLINE = 2147483647;

// Defaults of apps/v1 (src/kube/defaults.ts, pkg/apis/apps/v1/defaults.go), read here too in case an
// object skipped them: the same values, from the one home.
export const desiredReplicas = (d: Deployment): number => d.spec?.replicas ?? APPS_DEFAULTS.replicas;
export const rsReplicas = (rs: ReplicaSet): number => rs.spec?.replicas ?? APPS_DEFAULTS.replicas;
export const isRollingUpdate = (d: Deployment): boolean => (d.spec?.strategy?.type || APPS_DEFAULTS.strategyType) === 'RollingUpdate';
export const minReadySeconds = (d: Deployment): number => d.spec?.minReadySeconds ?? APPS_DEFAULTS.minReadySeconds;
export const revisionHistoryLimit = (d: Deployment): number => d.spec?.revisionHistoryLimit ?? APPS_DEFAULTS.revisionHistoryLimit;

export function progressDeadlineSeconds(d: Deployment): number | undefined {
  const v = d.spec?.progressDeadlineSeconds ?? APPS_DEFAULTS.progressDeadlineSeconds;
  return v === NO_DEADLINE ? undefined : v;
}

function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desiredReplicas(d));
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(fenceposts(d).unavailable, desired);
}

export function hasSelector(obj: { spec?: { selector?: LabelSelector } }): boolean {
  return fromLabelSelector(obj.spec?.selector).length > 0;
}

export function revisionOf(rs: ReplicaSet): number {
  const v = Number(rs.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(v) && v > 0 ? v : 0;
}

export function maxRevision(rss: ReplicaSet[]): number {
  return Math.max(0, ...rss.map(revisionOf));
}

function created(o: { metadata?: { creationTimestamp?: string } }): number {
  return Date.parse(o.metadata?.creationTimestamp ?? '') || 0;
}

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = created(a) - created(b);
  if (d) return d;
  const an = a.metadata?.name ?? '', bn = b.metadata?.name ?? '';
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** ReplicaSetsByRevision: lowest revision first, then oldest. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/** ReplicaSetsBySizeNewer (scale up) and BySizeOlder (scale down): largest first, ties by age. */
export function bySize(newerFirst: boolean) {
  return (a: ReplicaSet, b: ReplicaSet): number => rsReplicas(b) - rsReplicas(a) || (newerFirst ? byCreation(b, a) : byCreation(a, b));
}

/** The oldest ReplicaSet whose template is the Deployment's (FindNewReplicaSet). */
export function findNewReplicaSet<T extends ReplicaSet>(d: Deployment, rsList: T[]): T | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/**
 * Copies the Deployment's own annotations to the ReplicaSet (kubernetes.io/change-cause among them, which
 * `rollout history` shows), leaving the controller's bookkeeping ones alone. Returns whether any changed.
 */
export function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || rs.metadata?.annotations?.[k] === v) continue;
    rs.metadata = { ...rs.metadata, annotations: { ...rs.metadata?.annotations, [k]: v } };
    changed = true;
  }
  return changed;
}

/** desired-replicas and max-replicas, which tell proportional scaling what size the set was made for. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  if (a[DESIRED_REPLICAS_ANNOTATION] === String(desired) && a[MAX_REPLICAS_ANNOTATION] === String(max)) return false;
  rs.metadata = {
    ...rs.metadata,
    annotations: { ...a, [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(max) },
  };
  return true;
}

/** SetNewReplicaSetAnnotations: copied annotations, the revision, and for a new set its sizes. */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  if (revisionOf(rs) < newRevision) {
    rs.metadata = { ...rs.metadata, annotations: { ...rs.metadata?.annotations, [REVISION_ANNOTATION]: String(newRevision) } };
    changed = true;
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

export function annotatedInt(rs: ReplicaSet, annotation: string): number | undefined {
  const raw = rs.metadata?.annotations?.[annotation];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  return Number.isInteger(v) ? v : undefined;
}
