// HTTP mode's request path over real loopback sockets, without a store: "pods" are local servers, the
// hooks say which to try. What a pod sees (X-Forwarded headers, the client's Host, the body) and what the
// client gets back (chunked and sized bodies, 503, upgrades) must be what a proxy owes both sides.
import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpModeServer, type HttpModeHooks, type HttpTarget } from '../../../src/service-proxy/http-mode.js';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

interface Seen { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }

function request(port: number, opts: http.RequestOptions & { body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, agent: false, ...opts }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('HTTP mode', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  /** Pods answering with their name (chunked: write + end, as the tutorial's app), recording what they saw. */
  async function pods(names: string[]): Promise<{ targets: HttpTarget[]; seen: Seen[] }> {
    const seen: Seen[] = [];
    const targets: HttpTarget[] = [];
    for (const name of names) {
      const server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          seen.push({ method: req.method, url: req.url, headers: req.headers, body });
          if (req.url === '/sized') {
            res.writeHead(200, { 'Content-Length': String(name.length) });
            res.end(name);
            return;
          }
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.write(`hello from ${name}`);
          res.end();
        });
      });
      server.on('upgrade', (req, socket) => {
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
        socket.pipe(socket);
      });
      const port = await listen(server);
      cleanup.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
      targets.push({ host: '127.0.0.1', port, podName: name, podUid: `uid-${name}` });
    }
    return { targets, seen };
  }

  async function proxy(hooks: Partial<HttpModeHooks> & Pick<HttpModeHooks, 'candidates'>): Promise<{ port: number; sent: string[] }> {
    const sent: string[] = [];
    const server = createHttpModeServer({ noEndpoints: () => 'no endpoint\n', sent: (t) => sent.push(t.podName), ...hooks });
    const listener = net.createServer((c) => server.emit('connection', c));
    const port = await listen(listener);
    cleanup.push(() => new Promise((r) => { server.closeAllConnections(); server.close(); listener.close(r); }));
    return { port, sent };
  }

  const roundRobin = (targets: HttpTarget[]) => {
    let next = 0;
    return (): HttpTarget[] => {
      const start = next++ % targets.length;
      return [...targets.slice(start), ...targets.slice(0, start)];
    };
  };

  it('sends each request to the next pod with X-Forwarded headers and the client\'s Host; bodies arrive whole', async () => {
    const { targets, seen } = await pods(['a', 'b']);
    const { port, sent } = await proxy({ candidates: roundRobin(targets) });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanup.push(() => agent.destroy());
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) bodies.push((await request(port, { agent, path: '/x?y=1', headers: { Host: 'example.test:31000' } })).body);
    // one keep-alive client connection, yet the requests alternate
    expect(bodies).toEqual(['hello from a', 'hello from b', 'hello from a', 'hello from b']);
    expect(sent).toEqual(['a', 'b', 'a', 'b']);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/x?y=1' });
    expect(seen[0]!.headers).toMatchObject({
      host: 'example.test:31000', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-port': '31000',
      'x-forwarded-proto': 'http', 'x-forwarded-host': 'example.test:31000',
    });
    // an X-Forwarded-For from further out is kept and extended
    await request(port, { headers: { 'X-Forwarded-For': '203.0.113.7' } });
    expect(seen.at(-1)!.headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');

    const post = await request(port, { method: 'POST', path: '/sized', headers: { 'Content-Type': 'text/plain' }, body: 'payload' });
    expect(post.status).toBe(200);
    expect(post.headers['content-length']).toBe('1');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: 'payload' });
  });

  it('tries the next pod when a connect is refused, and answers 503 when none is left', async () => {
    const { targets } = await pods(['a']);
    const closed = net.createServer();
    const deadPort = await listen(closed);
    await new Promise((r) => closed.close(r));
    const dead: HttpTarget = { host: '127.0.0.1', port: deadPort, podName: 'dead', podUid: 'uid-dead' };
    const { port } = await proxy({ candidates: () => [dead, targets[0]!] });
    expect((await request(port)).body).toBe('hello from a');

    const none = await proxy({ candidates: () => [] });
    const r = await request(none.port);
    expect(r.status).toBe(503);
    expect(r.body).toBe('no endpoint\n');
    const onlyDead = await proxy({ candidates: () => [dead] });
    expect((await request(onlyDead.port)).status).toBe(503);
  });

  it('gives up a connect whose pod leaves the pool meanwhile, and sends the request to the next pod', async () => {
    const { targets } = await pods(['a', 'b']);
    const abandonedFor: string[] = [];
    const { port, sent } = await proxy({
      candidates: () => targets,
      // the store says pod a is gone while its connect is still in flight
      dials: {
        add: (d) => {
          if (d.podUid === 'uid-a') queueMicrotask(() => { abandonedFor.push(d.podUid); d.abandon(); });
          return () => {};
        },
      },
    });
    expect((await request(port)).body).toBe('hello from b');
    expect(abandonedFor).toEqual(['uid-a']);
    expect(sent).toEqual(['a', 'b']);
  });

  it('streams a chunked request body to the pod, and drops the request to the pod when the client leaves', async () => {
    const { targets, seen } = await pods(['a']);
    const { port } = await proxy({ candidates: () => targets });
    const chunked = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/sized', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
      });
      req.on('error', reject);
      req.write('part one, ');
      setTimeout(() => req.end('part two'), 20);
    });
    expect(chunked).toBe('200');
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', body: 'part one, part two' });

    // a pod that never answers: when the client hangs up, the proxy's request to it is closed too
    let podSide: http.IncomingMessage | undefined;
    const slow = http.createServer((req) => { podSide = req; });
    const slowPort = await listen(slow);
    cleanup.push(() => new Promise((r) => { slow.closeAllConnections(); slow.close(r); }));
    const hung = await proxy({ candidates: () => [{ host: '127.0.0.1', port: slowPort, podName: 'slow', podUid: 'uid-slow' }] });
    const client = net.connect(hung.port, '127.0.0.1');
    client.on('error', () => {});
    client.write('GET /hang HTTP/1.1\r\nHost: x\r\n\r\n');
    const deadline = Date.now() + 10_000;
    while (!podSide && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(podSide?.url).toBe('/hang');
    const closed = new Promise<void>((r) => podSide!.socket.once('close', () => r()));
    client.destroy();
    await closed;
  });

  it('passes an upgrade through to a pod, byte for byte', async () => {
    const { targets } = await pods(['a']);
    const { port, sent } = await proxy({ candidates: () => targets });
    const socket = net.connect(port, '127.0.0.1');
    cleanup.push(() => socket.destroy());
    socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.includes('\r\n\r\n') && !got.includes('ping')) socket.write('ping');
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no echo: ${JSON.stringify(got)}`)), 5000);
      const check = (): void => {
        if (got.endsWith('ping')) { clearTimeout(t); resolve(); } else setTimeout(check, 10);
      };
      check();
    });
    expect(got).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(sent).toEqual(['a']);
  });
});
