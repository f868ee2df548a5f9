// ObjectMeta, labels, annotations and label selectors, checked as Kubernetes' ValidateObjectMeta,
// ValidateLabels and ValidateLabelSelector do (same paths, same wording).
import type { LabelSelector, ObjectMeta } from '../kube/types.js';
import type { FieldPath } from './field-path.js';
import {
  forbiddenField, invalidField, requiredField, tooLongField, type FieldError,
} from './field-errors.js';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, nameFormatErrors, type NameFormat } from '../kube/validation.js';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateObjectMeta(meta: ObjectMeta | undefined, nameFormat: NameFormat, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const m = meta ?? {};
  if (m.generateName) {
    for (const msg of nameFormatErrors(m.generateName, nameFormat, true)) errs.push(invalidField(path.child('generateName'), m.generateName, msg));
  }
  if (!m.name) {
    if (!m.generateName) errs.push(requiredField(path.child('name'), 'name or generateName is required'));
  } else {
    for (const msg of nameFormatErrors(m.name, nameFormat, false)) errs.push(invalidField(path.child('name'), m.name, msg));
  }
  if (m.namespace) {
    for (const msg of isDNS1123Label(m.namespace)) errs.push(invalidField(path.child('namespace'), m.namespace, msg));
  }
  errs.push(...validateLabels(m.labels, path.child('labels')));
  errs.push(...validateAnnotations(m.annotations, path.child('annotations')));
  return errs;
}

/** Kubernetes reports every label problem on the map's path; `at` points the report at the key's line. */
export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push({ ...invalidField(path, k, msg), at: path.key(k) });
    for (const msg of isValidLabelValue(v)) errs.push({ ...invalidField(path, v, msg), at: path.key(k) });
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push({ ...invalidField(path, k, msg), at: path.key(k) });
    total += k.length + v.length;
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLongField(path, `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`));
  return errs;
}

export function validateLabelSelector(sel: LabelSelector | undefined, path: FieldPath): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, path.child('matchLabels'));
  (sel.matchExpressions ?? []).forEach((req, i) => {
    const p = path.child('matchExpressions').index(i);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(requiredField(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbiddenField(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalidField(p.child('operator'), req.operator ?? '', 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(req.key ?? '')) errs.push(invalidField(p.child('key'), req.key ?? '', msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalidField(p.child('values').index(j), v, msg));
    });
  });
  return errs;
}
