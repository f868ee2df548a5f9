// GET, list and watch of discovery.k8s.io/v1 EndpointSlices, the read-only view of Endpoints in
// registry/endpoint-slices.ts:
//   /apis/discovery.k8s.io/v1[/watch]/namespaces/{ns}/endpointslices[/{name}]
//   /apis/discovery.k8s.io/v1[/watch]/endpointslices       (all namespaces)
// Writes answer 405: the slices follow the Endpoints, which the endpoints controller owns.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Endpoints, Service } from '../../kube/types.js';
import { notFound } from '../../kube/errors.js';
import type { Stored } from '../../store/store.js';
import type { ApiContext } from '../context.js';
import { methodNotAllowed, sendJson } from '../http/errors.js';
import { negotiate } from '../http/negotiate.js';
import { boolParam, intParam, parseUrl } from '../http/request.js';
import { ENDPOINT_SLICE_API_VERSION, ENDPOINT_SLICE_GROUP, ENDPOINT_SLICES_RESOURCE, endpointSlicesOf, type EndpointSlice } from '../registry/endpoint-slices.js';
import { selectorFilter } from './selectors.js';
import { includeObjectParam, renderTable } from './tables.js';
import { serveWatch } from './watch.js';


interface SlicePath {
  namespace?: string;
  name?: string;
  watchPrefix: boolean;
}

export function parseEndpointSlicePath(segments: readonly string[]): SlicePath | undefined {
  if (segments[0] !== 'apis' || `${segments[1]}/${segments[2]}` !== ENDPOINT_SLICE_API_VERSION) return undefined;
  let rest = segments.slice(3);
  const watchPrefix = rest[0] === 'watch';
  if (watchPrefix) rest = rest.slice(1);
  if (rest.length === 1 && rest[0] === 'endpointslices') return { watchPrefix };
  if (rest[0] === 'namespaces' && rest[2] === 'endpointslices' && (rest.length === 3 || rest.length === 4)) {
    return { namespace: rest[1], name: rest[3], watchPrefix };
  }
  return undefined;
}

/** The slices of the namespace (or all), computed from its Endpoints and their Services. */
export function endpointSlices(ctx: ApiContext, namespace: string | undefined): Stored<EndpointSlice>[] {
  return ctx.store.list<Endpoints>('Endpoints', namespace).flatMap((ep) => slicesOf(ctx, ep));
}

function slicesOf(ctx: ApiContext, ep: Stored<Endpoints>): Stored<EndpointSlice>[] {
  return endpointSlicesOf(ep, ctx.store.get<Service>('Service', ep.metadata.namespace, ep.metadata.name));
}

/** Serves the request if its path names EndpointSlices; false means "not ours". */
export async function handleEndpointSliceRequest(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = parseUrl(req);
  const sp = parseEndpointSlicePath(url.segments);
  if (!sp) return false;
  const method = req.method ?? 'GET';
  if (method !== 'GET') throw methodNotAllowed(method);
  const query = url.query;
  // metadata.name and metadata.namespace are the only fields, as for Endpoints
  const filterFor = (extra?: string) => selectorFilter(query, 'Endpoints', extra);

  if (sp.watchPrefix || boolParam(query, 'watch')) {
    const nameSelector = sp.name !== undefined ? `metadata.name=${sp.name.replace(/([\\,=])/g, '\\$1')}` : undefined;
    serveWatch(ctx, req, res, {
      type: { kind: 'Endpoints' },
      project: (ep) => slicesOf(ctx, ep as Stored<Endpoints>),
      tableKind: 'EndpointSlice',
      namespace: sp.namespace,
      filter: filterFor(nameSelector),
      resourceVersion: query.get('resourceVersion') ?? undefined,
      timeoutSeconds: intParam(query, 'timeoutSeconds'),
      representation: negotiate(req),
      include: includeObjectParam(query),
    });
    return true;
  }

  const rep = negotiate(req);
  if (sp.name !== undefined) {
    const slice = endpointSlices(ctx, sp.namespace).find((s) => s.metadata.name === sp.name);
    if (!slice) throw notFound(ENDPOINT_SLICES_RESOURCE.name, ENDPOINT_SLICE_GROUP, sp.name);
    if (rep.as === 'table') {
      sendJson(res, 200, renderTable('EndpointSlice', [slice], { apiVersion: rep.apiVersion, include: includeObjectParam(query), resourceVersion: slice.metadata.resourceVersion, now: ctx.now() }));
    } else {
      sendJson(res, 200, slice);
    }
    return true;
  }

  const rv = String(ctx.store.resourceVersion);
  const items = endpointSlices(ctx, sp.namespace).filter(filterFor());
  if (rep.as === 'table') {
    sendJson(res, 200, renderTable('EndpointSlice', items, { apiVersion: rep.apiVersion, include: includeObjectParam(query), resourceVersion: rv, now: ctx.now() }));
  } else {
    sendJson(res, 200, { kind: 'EndpointSliceList', apiVersion: ENDPOINT_SLICE_API_VERSION, metadata: { resourceVersion: rv }, items });
  }
  return true;
}
