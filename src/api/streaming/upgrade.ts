// Requests with "Connection: Upgrade" never reach the router: Node hands them to the server's 'upgrade'
// event with the raw socket. pods/{name}/exec, attach and portforward upgrade; everything else is refused
// with a Status.
// The same Host and token checks as for plain requests run first.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { StatusError } from '../../kube/errors.js';
import { checkHost, checkToken } from '../http/auth.js';
import type { ApiContext } from '../context.js';
import { rawStatusResponse, toStatusError } from '../http/errors.js';
import { failure, resolveExec, runExec, type ExecRequest, type ExecTransport } from './exec-session.js';
import { acceptExecWebSocket, pickWebSocketProtocol } from './exec-websocket.js';
import { parseResourcePath } from '../http/paths.js';
import { parseUrl } from '../http/request.js';
import { acceptPortForward } from './portforward.js';

/** A second wire protocol for exec (SPDY/3.1 for kubectl < 1.30) plugs in here. */
export interface UpgradeExecProtocol {
  /** true when this protocol handles the request's Upgrade header, e.g. "SPDY/3.1" */
  accepts(req: IncomingMessage): boolean;
  /** completes the handshake; rejects with a StatusError before writing anything if it cannot */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, exec: ExecRequest): Promise<ExecTransport>;
}

export interface UpgradeDeps {
  ctx: ApiContext;
  token: string;
  port: () => number;
  /** the kubernetes Service's names and addresses, accepted as Host (auth.ts) */
  inClusterHosts?: ReadonlySet<string>;
  wss: WebSocketServer;
  extraProtocols?: UpgradeExecProtocol[];
}

export function handleUpgrade(deps: UpgradeDeps, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => socket.destroy());
  upgrade(deps, req, socket, head).catch((err: unknown) => {
    const s = toStatusError(err);
    if (s.code >= 500) console.error(`api: exec upgrade failed: ${(err as Error)?.stack ?? err}`);
    if (socket.writable) socket.end(rawStatusResponse(s));
    else socket.destroy();
  });
}

async function upgrade(deps: UpgradeDeps, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  checkHost(req, deps.port(), deps.inClusterHosts);
  checkToken(req, deps.token);
  const url = parseUrl(req);
  const rp = parseResourcePath(url.segments);
  const sub = rp?.subresource;
  if (!rp || rp.type.kind !== 'Pod' || (sub !== 'exec' && sub !== 'attach' && sub !== 'portforward') || !rp.namespace || !rp.name) {
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource (only pods/exec, pods/attach and pods/portforward can be upgraded)');
  }
  if (sub === 'portforward') {
    await acceptPortForward(deps.ctx.store, deps.ctx.kubelet, rp.namespace, rp.name, url.query, req, socket, head);
    return;
  }
  // The pod and container are checked first: kubectl 1.32 retries a failed WebSocket upgrade over SPDY,
  // so whatever that second request is told is the error the user sees.
  const exec = await resolveExec(deps.ctx.store, deps.ctx.kubelet, rp.namespace, rp.name, url.query, sub);
  const upgradeHeader = String(req.headers.upgrade ?? '').toLowerCase();
  const extra = deps.extraProtocols?.find((p) => p.accepts(req));
  if (upgradeHeader !== 'websocket' && !extra) {
    throw new StatusError(400, 'BadRequest', `unsupported upgrade protocol ${JSON.stringify(req.headers.upgrade ?? '')}: mini-kube serves ${sub} over WebSocket (v5.channel.k8s.io .. channel.k8s.io) or SPDY/3.1`);
  }
  if (upgradeHeader === 'websocket' && !pickWebSocketProtocol(req.headers['sec-websocket-protocol'])) {
    throw new StatusError(400, 'BadRequest', `none of the offered WebSocket subprotocols ${JSON.stringify(req.headers['sec-websocket-protocol'] ?? '')} is supported: use one of v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io, v2.channel.k8s.io, channel.k8s.io`);
  }
  // resolveExec answered 503 already without a kubelet.
  const transport = upgradeHeader === 'websocket'
    ? await acceptExecWebSocket(deps.wss, req, socket, head, exec.stdin)
    : await extra!.accept(req, socket, head, exec);
  try {
    await runExec(deps.ctx.kubelet!, exec, transport);
  } catch (err) {
    // The socket speaks the exec protocol now: the failure goes out as the session's status.
    transport.finish(failure(`exec failed: ${(err as Error)?.message ?? String(err)}`));
  }
}
