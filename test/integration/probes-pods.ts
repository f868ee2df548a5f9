// Pods for the probe integration tests: the sample image running a tiny dependency-free server written
// for node's http and http2 modules, so every handler has something real to talk to.
import type { Container, Pod, Probe } from '../../src/kube/types.js';
import type { Cluster, Stored } from '../../src/lib/index.js';

export const IMAGE = 'ondalk8s/healthcheck:v1';

/**
 * HTTP on 8080: /ok 200, /same 302 → /ok, /other 302 → another host, anything else 500.
 * gRPC health on 50051: service "" SERVING, any other service NOT_SERVING (grpc.health.v1 wire format
 * by hand: field 1 = service name; response field 1 = status, 1 SERVING, 2 NOT_SERVING).
 */
export const PROBE_SERVER = `
const http = require('http'), h2 = require('http2');
http.createServer((q, s) => {
  if (q.url === '/ok') s.end('ok');
  else if (q.url === '/same') s.writeHead(302, { Location: '/ok' }).end();
  else if (q.url === '/other') s.writeHead(302, { Location: 'http://other.invalid:8080/ok' }).end();
  else s.writeHead(500).end('bad');
}).listen(8080);
h2.createServer().on('stream', (st) => {
  const parts = [];
  st.on('data', (d) => parts.push(d));
  st.on('end', () => {
    const m = Buffer.concat(parts).subarray(5);
    const svc = m.length > 2 && m[0] === 10 ? m.subarray(2, 2 + m[1]).toString() : '';
    const frame = Buffer.from([0, 0, 0, 0, 2, 8, svc === '' ? 1 : 2]);
    st.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    st.on('wantTrailers', () => st.sendTrailers({ 'grpc-status': '0' }));
    st.end(frame);
  });
}).listen(50051);
`;

export type Handler = 'exec' | 'httpGet' | 'tcpSocket' | 'grpc';

/** A probe with 1 s periods that passes or fails with the given handler. */
export function probe(handler: Handler, pass: boolean, extra: Partial<Probe> = {}): Probe {
  // Passing probes tolerate the server's slow start on a loaded machine (node takes a few seconds to
  // listen when 15 containers start at once); a generous timeout keeps exec from timing out under load.
  const timing = { periodSeconds: 1, timeoutSeconds: 5, failureThreshold: pass ? 15 : 2, ...extra };
  switch (handler) {
    case 'exec':
      return { exec: { command: pass ? ['cat', 'tmp/healthcheck'] : ['cat', '/nope'] }, ...timing };
    case 'httpGet':
      return { httpGet: { path: pass ? '/ok' : '/fail', port: 8080 }, ...timing };
    case 'tcpSocket':
      return { tcpSocket: { port: pass ? 8080 : 9999 }, ...timing };
    case 'grpc':
      return { grpc: { port: 50051, ...(pass ? {} : { service: 'down' }) }, ...timing };
  }
}

export function serverPod(name: string, container: Partial<Container>, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { test: 'probes' } },
    spec: {
      terminationGracePeriodSeconds: 2,
      ...spec,
      containers: [{
        name: 'app',
        image: IMAGE,
        imagePullPolicy: 'IfNotPresent',
        command: ['node', '-e', PROBE_SERVER],
        ...container,
      }],
    },
  } as Pod;
}

export async function podOf(cluster: Cluster, name: string): Promise<Stored<Pod>> {
  return cluster.get<Pod>('Pod', name);
}

export const restartsOf = (p: Pod): number => p.status?.containerStatuses?.[0]?.restartCount ?? 0;
export const isReady = (p: Pod): boolean => !!p.status?.containerStatuses?.[0]?.ready;
export const isRunning = (p: Pod): boolean => !!p.status?.containerStatuses?.[0]?.state?.running;

/** Event messages about one pod, oldest first. */
export async function eventsOf(cluster: Cluster, pod: string): Promise<{ reason: string; message: string; count: number }[]> {
  const events = await cluster.events({ object: pod });
  return events.map((e) => ({ reason: e.reason ?? '', message: e.message ?? '', count: e.count ?? 1 }));
}
