// The handlers of lifecycle-hooks.ts against a real HTTP server on 127.0.0.1: an httpGet hook succeeds on
// any answer (a 500 included), fails only on a transport error with the kubelet's message, sends the
// lifecycle User-Agent and the headers; tcpSocket fails as the kubelet's "invalid handler"; an aborted
// sleep fails with the kubelet's text.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLifecycleHandler, type HookDeps } from '../../../src/kubelet/lifecycle-hooks.js';
import type { Container, Pod } from '../../../src/kube/types.js';
import type { Runtime } from '../../../src/runtime/runtime.js';

const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' } };
const container: Container = { name: 'c', ports: [{ name: 'web', containerPort: 1 }] };
const deps = (events: string[] = []): HookDeps => ({
  runtime: { exec: async () => ({ exitCode: 0, output: Buffer.alloc(0), timedOut: false }) } as Pick<Runtime, 'exec'>,
  podIP: async () => '127.0.0.1',
  event: (_p, type, reason, message) => events.push(`${type} ${reason}: ${message}`),
});

describe('lifecycle handlers', () => {
  let server: http.Server;
  let port = 0;
  const seen: http.IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(req.url === '/fail' ? 500 : 200).end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('httpGet: any status code is an answer; the lifecycle User-Agent and the headers are sent; a named port', async () => {
    const named = { ...container, ports: [{ name: 'web', containerPort: port }] };
    const r = await runLifecycleHandler(deps(), pod, named, 'id', { httpGet: { path: '/fail', port: 'web', httpHeaders: [{ name: 'x-hook', value: 'yes' }] } });
    expect(r).toEqual({ ok: true });
    expect(seen.at(-1)?.['user-agent']).toBe('kube-lifecycle/1.32');
    expect(seen.at(-1)?.['x-hook']).toBe('yes');
  });

  it('httpGet: a refused connection fails with the kubelet\'s message', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await runLifecycleHandler(deps(), pod, container, 'id', { httpGet: { path: '/hook', port: closed } });
    expect(r).toEqual({
      ok: false,
      message: `HTTP lifecycle hook (/hook) for Container "c" in Pod "p_default(u1)" failed - error: Get "http://127.0.0.1:${closed}/hook": dial tcp 127.0.0.1:${closed}: connect: connection refused`,
    });
  });

  it('tcpSocket is not a handler the kubelet runs', async () => {
    const r = await runLifecycleHandler(deps(), pod, container, 'id', { tcpSocket: { port: 8080 } });
    expect(r).toEqual({ ok: false, message: 'Cannot run handler: invalid handler: &LifecycleHandler{Exec:nil,HTTPGet:nil,TCPSocket:&TCPSocketAction{Port:{0 8080 },Host:,},Sleep:nil,}' });
  });

  it('a sleep ended by the container\'s kill fails with the kubelet\'s text; sleep 0 succeeds', async () => {
    const abort = new AbortController();
    abort.abort();
    expect(await runLifecycleHandler(deps(), pod, container, 'id', { sleep: { seconds: 5 } }, abort.signal)).toEqual({
      ok: false,
      message: 'Sleep lifecycle hook (5) for Container "c" in Pod "p_default(u1)" failed - error: container terminated before sleep hook finished',
    });
    expect(await runLifecycleHandler(deps(), pod, container, 'id', { sleep: { seconds: 0 } })).toEqual({ ok: true });
  });
});
