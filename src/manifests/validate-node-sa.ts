// Validation of the ServiceAccount and Node kinds (the apiserver's ValidateServiceAccount, ValidateNode),
// plus what mini-kube's one node cannot do: it has no scheduler, so cordoning and taints would be stored
// and ignored; they are refused instead, naming the field.
import type { Node, ServiceAccount } from '../kube/types.js';
import { FieldPath } from './field-path.js';
import { forbiddenField, requiredField, type FieldError } from './field-errors.js';
import { validateObjectMeta } from './validate-meta.js';

export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  const errs = validateObjectMeta(sa.metadata, 'subdomain', FieldPath.of('metadata'));
  (sa.secrets ?? []).forEach((s, i) => {
    if (!s?.name) errs.push(requiredField(FieldPath.of('secrets').index(i).child('name')));
  });
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, 'subdomain', FieldPath.of('metadata'));
  if (node.spec?.unschedulable) {
    errs.push(forbiddenField(FieldPath.of('spec', 'unschedulable'), 'mini-kube has one node and no scheduler: cordoning it would change nothing'));
  }
  if ((node.spec?.taints ?? []).length) {
    errs.push(forbiddenField(FieldPath.of('spec', 'taints'), 'mini-kube has one node and no scheduler: taints would not be evaluated'));
  }
  return errs;
}
