// Validation of PodDisruptionBudget (policy/v1: pkg/apis/policy/validation ValidatePodDisruptionBudget)
// and Lease (coordination.k8s.io/v1: ValidateLease). The PDB's unhealthyPodEvictionPolicy is refused:
// mini-kube's eviction implements the default (IfHealthyBudget) only.
import type { Lease, PodDisruptionBudget } from '../kube/types.js';
import { FieldPath } from './field-path.js';
import { forbiddenField, invalidField, type FieldError } from './field-errors.js';
import { validateLabelSelector, validateObjectMeta } from './validate-meta.js';

function intOrPercent(v: number | string | undefined, path: FieldPath): FieldError[] {
  if (v === undefined) return [];
  if (typeof v === 'number') return v < 0 ? [invalidField(path, v, 'must be greater than or equal to 0')] : [];
  const m = /^(\d+)%$/.exec(v);
  if (!m) return [invalidField(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  return Number(m[1]) > 100 ? [invalidField(path, v, 'must not be greater than 100%')] : [];
}

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  const errs = validateObjectMeta(pdb.metadata, 'subdomain', FieldPath.of('metadata'));
  const spec = FieldPath.of('spec');
  if (pdb.spec?.minAvailable !== undefined && pdb.spec.maxUnavailable !== undefined) {
    errs.push(invalidField(spec, pdb.spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  errs.push(...intOrPercent(pdb.spec?.minAvailable, spec.child('minAvailable')));
  errs.push(...intOrPercent(pdb.spec?.maxUnavailable, spec.child('maxUnavailable')));
  errs.push(...validateLabelSelector(pdb.spec?.selector, spec.child('selector')));
  const policy = pdb.spec?.unhealthyPodEvictionPolicy;
  if (policy !== undefined && policy !== 'IfHealthyBudget') {
    errs.push(forbiddenField(spec.child('unhealthyPodEvictionPolicy'), 'mini-kube does not implement unhealthyPodEvictionPolicy other than IfHealthyBudget (the default)'));
  }
  return errs;
}

export function validateLease(lease: Lease): FieldError[] {
  const errs = validateObjectMeta(lease.metadata, 'subdomain', FieldPath.of('metadata'));
  const d = lease.spec?.leaseDurationSeconds;
  if (d !== undefined && d <= 0) errs.push(invalidField(FieldPath.of('spec', 'leaseDurationSeconds'), d, 'must be greater than 0'));
  return errs;
}
