// The opt-in HTTP mode of a Service port (`appProtocol: http`): the listener speaks HTTP and sends each
// request (not each connection) to the next ready endpoint, through keep-alive pools so upstream
// connections are reused. Same readiness rule and 503 as layer 4; a bodyless request whose endpoint fails
// before answering goes to the next one. Node's http server on the client side, undici's client towards
// the pods, the answer streamed through as it comes (docs/decisions/022).
import * as http from 'node:http';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { PendingDials } from './pending-dials.js';
import { REFUSED_TARGET, type UpstreamConnect } from './upstream-guard.js';
import { UpstreamPools } from './upstream-pools.js';

export interface HttpTarget {
  host: string;
  port: number;
  podName: string;
  podUid: string;
}

export interface HttpModeHooks {
  /** endpoints in the order to try for this client (empty: none ready) */
  candidates(clientIp: string): HttpTarget[];
  /** the 503 body naming the Service and its pod counts */
  noEndpoints(): string;
  /** one request (or upgrade) sent to this pod */
  sent(target: HttpTarget, clientIp: string): void;
  /** connects in flight, given up when their endpoint leaves the pool (pending-dials.ts) */
  dials?: Pick<PendingDials, 'add'>;
  /** opens connections to pods (the proxy's guarded connect); default a plain net.connect */
  connect?: UpstreamConnect;
}

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);
/** errors of an endpoint that took no part of the request: the next endpoint may have it */
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EABANDONED', 'UND_ERR_SOCKET', REFUSED_TARGET]);
/**
 * Hop-by-hop headers (RFC 9110 7.6.1) are the proxy's own business on each side. Transfer-Encoding is
 * dropped both ways: undici frames the body for the pod, Node for the client. Expect was answered by Node's
 * server already (100 Continue).
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'transfer-encoding', 'expect']);

/** The request's headers for the pod (flat, as rawHeaders), with X-Forwarded-For/-Port/-Proto/-Host. */
function upstreamHeaders(req: http.IncomingMessage): string[] {
  const raw = req.rawHeaders;
  const out: string[] = [];
  let xff: string | undefined;
  let xfPort: string | undefined;
  let xfProto: string | undefined;
  let xfHost: string | undefined;
  let host: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    if (lower.startsWith('x-forwarded-')) {
      if (lower === 'x-forwarded-for') { xff = xff === undefined ? value : `${xff}, ${value}`; continue; }
      if (lower === 'x-forwarded-port') { xfPort = value; continue; }
      if (lower === 'x-forwarded-proto') { xfProto = value; continue; }
      if (lower === 'x-forwarded-host') { xfHost = value; continue; }
    }
    if (lower === 'host') host = value;
    out.push(name, value);
  }
  const client = req.socket.remoteAddress ?? '';
  const port = /:(\d+)$/.exec(host ?? '')?.[1] ?? String(req.socket.localPort ?? '');
  out.push('X-Forwarded-For', xff === undefined ? client : `${xff}, ${client}`);
  out.push('X-Forwarded-Port', xfPort === undefined ? port : `${xfPort},${port}`);
  out.push('X-Forwarded-Proto', xfProto === undefined ? 'http' : `${xfProto},http`);
  if (xfHost !== undefined || host !== undefined) out.push('X-Forwarded-Host', xfHost ?? host!);
  return out;
}

/** The pod's response headers for the client (flat strings), less hop-by-hop ones and Transfer-Encoding. */
function clientHeaders(raw: Buffer[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    out.push(name, raw[i + 1]!.toString('latin1'));
  }
  return out;
}

/** An http.Server that is never listened on: the nodePort listener hands it its connections. */
export function createHttpModeServer(hooks: HttpModeHooks): http.Server {
  const connect: UpstreamConnect = hooks.connect ?? ((t) => net.connect({ host: t.host, port: t.port, noDelay: true }));
  const pools = new UpstreamPools(hooks.dials, undefined, connect);
  const server = http.createServer({ keepAlive: true, noDelay: true });

  const send503 = (res: http.ServerResponse): void => {
    if (res.headersSent) return void res.destroy();
    const body = hooks.noEndpoints();
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const clientIp = req.socket.remoteAddress ?? '';
    const tries = hooks.candidates(clientIp);
    if (!tries.length) return send503(res);
    const headers = upstreamHeaders(req);
    const method = req.method ?? 'GET';
    const replayable = BODYLESS.has(method) && !req.headers['content-length'] && !req.headers['transfer-encoding'];
    // The client went away: so does the request to the pod, now or as soon as it is on a connection.
    let abort: ((err?: Error) => void) | undefined;
    let gone = false;
    res.once('close', () => {
      if (res.writableFinished) return;
      gone = true;
      abort?.();
    });
    const attempt = (i: number): void => {
      const t = tries[i];
      if (!t) return send503(res);
      hooks.sent(t, clientIp);
      let answered = false;
      const handler: Dispatcher.DispatchHandler = {
        onConnect(a) {
          abort = a;
          if (gone) a();
        },
        onHeaders(status, raw, resume, statusText) {
          answered = true;
          // Corked: head, body and the last chunk leave in one write, as nginx does, instead of two or
          // three. undici calls onHeaders, onData and onComplete in one go for what one read of the pod's
          // socket holds, so a long or streamed answer is uncorked right after it (a microtask): what
          // came in one read goes out now.
          res.cork();
          res.writeHead(status, statusText, clientHeaders(raw as Buffer[]));
          queueMicrotask(() => { if (!res.writableEnded) res.uncork(); });
          res.on('drain', resume);
          return true;
        },
        // false pauses the pod's socket until the client has taken what was written ('drain' resumes).
        onData: (chunk) => res.write(chunk),
        onComplete: () => void res.end(),
        onError(err: Error & { code?: string }) {
          if (gone) return;
          if (answered || res.headersSent) return void res.destroy();
          if (replayable && NOT_SENT.has(err.code ?? '')) return attempt(i + 1);
          const body = `mini-kube: pod ${t.podName} failed: ${err.message}\n`;
          res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
          res.end(body);
        },
      };
      pools.get(t).dispatch({ method, path: req.url ?? '/', headers, body: replayable ? null : req }, handler);
    };
    attempt(0);
  });

  // WebSockets and other upgrades: the request goes to the next ready pod as it came (with X-Forwarded
  // headers), then the two connections are joined byte for byte.
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const clientIp = req.socket.remoteAddress ?? '';
    const t = hooks.candidates(clientIp)[0];
    if (!t) return void socket.destroy();
    hooks.sent(t, clientIp);
    const up = connect(t);
    up.on('error', () => socket.destroy());
    socket.on('close', () => up.destroy());
    up.on('close', () => socket.destroy());
    const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
    const raw = req.rawHeaders;
    const forwarded = upstreamHeaders(req);
    // Connection and Upgrade are hop-by-hop but are what this request is about: they go along.
    for (let i = 0; i < raw.length; i += 2) {
      const lower = raw[i]!.toLowerCase();
      if (lower === 'connection' || lower === 'upgrade') lines.push(`${raw[i]}: ${raw[i + 1]}`);
    }
    for (let i = 0; i < forwarded.length; i += 2) lines.push(`${forwarded[i]}: ${forwarded[i + 1]}`);
    up.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) up.write(head);
    up.pipe(socket as NodeJS.WritableStream);
    socket.pipe(up);
  });

  server.on('close', () => pools.destroy());
  return server;
}
