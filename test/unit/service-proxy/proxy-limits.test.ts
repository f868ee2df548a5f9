// The proxy's bounds over real loopback sockets: connections past the per-port or the total cap are
// reset at once, a slot comes back when its connection closes, an idle connection is closed after the
// idle timeout while a busy one stays; and the caps derived from a descriptor limit leave the reserve.
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod, Service } from '../../../src/kube/types.js';
import { ConnectionBudget, limitsFor } from '../../../src/service-proxy/connection-budget.js';
import { ServiceProxy } from '../../../src/service-proxy/proxy.js';
import { Store } from '../../../src/store/store.js';
import { loopbackPodsAllowed, storeObservations } from './store-observations.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Connects and reports whether the proxy kept the connection (true) or reset/closed it at once. */
function connect(port: number, holdMs = 150): Promise<{ kept: boolean; socket: net.Socket }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let closed = false;
    socket.on('error', () => {});
    socket.on('close', () => { closed = true; });
    setTimeout(() => resolve({ kept: !closed, socket }), holdMs);
  });
}

describe('limitsFor', () => {
  it.each([
    [1024, { perPort: 128, total: 256 }],
    [4096, { perPort: 768, total: 1536 }],
    [20000, { perPort: 3750, total: 7500 }],
    [1048576, { perPort: 4096, total: 8192 }],
    [256, { perPort: 8, total: 16 }],
  ])('nofile %d -> %j, and the proxy with its two descriptors per connection stays within half the limit or below it', (nofile, expected) => {
    const l = limitsFor(nofile);
    expect({ perPort: l.perPort, total: l.total }).toEqual(expected);
    if (nofile >= 1024) expect(2 * l.total + 512).toBeLessThanOrEqual(nofile);
    expect(l.idleMs).toBe(60_000);
  });

  it('counts per port and in total', () => {
    const b = new ConnectionBudget({ perPort: 2, total: 3, idleMs: 1 });
    expect([b.take(1), b.take(1), b.take(1), b.take(2), b.take(2)]).toEqual([true, true, 'port', true, 'total']);
    b.release(1);
    expect(b.take(2)).toBe(true);
    expect([b.count(1), b.count(2), b.count()]).toEqual([1, 2, 3]);
  });
});

describe('service proxy connection caps and idle timeout', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setup(limits: { perPort: number; total: number; idleMs: number }, appProtocol?: string): Promise<number[]> {
    const store = new Store();
    const backendPort = await freePort();
    // The "pod": an echo server on 127.0.0.2, holding every connection open.
    const backend = net.createServer((s) => s.pipe(s));
    backend.on('connection', (s) => s.on('error', () => {}));
    await new Promise<void>((r) => backend.listen(backendPort, '127.0.0.2', () => r()));
    cleanup.push(() => new Promise((r) => { backend.close(r); }));
    const nodePorts = [await freePort(), await freePort()];
    nodePorts.forEach((nodePort, i) => store.create<Service>({
      apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, targetPort: backendPort, nodePort, protocol: 'TCP', ...(appProtocol ? { appProtocol } : {}) }] },
    }));
    store.create<Pod>({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'default', labels: { app: 'x' } },
      spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: backendPort }] }] },
      status: { phase: 'Running', podIP: '127.0.0.2', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'i', imageID: '', state: { running: {} } }] },
    });
    const proxy = new ServiceProxy({ store, address: '127.0.0.1', publishPorts: false, limits, observed: storeObservations(store), addressRule: loopbackPodsAllowed });
    proxy.start();
    cleanup.push(() => proxy.stop());
    for (let i = 0; i < 50 && !nodePorts.every((p) => proxy.listening(p)); i++) await new Promise((r) => setTimeout(r, 10));
    return nodePorts;
  }

  it.each([['layer 4', undefined], ['HTTP mode', 'http']])('%s: resets connections past the per-port cap and past the total cap; a closed one frees its slot', async (_mode, appProtocol) => {
    const [a, b] = await setup({ perPort: 3, total: 5, idleMs: 60_000 }, appProtocol);
    const onA = await Promise.all([1, 2, 3, 4].map(() => connect(a!)));
    cleanup.push(() => onA.forEach((c) => c.socket.destroy()));
    expect(onA.map((c) => c.kept).sort()).toEqual([false, true, true, true]);
    const onB = await Promise.all([1, 2, 3].map(() => connect(b!)));
    cleanup.push(() => onB.forEach((c) => c.socket.destroy()));
    expect(onB.map((c) => c.kept).sort()).toEqual([false, true, true]);
    onA.find((c) => c.kept)!.socket.destroy();
    await new Promise((r) => setTimeout(r, 1000));
    const again = await connect(b!);
    cleanup.push(() => again.socket.destroy());
    expect(again.kept).toBe(true);
  });

  it('closes a connection idle for idleMs (also in HTTP mode), keeps one that is talking', async () => {
    const [h] = await setup({ perPort: 10, total: 10, idleMs: 400 }, 'http');
    const idleHttp = await connect(h!, 50);
    cleanup.push(() => idleHttp.socket.destroy());
    const httpClosed = new Promise<void>((r) => idleHttp.socket.once('close', () => r()));
    await Promise.race([httpClosed, new Promise((_, reject) => setTimeout(() => reject(new Error('idle HTTP-mode connection not closed')), 2000))]);
    for (const c of cleanup.splice(0).reverse()) await c();
    const [a] = await setup({ perPort: 10, total: 10, idleMs: 400 });
    // Measured from before the idle connection is made: its idle clock cannot start earlier, whatever the
    // machine's load does to the steps after it (a fixed start point here made this flaky under load).
    const beforeIdle = Date.now();
    const idle = await connect(a!, 50);
    const busy = await connect(a!, 50);
    cleanup.push(() => { idle.socket.destroy(); busy.socket.destroy(); });
    let echoed = 0;
    busy.socket.on('data', (d: Buffer) => { echoed += d.length; });
    const ticker = setInterval(() => busy.socket.write('x'), 100);
    cleanup.push(() => clearInterval(ticker));
    const idleClosedAt = new Promise<number>((r) => idle.socket.once('close', () => r(Date.now())));
    const closedAfter = (await idleClosedAt) - beforeIdle;
    expect(closedAfter).toBeGreaterThanOrEqual(390);
    expect(closedAfter).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 600));
    expect(busy.socket.destroyed).toBe(false);
    expect(echoed).toBeGreaterThan(5);
  });
});
