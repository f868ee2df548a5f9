// The resource types mini-kube serves: one table that the store, the API routes, discovery and the CLI
// all read, so a kind's names (plural, short names, group) are written down exactly once.
export type Kind = 'Pod' | 'Service' | 'Endpoints' | 'Event' | 'Deployment' | 'ReplicaSet' | 'Namespace' | 'ConfigMap' | 'Secret' | 'ServiceAccount' | 'Node'
  | 'Job' | 'CronJob' | 'DaemonSet' | 'ControllerRevision'
  | 'PersistentVolumeClaim' | 'PersistentVolume' | 'StorageClass' | 'StatefulSet' | 'HorizontalPodAutoscaler'
  | 'Lease' | 'PodDisruptionBudget';

export interface ResourceType {
  kind: Kind;
  /** plural resource name as in URLs: "pods" */
  resource: string;
  singular: string;
  /** '' for the core group; any other group ("apps", "batch", ...) is served at /apis/{group}/{version} */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  /** in the "all" category (kubectl get all) */
  inAll: boolean;
  /** kept on disk; events are ephemeral as in Kubernetes (they expire) */
  durable: boolean;
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  { kind: 'Pod', resource: 'pods', singular: 'pod', group: '', version: 'v1', namespaced: true, shortNames: ['po'], inAll: true, durable: true },
  { kind: 'Service', resource: 'services', singular: 'service', group: '', version: 'v1', namespaced: true, shortNames: ['svc'], inAll: true, durable: true },
  { kind: 'Endpoints', resource: 'endpoints', singular: 'endpoints', group: '', version: 'v1', namespaced: true, shortNames: ['ep'], inAll: false, durable: true },
  { kind: 'Event', resource: 'events', singular: 'event', group: '', version: 'v1', namespaced: true, shortNames: ['ev'], inAll: false, durable: false },
  { kind: 'ConfigMap', resource: 'configmaps', singular: 'configmap', group: '', version: 'v1', namespaced: true, shortNames: ['cm'], inAll: false, durable: true },
  { kind: 'Secret', resource: 'secrets', singular: 'secret', group: '', version: 'v1', namespaced: true, shortNames: [], inAll: false, durable: true },
  { kind: 'ServiceAccount', resource: 'serviceaccounts', singular: 'serviceaccount', group: '', version: 'v1', namespaced: true, shortNames: ['sa'], inAll: false, durable: true },
  { kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', group: '', version: 'v1', namespaced: true, shortNames: ['pvc'], inAll: false, durable: true },
  { kind: 'Node', resource: 'nodes', singular: 'node', group: '', version: 'v1', namespaced: false, shortNames: ['no'], inAll: false, durable: true },
  { kind: 'PersistentVolume', resource: 'persistentvolumes', singular: 'persistentvolume', group: '', version: 'v1', namespaced: false, shortNames: ['pv'], inAll: false, durable: true },
  { kind: 'Namespace', resource: 'namespaces', singular: 'namespace', group: '', version: 'v1', namespaced: false, shortNames: ['ns'], inAll: false, durable: true },
  // apps/v1 and batch/v1 as a real apiserver lists them (alphabetically): kubectl's `get all` follows that order
  { kind: 'ControllerRevision', resource: 'controllerrevisions', singular: 'controllerrevision', group: 'apps', version: 'v1', namespaced: true, shortNames: [], inAll: false, durable: true },
  { kind: 'DaemonSet', resource: 'daemonsets', singular: 'daemonset', group: 'apps', version: 'v1', namespaced: true, shortNames: ['ds'], inAll: true, durable: true },
  { kind: 'Deployment', resource: 'deployments', singular: 'deployment', group: 'apps', version: 'v1', namespaced: true, shortNames: ['deploy'], inAll: true, durable: true },
  { kind: 'ReplicaSet', resource: 'replicasets', singular: 'replicaset', group: 'apps', version: 'v1', namespaced: true, shortNames: ['rs'], inAll: true, durable: true },
  { kind: 'StatefulSet', resource: 'statefulsets', singular: 'statefulset', group: 'apps', version: 'v1', namespaced: true, shortNames: ['sts'], inAll: true, durable: true },
  // then the groups in the order a real apiserver lists them: autoscaling, batch, policy, storage, coordination
  { kind: 'HorizontalPodAutoscaler', resource: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', group: 'autoscaling', version: 'v2', namespaced: true, shortNames: ['hpa'], inAll: true, durable: true },
  { kind: 'CronJob', resource: 'cronjobs', singular: 'cronjob', group: 'batch', version: 'v1', namespaced: true, shortNames: ['cj'], inAll: true, durable: true },
  { kind: 'Job', resource: 'jobs', singular: 'job', group: 'batch', version: 'v1', namespaced: true, shortNames: [], inAll: true, durable: true },
  { kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets', singular: 'poddisruptionbudget', group: 'policy', version: 'v1', namespaced: true, shortNames: ['pdb'], inAll: false, durable: true },
  { kind: 'StorageClass', resource: 'storageclasses', singular: 'storageclass', group: 'storage.k8s.io', version: 'v1', namespaced: false, shortNames: ['sc'], inAll: false, durable: true },
  // the nodes' heartbeats (renewed every 10 s): kept in memory, as a restarted kubelet renews its own at once
  { kind: 'Lease', resource: 'leases', singular: 'lease', group: 'coordination.k8s.io', version: 'v1', namespaced: true, shortNames: [], inAll: false, durable: false },
];

/**
 * Older versions a kind is also served at, converted to and from the table's (stored) version on the way
 * in and out (src/kube/hpa-conversion.ts): autoscaling/v1, which `kubectl autoscale` of 1.20 and 1.32
 * writes and kubectl 1.20's describe reads. Listed in discovery after the table's version (decision 224).
 */
export const ALTERNATE_VERSIONS: readonly { kind: Kind; version: string }[] = [
  { kind: 'HorizontalPodAutoscaler', version: 'v1' },
];

/** The table's type as served at another version of its group (ALTERNATE_VERSIONS), or undefined. */
export function atVersion(group: string, version: string, resource: string): ResourceType | undefined {
  const t = byResource(resource, group);
  if (!t || t.version === version) return t;
  return ALTERNATE_VERSIONS.some((a) => a.kind === t.kind && a.version === version) ? { ...t, version } : undefined;
}

export function byKind(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.kind === kind);
}

export function byResource(resource: string, group?: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.resource === resource && (group === undefined || t.group === group));
}

/** Resolves what a user types after `get`: "po", "pods", "pod", "deploy", "deployment.apps", "jobs.batch", ... */
export function byAnyName(name: string): ResourceType | undefined {
  const lower = name.toLowerCase();
  const dot = lower.indexOf('.');
  const n = dot < 0 ? lower : lower.slice(0, dot);
  const group = dot < 0 ? undefined : lower.slice(dot + 1);
  return RESOURCE_TYPES.find((t) => (group === undefined || t.group === group)
    && (t.resource === n || t.singular === n || t.shortNames.includes(n) || t.kind.toLowerCase() === n));
}

/** The API groups served from the table, in table order (apps first: kubectl's first group wins a name). */
export function servedGroups(): { group: string; version: string }[] {
  const out: { group: string; version: string }[] = [];
  for (const t of RESOURCE_TYPES) {
    if (t.group && !out.some((g) => g.group === t.group)) out.push({ group: t.group, version: t.version });
  }
  return out;
}

/** Every version of a group: the table's, then its alternates. */
export function groupVersions(group: string): string[] {
  const out: string[] = [];
  for (const t of RESOURCE_TYPES.filter((r) => r.group === group)) if (!out.includes(t.version)) out.push(t.version);
  for (const a of ALTERNATE_VERSIONS) {
    const t = byKind(a.kind);
    if (t?.group === group && !out.includes(a.version)) out.push(a.version);
  }
  return out;
}

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}
