// Everything the API serves behind the fixed routes (discovery, health, auth reviews): proxy, metrics,
// the resources, EndpointSlices and the empty lists. One module so that the API server can listen
// before these are loaded (most of its modules: manifests, printers, yaml) and load them once, right
// after it listens; a request that comes sooner waits for them (docs/decisions/245).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from '../context.js';
import { handleEmptyList } from '../handlers/empty-lists.js';
import { handleEndpointSliceRequest } from '../handlers/endpoint-slices.js';
import { handleMetricsRequest } from '../handlers/metrics.js';
import { handleProxyRequest } from '../handlers/proxy.js';
import { handleResourceRequest } from '../handlers/resources.js';

/** Answers the request if some handler serves its path; false when none does (a 404 then). */
export async function handleApiRequest(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (await handleProxyRequest(ctx, req, res)) return true;
  if (await handleMetricsRequest(ctx, req, res)) return true;
  if (await handleResourceRequest(ctx, req, res)) return true;
  if (await handleEndpointSliceRequest(ctx, req, res)) return true;
  return handleEmptyList(ctx, req, res);
}
