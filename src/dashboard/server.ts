// The dashboard's own listener, plain HTTP on 127.0.0.1 (a browser would balk at the API's private CA):
// the static page, a server-sent event stream of the state, and the teacher's actions. The control
// plane starts it; the API server hands out login codes for it (login.ts).
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiClient } from '../client/api-client.js';
import type { ProbeHistory } from '../probes/history.js';
import type { ConnectionStats } from '../service-proxy/proxy.js';
import type { Store } from '../store/store.js';
import { parseAction, runAction } from './actions.js';
import { Sessions } from './sessions.js';
import { snapshot } from './snapshot.js';
import { TrafficMeter } from './traffic.js';
import { vendorModules } from './vendor.js';
import type { Dashboard } from '../control-plane/control-plane.js';

export interface DashboardOptions {
  store: Store;
  /** a client of this control plane's API, with its token: the actions go through it */
  client: ApiClient;
  history?: ProbeHistory;
  stats?: ConnectionStats;
  /**
   * the probe history and proxy counters once the kubelet and the proxy exist: the control plane starts the
   * dashboard before them (decision 245); until then the page shows the store without probe ticks or traffic
   */
  sources?: Promise<{ history?: ProbeHistory; stats: ConnectionStats }>;
  /** default 0: a free port */
  port?: number;
  log?: (line: string) => void;
}

// what the control plane holds of a running dashboard (the interface is the control plane's: it sits below)
export type { Dashboard };

const HEARTBEAT_MS = 15_000;

export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const sessions = new Sessions();
  let history = opts.history;
  let traffic = new TrafficMeter(opts.stats ?? { active: new Map(), total: new Map(), requests: new Map(), lastSent: new Map() });
  let closed = false;
  const files = staticFiles();
  const clients = new Set<http.ServerResponse>();
  let port = 0;
  let last = '';
  let timer: NodeJS.Timeout | undefined;

  // Changes come in bursts (a pod's status, its events, the endpoints): coalesce them into one push.
  const schedule = () => {
    if (timer || clients.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      const body = JSON.stringify(snapshot(opts.store, history, traffic.current()));
      if (body === last) return;
      last = body;
      for (const res of clients) res.write(`event: state\ndata: ${body}\n\n`);
    }, 100);
  };
  const unwatch = opts.store.watch({}, schedule);
  let unhistory = history?.onRecord(schedule);
  void opts.sources?.then((src) => {
    if (closed) return;
    unhistory?.();
    history = src.history;
    traffic = new TrafficMeter(src.stats);
    unhistory = history?.onRecord(schedule);
    schedule();
  }, () => {});
  const sampler = setInterval(() => {
    // Ticks of pods that are gone would pile up forever otherwise.
    history?.retain(new Set(opts.store.list('Pod').map((p) => p.metadata.uid ?? '')));
    // Nobody is looking: no sampling (the control plane at rest should cost next to nothing).
    if (clients.size > 0 && traffic.sample()) schedule();
  }, 1000);
  const heartbeat = setInterval(() => { for (const res of clients) res.write(': keep-alive\n\n'); }, HEARTBEAT_MS);

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, 'text/plain', err.message);
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // DNS rebinding: a page of another site that resolves its name to 127.0.0.1 sends its own Host.
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(res, 421, 'text/plain', 'wrong host\n');
    const url = new URL(req.url ?? '/', `http://${host}`);
    const sameOrigin = req.headers.origin === `http://${host}`;

    // The page holds no secret; it logs itself in (a ?login= code) or shows how to get a link.
    if (req.method === 'GET' && url.pathname === '/') return sendFile(res, files.page('index.html'));
    if (req.method === 'GET' && files.has(url.pathname)) return sendFile(res, files.get(url.pathname)!);
    if (req.method === 'POST' && url.pathname === '/session') {
      // Only the page itself spends a login code: a cross-site page cannot send this Origin.
      if (!sameOrigin) return send(res, 403, 'application/json', JSON.stringify({ error: 'cross-site request refused' }));
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'application/json', '{"error":"JSON only"}');
      const code = (JSON.parse(await readBody(req)) as { code?: unknown }).code;
      const s = typeof code === 'string' ? sessions.login(code) : undefined;
      if (!s) return send(res, 401, 'application/json', JSON.stringify({ error: 'This login link was already used or has expired: `mini-kube dashboard` prints a new one.' }));
      return send(res, 200, 'application/json', JSON.stringify({ token: s.id, csrf: s.csrf }));
    }
    // No cookie is ever read or set: see sessions.ts for why the session travels only in this header.
    const session = sessions.fromAuthorization(header(req, 'authorization'));
    if (!session) return send(res, 401, 'text/plain', 'not logged in: open the link printed by `mini-kube dashboard`\n');

    if (req.method === 'GET' && url.pathname === '/events') return openStream(res);
    if (req.method === 'POST' && url.pathname === '/actions') {
      // CSRF: the session header is one a cross-site page cannot send without a CORS preflight (never
      // granted); on top, the Origin must be this page's and the CSRF secret the session's.
      if (!sameOrigin || !Sessions.csrfMatches(session, header(req, 'x-csrf-token'))) {
        return send(res, 403, 'application/json', JSON.stringify({ error: 'cross-site request refused' }));
      }
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'application/json', '{"error":"JSON only"}');
      const parsed = parseAction(JSON.parse(await readBody(req)) as unknown);
      if (typeof parsed === 'string') return send(res, 400, 'application/json', JSON.stringify({ error: parsed }));
      try {
        const command = await runAction(opts.client, parsed);
        opts.log?.(`dashboard: ${command}`);
        return send(res, 200, 'application/json', JSON.stringify({ command }));
      } catch (err) {
        return send(res, 409, 'application/json', JSON.stringify({ error: (err as Error).message }));
      }
    }
    send(res, 404, 'text/plain', 'not found\n');
  }

  function openStream(res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`event: state\ndata: ${JSON.stringify(snapshot(opts.store, history, traffic.current()))}\n\n`);
    clients.add(res);
    res.on('close', () => clients.delete(res));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    loginUrl: () => `http://127.0.0.1:${port}/?login=${sessions.newLoginCode()}`,
    async close() {
      closed = true;
      unwatch();
      unhistory?.();
      clearInterval(sampler);
      clearInterval(heartbeat);
      if (timer) clearTimeout(timer);
      for (const res of clients) res.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
      if (body.length > 10_000) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(body || '{}'));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(body);
}

interface StaticFile {
  type: string;
  path: string;
  /** preact/hooks imports the bare name "preact"; an import map would need an inline script (CSP) */
  rewrite?: [string, string];
}

function sendFile(res: http.ServerResponse, f: StaticFile): void {
  res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
  if (!f.rewrite) return void fs.createReadStream(f.path).pipe(res);
  res.end(fs.readFileSync(f.path, 'utf8').split(f.rewrite[0]).join(f.rewrite[1]));
}

// Everything is served from here: no CDN, no inline script (the CSP says so).
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json' };

/** The page's files (src/dashboard/public, also when running from dist) and preact + htm from node_modules (vendor.ts). */
function staticFiles(): { has(p: string): boolean; get(p: string): StaticFile | undefined; page(name: string): StaticFile } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'public'), path.resolve(here, '../../../src/dashboard/public')];
  const pub = candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? candidates[0]!;
  const map = new Map<string, StaticFile>();
  for (const name of fs.readdirSync(pub)) {
    const type = TYPES[path.extname(name)];
    if (type && name !== 'index.html') map.set(`/${name}`, { type, path: path.join(pub, name) });
  }
  for (const m of vendorModules()) map.set(m.url, { type: TYPES['.mjs']!, path: m.path, rewrite: m.rewrite });
  return {
    has: (p) => map.has(p),
    get: (p) => map.get(p),
    page: (name) => ({ type: TYPES['.html']!, path: path.join(pub, name) }),
  };
}
