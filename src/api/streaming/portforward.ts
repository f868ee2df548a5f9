// pods/{name}/portforward: the upgrade picks one of three wires, all ending at the kubelet's dialPod:
//  - SPDY/3.1 with X-Stream-Protocol-Version portforward.k8s.io (kubectl < 1.30, and newer ones' fallback);
//  - a WebSocket with subprotocol "SPDY/3.1+portforward.k8s.io": the same SPDY connection tunnelled in
//    binary messages (kubectl >= 1.30, PortForwardWebsockets);
//  - a WebSocket with v4.channel.k8s.io / portforward.k8s.io, the channel protocol (client-node).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Pod } from '../../kube/types.js';
import { StatusError } from '../../kube/errors.js';
import type { Store, Stored } from '../../store/store.js';
import type { KubeletStreams } from './kubelet-streams.js';
import { PORT_FORWARD_PROTOCOL, servePortForwardSpdy } from './portforward-spdy.js';
import { parsePortsQuery, servePortForwardWebSocket, WS_PORT_FORWARD_PROTOCOLS } from './portforward-websocket.js';
import { SpdyServerConnection } from './spdy-connection.js';

export const SPDY_TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;
const ALL_WS = [SPDY_TUNNEL_PROTOCOL, ...WS_PORT_FORWARD_PROTOCOLS];
/**
 * "SPDY/3.1+portforward.k8s.io" is not an RFC 7230 token ('/'), and ws refuses the handshake over it
 * ("Invalid Sec-WebSocket-Protocol header"); it is swapped for this token before ws reads the request and
 * named again in the answer, which ws writes as given.
 */
const TUNNEL_TOKEN = 'mini-kube-spdy-tunnel';

let wss: WebSocketServer | undefined;
function portForwardWss(): WebSocketServer {
  return (wss ??= new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024 * 1024,
    perMessageDeflate: false,
    // the tunnel first: a client offering both (none does today) gets the multiplexed one
    handleProtocols: (protocols) => (protocols.has(TUNNEL_TOKEN) ? SPDY_TUNNEL_PROTOCOL : WS_PORT_FORWARD_PROTOCOLS.find((p) => protocols.has(p)) ?? false),
  }));
}

function offered(header: string | string[] | undefined): string[] {
  return (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** Checks the pod and the wire, then completes the handshake and serves until the client leaves. */
export async function acceptPortForward(
  store: Store, kubelet: KubeletStreams | undefined, namespace: string, name: string, query: URLSearchParams,
  req: IncomingMessage, socket: Duplex, head: Buffer,
): Promise<void> {
  const pod = store.mustGet<Pod>('Pod', namespace, name) as Stored<Pod>;
  if (!kubelet) throw new StatusError(503, 'ServiceUnavailable', 'no kubelet is connected to this API server: port-forward needs one');
  const phase = pod.status?.phase;
  if (phase !== 'Running') {
    throw new StatusError(400, 'BadRequest', `unable to upgrade connection: pod is not running - current status=${phase ?? 'Pending'}`);
  }
  const uid = pod.metadata.uid;
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'spdy/3.1') {
    const versions = offered(req.headers['x-stream-protocol-version']);
    if (!versions.includes(PORT_FORWARD_PROTOCOL)) {
      throw new StatusError(403, 'Forbidden', `unable to upgrade: none of the offered stream protocols ${JSON.stringify(versions)} is supported (${PORT_FORWARD_PROTOCOL})`);
    }
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1', `X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}`, '', ''].join('\r\n'));
    const conn = new SpdyServerConnection(socket);
    servePortForwardSpdy(conn, kubelet, uid);
    if (head.length) conn.feed(head);
    return;
  }
  if (upgrade !== 'websocket') {
    throw new StatusError(400, 'BadRequest', `unsupported upgrade protocol ${JSON.stringify(req.headers.upgrade ?? '')} for port-forward: use SPDY/3.1 or a WebSocket`);
  }
  const protocols = offered(req.headers['sec-websocket-protocol']);
  const protocol = ALL_WS.find((p) => protocols.includes(p));
  if (!protocol) {
    throw new StatusError(400, 'BadRequest', `none of the offered WebSocket subprotocols ${JSON.stringify(protocols.join(','))} is supported for port-forward: use one of ${ALL_WS.join(', ')}`);
  }
  let ports: number[] = [];
  if (protocol !== SPDY_TUNNEL_PROTOCOL) {
    try {
      ports = parsePortsQuery(query);
    } catch (err) {
      throw new StatusError(400, 'BadRequest', (err as Error).message);
    }
    if (ports.length === 0) throw new StatusError(400, 'BadRequest', 'query parameter "ports" is required');
  }
  req.headers['sec-websocket-protocol'] = protocol === SPDY_TUNNEL_PROTOCOL ? TUNNEL_TOKEN : protocol;
  const ws = await new Promise<import('ws').WebSocket>((resolve) => portForwardWss().handleUpgrade(req, socket, head, resolve));
  if (protocol === SPDY_TUNNEL_PROTOCOL) {
    // Each binary message carries SPDY bytes; the SPDY framing does not care where messages split.
    const tunnel = createWebSocketStream(ws);
    tunnel.on('error', () => tunnel.destroy());
    servePortForwardSpdy(new SpdyServerConnection(tunnel), kubelet, uid);
  } else {
    servePortForwardWebSocket(ws, kubelet, uid, ports);
  }
}
