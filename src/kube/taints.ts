// Taints and tolerations (k8s.io/api/core/v1 toleration.go, taint.go; component-helpers' scheduling
// helpers): the one home of "does this toleration tolerate that taint", which the scheduler's
// TaintToleration plugin, the taint-eviction controller and the node-lifecycle controller all read.
import type { Pod, Taint, Toleration } from './types.js';

/** The taints Kubernetes itself puts on nodes (well_known_taints.go). */
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';

/** The DefaultTolerationSeconds admission plugin's default for not-ready and unreachable (300 s). */
export const DEFAULT_TOLERATION_SECONDS = 300;

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** Toleration.ToleratesTaint: empty key with Exists tolerates every taint; empty effect every effect. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists': return true;
    case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    default: return false;
  }
}

export function toleratedBy(taint: Taint, tolerations: readonly Toleration[] | undefined): boolean {
  return (tolerations ?? []).some((t) => tolerates(t, taint));
}

/** The first taint of `effects` that no toleration tolerates (FindMatchingUntoleratedTaint), or undefined. */
export function untoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, effects: readonly string[]): Taint | undefined {
  return (taints ?? []).find((taint) => effects.includes(taint.effect) && !toleratedBy(taint, tolerations));
}

/** `key=value:effect` (or `key:effect`), as kubectl taint and describe node write a taint. */
export function formatTaint(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/**
 * The DefaultTolerationSeconds admission plugin: a pod that does not tolerate the not-ready and
 * unreachable NoExecute taints gets tolerations for them with tolerationSeconds 300, so that a node
 * failing evicts its pods after five minutes rather than at once. Changes the pod in place.
 */
export function addDefaultTolerations(pod: Pod, seconds = DEFAULT_TOLERATION_SECONDS): void {
  const spec = pod.spec;
  if (!spec) return;
  const tolerations = spec.tolerations ?? [];
  for (const key of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
    const covered = tolerations.some((t) => (t.effect === 'NoExecute' || !t.effect) && (t.operator === 'Exists' && !t.key || t.key === key));
    if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  spec.tolerations = tolerations;
}

/**
 * How long a pod may stay on a node with these NoExecute taints (taint-eviction's getMinTolerationTime):
 * undefined = forever (every matching toleration has no tolerationSeconds), 0 = evict now (a taint is not
 * tolerated), else the smallest tolerationSeconds (negative counts as 0), in seconds.
 */
export function minTolerationSeconds(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): number | undefined {
  let min: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = (tolerations ?? []).filter((t) => tolerates(t, taint));
    if (!matching.length) return 0;
    for (const t of matching) {
      if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
      const s = Math.max(0, t.tolerationSeconds);
      min = min === undefined ? s : Math.min(min, s);
    }
  }
  return min;
}
