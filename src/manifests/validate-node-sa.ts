// Validation of the ServiceAccount and Node kinds (the apiserver's ValidateServiceAccount, ValidateNode),
// (cordoning and taints are read by the scheduler, src/scheduler, and the taint-eviction controller).
import type { Node, ServiceAccount } from '../kube/types.js';
import { FieldPath } from './field-path.js';
import { duplicateField, invalidField, notSupportedField, requiredField, type FieldError } from './field-errors.js';
import { isQualifiedName } from '../kube/validation.js';
import { validateObjectMeta } from './validate-meta.js';

export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  const errs = validateObjectMeta(sa.metadata, 'subdomain', FieldPath.of('metadata'));
  (sa.secrets ?? []).forEach((s, i) => {
    if (!s?.name) errs.push(requiredField(FieldPath.of('secrets').index(i).child('name')));
  });
  return errs;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** ValidateNode's spec part: taints (validateNodeTaints) with a known effect, a qualified key, no key+effect twice. */
export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, 'subdomain', FieldPath.of('metadata'));
  const seen = new Set<string>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    const at = FieldPath.of('spec', 'taints').index(i);
    if (!t.key) errs.push(requiredField(at.child('key')));
    else for (const msg of isQualifiedName(t.key)) errs.push(invalidField(at.child('key'), t.key, msg));
    if (!t.effect) errs.push(requiredField(at.child('effect')));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(notSupportedField(at.child('effect'), t.effect, TAINT_EFFECTS));
    const k = `${t.key}:${t.effect}`;
    if (seen.has(k)) errs.push(duplicateField(at, t));
    seen.add(k);
  });
  return errs;
}
