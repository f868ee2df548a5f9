// metrics.k8s.io/v1beta1, as metrics-server serves it behind the aggregator: PodMetrics and NodeMetrics,
// list and get, read-only. Which pods and nodes are listed is decided by the objects (label and field
// selectors apply to the Pod and Node, as metrics-server filters its informers' objects); their numbers
// come from the MetricsReader (src/metrics) the control plane passes in. Without one the group is not in
// discovery and its paths answer 503, as an unavailable APIService does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFound, StatusError } from '../../kube/errors.js';
import type { Node, Pod } from '../../kube/types.js';
import type { MetricsReader, PodMetricsPoint } from '../../metrics/types.js';
import { cpuQuantity, memoryQuantity, windowDuration } from '../../metrics/quantity.js';
import type { ApiContext } from '../context.js';
import { methodNotAllowed, sendJson } from '../http/errors.js';
import { parseUrl } from '../http/request.js';
import { selectorFilter } from './selectors.js';
import { negotiate } from '../http/negotiate.js';
import { parseQuantity } from '../../kube/quantity.js';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
export const METRICS_API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

const RESOURCES = [
  { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
  { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
];

/** The group/version discovery lists (and documents in OpenAPI) while a metrics API is there. */
export const METRICS_GROUP_VERSION = { group: METRICS_GROUP, version: METRICS_VERSION, resources: RESOURCES };

/** Serves /apis/metrics.k8s.io/v1beta1/...; false when the path is not in the group. */
export async function handleMetricsRequest(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const { segments, query } = parseUrl(req);
  if (segments[0] !== 'apis' || segments[1] !== METRICS_GROUP) return false;
  if (segments[2] !== METRICS_VERSION) return false;
  const rest = segments.slice(3);
  let namespace: string | undefined;
  let resource: string | undefined;
  let name: string | undefined;
  if (rest[0] === 'namespaces' && rest[2] === 'pods' && rest.length <= 4) {
    [namespace, resource, name] = [rest[1], 'pods', rest[3]];
  } else if ((rest[0] === 'pods' && rest.length === 1) || (rest[0] === 'nodes' && rest.length <= 2)) {
    [resource, name] = [rest[0], rest[1]];
  } else {
    return false;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req.method ?? '');
  const metrics = ctx.metrics;
  if (!metrics) throw new StatusError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
  if (query.get('watch') === 'true' || query.get('watch') === '1') throw methodNotAllowed('WATCH');
  const now = ctx.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const rep = negotiate(req);
  if (resource === 'pods') {
    const filter = selectorFilter(query, 'Pod', name !== undefined ? `metadata.name=${name}` : undefined);
    const pods = ctx.store.list<Pod>('Pod', namespace).filter(filter);
    const items = await podMetricsItems(metrics, pods, now);
    if (name !== undefined && !items[0]) throw notFound('pods', METRICS_GROUP, name);
    if (rep.as === 'table') return sendMetrics(res, metricsTable(items, rep.apiVersion));
    if (name !== undefined) return sendMetrics(res, items[0]);
    return sendMetrics(res, { kind: 'PodMetricsList', apiVersion: METRICS_API_VERSION, metadata: {}, items });
  }
  const filter = selectorFilter(query, 'Node', name !== undefined ? `metadata.name=${name}` : undefined);
  const nodes = ctx.store.list<Node>('Node').filter(filter);
  const byName = new Map((await metrics.nodeMetrics()).map((n) => [n.name, n]));
  const items = nodes.flatMap((n) => {
    const m = byName.get(n.metadata!.name!);
    if (!m) return [];
    return [{
      kind: 'NodeMetrics', apiVersion: METRICS_API_VERSION,
      metadata: { name: m.name, creationTimestamp: now, ...(n.metadata?.labels ? { labels: n.metadata.labels } : {}) },
      timestamp: iso(m.timestamp), window: windowDuration(m.windowMs),
      usage: { cpu: cpuQuantity(m.usage.cpuNanoCores), memory: memoryQuantity(m.usage.memoryBytes) },
    }];
  });
  if (name !== undefined && !items[0]) throw notFound('nodes', METRICS_GROUP, name);
  if (rep.as === 'table') return sendMetrics(res, metricsTable(items, rep.apiVersion));
  if (name !== undefined) return sendMetrics(res, items[0]);
  return sendMetrics(res, { kind: 'NodeMetricsList', apiVersion: METRICS_API_VERSION, metadata: {}, items });
}

async function podMetricsItems(metrics: MetricsReader, pods: Pod[], now: string): Promise<Record<string, unknown>[]> {
  if (pods.length === 0) return [];
  const byUid = new Map<string, PodMetricsPoint>((await metrics.podMetrics()).map((p) => [p.uid, p]));
  return pods.flatMap((pod) => {
    const m = byUid.get(pod.metadata!.uid!);
    if (!m) return [];
    return [{
      kind: 'PodMetrics', apiVersion: METRICS_API_VERSION,
      metadata: {
        name: pod.metadata!.name, namespace: pod.metadata!.namespace, creationTimestamp: now,
        ...(pod.metadata?.labels ? { labels: pod.metadata.labels } : {}),
      },
      timestamp: iso(m.timestamp), window: windowDuration(m.windowMs),
      containers: m.containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.usage.cpuNanoCores), memory: memoryQuantity(c.usage.memoryBytes) } })),
    }];
  });
}

/**
 * `kubectl get podmetrics|nodemetrics`: metrics-server's own table (its ConvertToTable): name, the pod's
 * summed (or the node's) CPU and memory as quantities, and the window.
 */
function metricsTable(items: Record<string, unknown>[], apiVersion: string): Record<string, unknown> {
  const col = (name: string, description: string, format = '') => ({ name, type: 'string', format, description, priority: 0 });
  const sum = (usages: { cpu: string; memory: string }[], key: 'cpu' | 'memory') => usages.reduce((n, u) => n + (parseQuantity(u[key]) ?? 0), 0);
  return {
    kind: 'Table', apiVersion, metadata: {},
    columnDefinitions: [
      col('Name', 'Name of the resource', 'name'), col('CPU', 'CPU consumption'), col('Memory', 'Memory consumption'),
      col('Window', 'Time window over which the usage was measured'),
    ],
    rows: items.map((item) => {
      const usages = item['containers']
        ? (item['containers'] as { usage: { cpu: string; memory: string } }[]).map((c) => c.usage)
        : [item['usage'] as { cpu: string; memory: string }];
      const meta = item['metadata'] as Record<string, unknown>;
      return {
        cells: [meta['name'], cpuQuantity(sum(usages, 'cpu') * 1e9), memoryQuantity(sum(usages, 'memory')), item['window']],
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta },
      };
    }),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sendMetrics(res: ServerResponse, body: unknown): boolean {
  sendJson(res, 200, body);
  return true;
}
