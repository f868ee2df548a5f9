// The mini-kube API server: Kubernetes-shaped REST over HTTPS on 127.0.0.1, for the mini-kube CLI,
// kubectl (1.20 and 1.32) and @kubernetes/client-node. Every request needs the Host to be us and the
// bearer token from <home>/token. Node's https server and a small router of our own (router.ts) for the
// fixed routes of handlers/discovery.ts; every other path goes to handlers/resources.ts (with watch,
// tables, patch, scale, logs); upgrades (exec) to streaming/upgrade.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import * as https from 'node:https';
import type { Store } from '../../store/store.js';
import { authenticate, checkAuthorized, checkHost } from './auth.js';
import type { AdmissionHook, ApiContext, PodNetwork } from '../context.js';
import type { KubeletStreams } from '../streaming/kubelet-streams.js';
import { registerDiscovery, type VersionInfo } from '../handlers/discovery.js';
import { pathNotFound, sendStatus } from './errors.js';
import { Router } from './router.js';
import { ensureTls, type TlsNames } from './tls.js';
import { loadProtobuf, mentionsProtobuf } from '../protobuf/lazy.js';
import { ensureSigningKey, ensureToken } from './token.js';
import { ServiceAccountTokens } from '../registry/service-account-tokens.js';
import { registerAuthReviews } from '../handlers/auth-reviews.js';
import type { UpgradeExecProtocol } from '../streaming/upgrade.js';
import { METRICS_GROUP_VERSION } from '../handlers/metrics.js';
import type { MetricsReader } from '../../metrics/types.js';
import type { WebSocketServer } from 'ws';
import { StatusError } from '../../kube/errors.js';

export interface ApiServerOptions {
  store: Store;
  /** directory for ca.crt, apiserver.crt, apiserver.key and token */
  home: string;
  /** names the certificate must carry besides 127.0.0.1 and localhost (the kubernetes Service's) */
  tlsNames?: TlsNames;
  /** 0 or absent = pick a free port */
  port?: number;
  host?: '127.0.0.1';
  /** the kubelet, which logs and exec are forwarded to (it finds the pod's containers); absent -> 503 */
  kubelet?: KubeletStreams;
  allowPrivileged?: boolean;
  /** kind-specific admission with cluster state (nodePort allocation) */
  admission?: Partial<Record<string, AdmissionHook>>;
  version?: VersionInfo;
  /** more routes, mounted after authentication and discovery, before the resource routes */
  extraRoutes?: (routes: Router) => void;
  /** exec wire protocols besides WebSocket on the upgrade path; default: SPDY/3.1 (kubectl < 1.30) */
  execProtocols?: UpgradeExecProtocol[];
  /** run the ServiceAccount admission plugin on pod creates (the serviceaccounts controller must run) */
  serviceAccountAdmission?: boolean;
  /** where pods/proxy and services/proxy reach pods; absent -> those answer 503 */
  podNetwork?: PodNetwork;
  /** metrics-server's storage: metrics.k8s.io is served (and discovered) only with it */
  metrics?: MetricsReader;
  /**
   * Creates, updates and deletes of objects wait for this (the control plane's controllers started:
   * a pod needs its namespace's ServiceAccount); reads, discovery and the extra routes do not. A
   * rejection fails those writes with 503.
   */
  writesAfter?: Promise<unknown>;
}

export interface ApiServer {
  url: string;
  port: number;
  caPem: string;
  token: string;
  /** the TokenRequest issuer: the kubelet's ServiceAccountTokenSource */
  tokens: ServiceAccountTokens;
  server: https.Server;
  close(): Promise<void>;
}

/** requests that change nothing: never held back by writesAfter */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

let handlersModule: Promise<typeof import('./resource-handlers.js')> | undefined;
/** The resource handlers, loaded once per process (resource-handlers.ts says why lazily). */
function resourceHandlers(): Promise<typeof import('./resource-handlers.js')> {
  return handlersModule ??= import('./resource-handlers.js');
}

function notStarted(err: unknown): never {
  throw new StatusError(503, 'ServiceUnavailable', `the control plane could not start: ${(err as Error).message}`);
}

export const DEFAULT_VERSION: VersionInfo = { major: '1', minor: '32', gitVersion: 'v1.32.0-mini-kube' };

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const tls = await ensureTls(opts.home, opts.tlsNames);
  const inClusterHosts = new Set([...opts.tlsNames?.dns ?? [], ...opts.tlsNames?.ips ?? []]);
  const token = ensureToken(opts.home);
  ensureDefaultNamespace(opts.store);
  const tokens = new ServiceAccountTokens(opts.store, ensureSigningKey(opts.home));

  const closeHooks = new Set<() => void>();
  const ctx: ApiContext = {
    store: opts.store,
    kubelet: opts.kubelet,
    allowPrivileged: opts.allowPrivileged ?? false,
    admission: opts.admission,
    tokens,
    serviceAccountAdmission: opts.serviceAccountAdmission ?? false,
    podNetwork: opts.podNetwork,
    metrics: opts.metrics,
    now: () => new Date(),
    onClose(fn) {
      closeHooks.add(fn);
      return () => { closeHooks.delete(fn); };
    },
  };
  let port = 0;

  const routes = new Router();
  registerDiscovery(routes, { version: opts.version ?? DEFAULT_VERSION, port: () => port, extraGroupVersions: opts.metrics ? [METRICS_GROUP_VERSION] : [] });
  registerAuthReviews(routes);
  opts.extraRoutes?.(routes);
  // Authentication, then the fixed routes, then the resources; any failure becomes a Status.
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      checkHost(req, port, inClusterHosts);
      checkAuthorized(req, authenticate(req, token, tokens));
      // Only now, and only for a request that speaks protobuf, is the codec loaded (lazy.ts).
      if (mentionsProtobuf(req)) await loadProtobuf();
      const route = routes.match(req);
      if (route) return await route(req, res);
      if (opts.writesAfter && !READ_METHODS.has(req.method ?? 'GET')) await opts.writesAfter.catch(notStarted);
      if (!(await (await resourceHandlers()).handleApiRequest(ctx, req, res))) throw pathNotFound();
    } catch (err) {
      // Unread request bytes (a refused giant body) would be taken for the next request: close instead.
      if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
      sendStatus(res, err);
    }
  };

  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem, minVersion: 'TLSv1.2' }, (req, res) => { void handle(req, res); });
  // Watches and log streams are long: only the request itself must arrive in time.
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 30_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s) => { s.on('error', () => s.destroy()); });
  server.on('tlsClientError', (_err, s) => s.destroy());
  server.on('clientError', (_err, s) => {
    if (s.writable) s.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else s.destroy();
  });
  // exec, attach and port-forward (ws, SPDY) are loaded by the first upgrade
  let upgrades: Promise<{ wss: WebSocketServer; upgrade: typeof import('../streaming/upgrade.js'); spdy: UpgradeExecProtocol }> | undefined;
  const loadUpgrades = () => upgrades ??= Promise.all([
    import('../streaming/exec-websocket.js'), import('../streaming/upgrade.js'), import('../streaming/exec-spdy.js'),
  ]).then(([ws, upgrade, spdy]) => ({ wss: ws.createExecWebSocketServer(), upgrade, spdy: spdy.spdyExecProtocol }));
  server.on('upgrade', (req, socket, head) => {
    // the socket has no reader until the handler takes it: what the client sends meanwhile waits in its buffer
    void loadUpgrades().then(({ wss, upgrade, spdy }) => {
      upgrade.handleUpgrade({ ctx, token, port: () => port, inClusterHosts, wss, extraProtocols: opts.execProtocols ?? [spdy] }, req, socket, head);
    }).catch(() => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;
  server.on('error', (err) => console.error(`api server: ${err.message}`));
  // loaded now that the port answers, so that the first request after a start finds them (or waits less)
  void resourceHandlers();

  let closing: Promise<void> | undefined;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caPem: tls.caPem,
    token,
    tokens,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const fn of [...closeHooks]) fn();
        closeHooks.clear();
        void upgrades?.then(({ wss }) => {
          for (const client of wss.clients) client.terminate();
          wss.close();
        });
        server.close(() => resolve());
        // Watches, log streams and keep-alive connections would hold close() open forever.
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

/** The namespaces every cluster has (the apiserver's system namespaces controller), labelled with their name. */
function ensureDefaultNamespace(store: Store): void {
  // kube-node-lease holds the nodes' heartbeat Leases (kubelet/node-lease.ts)
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    const labels = { 'kubernetes.io/metadata.name': name };
    const ns = store.get('Namespace', undefined, name);
    if (!ns) {
      store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    } else if (ns.metadata.labels?.['kubernetes.io/metadata.name'] !== name) {
      // stored by an older mini-kube
      store.mutate('Namespace', undefined, name, (o) => { o.metadata.labels = { ...(o.metadata.labels ?? {}), ...labels }; });
    }
  }
}
