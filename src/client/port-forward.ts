// Port-forward as kubectl does it, over the API's WebSocket channel protocol (v4.channel.k8s.io): a
// listener on 127.0.0.1 per local port; each accepted connection opens one WebSocket to
// pods/{name}/portforward?ports=P, whose channel 0 carries the bytes and channel 1 the kubelet's error
// text; the first frame on each channel is the port (2 bytes little-endian). The target resolves as
// kubectl resolves it, client-side: pod/NAME, svc/NAME (a port of the Service becomes its targetPort on a
// running pod behind its selector), deploy/NAME and rs/NAME (a running pod behind the selector).
import * as net from 'node:net';
import WebSocket from 'ws';
import type { ApiClient } from './api-client.js';
import type { Container, Pod, Service } from '../kube/types.js';
import type { Kind } from '../kube/kinds.js';
import type { Stored } from '../store/store.js';

export interface PortMapping {
  local: number;
  /** the port as given: on the pod, or (svc/NAME) a port of the Service */
  remote: string;
}

/** "8080:80", "80" (same local port), ":80" (a random local port), as kubectl parses them. */
export function parsePortMapping(spec: string): PortMapping {
  const m = /^(\d*)(?::(.+))?$/.exec(spec);
  if (!m || (!m[1] && !m[2])) throw new Error(`invalid port format '${spec}'`);
  const remote = m[2] ?? m[1]!;
  const local = m[2] === undefined ? Number(m[1]) : m[1] ? Number(m[1]) : 0;
  if (local < 0 || local > 65535) throw new Error(`invalid port format '${spec}'`);
  return { local, remote };
}

const RESOURCE_KINDS: Record<string, Kind> = {
  pod: 'Pod', pods: 'Pod', po: 'Pod',
  svc: 'Service', service: 'Service', services: 'Service',
  deploy: 'Deployment', deployment: 'Deployment', deployments: 'Deployment',
  rs: 'ReplicaSet', replicaset: 'ReplicaSet', replicasets: 'ReplicaSet',
};

/** The pod that TYPE/NAME stands for and the pod port of each mapping. */
export async function resolveTarget(client: ApiClient, namespace: string, target: string, mappings: PortMapping[]): Promise<{ pod: Stored<Pod>; ports: number[] }> {
  const slash = target.indexOf('/');
  const kind = slash < 0 ? 'Pod' : RESOURCE_KINDS[target.slice(0, slash).toLowerCase()];
  const name = slash < 0 ? target : target.slice(slash + 1);
  if (!kind) throw new Error(`cannot attach to ${target.slice(0, slash)}: not implemented`);
  let pod: Stored<Pod>;
  let service: Service | undefined;
  if (kind === 'Pod') {
    pod = await client.get<Pod>('Pod', namespace, name);
  } else {
    const owner = await client.get<Service & { spec: { selector?: Record<string, string> | { matchLabels?: Record<string, string> } } }>(kind, namespace, name);
    if (kind === 'Service') service = owner;
    const sel = (kind === 'Service' ? owner.spec?.selector : (owner.spec?.selector as { matchLabels?: Record<string, string> })?.matchLabels) as Record<string, string> | undefined;
    if (!sel || Object.keys(sel).length === 0) throw new Error(`invalid service '${name}': Service is defined without a selector`);
    const labelSelector = Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
    const { items } = await client.list<Pod>('Pod', { namespace, labelSelector });
    // kubectl picks the "best" pod: running and ready ones first, then the oldest
    const ranked = items.filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => rank(b) - rank(a));
    if (!ranked[0]) throw new Error(`timed out waiting for the condition`);
    pod = ranked[0];
  }
  if (pod.status?.phase !== 'Running') throw new Error(`unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Pending'}`);
  const ports = mappings.map((m) => (service ? servicePort(service, pod, m.remote) : podPort(pod, m.remote)));
  return { pod, ports };
}

function rank(p: Pod): number {
  const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  return (p.status?.phase === 'Running' ? 2 : 0) + (ready ? 1 : 0);
}

function containers(pod: Pod): Container[] {
  return pod.spec?.containers ?? [];
}

function namedPort(pod: Pod, name: string): number {
  for (const c of containers(pod)) for (const p of c.ports ?? []) if (p.name === name) return p.containerPort;
  throw new Error(`Pod '${pod.metadata?.name}' does not have a named port '${name}'`);
}

function podPort(pod: Pod, remote: string): number {
  const n = Number(remote);
  if (/^\d+$/.test(remote) && n > 0 && n < 65536) return n;
  return namedPort(pod, remote);
}

/** A Service port (number or name) becomes its targetPort on the pod, as kubectl's translateServicePortToTargetPort. */
function servicePort(svc: Service, pod: Pod, remote: string): number {
  const port = (svc.spec?.ports ?? []).find((p) => String(p.port) === remote || p.name === remote);
  if (!port) throw new Error(`Service ${svc.metadata?.name} does not have a service port ${remote}`);
  const target = port.targetPort ?? port.port;
  return typeof target === 'number' ? target : /^\d+$/.test(target) ? Number(target) : namedPort(pod, target);
}

export interface ForwardEvents {
  /** "Forwarding from 127.0.0.1:8080 -> 80" */
  listening(local: number, remote: number): void;
  /** "Handling connection for 8080" */
  connection(local: number): void;
  /** "an error occurred forwarding 8080 -> 80: ..." */
  error(local: number, remote: number, message: string): void;
}

export interface Forwarder {
  /** the local ports, in the order of the mappings (useful with ":80") */
  ports: number[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 only (kubectl's default --address localhost, without [::1]). */
export async function forwardPorts(client: ApiClient, namespace: string, podName: string, pairs: { local: number; remote: number }[], ev: ForwardEvents): Promise<Forwarder> {
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const ports: number[] = [];
  try {
    for (const pair of pairs) {
      // half-open: a client that is done sending still gets the answer
      const server = net.createServer({ allowHalfOpen: true }, (conn) => {
        sockets.add(conn);
        conn.on('close', () => sockets.delete(conn));
        ev.connection(local);
        pipeOne(client, namespace, podName, pair.remote, conn, (msg) => ev.error(local, pair.remote, msg));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(pair.local, '127.0.0.1', () => resolve());
      });
      const local = (server.address() as net.AddressInfo).port;
      servers.push(server);
      ports.push(local);
      ev.listening(local, pair.remote);
    }
  } catch (err) {
    for (const s of servers) s.close();
    throw err;
  }
  return {
    ports,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

/** One local connection over one WebSocket. */
function pipeOne(client: ApiClient, namespace: string, podName: string, port: number, conn: net.Socket, onError: (message: string) => void): void {
  const url = client.config.url.replace(/^http/, 'ws') + client.path('Pod', namespace, podName, 'portforward') + `?ports=${port}`;
  const ws = new WebSocket(url, ['v4.channel.k8s.io'], {
    headers: { Authorization: `Bearer ${client.config.token}` },
    ca: client.config.caPem,
    perMessageDeflate: false,
  });
  const seen = [false, false];
  const pending: Buffer[] = [];
  conn.on('data', (chunk: Buffer) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.concat([Buffer.from([0]), chunk]));
    else pending.push(chunk);
  });
  let ended = false;
  // The local client half-closed: the server's extension of the channel protocol ends our side to the pod
  // (portforward-websocket.ts), and the answer still comes back until the pod ends its side.
  const sendEnd = () => ws.send(Buffer.from([255, 0]));
  ws.on('open', () => {
    for (const chunk of pending.splice(0)) ws.send(Buffer.concat([Buffer.from([0]), chunk]));
    if (ended) sendEnd();
  });
  ws.on('message', (raw: Buffer) => {
    const channel = raw[0];
    if (channel !== 0 && channel !== 1) return;
    let payload = raw.subarray(1);
    if (!seen[channel]) {
      seen[channel] = true;
      payload = payload.subarray(2); // the port
    }
    if (!payload.length) return;
    if (channel === 0) conn.write(payload);
    else onError(payload.toString('utf8'));
  });
  ws.on('unexpected-response', (_req, res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      let message = text;
      try { message = (JSON.parse(text) as { message?: string }).message ?? text; } catch { /* not JSON */ }
      onError(message || `HTTP ${res.statusCode}`);
      conn.destroy();
    });
  });
  ws.on('error', (err) => {
    onError(err.message);
    conn.destroy();
  });
  ws.on('close', () => conn.end());
  conn.on('end', () => {
    ended = true;
    if (ws.readyState === WebSocket.OPEN) sendEnd();
  });
  conn.on('close', () => ws.close());
  conn.on('error', () => ws.terminate());
}
