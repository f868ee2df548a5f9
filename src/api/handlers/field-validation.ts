// fieldValidation on create, update and patch, as the apiserver reads it (kubectl 1.32 sends Strict by
// default, --validate=warn Warn, --validate=false Ignore; no parameter means Warn). Unknown fields (and
// keys a JSON body repeats) are dropped in every mode; Strict refuses them with the decoder's exact
// text, Warn answers `Warning: unknown field "spec.replica"`, Ignore says nothing. Server-side apply is
// different on the apiserver and here: its typed conversion refuses an unknown field whatever the mode.
import { invalid, StatusError } from '../../kube/errors.js';
import { apiVersionOf, type ResourceType } from '../../kube/kinds.js';
import { dropUnknownFields } from '../../manifests/strict-decoding.js';
import type { FieldPath } from '../../manifests/field-path.js';
import { duplicateFieldsOf } from '../http/body.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

const SUPPORTED: FieldValidation[] = ['Ignore', 'Strict', 'Warn'];

/** The query's fieldValidation; 422 naming the options kind for any other value, before anything is read. */
export function fieldValidationOf(options: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions', query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if ((SUPPORTED as string[]).includes(v)) return v as FieldValidation;
  throw invalid(`${options}.meta.k8s.io`, 'meta.k8s.io', '', [{
    field: 'fieldValidation', reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${JSON.stringify(v)}: supported values: ${SUPPORTED.map((s) => JSON.stringify(s)).join(', ')}`,
  }]);
}

/** How the apiserver words a strict decoding failure: the whole body (create, update) or a patch. */
export type StrictContext = { verb: 'create' | 'update'; type: ResourceType; apiVersion: unknown } | { verb: 'patch' };

/**
 * Drops the unknown fields of `obj` and reports them (and `body`'s repeated keys) as `mode` says:
 * throws 400 under Strict, returns the warnings under Warn, nothing under Ignore.
 */
export function checkFields(mode: FieldValidation, obj: Record<string, unknown>, t: ResourceType, body: unknown, ctx: StrictContext): string[] {
  const problems = [
    ...dropUnknownFields(obj, { apiVersion: apiVersionOf(t), kind: t.kind }).map((p) => `unknown field ${JSON.stringify(p.toString())}`),
    ...duplicateFieldsOf(body).map((p) => `duplicate field ${JSON.stringify(p)}`),
  ];
  if (!problems.length || mode === 'Ignore') return [];
  if (mode === 'Warn') return problems;
  const strict = `strict decoding error: ${problems.join(', ')}`;
  if (ctx.verb === 'patch') throw new StatusError(400, 'BadRequest', strict);
  // transformDecodeError: `Deployment in version "v1" cannot be handled as a Deployment: ...`
  const version = typeof ctx.apiVersion === 'string' && ctx.apiVersion ? ctx.apiVersion.split('/').pop()! : t.version;
  throw new StatusError(400, 'BadRequest', `${t.kind} in version ${JSON.stringify(version)} cannot be handled as a ${t.kind}: ${strict}`);
}

/**
 * Server-side apply converts the applied configuration to a typed object first, which fails on a
 * field the schema does not declare whatever fieldValidation says (structured-merge-diff's error text).
 */
export function checkAppliedFields(patch: Record<string, unknown>, t: ResourceType): void {
  const copy = structuredClone(patch);
  const unknown = dropUnknownFields(copy, { apiVersion: apiVersionOf(t), kind: t.kind });
  if (!unknown.length) return;
  const errors = unknown.map((p) => `${typedPath(p, patch)}: field not declared in schema`);
  const gvk = `${t.group}/${t.version}, Kind=${t.kind}`;
  throw new StatusError(400, 'BadRequest',
    `failed to create typed patch object (${gvk}): ${errors.length === 1 ? errors[0] : `errors:\n  ${errors.join('\n  ')}`}`);
}

/** structured-merge-diff's path: ".spec.template.spec.containers[name=\"web\"].imagee" (list items by their name key). */
function typedPath(path: FieldPath, obj: unknown): string {
  let out = '';
  let at: unknown = obj;
  for (const seg of path.segments()) {
    if (typeof seg === 'number') {
      const item = Array.isArray(at) ? at[seg] : undefined;
      const name = item && typeof item === 'object' ? (item as Record<string, unknown>)['name'] : undefined;
      out += typeof name === 'string' ? `[name=${JSON.stringify(name)}]` : `[${seg}]`;
    } else {
      out += `.${seg}`;
    }
    at = at && typeof at === 'object' ? (at as Record<string | number, unknown>)[seg] : undefined;
  }
  return out;
}
