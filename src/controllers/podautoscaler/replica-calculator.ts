// The HPA's replica calculator (pkg/controller/podautoscaler/replica_calculator.go), pure: the pods the
// target selects, their metrics and requests in, a replica count out. Values are milli-units (millicores,
// milli-bytes) as the controller's metrics client reads them (MilliValue). Pods are grouped as groupPods
// does: deleted or failed ones ignored, pending ones unready, ones without a metric missing, and (for cpu)
// ones not ready or still in their first window after becoming ready unready; then a change within the
// tolerance (0.1) is no change, and missing and unready pods are assumed at 0% on a scale up and at 100%
// (or the target) on a scale down, never flipping the direction.
import type { Pod } from '../../kube/types.js';
import { parseQuantity } from '../../kube/quantity.js';

export const DEFAULT_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period */
export const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay */
export const INITIAL_READINESS_DELAY_MS = 30_000;

export interface PodMetric {
  /** milli-units: millicores for cpu, milli-bytes for memory */
  value: number;
  /** when the window ended, and its length (ms) */
  timestamp: number;
  windowMs: number;
}

export interface CalculatorInput {
  /** the scale's spec.replicas */
  currentReplicas: number;
  /** the pods the target's selector selects */
  pods: Pod[];
  /** by pod name */
  metrics: Map<string, PodMetric>;
  resource: 'cpu' | 'memory';
  now: number;
  tolerance?: number;
}

export interface Proposal {
  replicas: number;
  /** the average utilization in percent (Utilization targets) */
  utilization?: number;
  /** the average usage per pod, milli-units */
  rawAverage: number;
  timestamp: number;
}

export class CalculatorError extends Error {}

/** GetResourceReplicas: a target utilization in percent of the pods' requests. */
export function resourceReplicas(input: CalculatorInput, targetUtilization: number): Proposal {
  const { metrics, ready, unready, missing } = prepare(input);
  const requests = podRequests(input.pods, input.resource);
  const first = utilizationRatio(metrics, requests, targetUtilization);
  const tolerance = input.tolerance ?? DEFAULT_TOLERANCE;
  const timestamp = latest(metrics);
  const base = { utilization: first.utilization, rawAverage: first.rawAverage, timestamp };
  const scaleUpWithUnready = unready.length > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (Math.abs(1 - first.ratio) <= tolerance) return { replicas: input.currentReplicas, ...base };
    return { replicas: Math.ceil(first.ratio * ready), ...base };
  }
  if (missing.length > 0) {
    // on a scale down missing pods count as using their whole request (or the target when above 100%)
    const fallback = Math.max(100, targetUtilization);
    for (const name of missing) {
      if (first.ratio < 1) metrics.set(name, { value: Math.trunc((requests.get(name) ?? 0) * fallback / 100), timestamp: 0, windowMs: 0 });
      else if (first.ratio > 1) metrics.set(name, { value: 0, timestamp: 0, windowMs: 0 });
    }
  }
  if (scaleUpWithUnready) for (const name of unready) metrics.set(name, { value: 0, timestamp: 0, windowMs: 0 });
  const next = utilizationRatio(metrics, requests, targetUtilization);
  return { replicas: settle(input.currentReplicas, first.ratio, next.ratio, metrics.size, tolerance), ...base };
}

/** GetRawResourceReplicas (calcPlainMetricReplicas): a target average usage per pod, milli-units. */
export function averageValueReplicas(input: CalculatorInput, targetAverage: number): Proposal {
  const { metrics, ready, unready, missing } = prepare(input);
  const tolerance = input.tolerance ?? DEFAULT_TOLERANCE;
  const timestamp = latest(metrics);
  const first = usageRatio(metrics, targetAverage);
  const base = { rawAverage: first.average, timestamp };
  const scaleUpWithUnready = unready.length > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (Math.abs(1 - first.ratio) <= tolerance) return { replicas: input.currentReplicas, ...base };
    return { replicas: Math.ceil(first.ratio * ready), ...base };
  }
  for (const name of missing) metrics.set(name, { value: first.ratio < 1 ? targetAverage : 0, timestamp: 0, windowMs: 0 });
  if (scaleUpWithUnready) for (const name of unready) metrics.set(name, { value: 0, timestamp: 0, windowMs: 0 });
  const next = usageRatio(metrics, targetAverage);
  return { replicas: settle(input.currentReplicas, first.ratio, next.ratio, metrics.size, tolerance), ...base };
}

/** The end of both calculations: no change within tolerance or against the direction of the first ratio. */
function settle(current: number, ratio: number, newRatio: number, counted: number, tolerance: number): number {
  if (Math.abs(1 - newRatio) <= tolerance || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return current;
  const replicas = Math.ceil(newRatio * counted);
  if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current)) return current;
  return replicas;
}

function prepare(input: CalculatorInput): { metrics: Map<string, PodMetric>; ready: number; unready: string[]; missing: string[] } {
  if (input.pods.length === 0) throw new CalculatorError('no pods returned by selector while calculating replica count');
  const metrics = new Map(input.metrics);
  const g = groupPods(input.pods, metrics, input.resource, input.now);
  for (const name of [...g.ignored, ...g.unready]) metrics.delete(name);
  if (metrics.size === 0) throw new CalculatorError('did not receive metrics for targeted pods (pods might be unready)');
  return { metrics, ready: g.ready, unready: g.unready, missing: g.missing };
}

/** groupPods */
export function groupPods(pods: Pod[], metrics: Map<string, PodMetric>, resource: string, now: number): { ready: number; unready: string[]; missing: string[]; ignored: string[] } {
  const out = { ready: 0, unready: [] as string[], missing: [] as string[], ignored: [] as string[] };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') { out.ignored.push(name); continue; }
    if (pod.status?.phase === 'Pending') { out.unready.push(name); continue; }
    const metric = metrics.get(name);
    if (!metric) { out.missing.push(name); continue; }
    if (resource === 'cpu') {
      const cond = pod.status?.conditions?.find((c) => c.type === 'Ready');
      const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : undefined;
      let unready: boolean;
      if (!cond || start === undefined) {
        unready = true;
      } else {
        const transition = cond.lastTransitionTime ? Date.parse(cond.lastTransitionTime) : 0;
        if (start + CPU_INITIALIZATION_PERIOD_MS > now) {
          // still starting: a sample counts only once a whole window passed after it became ready
          unready = cond.status === 'False' || metric.timestamp < transition + metric.windowMs;
        } else {
          // unready and never ready since it started
          unready = cond.status === 'False' && start + INITIAL_READINESS_DELAY_MS > transition;
        }
      }
      if (unready) { out.unready.push(name); continue; }
    }
    out.ready++;
  }
  return out;
}

/** calculatePodRequests: each pod's summed container requests (milli-units); a container without one is an error. */
export function podRequests(pods: Pod[], resource: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    for (const c of pod.spec?.containers ?? []) {
      const q = c.resources?.requests?.[resource];
      const v = q === undefined ? undefined : parseQuantity(q as string | number);
      if (v === undefined) throw new CalculatorError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name ?? ''}`);
      sum += Math.ceil(Math.round(v * 1e6) / 1e3);
    }
    out.set(pod.metadata?.name ?? '', sum);
  }
  return out;
}

/** GetResourceUtilizationRatio: integer percent, as Go's int64 arithmetic gives it. */
function utilizationRatio(metrics: Map<string, PodMetric>, requests: Map<string, number>, target: number): { ratio: number; utilization: number; rawAverage: number } {
  let used = 0;
  let requested = 0;
  let n = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    used += m.value;
    requested += r;
    n++;
  }
  if (requested === 0) throw new CalculatorError('no metrics returned matched known pods');
  const utilization = Math.trunc((used * 100) / requested);
  return { ratio: utilization / target, utilization, rawAverage: Math.trunc(used / n) };
}

/** GetMetricUsageRatio */
function usageRatio(metrics: Map<string, PodMetric>, target: number): { ratio: number; average: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const average = Math.trunc(total / metrics.size);
  return { ratio: average / target, average };
}

function latest(metrics: Map<string, PodMetric>): number {
  let t = 0;
  for (const m of metrics.values()) t = Math.max(t, m.timestamp);
  return t;
}
