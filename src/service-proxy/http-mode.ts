// The opt-in HTTP mode of a Service port (`appProtocol: http`): the listener speaks HTTP and sends each
// request (not each connection) to the next ready endpoint, through one keep-alive agent so upstream
// connections are reused. Same readiness rule and 503 as layer 4; a request whose endpoint refuses the
// connection goes to the next one when it has no body to replay. http-proxy-3 1.23.x does the proxying
// (2.x needs Node 22; see docs/decisions/021-http-proxy-3.md).
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { createRequire } from 'node:module';

// http-proxy-3 is loaded on the first HTTP-mode port only: it and its dependencies cost ~10 MB of resident
// memory that a control plane without such a Service should not pay.
const requireLazily = createRequire(import.meta.url);

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
}

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

/** An http.Server that is never listened on: the nodePort listener hands it its connections. */
export function createHttpModeServer(hooks: HttpModeHooks): http.Server {
  // noDelay: a proxy forwards small writes (headers, then body) that Nagle would hold for the peer's ACK.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo', noDelay: true });
  const { createProxyServer } = requireLazily('http-proxy-3') as typeof import('http-proxy-3');
  const proxy = createProxyServer({ agent, xfwd: true, proxyTimeout: 0, ws: true });
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
    const replayable = BODYLESS.has(req.method ?? '') && !req.headers['content-length'] && !req.headers['transfer-encoding'];
    const attempt = (i: number): void => {
      const t = tries[i];
      if (!t) return send503(res);
      proxy.web(req, res, { target: { host: t.host, port: t.port } }, (err: Error) => {
        const code = (err as NodeJS.ErrnoException).code;
        const beforeConnect = code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET';
        if (!res.headersSent && replayable && beforeConnect) return attempt(i + 1);
        if (!res.headersSent) {
          res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end(`mini-kube: pod ${t.podName} failed: ${err.message}\n`);
        } else res.destroy();
      });
      hooks.sent(t, clientIp);
    };
    attempt(0);
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const clientIp = req.socket.remoteAddress ?? '';
    const t = hooks.candidates(clientIp)[0];
    if (!t) return void socket.destroy();
    hooks.sent(t, clientIp);
    proxy.ws(req, socket, head, { target: { host: t.host, port: t.port } }, () => socket.destroy());
  });

  server.on('close', () => agent.destroy());
  return server;
}
