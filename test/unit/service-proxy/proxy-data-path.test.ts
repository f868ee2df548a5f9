// The proxy's data path over real loopback sockets (the store in memory, "pods" are local servers on
// 127.0.0.2 / 127.0.0.3): a pod that dies mid-request, before answering, is replaced by the next one
// with the same bytes; a refused connect likewise; HTTP mode round-robins the requests of one
// keep-alive connection.
import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod, Service } from '../../../src/kube/types.js';
import { ServiceProxy } from '../../../src/service-proxy/proxy.js';
import { Store } from '../../../src/store/store.js';
import { loopbackPodsAllowed, storeObservations } from './store-observations.js';

function pod(name: string, ip: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'x' } },
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
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

function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve) => server.listen(port, host, () => resolve()));
}

function get(url: string, agent: http.Agent | false = false): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    }).on('error', reject);
  });
}

describe('service proxy data path', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setup(appProtocol?: string): Promise<{ url: string; backendPort: number; store: Store; proxy: ServiceProxy }> {
    const store = new Store();
    const backendPort = await freePort();
    const nodePort = await freePort();
    store.create<Service>({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, targetPort: backendPort, nodePort, protocol: 'TCP', ...(appProtocol ? { appProtocol } : {}) }] },
    });
    store.create(pod('a', '127.0.0.2'));
    store.create(pod('b', '127.0.0.3'));
    const proxy = new ServiceProxy({ store, address: '127.0.0.1', publishPorts: false, observed: storeObservations(store), addressRule: loopbackPodsAllowed });
    proxy.start();
    cleanup.push(() => proxy.stop());
    const url = `http://127.0.0.1:${nodePort}/`;
    for (let i = 0; i < 50 && !proxy.listening(nodePort); i++) await new Promise((r) => setTimeout(r, 10));
    return { url, backendPort, store, proxy };
  }

  it('replays a request whose pod dies before answering on the next pod', async () => {
    const { url, backendPort } = await setup();
    // a: reads the request, then dies (reset) without a byte back.
    const dying = net.createServer((s) => s.once('data', () => s.resetAndDestroy()));
    await listen(dying, '127.0.0.2', backendPort);
    cleanup.push(() => dying.close());
    const healthy = http.createServer((_req, res) => res.end('from b'));
    await listen(healthy, '127.0.0.3', backendPort);
    cleanup.push(() => healthy.close());
    for (let i = 0; i < 4; i++) expect(await get(url)).toBe('200 from b');
  });

  it('goes to the next pod when the connect is refused, and answers 503 when every pod refuses', async () => {
    const { url, backendPort } = await setup();
    const healthy = http.createServer((_req, res) => res.end('from b'));
    await listen(healthy, '127.0.0.3', backendPort);
    for (let i = 0; i < 4; i++) expect(await get(url)).toBe('200 from b');
    await new Promise((r) => healthy.close(r));
    expect(await get(url)).toMatch(/^503 mini-kube: service "s" \(namespace default\) has no ready endpoint/);
  });

  it('HTTP mode: the requests of one keep-alive connection alternate over the pods', async () => {
    const { url, backendPort, proxy } = await setup('http');
    for (const [ip, name] of [['127.0.0.2', 'a'], ['127.0.0.3', 'b']] as const) {
      const s = http.createServer((_req, res) => res.end(name));
      await listen(s, ip, backendPort);
      cleanup.push(() => { s.closeAllConnections(); s.close(); });
    }
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanup.push(() => agent.destroy());
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(await get(url, agent));
    expect(seen).toEqual(['200 a', '200 b', '200 a', '200 b', '200 a', '200 b']);
    expect(proxy.stats.requests.get('a')).toBe(3);
  });
});
