// maxSurge and maxUnavailable: an integer or a percentage of the desired replicas, rounded as
// Kubernetes' intstr.GetScaledValueFromIntOrPercent and deploymentutil.ResolveFenceposts do.
import { APPS_DEFAULTS } from './defaults.js';

export type IntOrString = number | string;

export function scaledValue(value: IntOrString | undefined, fallback: IntOrString, total: number, roundUp: boolean): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v.trim());
  if (m) {
    const exact = (Number(m[1]) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  // Validation rejects a bare numeric string; should one get here, read it as the number it spells.
  const n = Number(v);
  if (Number.isInteger(n)) return n;
  throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage: "${v}"`);
}

/** surge rounds up, unavailable down; both 0 would block the rollout, so unavailable becomes 1. */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, APPS_DEFAULTS.maxSurge, desired, true);
  let unavailable = scaledValue(maxUnavailable, APPS_DEFAULTS.maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}
