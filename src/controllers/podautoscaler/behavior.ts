// The HPA's normalization of a desired replica count (horizontal.go): stabilization over recent
// recommendations, then the rate limits of the behavior's policies (or, without a behavior, the legacy
// 5-minute downscale window and the 2x/4-pod scale-up limit), then min/maxReplicas. Pure: the caller keeps
// one ScalingHistory per HPA and passes the time in.
import type { HPAScalingRules } from '../../kube/types.js';
import { defaultScaleDownRules, defaultScaleUpRules } from '../../kube/hpa.js';

export interface Recommendation { replicas: number; at: number }
export interface ScaleEvent { change: number; at: number; outdated?: boolean }

/** What the controller remembers of one HPA between syncs (its recommendations and scale events maps). */
export interface ScalingHistory {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export interface Limited {
  replicas: number;
  /** AbleToScale's reason and message after stabilization */
  ableReason: string;
  ableMessage: string;
  /** ScalingLimited: true when min/max or a rate limit changed the count */
  limited: boolean;
  limitReason: string;
  limitMessage: string;
}

export interface NormalizeArgs {
  current: number;
  desired: number;
  minReplicas: number;
  maxReplicas: number;
  behavior?: { scaleUp?: HPAScalingRules; scaleDown?: HPAScalingRules };
  now: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (no behavior): 5 min */
  downscaleStabilizationMs?: number;
}

export const DOWNSCALE_STABILIZATION_MS = 300_000;
const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;

export function newHistory(current: number, now: number): ScalingHistory {
  // recordInitialRecommendation: a restarted controller does not scale down at once
  return { recommendations: [{ replicas: current, at: now }], scaleUpEvents: [], scaleDownEvents: [] };
}

const STABILIZED_UP = ['ScaleUpStabilized', 'recent recommendations were lower than current one, applying the lowest recent recommendation'] as const;
const STABILIZED_DOWN = ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation'] as const;
const READY = ['ReadyForNewScale', 'recommended size matches current size'] as const;
const WITHIN = ['DesiredWithinRange', 'the desired count is within the acceptable range'] as const;

export function normalize(h: ScalingHistory, a: NormalizeArgs): Limited {
  return a.behavior ? normalizeWithBehaviors(h, a) : normalizeLegacy(h, a);
}

/** normalizeDesiredReplicas (spec.behavior unset) */
function normalizeLegacy(h: ScalingHistory, a: NormalizeArgs): Limited {
  const window = a.downscaleStabilizationMs ?? DOWNSCALE_STABILIZATION_MS;
  const cutoff = a.now - window;
  let max = a.desired;
  let replaced = false;
  h.recommendations.forEach((r, i) => {
    if (r.at < cutoff && !replaced) {
      h.recommendations[i] = { replicas: a.desired, at: a.now };
      replaced = true;
    } else if (r.at >= cutoff) {
      max = Math.max(max, r.replicas);
    }
  });
  if (!replaced) h.recommendations.push({ replicas: a.desired, at: a.now });
  const [ableReason, ableMessage] = max !== a.desired ? STABILIZED_DOWN : READY;
  const scaleUpLimit = Math.max(SCALE_UP_LIMIT_FACTOR * a.current, SCALE_UP_LIMIT_MINIMUM);
  let out = { replicas: max, reason: WITHIN[0] as string, message: WITHIN[1] as string };
  const [maxAllowed, reason, message] = a.maxReplicas > scaleUpLimit
    ? [scaleUpLimit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
    : [a.maxReplicas, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
  if (max < a.minReplicas) out = { replicas: a.minReplicas, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  else if (max > maxAllowed) out = { replicas: maxAllowed, reason, message };
  return { replicas: out.replicas, ableReason, ableMessage, limited: out.replicas !== max, limitReason: out.reason, limitMessage: out.message };
}

/** normalizeDesiredReplicasWithBehaviors */
function normalizeWithBehaviors(h: ScalingHistory, a: NormalizeArgs): Limited {
  const up = defaultScaleUpRules(a.behavior?.scaleUp);
  const down = defaultScaleDownRules(a.behavior?.scaleDown);
  const stabilized = stabilize(h, a, up.stabilizationWindowSeconds ?? 0, down.stabilizationWindowSeconds ?? 0);
  const [ableReason, ableMessage] = stabilized.replicas !== a.desired ? [stabilized.reason, stabilized.message] : READY;
  const rated = withRate(h, { ...a, desired: stabilized.replicas }, up, down);
  return { replicas: rated.replicas, ableReason, ableMessage, limited: rated.replicas !== stabilized.replicas, limitReason: rated.reason, limitMessage: rated.message };
}

/** stabilizeRecommendationWithBehaviors: the current count moved no further than every recent recommendation allows. */
export function stabilize(h: ScalingHistory, a: NormalizeArgs, upWindowSeconds: number, downWindowSeconds: number): { replicas: number; reason: string; message: string } {
  const upCutoff = a.now - upWindowSeconds * 1000;
  const downCutoff = a.now - downWindowSeconds * 1000;
  let upRec = a.desired;
  let downRec = a.desired;
  let oldIndex = -1;
  h.recommendations.forEach((r, i) => {
    if (r.at > upCutoff) upRec = Math.min(r.replicas, upRec);
    if (r.at > downCutoff) downRec = Math.max(r.replicas, downRec);
    if (r.at < upCutoff && r.at < downCutoff) oldIndex = i;
  });
  let replicas = a.current;
  if (replicas < upRec) replicas = upRec;
  if (replicas > downRec) replicas = downRec;
  if (oldIndex >= 0) h.recommendations[oldIndex] = { replicas: a.desired, at: a.now };
  else h.recommendations.push({ replicas: a.desired, at: a.now });
  const [reason, message] = a.desired >= a.current ? STABILIZED_UP : STABILIZED_DOWN;
  return { replicas, reason, message };
}

/** convertDesiredReplicasWithBehaviorRate */
function withRate(h: ScalingHistory, a: NormalizeArgs, up: HPAScalingRules, down: HPAScalingRules): { replicas: number; reason: string; message: string } {
  if (a.desired > a.current) {
    const limit = Math.max(scaleUpLimit(a.current, h.scaleUpEvents, h.scaleDownEvents, up, a.now), a.current);
    const [maxAllowed, reason, message] = a.maxReplicas > limit
      ? [limit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
      : [a.maxReplicas, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
    if (a.desired > maxAllowed) return { replicas: maxAllowed, reason, message };
  } else if (a.desired < a.current) {
    const limit = Math.min(scaleDownLimit(a.current, h.scaleUpEvents, h.scaleDownEvents, down, a.now), a.current);
    const [minAllowed, reason, message] = a.minReplicas < limit
      ? [limit, 'ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate']
      : [a.minReplicas, 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
    if (a.desired < minAllowed) return { replicas: minAllowed, reason, message };
  }
  return { replicas: a.desired, reason: WITHIN[0], message: WITHIN[1] };
}

/** getReplicasChangePerPeriod */
function changeInPeriod(periodSeconds: number, events: ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.filter((e) => e.at > cutoff).reduce((sum, e) => sum + e.change, 0);
}

/** calculateScaleUpLimitWithScalingRules */
export function scaleUpLimit(current: number, upEvents: ScaleEvent[], downEvents: ScaleEvent[], rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(p.periodSeconds, upEvents, now) + changeInPeriod(p.periodSeconds, downEvents, now);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors */
export function scaleDownLimit(current: number, upEvents: ScaleEvent[], downEvents: ScaleEvent[], rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(p.periodSeconds, upEvents, now) + changeInPeriod(p.periodSeconds, downEvents, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** storeScaleEvent: remembered only with a behavior, for as long as its longest policy period. */
export function recordScale(h: ScalingHistory, behavior: NormalizeArgs['behavior'], previous: number, next: number, now: number): void {
  if (!behavior) return;
  const rules = next > previous ? defaultScaleUpRules(behavior.scaleUp) : defaultScaleDownRules(behavior.scaleDown);
  const longest = Math.max(0, ...(rules.policies ?? []).map((p) => p.periodSeconds));
  const cutoff = now - longest * 1000;
  const key = next > previous ? 'scaleUpEvents' : 'scaleDownEvents';
  h[key] = h[key].filter((e) => e.at > cutoff);
  h[key].push({ change: Math.abs(next - previous), at: now });
}
