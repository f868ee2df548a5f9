// Discovery, version, OpenAPI and health: what kubectl fetches before anything else (kubectl-compat §1).
// One list of served group/versions (servedGroupVersions) feeds /api, /apis (plain and aggregated), the
// group and resource lists and OpenAPI, so they always agree; it comes from kube/kinds.ts, so a new kind
// (and its group) shows up everywhere by itself. /apis lists the table's groups (apps first), then
// discovery.k8s.io (the read-only EndpointSlices kubectl 1.32's describe svc reads), the auth review
// groups and, last, the legacy extensions/v1beta1 (Deployments only, see paths.ts): kubectl fetches every
// group/version listed (an unserved one makes it print errors), and the first group wins when a resource
// name is in two, so `kubectl get deploy` stays apps/v1. The legacy entry has no short names and no `all`
// category, so `kubectl get all` and `deploy` do not list Deployments twice.
import { ALTERNATE_VERSIONS, groupVersions, RESOURCE_TYPES, servedGroups, type ResourceType } from '../../kube/kinds.js';
import { sendJson } from '../http/errors.js';
import type { Router } from '../http/router.js';
import { ENDPOINT_SLICE_GROUP, ENDPOINT_SLICES_RESOURCE } from '../registry/endpoint-slices.js';
import { LEGACY_GROUP_VERSION, LEGACY_RESOURCES, SUBRESOURCES } from '../http/paths.js';
import { AUTH_GROUPS, authApiResources } from './auth-reviews.js';
import { registerOpenApi } from './openapi.js';
import { sendAggregated, wantsAggregated } from './aggregated-discovery.js';
import type { ServedGroupVersion, ServedResource } from '../openapi/paths.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NAMESPACE_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** One group/version's APIResourceList entries: the resources, then their subresources. */
export function apiResources(group: string, version?: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  // a kind is listed at its table version and at the alternate versions it is also served at (HPA: v2 and v1)
  const atThisVersion = (r: ResourceType) => version === undefined || r.version === version || ALTERNATE_VERSIONS.some((a) => a.kind === r.kind && a.version === version);
  for (const t of RESOURCE_TYPES.filter((r) => r.group === group && atThisVersion(r))) {
    out.push({
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.kind === 'Namespace' ? NAMESPACE_VERBS : ALL_VERBS,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.inAll ? { categories: ['all'] } : {}),
    });
    for (const sub of SUBRESOURCES[t.resource] ?? []) out.push(subresourceEntry(t, sub));
  }
  return out;
}

/** extensions/v1beta1's APIResourceList: the resources of apps/v1 it still maps, bare. */
export function legacyApiResources(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [resource, subs] of Object.entries(LEGACY_RESOURCES)) {
    const t = RESOURCE_TYPES.find((r) => r.group === 'apps' && r.resource === resource)!;
    out.push({ name: t.resource, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: ALL_VERBS });
    for (const sub of subs) out.push(subresourceEntry(t, sub));
  }
  return out;
}

function subresourceEntry(t: ResourceType, sub: string): Record<string, unknown> {
  const base = { name: `${t.resource}/${sub}`, singularName: '', namespaced: t.namespaced };
  switch (sub) {
    case 'log': return { ...base, kind: 'Pod', verbs: ['get'] };
    case 'exec': return { ...base, kind: 'PodExecOptions', verbs: ['create', 'get'] };
    case 'attach': return { ...base, kind: 'PodAttachOptions', verbs: ['create', 'get'] };
    case 'portforward': return { ...base, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] };
    case 'binding': return { ...base, kind: 'Binding', verbs: ['create'] };
    case 'eviction': return { ...base, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] };
    case 'scale': return { ...base, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
    case 'token': return { ...base, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] };
    case 'proxy': return { ...base, kind: t.kind === 'Pod' ? 'PodProxyOptions' : 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    default: return { ...base, kind: t.kind, verbs: ['get', 'patch', 'update'] };
  }
}

/** Every group/version discovery serves, in the order /apis lists them (core first), with their resources. */
export function servedGroupVersions(extra: readonly ServedGroupVersion[] = []): ServedGroupVersion[] {
  const list = (resources: Record<string, unknown>[]) => resources as unknown as ServedResource[];
  const [legacyGroup, legacyVersion] = LEGACY_GROUP_VERSION.split('/') as [string, string];
  return [
    { group: '', version: 'v1', resources: list(apiResources('')) },
    // each group at its table version (preferred), then at the versions its kinds are also served at
    ...servedGroups().flatMap(({ group }) => groupVersions(group).map((version) => ({ group, version, resources: list(apiResources(group, version)) }))),
    { group: ENDPOINT_SLICE_GROUP, version: 'v1', resources: [{ ...ENDPOINT_SLICES_RESOURCE, verbs: [...ENDPOINT_SLICES_RESOURCE.verbs] }] },
    ...AUTH_GROUPS.map((g) => ({ group: g.name, version: 'v1', resources: list(authApiResources(g.name)) })),
    ...extra,
    // documented in OpenAPI as the apps/v1 objects it serves, so that kubectl 1.20 finds the tutorial's kind
    { group: legacyGroup, version: legacyVersion, resources: list(legacyApiResources()), schemaOf: { group: 'apps', version: 'v1' } },
  ];
}

export interface DiscoveryOptions {
  version: VersionInfo;
  port: () => number;
  /** group/versions served by handlers of their own, listed after the auth groups */
  extraGroupVersions?: readonly ServedGroupVersion[];
}

export function registerDiscovery(app: Router, opts: DiscoveryOptions): void {
  const served = servedGroupVersions(opts.extraGroupVersions);
  const core = served.filter((gv) => gv.group === '');
  const groups = served.filter((gv) => gv.group !== '');
  // A group's versions in the order served (the first is the preferred one), as one APIGroup.
  const versionsOf = new Map<string, ServedGroupVersion[]>();
  for (const gv of groups) versionsOf.set(gv.group, [...versionsOf.get(gv.group) ?? [], gv]);
  const apiGroup = (name: string) => {
    const versions = versionsOf.get(name)!.map((gv) => ({ groupVersion: `${gv.group}/${gv.version}`, version: gv.version }));
    return { name, versions, preferredVersion: versions[0]! };
  };

  // kubectl >= 1.30 asks /api and /apis for the aggregated form first (everything in two requests); the
  // same lists, so the two forms always agree.
  app.get('/api', (req, res) => {
    if (wantsAggregated(req)) return sendAggregated(res, core);
    sendJson(res, 200, {
      kind: 'APIVersions', versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${opts.port()}` }],
    });
  });
  app.get('/apis', (req, res) => {
    if (wantsAggregated(req)) return sendAggregated(res, groups);
    sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [...versionsOf.keys()].map(apiGroup) });
  });
  for (const name of versionsOf.keys()) app.get(`/apis/${name}`, (_req, res) => sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(name) }));
  for (const gv of groups) {
    app.get(`/apis/${gv.group}/${gv.version}`, (_req, res) => sendJson(res, 200, {
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${gv.group}/${gv.version}`, resources: gv.resources,
    }));
  }
  app.get('/api/v1', (_req, res) => sendJson(res, 200, { kind: 'APIResourceList', groupVersion: 'v1', resources: core[0]!.resources }));

  app.get('/version', (_req, res) => sendJson(res, 200, {
    major: opts.version.major, minor: opts.version.minor, gitVersion: opts.version.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2025-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`, compiler: 'gc', platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  }));

  registerOpenApi(app, { served: () => served, gitVersion: opts.version.gitVersion });

  for (const path of ['/healthz', '/readyz', '/livez']) {
    app.get(path, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
      res.end('ok');
    });
  }
}

