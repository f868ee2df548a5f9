// apps/v1 StatefulSet validation (pkg/apis/apps/validation ValidateStatefulSet; ControllerRevision's is in
// validate-workloads.ts). The pod template is validated as the pods the controller makes from it: with
// a volume for every volumeClaimTemplate (the controller's updateStorage), so a volumeMount may name a claim.
import type { StatefulSet } from '../kube/types.js';
import { IS_NEGATIVE_ERROR } from '../kube/validation.js';
import { withClaimVolumes } from '../kube/statefulset.js';
import { FieldPath } from './field-path.js';
import { duplicateField, forbiddenField, invalidField, notSupportedField, requiredField, type FieldError } from './field-errors.js';
import { validateObjectMeta } from './validate-meta.js';
import { validateReplicatedPods } from './validate-replicaset.js';
import { validateClaimSpec } from './validate-storage.js';
import { notImplemented } from './unimplemented.js';
import { codeUnitOrder } from '../kube/code-unit-order.js';

export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  const errs = validateObjectMeta(sts.metadata, 'subdomain', FieldPath.of('metadata'));
  const path = FieldPath.of('spec');
  const spec = sts.spec;
  if (!spec) return [...errs, requiredField(path)];
  const template = spec.template ? withClaimVolumes(spec.template, spec.volumeClaimTemplates ?? []) : spec.template;
  const replicated = validateReplicatedPods({ ...spec, template }, path, 'statefulset');
  errs.push(...replicated);

  const policy = spec.podManagementPolicy;
  if (policy !== undefined && policy !== 'OrderedReady' && policy !== 'Parallel') {
    errs.push(notSupportedField(path.child('podManagementPolicy'), policy, ['OrderedReady', 'Parallel']));
  }
  const up = spec.updateStrategy;
  const up_ = path.child('updateStrategy');
  if (up?.type === 'OnDelete') {
    if (up.rollingUpdate) errs.push(invalidField(up_.child('rollingUpdate'), up.rollingUpdate, 'only allowed for updateStrategy \'RollingUpdate\''));
  } else if (up?.type === 'RollingUpdate' || up?.type === undefined) {
    const ru = up?.rollingUpdate;
    if (ru?.partition !== undefined && ru.partition < 0) errs.push(invalidField(up_.child('rollingUpdate', 'partition'), ru.partition, IS_NEGATIVE_ERROR));
    // MaxUnavailableStatefulSet is an alpha feature gate, off in 1.32
    if (ru?.maxUnavailable !== undefined) errs.push(notImplemented(up_.child('rollingUpdate', 'maxUnavailable'), 'the MaxUnavailableStatefulSet feature gate is off, as in Kubernetes 1.32'));
  } else {
    errs.push(notSupportedField(up_.child('type'), up.type, ['OnDelete', 'RollingUpdate']));
  }
  if (spec.revisionHistoryLimit !== undefined && spec.revisionHistoryLimit < 0) {
    errs.push(invalidField(path.child('revisionHistoryLimit'), spec.revisionHistoryLimit, IS_NEGATIVE_ERROR));
  }
  if (spec.ordinals?.start !== undefined && spec.ordinals.start < 0) {
    errs.push(invalidField(path.child('ordinals', 'start'), spec.ordinals.start, IS_NEGATIVE_ERROR));
  }
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  for (const f of ['whenDeleted', 'whenScaled'] as const) {
    const v = retention?.[f];
    if (v !== undefined && v !== 'Retain' && v !== 'Delete') {
      errs.push(notSupportedField(path.child('persistentVolumeClaimRetentionPolicy', f), v, ['Retain', 'Delete']));
    }
  }
  const names = new Set<string>();
  (spec.volumeClaimTemplates ?? []).forEach((c, i) => {
    const p = path.child('volumeClaimTemplates').index(i);
    const name = c.metadata?.name;
    if (!name) errs.push(requiredField(p.child('metadata', 'name')));
    else if (names.has(name)) errs.push(duplicateField(p.child('metadata', 'name'), name));
    else names.add(name ?? '');
    if (!c.spec) errs.push(requiredField(p.child('spec')));
    else errs.push(...validateClaimSpec(c.spec, p.child('spec')));
  });
  return errs;
}

const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** ValidateStatefulSetUpdate: only these spec fields may change. */
export function validateStatefulSetUpdate(next: StatefulSet, current: StatefulSet): FieldError[] {
  const strip = (s: StatefulSet) => JSON.stringify(Object.fromEntries(Object.entries(s.spec ?? {}).filter(([k]) => !STS_MUTABLE.includes(k)).sort(([a], [b]) => codeUnitOrder(a, b))));
  if (strip(next) === strip(current)) return [];
  return [forbiddenField(FieldPath.of('spec'), "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
}
