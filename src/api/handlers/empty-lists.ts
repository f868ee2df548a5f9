// Lists of kinds mini-kube does not implement, which kubectl reads unconditionally: `kubectl cluster-info
// dump` lists ReplicationControllers and DaemonSets in every namespace it dumps and stops at the first
// error, so a 404 there would end the dump before the pods and their logs. Such a list is honestly
// empty (nothing of the kind can exist: the kind is in no discovery document, so `kubectl apply` of one
// says "no matches for kind"); every other request for the kind stays 404. A kind that joins
// kube/kinds.ts is served by handlers/resources.ts instead, and this list skips it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { byResource } from '../../kube/kinds.js';
import type { ApiContext } from '../context.js';
import { sendJson } from '../http/errors.js';
import { parseUrl } from '../http/request.js';

const READ_BY_KUBECTL = [
  { prefix: ['api', 'v1'], group: '', resource: 'replicationcontrollers', listKind: 'ReplicationControllerList', apiVersion: 'v1' },
  { prefix: ['apis', 'apps', 'v1'], group: 'apps', resource: 'daemonsets', listKind: 'DaemonSetList', apiVersion: 'apps/v1' },
] as const;

/** Answers a GET list of one of those kinds (in a namespace or in all), unless the kinds table serves it; false: not ours. */
export function handleEmptyList(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): boolean {
  if ((req.method ?? 'GET') !== 'GET' && req.method !== 'HEAD') return false;
  const url = parseUrl(req);
  for (const k of READ_BY_KUBECTL) {
    if (byResource(k.resource, k.group)) continue;
    if (!k.prefix.every((s, i) => url.segments[i] === s)) continue;
    const rest = url.segments.slice(k.prefix.length);
    const list = (rest.length === 1 && rest[0] === k.resource) || (rest.length === 3 && rest[0] === 'namespaces' && rest[2] === k.resource);
    if (!list || url.query.get('watch') === 'true' || url.query.get('watch') === '1') continue;
    sendJson(res, 200, { kind: k.listKind, apiVersion: k.apiVersion, metadata: { resourceVersion: String(ctx.store.resourceVersion) }, items: [] });
    return true;
  }
  return false;
}
