// The horizontal pod autoscaler controller (pkg/controller/podautoscaler/horizontal.go): every sync period
// (15 s) each HPA reads its target's scale, its pods' metrics from metrics.k8s.io's storage (the
// MetricsReader the control plane passes in, standing for the resource metrics API), computes a replica
// count per metric (replica-calculator.ts), takes the highest, normalizes it (behavior.ts), writes the
// target's spec.replicas, and reports status, conditions and events in the controller's words.
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus, MetricSpec, MetricStatus, Pod } from '../../kube/types.js';
import { fromLabelSelector, matches } from '../../kube/labels.js';
import { deepEqual } from '../../kube/canonical-json.js';
import { parseQuantity } from '../../kube/quantity.js';
import { recordEvent, type EventSource, type EventType } from '../../store/events.js';
import type { Store } from '../../store/store.js';
import type { MetricsReader, PodMetricsPoint } from '../../metrics/types.js';
import { milliQuantity } from '../../metrics/quantity.js';
import { keyOf, splitKey, WorkQueue } from '../util/work-queue.js';
import { averageValueReplicas, CalculatorError, resourceReplicas, type PodMetric, type Proposal } from './replica-calculator.js';
import { newHistory, normalize, recordScale, type ScalingHistory } from './behavior.js';
import { getScale, updateScale } from './scale-target.js';

export const HPA_CONTROLLER: EventSource = { component: 'horizontal-pod-autoscaler' };
/** --horizontal-pod-autoscaler-sync-period */
export const DEFAULT_SYNC_PERIOD_MS = 15_000;

export interface HorizontalControllerOptions {
  syncPeriodMs?: number;
  now?: () => number;
  /** --horizontal-pod-autoscaler-downscale-stabilization, for HPAs without a behavior */
  downscaleStabilizationMs?: number;
}

export class HorizontalController {
  private readonly queue = new WorkQueue('horizontal-pod-autoscaler', (key) => this.sync(key));
  private readonly unwatch: (() => void)[] = [];
  private readonly histories = new Map<string, ScalingHistory>();
  private readonly running = new Set<string>();
  private readonly syncPeriodMs: number;
  private readonly now: () => number;

  constructor(private readonly store: Store, private readonly metrics: MetricsReader, private readonly opts: HorizontalControllerOptions = {}) {
    this.syncPeriodMs = opts.syncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'HorizontalPodAutoscaler' }, (e) => {
      const key = keyOf(e.object.metadata.namespace, e.object.metadata.name);
      if (e.type === 'DELETED') this.histories.delete(key);
      // a status write of our own need not trigger a sync: the period does
      else if (e.type === 'ADDED' || !this.running.has(key)) this.queue.add(key);
    }));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  /** The work queue reconciles synchronously; the metrics are read asynchronously, so a run is started here. */
  private sync(key: string): number | undefined {
    if (this.running.has(key)) return undefined;
    const { namespace, name } = splitKey(key);
    if (!this.store.get('HorizontalPodAutoscaler', namespace, name)) return undefined;
    this.running.add(key);
    void this.reconcile(key, namespace!, name)
      .catch(() => { /* reported as events and conditions */ })
      .finally(() => {
        this.running.delete(key);
        if (this.store.get('HorizontalPodAutoscaler', namespace, name)) this.queue.addAfter(key, this.syncPeriodMs);
      });
    return undefined;
  }

  /** reconcileAutoscaler */
  async reconcile(key: string, namespace: string, name: string): Promise<void> {
    const hpa = structuredClone(this.store.get<HorizontalPodAutoscaler>('HorizontalPodAutoscaler', namespace, name));
    if (!hpa?.spec) return;
    const original = structuredClone(hpa.status);
    const conditions = [...(hpa.status?.conditions ?? [])];
    const now = this.now();
    const set = (type: string, status: 'True' | 'False', reason: string, message: string) => setCondition(conditions, type, status, reason, message, now);
    const event = (type: EventType, reason: string, message: string) => recordEvent(this.store, hpa, type, reason, message, { source: HPA_CONTROLLER });
    const ref = hpa.spec.scaleTargetRef;

    let scale;
    try {
      scale = getScale(this.store, namespace, ref);
    } catch (err) {
      const message = (err as Error).message;
      event('Warning', 'FailedGetScale', message);
      set('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${message}`);
      this.writeStatus(hpa, original, { ...(hpa.status ?? { desiredReplicas: 0 }), conditions });
      return;
    }
    set('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");

    const current = scale.replicas;
    if (!this.histories.has(key)) this.histories.set(key, newHistory(current, now));
    const history = this.histories.get(key)!;
    const minReplicas = hpa.spec.minReplicas ?? 1;
    let desired = 0;
    let rescaleReason = '';
    let rescale = true;
    let statuses: MetricStatus[] = hpa.status?.currentMetrics ?? [];

    if (current === 0 && minReplicas !== 0) {
      rescale = false;
      set('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (current > hpa.spec.maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desired = hpa.spec.maxReplicas;
    } else if (current < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desired = minReplicas;
    } else {
      const computed = await this.computeReplicasForMetrics(hpa, namespace, scale.selector, current, set, event);
      statuses = computed.statuses;
      if (computed.replicas === -1) {
        event('Warning', 'FailedComputeMetricsReplicas', computed.error!);
        this.writeStatus(hpa, original, { ...(hpa.status ?? { desiredReplicas: 0 }), currentReplicas: current, currentMetrics: statuses, conditions });
        return;
      }
      desired = computed.replicas;
      if (desired > current) rescaleReason = `${computed.metric} above target`;
      if (desired < current) rescaleReason = 'All metrics below target';
      const n = normalize(history, {
        current, desired, minReplicas, maxReplicas: hpa.spec.maxReplicas, behavior: hpa.spec.behavior, now,
        downscaleStabilizationMs: this.opts.downscaleStabilizationMs,
      });
      set('AbleToScale', 'True', n.ableReason, n.ableMessage);
      set('ScalingLimited', n.limited ? 'True' : 'False', n.limitReason, n.limitMessage);
      desired = n.replicas;
      rescale = desired !== current;
    }

    let lastScaleTime = hpa.status?.lastScaleTime;
    if (rescale) {
      try {
        updateScale(this.store, namespace, ref, desired);
      } catch (err) {
        const message = (err as Error).message;
        event('Warning', 'FailedRescale', `New size: ${desired}; reason: ${rescaleReason}; error: ${message}`);
        set('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${message}`);
        this.writeStatus(hpa, original, { ...(hpa.status ?? { desiredReplicas: 0 }), conditions });
        return;
      }
      set('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
      event('Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${rescaleReason}`);
      recordScale(history, hpa.spec.behavior, current, desired, now);
      lastScaleTime = isoSeconds(now);
    } else {
      desired = current;
    }
    this.writeStatus(hpa, original, {
      currentReplicas: current, desiredReplicas: desired, ...(lastScaleTime ? { lastScaleTime } : {}),
      currentMetrics: statuses, conditions,
    });
  }

  /** computeReplicasForMetrics: the highest proposal; -1 when every metric failed (or some did and the rest would scale down). */
  private async computeReplicasForMetrics(
    hpa: HorizontalPodAutoscaler, namespace: string, selector: Scale['selector'], current: number,
    set: (type: string, status: 'True' | 'False', reason: string, message: string) => void,
    event: (type: EventType, reason: string, message: string) => void,
  ): Promise<{ replicas: number; metric: string; statuses: MetricStatus[]; error?: string }> {
    const specs = hpa.spec!.metrics ?? [];
    if (!selector) {
      event('Warning', 'SelectorRequired', 'selector is required');
      set('ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
      return { replicas: -1, metric: '', statuses: [], error: 'selector is required' };
    }
    const sel = fromLabelSelector(selector);
    const pods = this.store.list<Pod>('Pod', namespace).filter((p) => matches(sel, p.metadata.labels));
    const statuses: MetricStatus[] = specs.map(() => ({ type: '' } as MetricStatus));
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let firstError: string | undefined;
    let firstCondition: [string, string] | undefined;
    let points: PodMetricsPoint[] | undefined;
    for (const [i, spec] of specs.entries()) {
      try {
        points ??= await this.metrics.podMetrics();
        const r = this.computeResourceMetric(spec, pods, points, namespace, current);
        statuses[i] = r.status;
        if (replicas === 0 || r.replicas > replicas) {
          replicas = r.replicas;
          metric = r.metric;
        }
      } catch (err) {
        const resource = spec.resource?.name ?? spec.type;
        const message = (err as Error).message;
        // getUnableComputeReplicaCountCondition: an event per failing metric
        event('Warning', 'FailedGetResourceMetric', message);
        if (invalid === 0) {
          firstError = `failed to get ${resource} resource metric value: ${message}`;
          firstCondition = ['FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${message}`];
        }
        invalid++;
      }
    }
    const error = firstError ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError}` : undefined;
    if (invalid >= specs.length || (invalid > 0 && replicas < current)) {
      set('ScalingActive', 'False', firstCondition![0], firstCondition![1]);
      return { replicas: -1, metric: '', statuses, error };
    }
    set('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`);
    return { replicas, metric, statuses, error };
  }

  /** computeStatusForResourceMetricGeneric */
  private computeResourceMetric(spec: MetricSpec, pods: Pod[], points: PodMetricsPoint[], namespace: string, current: number): { replicas: number; metric: string; status: MetricStatus } {
    const r = spec.resource!;
    const resource = r.name as 'cpu' | 'memory';
    const metrics = podMetricsFor(points, namespace, resource, new Set(pods.map((p) => p.metadata!.name!)));
    const input = { currentReplicas: current, pods, metrics, resource, now: this.now() };
    let p: Proposal;
    try {
      if (r.target.averageValue !== undefined) {
        if (metrics.size === 0) throw new CalculatorError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
        p = averageValueReplicas(input, milliValue(r.target.averageValue));
        return {
          replicas: p.replicas, metric: `${resource} resource`,
          status: { type: 'Resource', resource: { name: resource, current: { averageValue: milliQuantity(p.rawAverage) } } },
        };
      }
      if (r.target.averageUtilization === undefined) throw new CalculatorError('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
      if (metrics.size === 0) throw new CalculatorError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
      p = resourceReplicas(input, r.target.averageUtilization);
    } catch (err) {
      const what = r.target.averageValue !== undefined ? 'usage' : 'utilization';
      throw new Error(`failed to get ${resource} ${what}: ${(err as Error).message}`, { cause: err });
    }
    return {
      replicas: p.replicas, metric: `${resource} resource utilization (percentage of request)`,
      status: { type: 'Resource', resource: { name: resource, current: { averageUtilization: p.utilization, averageValue: milliQuantity(p.rawAverage) } } },
    };
  }

  private writeStatus(hpa: HorizontalPodAutoscaler, original: HorizontalPodAutoscalerStatus | undefined, status: HorizontalPodAutoscalerStatus): void {
    if (deepEqual(original, status)) return;
    this.store.mutate<HorizontalPodAutoscaler>('HorizontalPodAutoscaler', hpa.metadata!.namespace, hpa.metadata!.name!, (o) => {
      if (o.metadata.uid !== hpa.metadata?.uid) return false;
      o.status = status;
    });
  }
}

type Scale = ReturnType<typeof getScale>;

/**
 * The resource metrics client (GetResourceMetric): each selected pod's containers summed, in milli-units
 * (Quantity.MilliValue rounds up), from pods that have metrics.
 */
export function podMetricsFor(points: PodMetricsPoint[], namespace: string, resource: 'cpu' | 'memory', names: Set<string>): Map<string, PodMetric> {
  const out = new Map<string, PodMetric>();
  for (const p of points) {
    if (p.namespace !== namespace || !names.has(p.name)) continue;
    let value = 0;
    for (const c of p.containers) value += resource === 'cpu' ? Math.ceil(c.usage.cpuNanoCores / 1e6) : c.usage.memoryBytes * 1000;
    out.set(p.name, { value, timestamp: p.timestamp, windowMs: p.windowMs });
  }
  return out;
}

function milliValue(q: string | number): number {
  const v = parseQuantity(q) ?? 0;
  return Math.ceil(Math.round(v * 1e6) / 1e3);
}

/** setConditionInList: lastTransitionTime moves only when the status does. */
export function setCondition(list: HorizontalPodAutoscalerCondition[], type: string, status: 'True' | 'False', reason: string, message: string, now: number): void {
  let c = list.find((x) => x.type === type);
  if (!c) {
    c = { type, status };
    list.push(c);
    c.lastTransitionTime = isoSeconds(now);
  } else if (c.status !== status) {
    c.lastTransitionTime = isoSeconds(now);
  }
  c.status = status;
  c.reason = reason;
  c.message = message;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
