// Which resource a URL names, generically from store/kinds.ts:
//   /api/v1[/watch]/namespaces/{ns}/{resource}[/{name}[/{subresource}]]
//   /apis/{group}/{version}[/watch]/namespaces/{ns}/{resource}[/{name}[/{subresource}]]   (every group in kinds.ts)
//   /api/v1[/watch]/{namespaced resource}                 (all namespaces: list and watch only)
//   /api/v1[/watch]/namespaces[/{name}[/{subresource}]]   (cluster-scoped)
//   /apis/extensions/v1beta1[/watch]/namespaces/{ns}/deployments[/{name}[/status]]   (legacy, see below)
// Anything else is not ours: undefined -> 404.
//
// extensions/v1beta1 is served for Deployments only, as a 1.15 cluster still did, so that the tutorial's
// `kubectl apply -f liveness.yaml` maps its kind (kubectl 1.32 resolves kinds through discovery). Such a
// request works on the apps/v1 object (admission converts legacy bodies) and carries a Warning header.
import { atVersion, byResource, groupVersions, servedGroups, type ResourceType } from '../../kube/kinds.js';

export interface ResourcePath {
  type: ResourceType;
  /** set for namespaced requests; undefined for cluster-scoped kinds and all-namespace lists */
  namespace?: string;
  name?: string;
  subresource?: string;
  /** the deprecated /watch/ prefix form */
  watchPrefix: boolean;
  /** set when the URL named a legacy group/version (extensions/v1beta1) that maps onto `type` */
  legacyGroupVersion?: LegacyGroupVersion;
}

export const LEGACY_GROUP_VERSION = 'extensions/v1beta1';
export type LegacyGroupVersion = typeof LEGACY_GROUP_VERSION;
/** resources the legacy group/version serves, with their subresources */
export const LEGACY_RESOURCES: Record<string, readonly string[]> = { deployments: ['status'] };

/** What the apiserver of 1.15 said on every extensions/v1beta1 Deployment request. */
export const LEGACY_WARNING = 'extensions/v1beta1 Deployment is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 Deployment';

/** Subresources served per resource; others are 404 as on a real cluster without them. */
export const SUBRESOURCES: Record<string, readonly string[]> = {
  pods: ['status', 'log', 'exec', 'attach', 'portforward', 'proxy', 'ephemeralcontainers', 'binding', 'eviction'],
  deployments: ['status', 'scale'],
  replicasets: ['status', 'scale'],
  jobs: ['status'],
  cronjobs: ['status'],
  daemonsets: ['status'],
  services: ['status', 'proxy'],
  namespaces: ['status'],
  nodes: ['status'],
  serviceaccounts: ['token'],
  statefulsets: ['status', 'scale'],
  persistentvolumeclaims: ['status'],
  persistentvolumes: ['status'],
  horizontalpodautoscalers: ['status'],
  poddisruptionbudgets: ['status'],
};

export function parseResourcePath(segments: readonly string[]): ResourcePath | undefined {
  let group: string;
  let rest: string[];
  let legacy: LegacyGroupVersion | undefined;
  let version: string | undefined;
  if (segments[0] === 'api' && segments[1] === 'v1') {
    group = '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments[1] && servedGroups().some((g) => g.group === segments[1]) && groupVersions(segments[1]).includes(segments[2] ?? '')) {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else if (segments[0] === 'apis' && `${segments[1]}/${segments[2]}` === LEGACY_GROUP_VERSION) {
    group = 'apps';
    legacy = LEGACY_GROUP_VERSION;
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  if (rest.length === 0) return undefined;

  let out: ResourcePath | undefined;
  // a group's other versions serve only the kinds listed for them (ALTERNATE_VERSIONS), converted
  const lookup = (resource: string) => (version === undefined ? byResource(resource, group) : atVersion(group, version, resource));
  const inNamespace = rest[0] === 'namespaces' && rest.length >= 3 ? lookup(rest[2]!) : undefined;
  if (inNamespace?.namespaced) {
    if (rest.length > 5) return undefined;
    out = { type: inNamespace, namespace: rest[1]!, name: rest[3], subresource: rest[4], watchPrefix };
  } else {
    const type = lookup(rest[0]!);
    if (!type) return undefined;
    if (type.namespaced) {
      if (rest.length !== 1) return undefined;
      out = { type, watchPrefix };
    } else {
      if (rest.length > 3) return undefined;
      out = { type, name: rest[1], subresource: rest[2], watchPrefix };
    }
  }
  if (legacy) {
    const subs = LEGACY_RESOURCES[out.type.resource];
    if (!subs || (out.subresource !== undefined && !subs.includes(out.subresource))) return undefined;
    out.legacyGroupVersion = legacy;
  }
  if (out.subresource !== undefined && !(SUBRESOURCES[out.type.resource] ?? []).includes(out.subresource)) return undefined;
  if (watchPrefix && out.subresource !== undefined) return undefined;
  return out;
}
