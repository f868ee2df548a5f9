// admit(): the manifest pipeline for JSON bodies arriving at the API (kubectl apply, client-node).
// Errors come back the way a real apiserver reports them: 400 for what cannot be decoded or mapped,
// 422 Invalid with one cause per field for what fails validation.
import type { KubeObject } from '../store/store.js';
import { badRequest, invalid, StatusError } from '../kube/errors.js';
import { runAdmission, type AdmissionIssue, type AdmitOptions } from './admission.js';
import { KIND_GROUP, SERVED_VERSION } from './constants.js';
import { toStatusCause } from './field-errors.js';

export function admit(obj: KubeObject, opts: AdmitOptions = {}): { object: KubeObject; warnings: string[] } {
  const r = runAdmission(obj, opts);
  const errors = r.issues.filter((i) => i.severity === 'error');
  const warnings = r.issues.filter((i) => i.severity === 'warning').map(warningText);
  if (errors.length === 0 && r.object) return { object: r.object, warnings };

  const withHint = (i: AdmissionIssue) => (i.hint ? `${i.message} (${i.hint})` : i.message);
  const fatal = errors.filter((i) => i.code === 'not-object' || i.code === 'too-deep' || i.code === 'type-meta');
  if (fatal.length) throw badRequest(fatal.map(withHint).join('; '));
  const unknown = errors.filter((i) => i.code === 'unknown-field');
  if (unknown.length) throw badRequest(`strict decoding error: ${unknown.map(withHint).join(', ')}`);
  const schema = errors.filter((i) => i.code === 'schema');
  if (schema.length && r.kind) {
    throw badRequest(`${r.kind} in version "${SERVED_VERSION[r.kind]}" cannot be handled as a ${r.kind}: ${schema.map((i) => i.message).join('; ')}`);
  }
  const kind = r.kind ?? String(obj.kind ?? '');
  const group = r.kind ? KIND_GROUP[r.kind] : '';
  const causes = errors.map((i) => (i.fieldError ? toStatusCause(i.fieldError) : { reason: 'FieldValueInvalid', message: i.message, field: i.path?.toString() }));
  const err: StatusError = invalid(kind, group, r.name ?? '', causes);
  throw err;
}

/** A warning as the API returns it (kubectl prints "Warning: <text>"). */
export function warningText(i: AdmissionIssue): string {
  if (i.code === 'unknown-field') return `${i.message} (ignored${i.hint ? `; ${i.hint}` : ''})`;
  return i.hint ? `${i.message} (${i.hint})` : i.message;
}

export type { AdmitOptions };
