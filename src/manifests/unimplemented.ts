// Admission of the implemented-fields list (pod-fields.ts): at every pod spec a kind carries
// (pod-templates.ts), a field mini-kube does not implement is refused — "mini-kube does not implement
// <path>", a 422 naming the field at the API, file:line in files — or, where ignoring it is harmless,
// admitted with a warning. Read on the object as written, before defaulting, so a default never counts.
import type { Kind } from '../kube/kinds.js';
import type { PodSpec } from '../kube/types.js';
import type { FieldPath } from './field-path.js';
import { formatValue, forbiddenField, type FieldError } from './field-errors.js';
import { podSpecsOf } from './pod-templates.js';
import { unimplementedFields, type PodFieldIssue } from './pod-fields.js';
import { unimplementedResources } from './resources.js';
import { unimplementedVolumes } from './validate-volumes.js';
import { unimplementedInWorkload } from './workload-fields.js';

export interface Unimplemented {
  errors: FieldError[];
  warnings: { path: FieldPath; message: string }[];
}

export function notImplemented(path: FieldPath, detail?: string): FieldError {
  return forbiddenField(path, `mini-kube does not implement ${path.toString()}${detail ? ` (${detail})` : ''}`);
}

function issue(i: PodFieldIssue, out: Unimplemented): void {
  const e = i.entry;
  if (e.status === 'warned') { out.warnings.push({ path: i.path, message: `${i.path.toString()}: ${e.why}` }); return; }
  if (e.status === 'only') {
    const accepted = e.values.map(formatValue).join(', ');
    if (e.otherwise === 'warn') {
      out.warnings.push({ path: i.path, message: `${i.path.toString()}: ${formatValue(i.value)} is not implemented: ${e.why}` });
      return;
    }
    out.errors.push(notImplemented(i.path, `${formatValue(i.value)}; it accepts only ${accepted}: ${e.why}`));
    return;
  }
  out.errors.push(notImplemented(i.path));
}

/** What mini-kube does not implement in the pod specs of `obj` (a `kind`), before defaulting. */
export function unimplementedInPodSpecs(kind: Kind, obj: unknown): Unimplemented {
  const out: Unimplemented = { errors: [], warnings: [] };
  for (const i of unimplementedInWorkload(kind, obj)) issue(i, out);
  for (const at of podSpecsOf(kind, obj)) {
    for (const i of unimplementedFields(at.spec, 'PodSpec', at.path)) {
      // the DaemonSet controller does evaluate its template's nodeSelector against the node labels
      if (kind === 'DaemonSet' && i.path.toString() === at.path.child('nodeSelector').toString()) continue;
      issue(i, out);
    }
    out.errors.push(...unimplementedResources(at.spec, at.path));
    out.errors.push(...unimplementedVolumes(at.spec as PodSpec, at.path));
  }
  return out;
}

