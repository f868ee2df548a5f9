// `apply`: create what is missing, update what differs, leave alone what is the same, and say which,
// as kubectl does ("deployment.apps/liveness-pod created|configured|unchanged"). Shared by the CLI and
// the library. Updates carry the resourceVersion read just before, so a concurrent writer is never
// overwritten silently: a 409 Conflict is retried on the newer copy.
import { isInjectedServiceAccountVolume } from '../kube/service-account.js';
import { StatusError } from '../kube/errors.js';
import { canonicalJson } from '../kube/canonical-json.js';
import { byKind, type Kind } from '../kube/kinds.js';
import type { KubeObject, Stored } from '../store/store.js';
import type { ApiClient } from './api-client.js';
import { addDefaultTolerations } from '../kube/taints.js';
import type { Pod } from '../kube/types.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyResult {
  kind: string;
  name: string;
  namespace: string;
  action: ApplyAction;
  warnings: string[];
  object: Stored;
}

/** "deployment.apps/liveness-pod" */
export function displayName(kind: string, name: string): string {
  const t = byKind(kind);
  if (!t) return `${kind.toLowerCase()}/${name}`;
  return `${t.singular}${t.group ? `.${t.group}` : ''}/${name}`;
}

export async function applyObject(client: ApiClient, obj: KubeObject, namespace?: string): Promise<ApplyResult> {
  const kind = obj.kind as Kind;
  const ns = namespace ?? obj.metadata?.namespace ?? 'default';
  const name = obj.metadata!.name!;
  const desired: KubeObject = structuredClone({ ...obj, metadata: { ...obj.metadata, namespace: ns } });
  const lastApplied = JSON.stringify(withoutLastApplied(desired)) + '\n';
  desired.metadata!.annotations = { ...desired.metadata!.annotations, [LAST_APPLIED]: lastApplied };

  for (let attempt = 0; ; attempt++) {
    const live = await client.tryGet(kind, ns, name);
    if (!live) {
      try {
        const res = await client.create(desired, ns);
        return { kind, name, namespace: ns, action: 'created', warnings: res.warnings, object: res.body };
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'AlreadyExists' && attempt < 3) continue;
        throw err;
      }
    }
    const next = merged(live, desired);
    if (sameContent(live, next)) {
      return { kind, name, namespace: ns, action: 'unchanged', warnings: [], object: live };
    }
    try {
      const res = await client.update(next);
      return { kind, name, namespace: ns, action: 'configured', warnings: res.warnings, object: res.body };
    } catch (err) {
      if (err instanceof StatusError && err.code === 409 && attempt < 5) continue;
      throw err;
    }
  }
}

/** The live object with the applied spec, labels and annotations; server-owned parts kept. */
function merged(live: Stored, desired: KubeObject): Stored {
  const next = structuredClone(live) as Stored;
  next.metadata.labels = desired.metadata?.labels;
  if (!next.metadata.labels) delete next.metadata.labels;
  const keep = Object.fromEntries(Object.entries(live.metadata.annotations ?? {}).filter(([k]) => isServerAnnotation(k)));
  next.metadata.annotations = { ...keep, ...desired.metadata?.annotations };
  const spec = structuredClone(desired['spec']) as Record<string, unknown> | undefined;
  if (live.kind === 'Service' && spec) keepServiceAllocations(live['spec'] as ServiceSpecLike, spec as ServiceSpecLike);
  // The node a pod was bound to is the scheduler's: an apply that omits it (a new image) keeps it, or the
  // update would change a field no pod update may change.
  const nodeName = (live['spec'] as { nodeName?: unknown } | undefined)?.nodeName;
  if (live.kind === 'Pod' && spec && spec['nodeName'] === undefined && nodeName !== undefined) spec['nodeName'] = nodeName;
  // Likewise what the ServiceAccount admission plugin filled in (kube/service-account.ts).
  if (live.kind === 'Pod' && spec) keepServiceAccountAdmission(live['spec'] as Record<string, unknown>, spec);
  // and the DefaultTolerationSeconds plugin (not-ready and unreachable, 300 s), which admits updates too
  if (live.kind === 'Pod' && spec) addDefaultTolerations({ spec } as unknown as Pod);
  if (spec !== undefined) next['spec'] = spec;
  // the content of kinds without a spec (a ConfigMap's or Secret's data, binaryData, immutable, type) is
  // the applied one too: an apply that changes a ConfigMap's data changes it
  for (const key of contentKeys(live, desired)) {
    if (desired[key] === undefined) delete next[key];
    else next[key] = structuredClone(desired[key]);
  }
  return next;
}

/** The top-level fields besides type, metadata, spec and status (data, binaryData, stringData, immutable, type). */
function contentKeys(a: KubeObject, b: KubeObject): string[] {
  const skip = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  // a Secret's type is defaulted by the server (Opaque): omitted in the file, the live one is kept
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !skip.has(k) && !(k === 'type' && b[k] === undefined));
}

/** serviceAccountName (and its alias) and the injected kube-api-access volume with its mounts, when omitted. */
function keepServiceAccountAdmission(live: Record<string, unknown>, spec: Record<string, unknown>): void {
  for (const f of ['serviceAccountName', 'serviceAccount']) if (spec[f] === undefined && live[f] !== undefined) spec[f] = live[f];
  const injected = ((live['volumes'] ?? []) as { name?: string; projected?: unknown }[]).filter(isInjectedServiceAccountVolume);
  if (!injected.length) return;
  const volumes = (spec['volumes'] ?? []) as { name?: string }[];
  const missing = injected.filter((v) => !volumes.some((x) => x.name === v.name));
  if (!missing.length) return;
  spec['volumes'] = [...volumes, ...missing];
  const names = new Set(missing.map((v) => v.name));
  for (const list of ['initContainers', 'containers']) {
    const liveContainers = (live[list] ?? []) as { name?: string; volumeMounts?: { name?: string }[] }[];
    for (const c of (spec[list] ?? []) as { name?: string; volumeMounts?: { name?: string }[] }[]) {
      const mounts = liveContainers.find((l) => l.name === c.name)?.volumeMounts?.filter((m) => names.has(m.name)) ?? [];
      if (mounts.length) c.volumeMounts = [...(c.volumeMounts ?? []), ...mounts];
    }
  }
}

interface ServiceSpecLike {
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: { port?: number; nodePort?: number; protocol?: string }[];
  [k: string]: unknown;
}

/** clusterIP and allocated nodePorts belong to the server; an apply that omits them keeps them. */
function keepServiceAllocations(live: ServiceSpecLike, spec: ServiceSpecLike): void {
  if (!spec.clusterIP && live.clusterIP) spec.clusterIP = live.clusterIP;
  if (!spec.clusterIPs && live.clusterIPs) spec.clusterIPs = live.clusterIPs;
  for (const p of spec.ports ?? []) {
    if (p.nodePort) continue;
    const old = live.ports?.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (old?.nodePort) p.nodePort = old.nodePort;
  }
}

function isServerAnnotation(key: string): boolean {
  return key.startsWith('deployment.kubernetes.io/') || key.startsWith('mini-kube.io/');
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  return canonicalJson(a['spec']) === canonicalJson(b['spec']) &&
    contentKeys(a, b).every((k) => canonicalJson(a[k]) === canonicalJson(b[k])) &&
    canonicalJson(a.metadata?.labels ?? {}) === canonicalJson(b.metadata?.labels ?? {}) &&
    canonicalJson(a.metadata?.annotations ?? {}) === canonicalJson(b.metadata?.annotations ?? {});
}

function withoutLastApplied(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  const ann = { ...copy.metadata?.annotations };
  delete ann[LAST_APPLIED];
  if (copy.metadata) {
    if (Object.keys(ann).length) copy.metadata.annotations = ann;
    else delete copy.metadata.annotations;
  }
  return copy;
}

