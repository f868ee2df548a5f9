// pods/portforward over SPDY/3.1 (protocol portforward.k8s.io), as the kubelet serves it
// (pkg/kubelet/cri/streaming/portforward/httpstream.go): for every local connection the client opens a
// pair of streams on the one SPDY connection, an "error" stream and a "data" stream, both with headers
// "port" and "requestID" (which pairs them). The data stream carries the bytes both ways; a failure is
// written as text on the error stream, which kubectl prints as "an error occurred forwarding L -> P: ...".
// The same code serves kubectl >= 1.30, which tunnels this SPDY connection inside a WebSocket.
import type { Duplex } from 'node:stream';
import { PortForwardError, type KubeletStreams } from './kubelet-streams.js';
import type { SpdyServerConnection, SpdyStream } from './spdy-connection.js';

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
}

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/** Serves the port-forward streams of one SPDY connection until it closes. */
export function servePortForwardSpdy(conn: SpdyServerConnection, kubelet: KubeletStreams, podUid: string): void {
  const pairs = new Map<string, Pair>();
  const sockets = new Set<Duplex>();
  conn.onClose(() => {
    for (const s of sockets) s.destroy();
  });
  conn.onStream((stream) => {
    // Clients before requestID (kubectl < 1.6) sent one pair at a time: the port identifies it then.
    const key = stream.headers.get('requestid') ?? `port:${stream.headers.get('port') ?? ''}`;
    const pair = pairs.get(key) ?? {};
    if (stream.type === 'error') pair.error = stream;
    else if (stream.type === 'data') pair.data = stream;
    else {
      conn.writeData(stream.id, Buffer.alloc(0), true);
      return;
    }
    pairs.set(key, pair);
    if (pair.error && pair.data) {
      pairs.delete(key);
      forward(conn, kubelet, podUid, pair.error, pair.data, sockets);
    }
  });
}

function forward(conn: SpdyServerConnection, kubelet: KubeletStreams, podUid: string, error: SpdyStream, data: SpdyStream, sockets: Set<Duplex>): void {
  const portHeader = data.headers.get('port') ?? '';
  const port = Number(portHeader);
  const done = (message?: string): void => {
    conn.writeData(data.id, Buffer.alloc(0), true);
    conn.writeData(error.id, message ? Buffer.from(message) : Buffer.alloc(0), true);
    conn.forget(data.id);
    conn.forget(error.id);
  };
  if (!/^\d+$/.test(portHeader) || port < 1 || port > 65535) {
    done(`invalid port header "${portHeader}"`);
    return;
  }
  kubelet.dialPod(podUid, port).then((socket) => {
    sockets.add(socket);
    pump(conn, data, socket, () => {
      sockets.delete(socket);
      done();
    });
  }, (err: unknown) => {
    done(err instanceof PortForwardError ? err.message : `error forwarding port ${port} to pod ${podUid}, uid : ${(err as Error)?.message ?? String(err)}`);
  });
}

/** Copies both ways with backpressure; half-closes follow the other side; `finished` once both are done. */
function pump(conn: SpdyServerConnection, data: SpdyStream, socket: Duplex, finished: () => void): void {
  let ended = 0;
  let over = false;
  const end = (): void => {
    if (over) return;
    if (++ended >= 2) finish();
  };
  const finish = (): void => {
    if (over) return;
    over = true;
    socket.destroy();
    finished();
  };
  // client -> pod
  data.data.on('data', (chunk: Buffer) => {
    if (!socket.write(chunk)) {
      data.data.pause();
      socket.once('drain', () => data.data.resume());
    }
  });
  data.data.once('end', () => {
    if (!socket.destroyed) socket.end();
    end();
  });
  // pod -> client
  socket.on('data', (chunk: Buffer) => {
    if (!conn.writeData(data.id, chunk)) {
      socket.pause();
      conn.onDrain(() => socket.resume());
    }
  });
  socket.once('end', end);
  socket.once('error', finish);
  socket.once('close', finish);
}
