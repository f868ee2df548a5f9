// The opt-in HTTP mode of a Service port (`appProtocol: http`): the listener speaks HTTP and sends each
// request (not each connection) to the next ready endpoint, through one keep-alive agent so upstream
// connections are reused. Same readiness rule and 503 as layer 4; a bodyless request whose endpoint fails
// before answering goes to the next one. Node's own http client and server, with nothing per request but
// the request itself: about 40 % less CPU per request than http-proxy-3 (docs/decisions/022).
import * as http from 'node:http';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import type { PendingDials } from './pending-dials.js';

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
}

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);
/** errors of an endpoint that took no part of the request: the next endpoint may have it */
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EABANDONED']);
/**
 * Hop-by-hop headers (RFC 9110 7.6.1) are the proxy's own business on each side. Transfer-Encoding stays on
 * requests (Node frames the piped body by it) and is dropped from responses (Node frames for the client).
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

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

/** The pod's response headers for the client (flat), less hop-by-hop ones and Transfer-Encoding. */
function clientHeaders(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower === 'transfer-encoding') continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

function abandoned(): Error {
  return Object.assign(new Error('the endpoint left the pool before the connection was made'), { code: 'EABANDONED' });
}

/** An http.Server that is never listened on: the nodePort listener hands it its connections. */
export function createHttpModeServer(hooks: HttpModeHooks): http.Server {
  // noDelay: a proxy forwards small writes that Nagle would hold for the peer's ACK. LIFO keeps the
  // busiest sockets warm; idle ones are closed by the pods (node's 5 s keep-alive timeout) or reused.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo', noDelay: true });
  const server = http.createServer({ keepAlive: true, noDelay: true });

  const send503 = (res: http.ServerResponse): void => {
    if (res.headersSent) return void res.destroy();
    const body = hooks.noEndpoints();
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  /** While the connect to the pod is in flight, it is given up if the pod leaves the pool. */
  const track = (up: http.ClientRequest, t: HttpTarget): void => {
    const dials = hooks.dials;
    if (!dials) return;
    up.once('socket', (socket: net.Socket) => {
      if (!socket.connecting) return;
      const settled = dials.add({ podUid: t.podUid, host: t.host, port: t.port, abandon: () => up.destroy(abandoned()) });
      socket.once('connect', settled);
      socket.once('close', settled);
    });
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const clientIp = req.socket.remoteAddress ?? '';
    const tries = hooks.candidates(clientIp);
    if (!tries.length) return send503(res);
    const headers = upstreamHeaders(req);
    const replayable = BODYLESS.has(req.method ?? '') && !req.headers['content-length'] && !req.headers['transfer-encoding'];
    const attempt = (i: number): void => {
      const t = tries[i];
      if (!t) return send503(res);
      const up = http.request({ host: t.host, port: t.port, method: req.method, path: req.url, headers, agent, setHost: false });
      track(up, t);
      hooks.sent(t, clientIp);
      let answered = false;
      up.on('response', (ur: http.IncomingMessage) => {
        answered = true;
        // Corked until the pod's response has ended (end() uncorks): head, body and the last chunk leave
        // in one write, as nginx does, instead of two or three.
        res.cork();
        res.writeHead(ur.statusCode ?? 502, ur.statusMessage, clientHeaders(ur.rawHeaders));
        ur.on('data', (chunk: Buffer) => {
          if (!res.write(chunk)) {
            ur.pause();
            res.once('drain', () => ur.resume());
          }
        });
        // A long or streamed answer is not held back: what came in one read goes out now.
        setImmediate(() => { if (!res.writableEnded) res.uncork(); });
        ur.on('end', () => res.end());
        ur.on('error', () => res.destroy());
      });
      up.on('error', (err: NodeJS.ErrnoException) => {
        if (answered) return void res.destroy();
        if (!res.headersSent && replayable && NOT_SENT.has(err.code ?? '')) return attempt(i + 1);
        if (res.headersSent) return void res.destroy();
        const body = `mini-kube: pod ${t.podName} failed: ${err.message}\n`;
        res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      });
      // The client went away: so does the request to the pod.
      res.once('close', () => { if (!res.writableFinished) up.destroy(); });
      if (replayable) up.end();
      else req.pipe(up);
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
    const up = net.connect({ host: t.host, port: t.port, noDelay: true });
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

  server.on('close', () => agent.destroy());
  return server;
}
