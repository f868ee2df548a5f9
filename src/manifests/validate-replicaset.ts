// apps/v1 ReplicaSet validation (pkg/apis/apps/validation ValidateReplicaSet), and the part of it a
// Deployment shares: replicas >= 0, a non-empty selector that matches the template's labels, a valid pod
// template with restartPolicy Always. The pod template's privileged settings are admission's (security.ts).
import type { Deployment, ReplicaSet, StatefulSet } from '../kube/types.js';
import { selectorMatches } from '../kube/labels.js';
import { FieldPath } from './field-path.js';
import { forbiddenField, invalidField, notSupportedField, requiredField, type FieldError } from './field-errors.js';
import { IS_NEGATIVE_ERROR } from '../kube/validation.js';
import { validateLabelSelector, validateObjectMeta } from './validate-meta.js';
import { validatePodTemplateSpec } from './validate-pod.js';

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const errs = validateObjectMeta(rs.metadata, 'subdomain', FieldPath.of('metadata'));
  const path = FieldPath.of('spec');
  if (!rs.spec) return [...errs, requiredField(path)];
  return [...errs, ...validateReplicatedPods(rs.spec, path, 'replicaset')];
}

/** The fields a ReplicaSet and a Deployment share (ValidateReplicaSetSpec / the first half of ValidateDeploymentSpec). */
export function validateReplicatedPods(
  spec: NonNullable<ReplicaSet['spec']> | NonNullable<Deployment['spec']> | NonNullable<StatefulSet['spec']>, path: FieldPath, owner: 'deployment' | 'replicaset' | 'statefulset',
): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.replicas !== undefined && spec.replicas < 0) errs.push(invalidField(path.child('replicas'), spec.replicas, IS_NEGATIVE_ERROR));

  const sel = spec.selector;
  if (!sel) {
    errs.push(requiredField(path.child('selector')));
  } else {
    errs.push(...validateLabelSelector(sel, path.child('selector')));
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions?.length ?? 0) === 0) {
      errs.push(invalidField(path.child('selector'), sel, `empty selector is invalid for ${owner}`));
    }
  }

  const tpath = path.child('template');
  const template = spec.template;
  if (template) {
    // A missing selector selects nothing (labels.Nothing()), so Kubernetes reports the mismatch too.
    const labels = template.metadata?.labels ?? {};
    const hasSelector = sel && Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions?.length ?? 0) > 0;
    if (!sel || (hasSelector && !selectorMatches(sel, labels))) {
      errs.push(invalidField(tpath.child('metadata', 'labels'), labels, '`selector` does not match template `labels`'));
    }
  }
  errs.push(...validatePodTemplateSpec(template, tpath));
  if (template?.spec?.restartPolicy && template.spec.restartPolicy !== 'Always') {
    errs.push(notSupportedField(tpath.child('spec', 'restartPolicy'), template.spec.restartPolicy, ['Always']));
  }
  if (template?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbiddenField(tpath.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }

  const minReady = spec.minReadySeconds ?? 0;
  if (minReady < 0) errs.push(invalidField(path.child('minReadySeconds'), minReady, IS_NEGATIVE_ERROR));
  return errs;
}
