// The unknown fields of an API body, found and dropped as the apiserver's decoder drops them, for the
// API's fieldValidation (Strict: refuse, Warn: warn, Ignore: say nothing). The schema walk is
// unknown-fields.ts, the same one admission runs; here only the kind's root type is resolved first.
import type { FieldPath } from './field-path.js';
import { rootTypeFor } from './schema/index.js';
import { resolveTypeMeta } from './type-meta.js';
import { checkSchema } from './unknown-fields.js';

/**
 * Removes the fields the kind's schema does not know from `obj` (and JSON nulls) and returns their
 * paths; [] when apiVersion/kind name no served kind (admission reports that). `fallback` is the
 * apiVersion and kind the URL implies, for a body that leaves them out.
 */
export function dropUnknownFields(obj: Record<string, unknown>, fallback: { apiVersion: string; kind: string }): FieldPath[] {
  const tm = resolveTypeMeta(obj['apiVersion'] || fallback.apiVersion, obj['kind'] || fallback.kind);
  if (!tm.ok) return [];
  return checkSchema(obj, rootTypeFor(tm.kind, tm.legacy !== undefined)).unknown.map((u) => u.path);
}
