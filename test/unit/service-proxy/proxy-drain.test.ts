// The proxy's open-connection count that the kubelet drains on, over real loopback sockets: a request
// held by its pod counts from the dial until the connection closes; a pod that failed before answering
// (the replay case) is not counted any more once the request went to the next pod.
import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod, Service } from '../../../src/kube/types.js';
import { ServiceProxy } from '../../../src/service-proxy/proxy.js';
import { Store, type Stored } from '../../../src/store/store.js';
import { loopbackPodsAllowed, storeObservations } from './store-observations.js';

function pod(name: string, ip: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'x' } },
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080 }] }] },
    status: {
      phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    }).on('error', reject);
  });
}

const until = async (what: string, check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`never: ${what}`);
};

describe('service proxy: open connections per pod (drain before SIGTERM)', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setup(): Promise<{ url: string; backendPort: number; a: Stored<Pod>; b: Stored<Pod>; proxy: ServiceProxy }> {
    const store = new Store();
    const backendPort = await freePort();
    const nodePort = await freePort();
    store.create<Service>({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, targetPort: backendPort, nodePort, protocol: 'TCP' }] },
    });
    const a = store.create(pod('a', '127.0.0.2'));
    const b = store.create(pod('b', '127.0.0.3'));
    const proxy = new ServiceProxy({ store, address: '127.0.0.1', publishPorts: false, observed: storeObservations(store), addressRule: loopbackPodsAllowed });
    proxy.start();
    cleanup.push(() => proxy.stop());
    for (let i = 0; i < 50 && !proxy.listening(nodePort); i++) await new Promise((r) => setTimeout(r, 10));
    return { url: `http://127.0.0.1:${nodePort}/`, backendPort, a, b, proxy };
  }

  it('counts a request held by its pod until its connection closes, and drained() resolves then', async () => {
    const { url, backendPort, a, b, proxy } = await setup();
    const held: http.ServerResponse[] = [];
    for (const [ip, name] of [['127.0.0.2', 'a'], ['127.0.0.3', 'b']] as const) {
      const s = http.createServer((_req, res) => { if (name === 'a') held.push(res); else res.end(name); });
      await new Promise<void>((r) => s.listen(backendPort, ip, () => r()));
      cleanup.push(() => { s.closeAllConnections(); s.close(); });
    }
    expect(proxy.openConnections(a.metadata.uid)).toBe(0);
    const first = get(url); // round robin starts at a, which holds it
    await until('the request to reach a', () => held.length === 1);
    expect(proxy.openConnections(a.metadata.uid)).toBe(1);
    expect(await get(url)).toBe('200 b');
    // answered and closed by b: its upstream socket closes a moment after the client saw the end
    await until('b to have no open connection', () => proxy.openConnections(b.metadata.uid) === 0);
    expect(proxy.openConnections(a.metadata.uid)).toBe(1);
    // nothing to drain: an immediate answer
    expect(await proxy.drained(b.metadata.uid, 5000)).toBe(0);
    // a bound that passes: the one still open
    expect(await proxy.drained(a.metadata.uid, 50)).toBe(1);
    const draining = proxy.drained(a.metadata.uid, 5000);
    held[0]!.end('a');
    expect(await first).toBe('200 a');
    expect(await draining).toBe(0);
    expect(proxy.openConnections(a.metadata.uid)).toBe(0);
  });

  it('a pod killed after the connect, before answering: the request is replayed and that pod counts 0', async () => {
    const { url, backendPort, a, b, proxy } = await setup();
    // a: accepts, reads the request, then dies as a SIGKILLed process does (reset, no byte back)
    const dying = net.createServer((s) => s.once('data', () => s.resetAndDestroy()));
    await new Promise<void>((r) => dying.listen(backendPort, '127.0.0.2', () => r()));
    cleanup.push(() => dying.close());
    const healthy = http.createServer((_req, res) => res.end('from b'));
    await new Promise<void>((r) => healthy.listen(backendPort, '127.0.0.3', () => r()));
    cleanup.push(() => healthy.close());
    for (let i = 0; i < 4; i++) expect(await get(url)).toBe('200 from b');
    await until('every upstream socket to close', () => proxy.openConnections(a.metadata.uid) + proxy.openConnections(b.metadata.uid) === 0);
  });
});
