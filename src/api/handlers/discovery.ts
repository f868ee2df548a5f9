// Discovery, version, OpenAPI and health: what kubectl fetches before anything else (kubectl-compat §1).
// Generated from kube/kinds.ts so a new kind (and its group) shows up here by itself. /apis lists the table's
// groups (apps/v1 first) and, after them,
// the legacy extensions/v1beta1 (Deployments only, see paths.ts): kubectl fetches every group/version
// listed (an unserved one makes it print errors), and the first group wins when a resource name is in
// two, so `kubectl get deploy` stays apps/v1. The legacy entry has no short names and no `all` category,
// so `kubectl get all` and `deploy` do not list Deployments twice. discovery.k8s.io/v1 serves the
// read-only EndpointSlices (handlers/endpoint-slices.ts) that kubectl 1.32's describe svc reads.
import { RESOURCE_TYPES, servedGroups, type ResourceType } from '../../kube/kinds.js';
import { sendJson } from '../http/errors.js';
import type { Router } from '../http/router.js';
import { ENDPOINT_SLICE_API_VERSION, ENDPOINT_SLICE_GROUP } from '../registry/endpoint-slices.js';
import { ENDPOINT_SLICES_RESOURCE } from './endpoint-slices.js';
import { LEGACY_GROUP_VERSION, LEGACY_RESOURCES, SUBRESOURCES } from '../http/paths.js';
import { AUTH_GROUPS, authApiResources } from './auth-reviews.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NAMESPACE_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** One group/version's APIResourceList entries: the resources, then their subresources. */
export function apiResources(group: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const t of RESOURCE_TYPES.filter((r) => r.group === group)) {
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

export function registerDiscovery(app: Router, opts: { version: VersionInfo; port: () => number }): void {
  // Every group of the kinds table (apps first), then discovery.k8s.io, the auth groups and the legacy one.
  const tableGroups = servedGroups().map(({ group, version }) => {
    const v = { groupVersion: `${group}/${version}`, version };
    return { name: group, versions: [v], preferredVersion: v };
  });
  const discoveryVersion = { groupVersion: ENDPOINT_SLICE_API_VERSION, version: 'v1' };
  const discoveryGroup = { name: ENDPOINT_SLICE_GROUP, versions: [discoveryVersion], preferredVersion: discoveryVersion };
  const legacyVersion = { groupVersion: LEGACY_GROUP_VERSION, version: LEGACY_GROUP_VERSION.split('/')[1] };
  const legacyGroup = { name: LEGACY_GROUP_VERSION.split('/')[0], versions: [legacyVersion], preferredVersion: legacyVersion };

  app.get('/api', (_req, res) => sendJson(res, 200, {
    kind: 'APIVersions', versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${opts.port()}` }],
  }));
  const authGroups = AUTH_GROUPS.map((g) => {
    const v = { groupVersion: `${g.name}/v1`, version: 'v1' };
    return { name: g.name, versions: [v], preferredVersion: v };
  });
  app.get('/apis', (_req, res) => sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [...tableGroups, discoveryGroup, ...authGroups, legacyGroup] }));
  for (const g of authGroups) {
    app.get(`/apis/${g.name}`, (_req, res) => sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...g }));
    app.get(`/apis/${g.name}/v1`, (_req, res) => sendJson(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${g.name}/v1`, resources: authApiResources(g.name) }));
  }
  for (const g of tableGroups) {
    app.get(`/apis/${g.name}`, (_req, res) => sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...g }));
    app.get(`/apis/${g.preferredVersion.groupVersion}`, (_req, res) => sendJson(res, 200, {
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: g.preferredVersion.groupVersion, resources: apiResources(g.name),
    }));
  }
  app.get(`/apis/${ENDPOINT_SLICE_GROUP}`, (_req, res) => sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...discoveryGroup }));
  app.get(`/apis/${ENDPOINT_SLICE_API_VERSION}`, (_req, res) => sendJson(res, 200, {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion: ENDPOINT_SLICE_API_VERSION, resources: [{ ...ENDPOINT_SLICES_RESOURCE, verbs: [...ENDPOINT_SLICES_RESOURCE.verbs] }],
  }));
  app.get(`/apis/${legacyGroup.name}`, (_req, res) => sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...legacyGroup }));
  app.get(`/apis/${LEGACY_GROUP_VERSION}`, (_req, res) => sendJson(res, 200, {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion: LEGACY_GROUP_VERSION, resources: legacyApiResources(),
  }));
  app.get('/api/v1', (_req, res) => sendJson(res, 200, { kind: 'APIResourceList', groupVersion: 'v1', resources: apiResources('') }));

  app.get('/version', (_req, res) => sendJson(res, 200, {
    major: opts.version.major, minor: opts.version.minor, gitVersion: opts.version.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2025-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`, compiler: 'gc', platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  }));

  // An empty protobuf document: kubectl apply's client-side validation then skips every kind (§1.3).
  app.get('/openapi/v2', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 0 });
    res.end();
  });
  // /openapi/v3 stays unserved (404 by the fallback): kubectl 1.32 then falls back to v2.

  for (const path of ['/healthz', '/readyz', '/livez']) {
    app.get(path, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
      res.end('ok');
    });
  }
}
