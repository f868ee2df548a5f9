// The environment a container gets, as the kubelet's makeEnvironmentVariables builds it: envFrom first
// (ConfigMaps and Secrets, keys prefixed; keys that are not variable names skipped with an event), then
// env in order, where a later variable overrides and $(VAR) expands against the variables before it.
// A required ConfigMap/Secret or key that is missing fails the whole environment with the kubelet's
// message; the caller reports it as CreateContainerConfigError and tries again when the object appears.
import { cpus, totalmem } from 'node:os';
import type { ConfigMap, Container, EnvVar, Pod, Secret, Service } from '../kube/types.js';
import { serviceEnvMap } from '../kube/service-env.js';
import { NODE_NAME } from '../kube/node.js';
import { isEnvVarName } from '../kube/validation.js';
import { parseQuantity } from '../manifests/quantity.js';

/** Where the kubelet reads ConfigMaps and Secrets (the store; a map in tests). */
export interface ConfigSource {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  /** the Services that exist now, for the <NAME>_SERVICE_HOST variables (src/kube/service-env.ts) */
  services?(): readonly Service[];
}

export type EnvResult =
  | { ok: true; env: { name: string; value: string }[]; warnings: string[] }
  | { ok: false; message: string };

export function expandVars(value: string, vars: Map<string, string>): string {
  // $$ escapes a literal $; an unknown $(VAR) stays as written, as Kubernetes does.
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return vars.has(name!) ? vars.get(name!)! : m;
  });
}

/** What the kubelet knows of the running pod when it makes a container's environment. */
export interface PodRuntimeValues {
  /** the sandbox's IP: known before the app containers are created (they join the sandbox) */
  podIP?: string;
}

/** The downward-API paths whose value is the pod's IP: the caller waits for the sandbox's address first. */
export function needsPodIP(c: Container): boolean {
  return (c.env ?? []).some((e) => ['status.podIP', 'status.podIPs'].includes(e.valueFrom?.fieldRef?.fieldPath ?? ''));
}

/** podFieldSelectorRuntimeValue. */
function fieldRefValue(pod: Pod, fieldPath: string, values: PodRuntimeValues): string | undefined {
  switch (fieldPath) {
    // one address family on the pod network: podIPs is the one IP, as the kubelet joins them with ","
    case 'status.podIP': case 'status.podIPs': return values.podIP ?? '';
    case 'metadata.name': return pod.metadata?.name ?? '';
    case 'metadata.namespace': return pod.metadata?.namespace ?? 'default';
    case 'metadata.uid': return pod.metadata?.uid ?? '';
    case 'spec.nodeName': return pod.spec?.nodeName ?? NODE_NAME;
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? 'default';
    // the node's address as the pod's status shows it (pod-status.ts)
    case 'status.hostIP': case 'status.hostIPs': return '127.0.0.1';
    default: {
      const m = fieldPath.match(/^metadata\.(labels|annotations)\['(.+)'\]$/);
      if (m) return (m[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[m[2]!] ?? '';
      return undefined;
    }
  }
}

/**
 * containerResourceRuntimeValue: a limit or request divided by the divisor, rounded up; an unset limit is
 * the node's allocatable (this machine's CPUs and memory), as defaultPodLimitsForDownwardAPI fills it.
 */
export function resourceFieldValue(pod: Pod, c: Container, ref: NonNullable<EnvVar['valueFrom']>['resourceFieldRef']): string {
  const target = ref?.containerName ? (pod.spec?.containers ?? []).find((x) => x.name === ref.containerName) ?? c : c;
  const [part, name] = (ref?.resource ?? '').split('.') as ['limits' | 'requests', string];
  let q = target.resources?.[part]?.[name];
  if (q === undefined && part === 'requests') q = target.resources?.limits?.[name];
  let value = q === undefined ? undefined : parseQuantity(q);
  if (value === undefined && part === 'limits') value = name === 'cpu' ? cpus().length : name === 'memory' ? totalmem() : 0;
  const divisor = parseQuantity(ref?.divisor ?? 1) || 1;
  if (name === 'cpu') return String(Math.ceil(Math.round((value ?? 0) * 1000) / Math.round(divisor * 1000)));
  return String(Math.ceil((value ?? 0) / divisor));
}

const b64 = (v: string): string => Buffer.from(v, 'base64').toString('utf8');

export function containerEnv(pod: Pod, c: Container, source: ConfigSource, values: PodRuntimeValues = {}): EnvResult {
  const ns = pod.metadata?.namespace ?? 'default';
  const vars = new Map<string, string>();
  const warnings: string[] = [];
  // Service variables: $(VAR) may name them, and they come after the container's own, which win.
  const serviceEnv = serviceEnvMap(pod, source.services?.() ?? []);
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const isSecret = !from.configMapRef;
    const name = ref.name ?? '';
    const obj = isSecret ? source.secret(ns, name) : source.configMap(ns, name);
    if (!obj) {
      if (ref.optional) continue;
      return { ok: false, message: `${isSecret ? 'secret' : 'configmap'} "${name}" not found` };
    }
    const invalid: string[] = [];
    for (const [k, v] of Object.entries(obj.data ?? {})) {
      const key = (from.prefix ?? '') + k;
      if (isEnvVarName(key).length) { invalid.push(key); continue; }
      vars.set(key, isSecret ? b64(v) : v);
    }
    if (invalid.length) {
      warnings.push(`Keys [${invalid.sort().join(', ')}] from the EnvFrom ${isSecret ? 'secret' : 'configMap'} ${ns}/${name} were skipped since they are considered invalid environment variable names.`);
    }
  }
  for (const e of c.env ?? []) {
    const from = e.valueFrom;
    if (e.value || !from) { vars.set(e.name, expandVars(e.value ?? '', serviceEnv.size ? new Map([...serviceEnv, ...vars]) : vars)); continue; }
    if (from.fieldRef) {
      vars.set(e.name, fieldRefValue(pod, from.fieldRef.fieldPath, values) ?? '');
    } else if (from.resourceFieldRef) {
      vars.set(e.name, resourceFieldValue(pod, c, from.resourceFieldRef));
    } else if (from.configMapKeyRef || from.secretKeyRef) {
      const ref = (from.configMapKeyRef ?? from.secretKeyRef)!;
      const isSecret = !from.configMapKeyRef;
      const name = ref.name ?? '';
      const obj = isSecret ? source.secret(ns, name) : source.configMap(ns, name);
      if (!obj) {
        if (ref.optional) continue;
        return { ok: false, message: `${isSecret ? 'secret' : 'configmap'} "${name}" not found` };
      }
      const value = obj.data?.[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        return { ok: false, message: `couldn't find key ${ref.key} in ${isSecret ? 'Secret' : 'ConfigMap'} ${ns}/${name}` };
      }
      vars.set(e.name, isSecret ? b64(value) : value);
    }
  }
  for (const [name, value] of serviceEnv) if (!vars.has(name)) vars.set(name, value);
  return { ok: true, env: [...vars].map(([name, value]) => ({ name, value })), warnings };
}
