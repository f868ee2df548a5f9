// Aggregated discovery (apidiscovery.k8s.io/v2): /api and /apis answer every group/version's resources in
// one document when the client asks for it, as kubectl >= 1.30 does first:
//   Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,...;v=v2beta1;...,application/json
// It is built from the same APIResourceList entries as the per-group/version lists (discovery.ts), so
// both forms say the same; a subresource becomes an entry under its resource.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServedGroupVersion, ServedResource } from '../openapi/paths.js';

export const AGGREGATED_DISCOVERY_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Whether the Accept header asks for the v2 aggregated form (v2beta1 alone is not served: kubectl then lists group by group). */
export function wantsAggregated(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').split(',').some((range) => {
    const params = new Map(range.split(';').slice(1).map((p) => p.trim().split('=') as [string, string]));
    return range.trim().toLowerCase().startsWith('application/json') && params.get('g') === 'apidiscovery.k8s.io' && params.get('v') === 'v2' && params.get('as') === 'APIGroupDiscoveryList';
  });
}

function responseKind(r: ServedResource): { group: string; version: string; kind: string } {
  return { group: r.group ?? '', version: r.version ?? '', kind: r.kind };
}

export function aggregatedList(gvs: readonly ServedGroupVersion[]): Record<string, unknown> {
  const items: { metadata: { name: string; creationTimestamp: null }; versions: Record<string, unknown>[] }[] = [];
  for (const gv of gvs) {
    const resources = gv.resources.filter((r) => !r.name.includes('/')).map((r) => ({
      resource: r.name,
      responseKind: responseKind(r),
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singularName ?? '',
      verbs: r.verbs,
      ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories?.length ? { categories: r.categories } : {}),
      ...subresources(gv, r.name),
    }));
    let item = items.find((i) => i.metadata.name === gv.group);
    if (!item) items.push(item = { metadata: { name: gv.group, creationTimestamp: null }, versions: [] });
    item.versions.push({ version: gv.version, resources, freshness: 'Current' });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

function subresources(gv: ServedGroupVersion, resource: string): Record<string, unknown> {
  const subs = gv.resources.filter((r) => r.name.startsWith(`${resource}/`)).map((r) => ({
    subresource: r.name.slice(resource.length + 1),
    responseKind: responseKind(r),
    verbs: r.verbs,
  }));
  return subs.length ? { subresources: subs } : {};
}

export function sendAggregated(res: ServerResponse, gvs: readonly ServedGroupVersion[]): void {
  const body = Buffer.from(JSON.stringify(aggregatedList(gvs)));
  res.writeHead(200, { 'Content-Type': AGGREGATED_DISCOVERY_V2, 'Content-Length': body.length, Vary: 'Accept' });
  res.end(body);
}
