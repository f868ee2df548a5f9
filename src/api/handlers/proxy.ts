// The proxy subresources kubectl proxy's users open (pkg/registry/core/{pod,service}/rest/proxy.go):
//   /api/v1/namespaces/NS/pods/NAME[:PORT]/proxy/PATH       the pod's IP:PORT (default 80; PORT a number or a
//                                                           container port name)
//   /api/v1/namespaces/NS/services/[http:]NAME[:PORT]/proxy/PATH   a ready endpoint of the Service, PORT the
//                                                           service port's name or number (default: the only one)
// HTTP only (no https: scheme, no upgrade), every method. Where a pod is comes from the kubelet's
// observations, never the stored status (decisions/070); in published-ports mode the request goes to the
// port the engine published for it on 127.0.0.1 (decisions/178).
import * as http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, notFound } from '../../kube/errors.js';
import { endpointsOf } from '../../kube/endpoints.js';
import { upstreamAddressProblem } from '../../kube/host-addresses.js';
import { withObservedStatus } from '../../kube/observed.js';
import type { Pod, Service } from '../../kube/types.js';
import type { ApiContext } from '../context.js';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'authorization'];
/** How long the upstream may take to accept the connection and answer the headers. */
const UPSTREAM_TIMEOUT_MS = 30_000;

interface ProxyPath {
  namespace: string;
  resource: 'pods' | 'services';
  scheme: string;
  name: string;
  port: string;
  /** the rest of the path after /proxy, at least "/" */
  rest: string;
  query: string;
}

/** The proxy path a URL names, or undefined when it is not one (the resource handlers then answer). */
export function parseProxyPath(url: string): ProxyPath | undefined {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|services)\/([^/]+)\/proxy(\/.*)?$/.exec(path);
  if (!m) return undefined;
  const parts = decodeURIComponent(m[3]!).split(':');
  let scheme = '';
  if (parts.length === 3 || (m[2] === 'services' && (parts[0] === 'http' || parts[0] === 'https') && parts.length > 1)) scheme = parts.shift()!;
  return {
    namespace: decodeURIComponent(m[1]!), resource: m[2] as 'pods' | 'services', scheme, name: parts[0] ?? '', port: parts[1] ?? '',
    rest: m[4] ?? '/', query: q >= 0 ? url.slice(q) : '',
  };
}

export async function handleProxyRequest(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const p = parseProxyPath(req.url ?? '/');
  if (!p) return false;
  if (p.scheme && p.scheme !== 'http') throw new StatusError(400, 'BadRequest', `mini-kube's proxy subresource speaks http only, not ${p.scheme}`);
  if (!ctx.podNetwork) throw new StatusError(503, 'ServiceUnavailable', 'this API server has no kubelet to reach pods through');
  const target = p.resource === 'pods' ? podTarget(ctx, p) : serviceTarget(ctx, p);
  await forward(req, res, target, p.rest + p.query);
  return true;
}

interface Target { host: string; port: number; what: string }

function podTarget(ctx: ApiContext, p: ProxyPath): Target {
  const pod = ctx.store.get<Pod>('Pod', p.namespace, p.name);
  if (!pod) throw notFound('pods', '', p.name);
  let port = 80;
  if (p.port) {
    if (/^\d+$/.test(p.port)) port = Number(p.port);
    else {
      const named = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((cp) => cp.name === p.port);
      if (!named) throw new StatusError(503, 'ServiceUnavailable', `no such port "${p.port}" on pod "${p.name}"`);
      port = named.containerPort;
    }
  }
  const status = ctx.podNetwork!.observed.status(pod.metadata.uid);
  const ip = status?.podIP;
  if (!ip || upstreamAddressProblem(ip)) throw new StatusError(503, 'ServiceUnavailable', `address not allowed: pod "${p.name}" has no IP to reach yet`);
  return dialAddress(ctx, pod.metadata.uid, ip, port);
}

function dialAddress(ctx: ApiContext, podUid: string, ip: string, port: number): Target {
  if (!ctx.podNetwork!.publishPorts) return { host: ip, port, what: `${ip}:${port}` };
  const published = ctx.podNetwork!.observed.publishedPorts(podUid)?.[port];
  if (published === undefined) {
    throw new StatusError(503, 'ServiceUnavailable', `error trying to reach service: port ${port} of the pod is not published (published-ports mode reaches only the ports a container declares)`);
  }
  return { host: '127.0.0.1', port: published, what: `${ip}:${port}` };
}

function serviceTarget(ctx: ApiContext, p: ProxyPath): Target {
  const svc = ctx.store.get<Service>('Service', p.namespace, p.name);
  if (!svc) throw notFound('services', '', p.name);
  const ports = svc.spec?.ports ?? [];
  const sp = p.port
    ? ports.find((x) => x.name === p.port || String(x.port) === p.port)
    : ports.length === 1 ? ports[0] : undefined;
  if (!sp) {
    throw new StatusError(503, 'ServiceUnavailable', p.port ? `no service port "${p.port}" found for service "${p.name}"` : `no service port specified for service "${p.name}" with ${ports.length} ports`);
  }
  const pods = withObservedStatus(ctx.store.list<Pod>('Pod', p.namespace), ctx.podNetwork!.observed);
  const ready = endpointsOf(svc, pods).filter((e) => e.ready && e.running && e.ports.has(sp.name ?? ''));
  if (!ready.length) throw new StatusError(503, 'ServiceUnavailable', `no endpoints available for service "${p.name}"`);
  const ep = ready[Math.floor(Math.random() * ready.length)]!;
  return dialAddress(ctx, ep.podUid, ep.ip, ep.ports.get(sp.name ?? '')!);
}

function forward(req: IncomingMessage, res: ServerResponse, target: Target, path: string): Promise<void> {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.includes(k) && v !== undefined) headers[k] = v;
  headers['host'] = target.what;
  const fwd = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = fwd ? `${String(fwd)}, ${req.socket.remoteAddress ?? ''}` : req.socket.remoteAddress ?? '';
  return new Promise<void>((resolve) => {
    const upstream = http.request({ host: target.host, port: target.port, method: req.method, path, headers, timeout: UPSTREAM_TIMEOUT_MS }, (up) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.includes(k) && v !== undefined) out[k] = v;
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
      up.on('end', () => resolve());
      up.on('error', () => { res.destroy(); resolve(); });
    });
    upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!res.headersSent) {
        const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message;
        const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `error trying to reach service: dial tcp ${target.what}: ${why}`, reason: 'ServiceUnavailable', code: 503 };
        const body = JSON.stringify(status);
        res.writeHead(503, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      } else {
        res.destroy();
      }
      resolve();
    });
    res.on('close', () => { if (!res.writableFinished) upstream.destroy(); });
    req.pipe(upstream);
  });
}
