// ConfigMap and Secret, checked as the apiserver's ValidateConfigMap/ValidateSecret (and their Update
// forms) do: key grammar, a key in both bags, base64 in the byte bags, the 1 MiB total, the Secret
// types' required keys, and `immutable`. Secret.stringData is folded into data first (secret-data.ts).
import type { ConfigMap, Secret } from '../kube/types.js';
import { canonicalJson } from '../kube/canonical-json.js';
import { FieldPath } from './field-path.js';
import { forbiddenField, invalidField, requiredField, tooLongField, type FieldError } from './field-errors.js';
import { validateObjectMeta } from './validate-meta.js';

/** api.MaxSecretSize: the apiserver's limit on a ConfigMap's or Secret's data, summed. */
export const MAX_DATA_SIZE = 1024 * 1024;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** validation.IsConfigMapKey (also used for Secret keys and envFrom's variable names' keys). */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(key)) {
    errs.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  }
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** Where Go's base64.StdEncoding stops on `s` ("illegal base64 data at input byte N"), or undefined. */
export function base64Problem(s: string): string | undefined {
  const text = s.replace(/[\r\n]/g, '');
  const bad = text.search(/[^A-Za-z0-9+/=]/);
  const pad = text.indexOf('=');
  const at = bad >= 0 ? bad
    : pad >= 0 && !/^={1,2}$/.test(text.slice(pad)) ? pad
    : text.length % 4 !== 0 ? text.length - (text.length % 4)
    : -1;
  return at >= 0 ? `illegal base64 data at input byte ${at}` : undefined;
}

/** Decoded length of valid base64 text. */
export function base64Length(s: string): number {
  return Buffer.from(s, 'base64').length;
}

function bag(errs: FieldError[], data: Record<string, string> | undefined, path: FieldPath, base64: boolean, other?: Record<string, string>, otherName?: string): number {
  let size = 0;
  for (const [key, value] of Object.entries(data ?? {})) {
    const p = path.key(key);
    for (const msg of isConfigMapKey(key)) errs.push(invalidField(p, key, msg));
    if (other && key in other) errs.push(invalidField(p, key, `duplicate of key present in ${otherName}`));
    if (base64) {
      const problem = base64Problem(value ?? '');
      if (problem) { errs.push(invalidField(p, '<value>', problem)); continue; }
      size += base64Length(value ?? '');
    } else {
      size += Buffer.byteLength(value ?? '');
    }
  }
  return size;
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, 'subdomain', FieldPath.of('metadata'));
  const size = bag(errs, cm.data, FieldPath.of('data'), false, cm.binaryData, 'binaryData')
    + bag(errs, cm.binaryData, FieldPath.of('binaryData'), true, cm.data, 'data');
  if (size > MAX_DATA_SIZE) errs.push(tooLongField(FieldPath.root(), `must have at most ${MAX_DATA_SIZE} bytes`));
  return errs;
}

/** The keys each built-in Secret type requires (ValidateSecret's switch). */
const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

export function validateSecret(s: Secret): FieldError[] {
  const errs = validateObjectMeta(s.metadata, 'subdomain', FieldPath.of('metadata'));
  const size = bag(errs, s.data, FieldPath.of('data'), true);
  if (size > MAX_DATA_SIZE) errs.push(tooLongField(FieldPath.of('data'), `must have at most ${MAX_DATA_SIZE} bytes`));
  const type = s.type ?? 'Opaque';
  for (const key of REQUIRED_KEYS[type] ?? []) {
    if (!(key in (s.data ?? {}))) errs.push(requiredField(FieldPath.of('data').key(key)));
  }
  if (type === 'kubernetes.io/service-account-token' && !s.metadata?.annotations?.['kubernetes.io/service-account.name']) {
    errs.push(requiredField(FieldPath.of('metadata', 'annotations').key('kubernetes.io/service-account.name')));
  }
  return errs;
}

/** ValidateConfigMapUpdate / ValidateSecretUpdate: what an immutable object keeps, and a Secret's type. */
export function validateConfigDataUpdate(kind: 'ConfigMap' | 'Secret', next: ConfigMap | Secret, old: ConfigMap | Secret): FieldError[] {
  const errs: FieldError[] = [];
  if (kind === 'Secret') {
    const before = (old as Secret).type ?? 'Opaque';
    const after = (next as Secret).type ?? 'Opaque';
    if (before !== after) errs.push(invalidField(FieldPath.of('type'), after, 'field is immutable'));
  }
  if (old.immutable === true) {
    const why = 'field is immutable when `immutable` is set';
    if (next.immutable !== true) errs.push(forbiddenField(FieldPath.of('immutable'), why));
    if (canonicalJson(next.data ?? {}) !== canonicalJson(old.data ?? {})) errs.push(forbiddenField(FieldPath.of('data'), why));
    if (kind === 'ConfigMap' && canonicalJson((next as ConfigMap).binaryData ?? {}) !== canonicalJson((old as ConfigMap).binaryData ?? {})) {
      errs.push(forbiddenField(FieldPath.of('binaryData'), why));
    }
  }
  return errs;
}

/**
 * Secret.stringData is write-only: the apiserver folds it into data (base64), stringData winning on a
 * shared key, and never stores it. Also the type's default, Opaque.
 */
export function foldStringData(s: Secret): void {
  if (s.stringData && typeof s.stringData === 'object') {
    s.data = { ...(s.data ?? {}) };
    for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(String(v)).toString('base64');
  }
  delete s.stringData;
  if (!s.type) s.type = 'Opaque';
}
