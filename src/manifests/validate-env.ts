// A container's env and envFrom, as the apiserver's ValidateEnv and validateEnvFrom check them: names,
// exactly one source, the downward-API paths and resources an env var may read, ConfigMap/Secret
// references. status.podIP is the sandbox's address, which the kubelet reads before it creates the
// container (docs/decisions/134).
import type { Container } from '../kube/types.js';
import { isDNS1123Subdomain, isEnvVarName, isQualifiedName } from '../kube/validation.js';
import type { FieldPath } from './field-path.js';
import { invalidField, notSupportedField, requiredField, type FieldError } from './field-errors.js';
import { parseQuantity } from './quantity.js';
import { isConfigMapKey } from './validate-config-data.js';

const FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
const RESOURCES = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const CPU_DIVISORS = ['1m', '1'];
const BYTE_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

export function validateEnv(c: Container, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (c.env ?? []).forEach((ev, i) => {
    const p = path.index(i);
    if (!ev.name) errs.push(requiredField(p.child('name')));
    else for (const msg of isEnvVarName(ev.name)) errs.push(invalidField(p.child('name'), ev.name, msg));
    const from = ev.valueFrom;
    if (!from) return;
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => (from as Record<string, unknown>)[k] !== undefined);
    const fp = p.child('valueFrom');
    if (sources.length === 0) errs.push(invalidField(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (ev.value) errs.push(invalidField(fp, '', 'may not be specified when `value` is not empty'));
    else if (sources.length > 1) errs.push(invalidField(fp, '', 'may not have more than one field specified at a time'));
    if (from.fieldRef) errs.push(...fieldRef(from.fieldRef, fp.child('fieldRef')));
    if (from.resourceFieldRef) errs.push(...resourceFieldRef(from.resourceFieldRef, fp.child('resourceFieldRef')));
    for (const kind of ['configMapKeyRef', 'secretKeyRef'] as const) {
      const ref = from[kind];
      if (!ref) continue;
      const rp = fp.child(kind);
      if (!ref.name) errs.push(requiredField(rp.child('name')));
      if (!ref.key) errs.push(requiredField(rp.child('key')));
      else for (const msg of isConfigMapKey(ref.key)) errs.push(invalidField(rp.child('key'), ref.key, msg));
    }
  });
  return errs;
}

function fieldRef(ref: { apiVersion?: string; fieldPath: string }, path: FieldPath): FieldError[] {
  if (!ref.apiVersion) return [requiredField(path.child('apiVersion'))];
  if (ref.apiVersion !== 'v1') return [invalidField(path.child('apiVersion'), ref.apiVersion, 'must be "v1"')];
  const fp = ref.fieldPath;
  if (!fp) return [requiredField(path.child('fieldPath'))];
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fp);
  if (m) return isQualifiedName(m[2]!.toLowerCase()).map((msg) => invalidField(path.child('fieldPath'), fp, msg));
  if (!FIELD_PATHS.includes(fp)) return [notSupportedField(path.child('fieldPath'), fp, FIELD_PATHS)];
  return [];
}

function resourceFieldRef(ref: { containerName?: string; resource: string; divisor?: string | number }, path: FieldPath): FieldError[] {
  if (!ref.resource) return [requiredField(path.child('resource'))];
  if (!RESOURCES.includes(ref.resource)) return [notSupportedField(path.child('resource'), ref.resource, RESOURCES)];
  if (ref.divisor === undefined) return [];
  const d = parseQuantity(ref.divisor);
  const cpu = ref.resource.endsWith('.cpu');
  const allowed = (cpu ? CPU_DIVISORS : BYTE_DIVISORS).map((q) => parseQuantity(q));
  if (d !== undefined && allowed.includes(d)) return [];
  const what = cpu ? 'cpu' : ref.resource.endsWith('.memory') ? 'memory' : 'local ephemeral storage';
  return [invalidField(path.child('divisor'), String(ref.divisor), `only divisor's values ${(cpu ? CPU_DIVISORS : BYTE_DIVISORS).join(', ')} are supported with the ${what} resource`)];
}

export function validateEnvFrom(c: Container, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (c.envFrom ?? []).forEach((ev, i) => {
    const p = path.index(i);
    if (ev.prefix) for (const msg of isEnvVarName(ev.prefix)) errs.push(invalidField(p.child('prefix'), ev.prefix, msg));
    const refs = (['configMapRef', 'secretRef'] as const).filter((k) => ev[k] !== undefined);
    for (const k of refs) {
      const name = ev[k]!.name;
      if (!name) errs.push(requiredField(p.child(k, 'name')));
      else for (const msg of isDNS1123Subdomain(name)) errs.push(invalidField(p.child(k, 'name'), name, msg));
    }
    if (refs.length === 0) errs.push(invalidField(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (refs.length > 1) errs.push(invalidField(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}
