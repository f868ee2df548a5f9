// pods/portforward over WebSocket, the channel protocol (v4.channel.k8s.io, portforward.k8s.io) that
// client-node's PortForward speaks (pkg/kubelet/cri/streaming/portforward/websocket.go): the ports come
// in the query (?ports=80&ports=81, or "80,81"); port i has data channel 2i and error channel 2i+1, and
// the first frame the server sends on each channel is the port as 2 bytes little-endian. One WebSocket
// is one connection to each port; it closes when they are done. The protocol has no half-close; as an
// extension, the v5 "close" frame [255, channel] on a data channel ends the write side to the pod (the
// mini-kube CLI sends it when its local client half-closes; no other client sends channel 255 here).
import type { Duplex } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import { PortForwardError, type KubeletStreams } from './kubelet-streams.js';

const CLOSE = 255;

export const WS_PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'portforward.k8s.io'];

export function servePortForwardWebSocket(ws: WebSocket, kubelet: KubeletStreams, podUid: string, ports: number[]): void {
  const sockets: (Duplex | undefined)[] = ports.map(() => undefined);
  const pendingIn: Buffer[][] = ports.map(() => []);
  const endIn = ports.map(() => false);
  let open = ports.length;
  const send = (channel: number, payload: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), payload]), { binary: true });
  };
  const portDone = (): void => {
    if (--open <= 0) {
      ws.close(1000);
      setTimeout(() => ws.terminate(), 5000).unref();
    }
  };
  ports.forEach((port, i) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    send(2 * i, prefix);
    send(2 * i + 1, prefix);
    kubelet.dialPod(podUid, port).then((socket) => {
      if (ws.readyState !== ws.OPEN) {
        socket.destroy();
        return;
      }
      sockets[i] = socket;
      for (const chunk of pendingIn[i]!.splice(0)) socket.write(chunk);
      if (endIn[i]) socket.end();
      socket.on('data', (chunk: Buffer) => send(2 * i, chunk));
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        socket.destroy();
        portDone();
      };
      socket.once('end', finish);
      socket.once('close', finish);
      socket.once('error', finish);
    }, (err: unknown) => {
      send(2 * i + 1, Buffer.from(err instanceof PortForwardError ? err.message : String((err as Error)?.message ?? err)));
      portDone();
    });
  });
  ws.on('message', (raw: RawData) => {
    const buf = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
    if (buf.length < 1) return;
    let channel = buf[0]!;
    if (channel === CLOSE && buf.length >= 2) {
      channel = buf[1]!;
      if (channel % 2 !== 0 || channel / 2 >= ports.length) return;
      endIn[channel / 2] = true;
      sockets[channel / 2]?.end();
      return;
    }
    if (channel % 2 !== 0) return; // clients write only on data channels
    const i = channel / 2;
    if (i >= ports.length) return;
    const payload = buf.subarray(1);
    if (!payload.length) return;
    const socket = sockets[i];
    if (socket) socket.write(payload);
    else pendingIn[i]!.push(Buffer.from(payload));
  });
  // The client is gone: nobody reads what the pod would still send.
  const closeAll = (): void => {
    for (const s of sockets) s?.destroy();
  };
  ws.on('close', closeAll);
  ws.on('error', closeAll);
}

/** The ports of ?ports=80&ports=81 or ?ports=80,81 (the kubelet also reads "port"); throws on a bad one. */
export function parsePortsQuery(query: URLSearchParams): number[] {
  const raw = [...query.getAll('ports'), ...query.getAll('port')].flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return raw.map((s) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || n < 1 || n > 65535) throw new Error(`unable to parse "${s}" as a port: must be between 1 and 65535`);
    return n;
  });
}
