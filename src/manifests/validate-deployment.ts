// apps/v1 Deployment validation (pkg/apis/apps/validation ValidateDeployment): selector required and
// matching the template labels, replicas >= 0, rolling-update parameters, restartPolicy Always.
import type { Deployment } from '../kube/types.js';
import { FieldPath } from './field-path.js';
import {
  forbiddenField, invalidField, notSupportedField, requiredField, type FieldError,
} from './field-errors.js';
import { IS_NEGATIVE_ERROR, isValidPercent } from '../kube/validation.js';
import { validateObjectMeta } from './validate-meta.js';
import { validateReplicatedPods } from './validate-replicaset.js';

export function validateDeployment(d: Deployment): FieldError[] {
  const errs = validateObjectMeta(d.metadata, 'subdomain', FieldPath.of('metadata'));
  const spec = d.spec;
  const path = FieldPath.of('spec');
  if (!spec) return [...errs, requiredField(path)];

  errs.push(...validateReplicatedPods(spec, path, 'deployment'));
  errs.push(...validateStrategy(d, path.child('strategy')));
  const minReady = spec.minReadySeconds ?? 0;
  if (spec.revisionHistoryLimit !== undefined && spec.revisionHistoryLimit < 0) {
    errs.push(invalidField(path.child('revisionHistoryLimit'), spec.revisionHistoryLimit, IS_NEGATIVE_ERROR));
  }
  const pds = spec.progressDeadlineSeconds;
  if (pds !== undefined) {
    if (pds < 0) errs.push(invalidField(path.child('progressDeadlineSeconds'), pds, IS_NEGATIVE_ERROR));
    if (pds <= minReady) errs.push(invalidField(path.child('progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

function validateStrategy(d: Deployment, path: FieldPath): FieldError[] {
  const s = d.spec?.strategy ?? {};
  const errs: FieldError[] = [];
  if (s.type === 'Recreate') {
    if (s.rollingUpdate) errs.push(forbiddenField(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  } else if (s.type === 'RollingUpdate') {
    const ru = s.rollingUpdate;
    if (!ru) return [requiredField(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
    const rp = path.child('rollingUpdate');
    errs.push(...positiveIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')));
    errs.push(...positiveIntOrPercent(ru.maxSurge, rp.child('maxSurge')));
    if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
      errs.push(invalidField(rp.child('maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
    }
    const pct = percentValue(ru.maxUnavailable);
    if (pct !== undefined && pct > 100) errs.push(invalidField(rp.child('maxUnavailable'), ru.maxUnavailable, 'must not be greater than 100%'));
  } else {
    errs.push(notSupportedField(path.child('type'), s.type ?? '', ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

function positiveIntOrPercent(v: number | string | undefined, path: FieldPath): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((msg) => invalidField(path, v, msg));
  if (typeof v === 'number' && v < 0) return [invalidField(path, v, IS_NEGATIVE_ERROR)];
  return [];
}

function percentValue(v: number | string | undefined): number | undefined {
  return typeof v === 'string' && /^[0-9]+%$/.test(v) ? Number(v.slice(0, -1)) : undefined;
}

function intOrPercentValue(v: number | string | undefined): number | undefined {
  return typeof v === 'number' ? v : percentValue(v);
}
