// PodDisruptionBudget arithmetic (pkg/controller/disruption): how many of the selected pods must stay
// healthy and how many disruptions that allows. The disruption controller writes it into the PDB's
// status; the eviction subresource reads it. Pure.
import type { Pod, PodDisruptionBudget } from './types.js';
import { isPodReady } from './pod.js';
import { selectorMatches } from './labels.js';

export function pdbSelects(pdb: PodDisruptionBudget, pod: Pod): boolean {
  // policy/v1: an empty selector selects every pod of the namespace; a missing one none
  if (!pdb.spec?.selector) return false;
  return (pod.metadata?.namespace ?? 'default') === (pdb.metadata?.namespace ?? 'default') && selectorMatches(pdb.spec.selector, pod.metadata?.labels);
}

/** A pod counts as healthy when Ready and not being deleted (countHealthyPods). */
export function isHealthy(pod: Pod): boolean {
  return !pod.metadata?.deletionTimestamp && isPodReady(pod);
}

function scaled(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  return m ? Math.ceil((Number(m[1]) * total) / 100) : Number(v) || 0;
}

export interface PdbCounts {
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

/**
 * The budget over `pods` (the selected pods). expected: the controllers' desired replicas when known
 * (`expectedScale`), else the number of pods, as getExpectedPodCount does for an integer minAvailable.
 */
export function pdbCounts(pdb: PodDisruptionBudget, pods: Pod[], expectedScale?: number): PdbCounts {
  const live = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const currentHealthy = live.filter(isHealthy).length;
  const spec = pdb.spec ?? {};
  let expectedPods = live.length;
  let desiredHealthy: number;
  if (spec.maxUnavailable !== undefined) {
    expectedPods = expectedScale ?? live.length;
    desiredHealthy = Math.max(0, expectedPods - scaled(spec.maxUnavailable, expectedPods));
  } else if (typeof spec.minAvailable === 'string') {
    expectedPods = expectedScale ?? live.length;
    desiredHealthy = scaled(spec.minAvailable, expectedPods);
  } else {
    desiredHealthy = spec.minAvailable ?? 0;
  }
  return { expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) };
}
