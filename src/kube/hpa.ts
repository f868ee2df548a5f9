// HorizontalPodAutoscaler's defaults (pkg/apis/autoscaling/v2/defaults.go) and the autoscaling/v1 view of
// the stored autoscaling/v2 object (pkg/apis/autoscaling/v1/conversion.go): v1 has one CPU target; what
// v2 says beyond it travels in annotations, so a v1 client's read-modify-write loses nothing.
import type { HorizontalPodAutoscaler, HPAScalingRules, KubeObject, MetricSpec } from './types.js';

export const HPA_V2 = 'autoscaling/v2';
export const HPA_V1 = 'autoscaling/v1';
/** DefaultCPUUtilization: the target of an HPA that names no metric */
export const DEFAULT_CPU_UTILIZATION = 80;

/** GenerateHPAScaleUpRules: no stabilization, the larger of +4 pods or +100% per 15 s. */
export function defaultScaleUpRules(r: HPAScalingRules | undefined): HPAScalingRules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? 0,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: r?.policies ?? [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

/** GenerateHPAScaleDownRules: 300 s stabilization, down to 0% (-100%) per 15 s. */
export function defaultScaleDownRules(r: HPAScalingRules | undefined): HPAScalingRules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? 300,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: r?.policies ?? [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

/** SetDefaults_HorizontalPodAutoscaler: minReplicas 1, a CPU target of 80%, a given behavior filled in. */
export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  const spec = (hpa.spec ??= { maxReplicas: 0, scaleTargetRef: { kind: '', name: '' } });
  spec.minReplicas ??= 1;
  if (!spec.metrics?.length) spec.metrics = [cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION)];
  if (spec.behavior) {
    spec.behavior.scaleUp = defaultScaleUpRules(spec.behavior.scaleUp);
    spec.behavior.scaleDown = defaultScaleDownRules(spec.behavior.scaleDown);
  }
}

function cpuUtilizationMetric(percent: number): MetricSpec {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } } };
}

// The annotations v1 keeps v2's other fields in (as the apiserver's conversion does).
const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';

const isCpuUtilization = (m: MetricSpec) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.type === 'Utilization';

/** The stored v2 object as autoscaling/v1 shows it. */
export function hpaToV1(obj: KubeObject): KubeObject {
  const hpa = structuredClone(obj) as HorizontalPodAutoscaler;
  const spec = hpa.spec;
  const status = hpa.status;
  const annotations: Record<string, string> = { ...(hpa.metadata?.annotations ?? {}) };
  const metrics = spec?.metrics ?? [];
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => m !== cpu);
  if (others.length) annotations[METRICS_ANNOTATION] = JSON.stringify(others);
  if (spec?.behavior) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(spec.behavior);
  const currentCpu = status?.currentMetrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu')?.resource?.current?.averageUtilization;
  const otherCurrent = (status?.currentMetrics ?? []).filter((m) => !(m.type === 'Resource' && m.resource?.name === 'cpu'));
  if (otherCurrent.length) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(otherCurrent);
  if (status?.conditions?.length) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(status.conditions);
  const out: KubeObject = {
    ...hpa,
    apiVersion: HPA_V1,
    metadata: { ...hpa.metadata, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      scaleTargetRef: spec?.scaleTargetRef,
      ...(spec?.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
      maxReplicas: spec?.maxReplicas,
      ...(cpu ? { targetCPUUtilizationPercentage: cpu.resource!.target.averageUtilization } : {}),
    },
  };
  if (status) {
    out['status'] = {
      ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
      ...(status.lastScaleTime ? { lastScaleTime: status.lastScaleTime } : {}),
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      ...(currentCpu !== undefined ? { currentCPUUtilizationPercentage: currentCpu } : {}),
    };
  }
  return out;
}

/** An autoscaling/v1 body as the v2 object it stands for (the annotations read back and removed). */
export function hpaFromV1(obj: Record<string, unknown>): Record<string, unknown> {
  const v1 = structuredClone(obj) as Record<string, unknown> & { metadata?: { annotations?: Record<string, string> } };
  const spec = (v1['spec'] ?? {}) as Record<string, unknown>;
  const annotations = { ...(v1.metadata?.annotations ?? {}) };
  const parse = <T>(key: string): T | undefined => {
    const text = annotations[key];
    delete annotations[key];
    if (text === undefined) return undefined;
    try { return JSON.parse(text) as T; } catch { return undefined; }
  };
  const others = parse<MetricSpec[]>(METRICS_ANNOTATION) ?? [];
  const behavior = parse<unknown>(BEHAVIOR_ANNOTATION);
  parse(CURRENT_METRICS_ANNOTATION);
  parse(CONDITIONS_ANNOTATION);
  const target = spec['targetCPUUtilizationPercentage'];
  const metrics = [...(typeof target === 'number' ? [cpuUtilizationMetric(target)] : []), ...others];
  const { targetCPUUtilizationPercentage: _t, ...rest } = spec;
  const out: Record<string, unknown> = {
    ...v1,
    apiVersion: HPA_V2,
    spec: { ...rest, ...(metrics.length ? { metrics } : {}), ...(behavior ? { behavior } : {}) },
  };
  if (v1.metadata) {
    out['metadata'] = { ...v1.metadata };
    if (Object.keys(annotations).length) (out['metadata'] as Record<string, unknown>)['annotations'] = annotations;
    else delete (out['metadata'] as Record<string, unknown>)['annotations'];
  }
  delete out['status']; // a client never writes the status through the object
  return out;
}
