// HTTP mode's upstream pools over real loopback sockets: a pool that carries no more requests (its
// endpoint left) is closed with its keep-alive sockets, and a connect given up through pending-dials
// fails the request with EABANDONED.
import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PendingDials } from '../../../src/service-proxy/pending-dials.js';
import { UpstreamPools } from '../../../src/service-proxy/upstream-pools.js';

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('HTTP mode upstream pools', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('closes the pool of an endpoint that gets no more requests, and its keep-alive sockets', async () => {
    const open = new Set<net.Socket>();
    const pod = http.createServer({ keepAliveTimeout: 60_000 }, (_req, res) => res.end('ok'));
    let opened = 0;
    pod.on('connection', (s: net.Socket) => { opened++; open.add(s); s.on('close', () => open.delete(s)); });
    await new Promise<void>((r) => pod.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => { pod.closeAllConnections(); pod.close(r); }));
    const port = (pod.address() as net.AddressInfo).port;

    const pools = new UpstreamPools(undefined, 100);
    cleanup.push(() => pools.destroy());
    const target = { host: '127.0.0.1', port, podUid: 'uid-a' };
    const { statusCode, body } = await pools.get(target).request({ method: 'GET', path: '/' });
    expect(statusCode).toBe(200);
    expect(await body.text()).toBe('ok');
    // the pod would keep the connection for a minute: only the pool's closing ends it
    expect(opened).toBe(1);
    await until(() => pools.size === 0 && open.size === 0, 'the idle pool and its socket to close');
  });

  it('fails a request with EABANDONED when its connect is given up', async () => {
    const dials = new PendingDials();
    const pools = new UpstreamPools(dials);
    cleanup.push(() => pools.destroy());
    const pod = net.createServer();
    await new Promise<void>((r) => pod.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => pod.close(r)));
    const target = { host: '127.0.0.1', port: (pod.address() as net.AddressInfo).port, podUid: 'uid-a' };
    const failed = pools.get(target).request({ method: 'GET', path: '/' }).then(() => undefined, (err: NodeJS.ErrnoException) => err.code);
    // same tick as the request: the loopback connect cannot have completed yet
    expect(dials.size).toBe(1);
    dials.sweep([]);
    expect(await failed).toBe('EABANDONED');
    expect(dials.size).toBe(0);
  });
});
