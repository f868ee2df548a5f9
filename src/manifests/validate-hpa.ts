// autoscaling/v2 HorizontalPodAutoscaler validation (pkg/apis/autoscaling/validation), with Kubernetes'
// wording, plus what mini-kube does not implement, refused naming the field: metric sources other than
// Resource (pods, object, external and containerResource need a custom or external metrics API) and
// resources other than cpu and memory (the only ones metrics.k8s.io reports).
import type { HorizontalPodAutoscaler, HPAScalingRules, MetricSpec } from '../kube/types.js';
import { parseQuantity } from '../kube/quantity.js';
import { FieldPath } from './field-path.js';
import { forbiddenField, invalidField, notSupportedField, requiredField, type FieldError } from './field-errors.js';
import { validateObjectMeta } from './validate-meta.js';

const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];

export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): FieldError[] {
  const errs = validateObjectMeta(hpa.metadata, 'subdomain', FieldPath.of('metadata'));
  const path = FieldPath.of('spec');
  const spec = hpa.spec;
  if (!spec) return [...errs, requiredField(path)];
  const ref = spec.scaleTargetRef;
  const refPath = path.child('scaleTargetRef');
  if (!ref?.kind) errs.push(requiredField(refPath.child('kind')));
  if (!ref?.name) errs.push(requiredField(refPath.child('name')));
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) {
    errs.push(invalidField(path.child('minReplicas'), spec.minReplicas, 'must be greater than or equal to 1'));
  }
  if (spec.maxReplicas < 1) errs.push(invalidField(path.child('maxReplicas'), spec.maxReplicas, 'must be greater than 0'));
  if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas) {
    errs.push(invalidField(path.child('maxReplicas'), spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  }
  (spec.metrics ?? []).forEach((m, i) => errs.push(...validateMetric(m, path.child('metrics').index(i))));
  if (spec.behavior) {
    errs.push(...validateRules(spec.behavior.scaleUp, path.child('behavior', 'scaleUp')));
    errs.push(...validateRules(spec.behavior.scaleDown, path.child('behavior', 'scaleDown')));
  }
  return errs;
}

function validateMetric(m: MetricSpec, path: FieldPath): FieldError[] {
  if (!m.type) return [requiredField(path.child('type'), 'must specify a metric source type')];
  if (!METRIC_TYPES.includes(m.type)) return [notSupportedField(path.child('type'), m.type, METRIC_TYPES)];
  if (m.type !== 'Resource') {
    const field = m.type[0]!.toLowerCase() + m.type.slice(1);
    return [forbiddenField(path.child(field), `mini-kube does not implement ${m.type} metrics (they need a custom or external metrics API): use a Resource metric (cpu or memory)`)];
  }
  const r = m.resource;
  const rp = path.child('resource');
  if (!r) return [requiredField(rp, 'must populate information for the given metric source')];
  const errs: FieldError[] = [];
  if (!r.name) errs.push(requiredField(rp.child('name'), 'must specify a resource name'));
  else if (r.name !== 'cpu' && r.name !== 'memory') errs.push(notSupportedField(rp.child('name'), r.name, ['cpu', 'memory'], 'mini-kube reports cpu and memory only: supported values: "cpu", "memory"'));
  const t = r.target;
  const tp = rp.child('target');
  if (!t?.type) {
    errs.push(requiredField(tp.child('type'), 'must specify a metric target type'));
    return errs;
  }
  if (t.type !== 'Utilization' && t.type !== 'AverageValue') {
    if (t.type === 'Value') errs.push(invalidField(tp.child('type'), t.type, 'must be either Utilization or AverageValue'));
    else errs.push(notSupportedField(tp.child('type'), t.type, ['AverageValue', 'Utilization', 'Value']));
    return errs;
  }
  if (t.type === 'Utilization') {
    if (t.averageUtilization === undefined) errs.push(requiredField(tp.child('averageUtilization'), 'must set either a target raw value or a target utilization'));
    else if (t.averageUtilization < 1) errs.push(invalidField(tp.child('averageUtilization'), t.averageUtilization, 'must be greater than 0'));
    if (t.averageValue !== undefined) errs.push(forbiddenField(tp.child('averageValue'), 'may not set both a target raw value and a target utilization'));
  } else {
    const v = t.averageValue === undefined ? undefined : parseQuantity(t.averageValue);
    if (t.averageValue === undefined) errs.push(requiredField(tp.child('averageValue'), 'must set either a target raw value or a target utilization'));
    else if (v === undefined || v <= 0) errs.push(invalidField(tp.child('averageValue'), t.averageValue, 'must be positive'));
    if (t.averageUtilization !== undefined) errs.push(forbiddenField(tp.child('averageUtilization'), 'may not set both a target raw value and a target utilization'));
  }
  return errs;
}

function validateRules(rules: HPAScalingRules | undefined, path: FieldPath): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (w !== undefined && (w < 0 || w > MAX_STABILIZATION_WINDOW_SECONDS)) {
    errs.push(invalidField(path.child('stabilizationWindowSeconds'), w, w < 0 ? 'must be greater than or equal to zero' : `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (rules.selectPolicy !== undefined && !['Max', 'Min', 'Disabled'].includes(rules.selectPolicy)) {
    errs.push(notSupportedField(path.child('selectPolicy'), rules.selectPolicy, ['Disabled', 'Max', 'Min']));
  }
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.push(requiredField(path.child('policies'), 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = path.child('policies').index(i);
    if (p.type !== 'Pods' && p.type !== 'Percent') errs.push(notSupportedField(pp.child('type'), p.type, ['Percent', 'Pods']));
    if (!(p.value > 0)) errs.push(invalidField(pp.child('value'), p.value, 'must be greater than zero'));
    if (!(p.periodSeconds > 0)) errs.push(invalidField(pp.child('periodSeconds'), p.periodSeconds, 'must be greater than zero'));
    else if (p.periodSeconds > MAX_PERIOD_SECONDS) errs.push(invalidField(pp.child('periodSeconds'), p.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}
