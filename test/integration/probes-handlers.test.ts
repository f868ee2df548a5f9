// The http, tcp and grpc probe handlers against real servers on 127.0.0.1, asserting the kubelet's exact
// output texts; the exec handler against a fake that keeps the runtime's exec contract.
import { spawn } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
// @peculiar/x509 needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container, Pod, Probe } from '../../src/kube/types.js';
import type { ExecOptions, ExecResult, Runtime } from '../../src/runtime/runtime.js';
import { probeExec } from '../../src/probes/exec.js';
import { probeGrpc } from '../../src/probes/grpc.js';
import { GrpcHealthServer } from '../../src/probes/grpc-health-server.js';
import { newRequestForHttpGetAction, probeHttp } from '../../src/probes/http.js';
import type { HttpProbeRequest } from '../../src/probes/http.js';
import { createPublishedPortResolver, probePortsToPublish } from '../../src/probes/in-pod-network.js';
import { Prober } from '../../src/probes/prober.js';
import { probeTcp } from '../../src/probes/tcp.js';
import { KUBE_PROBE_USER_AGENT } from '../../src/probes/types.js';

const LOCAL = '127.0.0.1';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, LOCAL, () => resolve((server.address() as AddressInfo).port)));
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await close(s);
  return port;
}

function httpGet(port: number, path: string, extra: Partial<NonNullable<Probe['httpGet']>> = {}, container: Container = { name: 'app' }): HttpProbeRequest {
  const req = newRequestForHttpGetAction({ port, path, ...extra }, container, LOCAL);
  if ('error' in req) throw new Error(req.error);
  return req;
}

interface Seen {
  path: string;
  rawHeaders: string[];
}

/** The app under probe: routes for every case, and what each request carried. */
function appHandler(seen: Seen[], otherPort: () => number): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ path: req.url ?? '', rawHeaders: req.rawHeaders });
    switch (url.pathname) {
      case '/healthz':
        res.end('ok');
        return;
      case '/fail':
        res.writeHead(500).end('secret body that must not leak');
        return;
      case '/status':
        res.writeHead(Number(url.searchParams.get('code'))).end('status body');
        return;
      case '/redirect': {
        // Go's http.Redirect body, as in the e2e test
        const loc = url.searchParams.get('loc') ?? '/';
        res.writeHead(302, { Location: loc, 'Content-Type': 'text/html; charset=utf-8' }).end(`<a href="${loc}">Found</a>.\n\n`);
        return;
      }
      case '/other-port':
        res.writeHead(302, { Location: `http://${LOCAL}:${otherPort()}/on-other-port` }).end();
        return;
      case '/loop': {
        const n = Number(url.searchParams.get('n') ?? '0');
        res.writeHead(302, { Location: `/loop?n=${n + 1}` }).end();
        return;
      }
      case '/big':
        res.end('x'.repeat(20 * 1024));
        return;
      case '/big-redirect':
        res.writeHead(302, { Location: 'http://elsewhere.example/' }).end('y'.repeat(20 * 1024));
        return;
      case '/hang':
        return; // never answers
      case '/hang-body':
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('partial');
        return;
      case '/headers':
        res.end(JSON.stringify(req.rawHeaders));
        return;
      default:
        res.writeHead(404).end('not found');
    }
  };
}

describe('http handler', () => {
  const seen: Seen[] = [];
  let port = 0;
  let otherPort = 0;
  let server: http.Server;
  let other: http.Server;
  let refused = 0;

  beforeAll(async () => {
    server = http.createServer(appHandler(seen, () => otherPort));
    other = http.createServer((req, res) => {
      seen.push({ path: `other:${req.url}`, rawHeaders: req.rawHeaders });
      res.end('on the other port');
    });
    port = await listen(server);
    otherPort = await listen(other);
    refused = await freePort();
  });
  afterAll(async () => {
    server.closeAllConnections();
    await close(server);
    await close(other);
  });

  it('200 is success with the body as output', async () => {
    expect(await probeHttp(httpGet(port, '/healthz'), { timeoutMs: 1000 })).toEqual({ result: 'success', output: 'ok' });
  });

  it('500 is a failure without the body', async () => {
    expect(await probeHttp(httpGet(port, '/fail'), { timeoutMs: 1000 })).toEqual({
      result: 'failure', output: 'HTTP probe failed with statuscode: 500',
    });
  });

  it('399 is success-class (warning) and 400 a failure', async () => {
    expect((await probeHttp(httpGet(port, '/status?code=300'), { timeoutMs: 1000 })).result).toBe('warning');
    expect((await probeHttp(httpGet(port, '/status?code=304'), { timeoutMs: 1000 })).result).toBe('warning');
    expect(await probeHttp(httpGet(port, '/status?code=400'), { timeoutMs: 1000 })).toEqual({
      result: 'failure', output: 'HTTP probe failed with statuscode: 400',
    });
    expect((await probeHttp(httpGet(port, '/status?code=204'), { timeoutMs: 1000 })).result).toBe('success');
  });

  it('sends the kubelet headers: kube-probe User-Agent, Accept */*, Host with port, Connection close, no Accept-Encoding', async () => {
    seen.length = 0;
    await probeHttp(httpGet(port, '/healthz'), { timeoutMs: 1000 });
    const raw = seen[0].rawHeaders;
    const h = Object.fromEntries(Array.from({ length: raw.length / 2 }, (_, i) => [raw[2 * i].toLowerCase(), raw[2 * i + 1]]));
    expect(h['user-agent']).toBe(KUBE_PROBE_USER_AGENT);
    expect(KUBE_PROBE_USER_AGENT).toMatch(/^kube-probe\/1\.\d+$/);
    expect(h.accept).toBe('*/*');
    expect(h.host).toBe(`${LOCAL}:${port}`);
    expect(h.connection).toBe('close');
    expect(h['accept-encoding']).toBeUndefined();
  });

  it('adds custom headers in order, canonicalised, with Host as the virtual host and an empty Accept removed', async () => {
    seen.length = 0;
    const req = httpGet(port, '/headers', {
      httpHeaders: [
        { name: 'x-custom', value: 'one' },
        { name: 'X-Custom', value: 'two' },
        { name: 'Host', value: 'app.example.com' },
        { name: 'Accept', value: '' },
        { name: 'user-agent', value: 'my-agent' },
      ],
    });
    await probeHttp(req, { timeoutMs: 1000 });
    const raw = seen[0].rawHeaders;
    const pairs = Array.from({ length: raw.length / 2 }, (_, i) => `${raw[2 * i]}: ${raw[2 * i + 1]}`);
    expect(pairs).toContain('Host: app.example.com');
    expect(pairs).toContain('User-Agent: my-agent');
    expect(pairs.filter((p) => p.startsWith('X-Custom'))).toEqual(['X-Custom: one', 'X-Custom: two']);
    expect(pairs.some((p) => p.toLowerCase().startsWith('accept:'))).toBe(false);
  });

  it('keeps the query of the path', async () => {
    seen.length = 0;
    await probeHttp(httpGet(port, '/healthz?verbose=1&x=%2F'), { timeoutMs: 1000 });
    expect(seen[0].path).toBe('/healthz?verbose=1&x=%2F');
  });

  it('follows a same-host relative redirect, and fails when its target fails', async () => {
    seen.length = 0;
    const out = await probeHttp(httpGet(port, '/redirect?loc=/fail'), { timeoutMs: 1000 });
    expect(out).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    expect(seen.map((s) => s.path)).toEqual(['/redirect?loc=/fail', '/fail']);
    // Go's client sets Referer to the previous URL
    const raw = seen[1].rawHeaders;
    expect(raw[raw.indexOf('Referer') + 1]).toBe(`http://${LOCAL}:${port}/redirect?loc=/fail`);
    expect(raw[raw.indexOf('User-Agent') + 1]).toBe(KUBE_PROBE_USER_AGENT);
  });

  it('follows a redirect to another port of the same host', async () => {
    seen.length = 0;
    const out = await probeHttp(httpGet(port, '/other-port'), { timeoutMs: 1000 });
    expect(out).toEqual({ result: 'success', output: 'on the other port' });
    expect(seen.map((s) => s.path)).toEqual(['/other-port', 'other:/on-other-port']);
  });

  it('does not follow a redirect to another host: warning with the 3xx body', async () => {
    seen.length = 0;
    const out = await probeHttp(httpGet(port, `/redirect?loc=${encodeURIComponent('http://0.0.0.0/')}`), { timeoutMs: 1000 });
    expect(out).toEqual({ result: 'warning', output: 'Probe terminated redirects, Response body: <a href="http://0.0.0.0/">Found</a>.\n\n' });
    expect(seen).toHaveLength(1);
  });

  it('stops after 10 requests with the Go error naming the unfollowed Location', async () => {
    seen.length = 0;
    const out = await probeHttp(httpGet(port, '/loop?n=0'), { timeoutMs: 2000 });
    // Go's client: CheckRedirect sees via=[10 requests] and fails; url.Error.URL is the raw Location.
    expect(out).toEqual({ result: 'failure', output: 'Get "/loop?n=10": stopped after 10 redirects' });
    expect(seen).toHaveLength(10);
  });

  it('reads at most 10 KiB of the body', async () => {
    const out = await probeHttp(httpGet(port, '/big'), { timeoutMs: 1000 });
    expect(out.result).toBe('success');
    expect(out.output).toHaveLength(10240);
    const warn = await probeHttp(httpGet(port, '/big-redirect'), { timeoutMs: 1000 });
    expect(warn.output).toBe(`Probe terminated redirects, Response body: ${'y'.repeat(10240)}`);
  });

  it('connection refused reads like Go', async () => {
    const out = await probeHttp(httpGet(refused, '/readiness'), { timeoutMs: 1000 });
    expect(out).toEqual({
      result: 'failure',
      output: `Get "http://${LOCAL}:${refused}/readiness": dial tcp ${LOCAL}:${refused}: connect: connection refused`,
    });
  });

  it('a server that never answers times out within timeoutSeconds', async () => {
    const t0 = Date.now();
    const out = await probeHttp(httpGet(port, '/hang'), { timeoutMs: 300 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(out).toEqual({
      result: 'failure',
      output: `Get "http://${LOCAL}:${port}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });

  it('a body that never ends is an error (failure state), as Go returns the read error', async () => {
    const out = await probeHttp(httpGet(port, '/hang-body'), { timeoutMs: 300 });
    expect(out).toEqual({
      result: 'failure', output: '',
      error: 'context deadline exceeded (Client.Timeout or context cancellation while reading body)',
    });
  });

  it('resolves named ports of this container, else errors like strconv.Atoi', async () => {
    const container: Container = { name: 'app', ports: [{ name: 'http', containerPort: port }] };
    const named = newRequestForHttpGetAction({ port: 'http', path: '/healthz' }, container, LOCAL);
    expect('error' in named).toBe(false);
    expect(await probeHttp(named as HttpProbeRequest, { timeoutMs: 1000 })).toEqual({ result: 'success', output: 'ok' });
    expect(newRequestForHttpGetAction({ port: 'http', path: '/' }, {}, LOCAL)).toEqual({
      error: 'strconv.Atoi: parsing "http": invalid syntax',
    });
    const numeric = newRequestForHttpGetAction({ port: String(port), path: '/healthz' }, {}, LOCAL);
    expect((numeric as HttpProbeRequest).port).toBe(port);
  });

  it('lowercases the scheme and defaults the path to /', () => {
    const req = newRequestForHttpGetAction({ port: 80, scheme: 'HTTPS' }, {}, '10.1.2.3') as HttpProbeRequest;
    expect(req.scheme).toBe('https');
    expect(req.path).toBe('/');
  });
});

describe('https', () => {
  let server: https.Server;
  let port = 0;
  let plain: http.Server;
  let plainPort = 0;

  beforeAll(async () => {
    // A self-signed certificate: the kubelet does not verify (InsecureSkipVerify).
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01', name: 'CN=probe-test', notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000), keys, signingAlgorithm: alg,
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').match(/.{1,64}/g)?.join('\n')}\n-----END PRIVATE KEY-----\n`;
    server = https.createServer({ cert: cert.toString('pem'), key }, (req, res) => {
      if (req.url === '/fail') res.writeHead(503).end();
      else res.end(`tls ok ${req.headers['user-agent']}`);
    });
    port = await listen(server);
    plain = http.createServer((_req, res) => res.end('plain'));
    plainPort = await listen(plain);
  });
  afterAll(async () => {
    await close(server);
    await close(plain);
  });

  it('probes HTTPS with a self-signed certificate', async () => {
    const out = await probeHttp(httpGet(port, '/healthz', { scheme: 'HTTPS' }), { timeoutMs: 2000 });
    expect(out).toEqual({ result: 'success', output: `tls ok ${KUBE_PROBE_USER_AGENT}` });
    expect(await probeHttp(httpGet(port, '/fail', { scheme: 'HTTPS' }), { timeoutMs: 2000 })).toEqual({
      result: 'failure', output: 'HTTP probe failed with statuscode: 503',
    });
  });

  it('HTTPS to a plain HTTP server reads like Go', async () => {
    const out = await probeHttp(httpGet(plainPort, '/', { scheme: 'HTTPS' }), { timeoutMs: 2000 });
    expect(out).toEqual({
      result: 'failure',
      output: `Get "https://${LOCAL}:${plainPort}/": http: server gave HTTP response to HTTPS client`,
    });
  });
});

describe('tcp handler', () => {
  it('success closes at once with empty output; refused reads like Go', async () => {
    let accepted = 0;
    let closedByPeer = false;
    const server = net.createServer((s) => {
      accepted++;
      s.on('end', () => { closedByPeer = true; });
      s.resume();
    });
    const port = await listen(server);
    expect(await probeTcp({ address: { host: LOCAL, port }, timeoutMs: 1000 })).toEqual({ result: 'success', output: '' });
    await new Promise((r) => setTimeout(r, 50));
    expect(accepted).toBe(1);
    expect(closedByPeer).toBe(true);
    await close(server);
    expect(await probeTcp({ address: { host: LOCAL, port }, timeoutMs: 1000 })).toEqual({
      result: 'failure', output: `dial tcp ${LOCAL}:${port}: connect: connection refused`,
    });
  });

  // A listener with backlog 0 that never accepts drops further SYNs: the only portable way to make a
  // local connect hang. Node always accepts, so python3 (part of every Debian install) holds the socket.
  it('a connect that hangs is an i/o timeout', async () => {
    const py = spawn('python3', ['-c', [
      'import socket, sys, time',
      's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
      'print(s.getsockname()[1], flush=True)',
      'time.sleep(30)',
    ].join('\n')]);
    try {
      const port = await new Promise<number>((resolve) => py.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
      // fill the accept queue
      const fillers = [net.connect({ host: LOCAL, port }), net.connect({ host: LOCAL, port })];
      fillers.forEach((f) => f.on('error', () => {}));
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      const out = await probeTcp({ address: { host: LOCAL, port }, timeoutMs: 500 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
      expect(out).toEqual({ result: 'failure', output: `dial tcp ${LOCAL}:${port}: i/o timeout` });
      fillers.forEach((f) => f.destroy());
    } finally {
      py.kill();
    }
  });
});

describe('grpc handler', () => {
  let server: GrpcHealthServer;
  let port = 0;
  beforeAll(async () => {
    server = new GrpcHealthServer();
    server.setStatus('ready-svc', 'SERVING');
    server.setStatus('sick-svc', 'NOT_SERVING');
    port = await server.listen();
  });
  afterAll(() => server.close());

  const probe = (service: string, p = port, timeoutMs = 1000) => probeGrpc({ address: { host: LOCAL, port: p }, service, timeoutMs });

  it('SERVING is success: "service healthy"; the server sees the kube-probe user agent', async () => {
    expect(await probe('')).toEqual({ result: 'success', output: 'service healthy' });
    expect(await probe('ready-svc')).toEqual({ result: 'success', output: 'service healthy' });
    expect(server.seen.at(-1)).toMatchObject({ service: 'ready-svc', userAgent: KUBE_PROBE_USER_AGENT, authority: `${LOCAL}:${port}` });
  });

  it('NOT_SERVING is a failure', async () => {
    expect(await probe('sick-svc')).toEqual({ result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
  });

  it('an unknown service is the health server\'s NotFound', async () => {
    expect(await probe('nope')).toEqual({ result: 'failure', output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' });
  });

  it('a server without the health service', async () => {
    const bare = new GrpcHealthServer({ implementsHealth: false });
    const p = await bare.listen();
    try {
      expect(await probe('', p)).toEqual({
        result: 'failure',
        output: 'error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health',
      });
    } finally {
      await bare.close();
    }
  });

  it('a slow answer: the rpc times out', async () => {
    const slow = new GrpcHealthServer({ delayMs: 3000 });
    const p = await slow.listen();
    try {
      expect(await probe('', p, 1000)).toEqual({ result: 'failure', output: 'timeout: health rpc did not complete within 1s' });
    } finally {
      await slow.close();
    }
  });

  it('nothing listening: blocks until the deadline (WithBlock), then the connect timeout text', async () => {
    const p = await freePort();
    const t0 = Date.now();
    const out = await probe('', p, 1000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(out).toEqual({ result: 'failure', output: `timeout: failed to connect service "${LOCAL}:${p}" within 1s: context deadline exceeded` });
  });

  it('a plain HTTP/1 server is not a gRPC server: connect timeout', async () => {
    const h1 = http.createServer((_q, r) => r.end('hi'));
    const p = await listen(h1);
    try {
      const out = await probe('', p, 1000);
      expect(out.output).toBe(`timeout: failed to connect service "${LOCAL}:${p}" within 1s: context deadline exceeded`);
    } finally {
      h1.closeAllConnections();
      await close(h1);
    }
  });
});

/**
 * docker-proxy's behaviour, measured: accept on the host port first, then dial the container, and
 * close the client at once if that fails.
 */
function fakeDockerProxy(backendPort: () => number): net.Server {
  return net.createServer((client) => {
    client.on('error', () => {});
    const backend = net.connect({ host: LOCAL, port: backendPort() });
    backend.on('error', () => client.destroy());
    backend.on('connect', () => {
      client.pipe(backend);
      backend.pipe(client);
    });
  });
}

describe('in-pod-network mode (published ports through a userland proxy)', () => {
  const POD_IP = '10.1.2.3';
  let backend: http.Server;
  let backendPort = 0;
  let proxy: net.Server;
  let proxyPort = 0;
  let grpcServer: GrpcHealthServer;
  let grpcPort = 0;
  let grpcProxy: net.Server;
  let grpcProxyPort = 0;

  beforeAll(async () => {
    backend = http.createServer((req, res) => res.end(`backend ${req.headers.host}`));
    backendPort = await listen(backend);
    proxy = fakeDockerProxy(() => backendPort);
    proxyPort = await listen(proxy);
    grpcServer = new GrpcHealthServer();
    grpcPort = await grpcServer.listen();
    grpcProxy = fakeDockerProxy(() => grpcPort);
    grpcProxyPort = await listen(grpcProxy);
  });
  afterAll(async () => {
    await close(proxy);
    await close(grpcProxy);
    await grpcServer.close();
    if (backend.listening) await close(backend);
  });

  const pod = (): Pod => ({
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: { containers: [] },
    status: { podIP: POD_IP, containerStatuses: [{ name: 'app', containerID: 'docker://abc', image: 'x', imageID: '', ready: false, restartCount: 0 }] },
  });

  it('probePortsToPublish lists the probe ports on the pod, named or not', () => {
    const c: Container = {
      name: 'app', ports: [{ name: 'http', containerPort: 8080 }],
      livenessProbe: { httpGet: { port: 'http', path: '/' } },
      readinessProbe: { tcpSocket: { port: 9000 } },
      startupProbe: { grpc: { port: 50051 } },
    };
    expect(probePortsToPublish(c)).toEqual([8080, 9000, 50051]);
    expect(probePortsToPublish({ name: 'x', livenessProbe: { tcpSocket: { port: 1, host: 'example.com' } } })).toEqual([]);
  });

  it('probes through published ports, with the texts Kubernetes would show for the pod IP', async () => {
    const inspected: string[] = [];
    const resolveAddress = createPublishedPortResolver({
      inspect: async (id) => {
        inspected.push(id);
        return { publishedPorts: { 8080: proxyPort, 50051: grpcProxyPort } };
      },
    });
    const events: string[] = [];
    const prober = new Prober({
      runtime: { exec: () => Promise.reject(new Error('unused')) },
      recordEvent: (_p, _c, type, reason, message) => events.push(`${type} ${reason} ${message}`),
      resolveAddress,
    });
    const container: Container = { name: 'app', ports: [{ name: 'http', containerPort: 8080 }] };
    const http1: Probe = { httpGet: { port: 'http', path: '/healthz' }, timeoutSeconds: 1 };
    const tcp: Probe = { tcpSocket: { port: 8080 }, timeoutSeconds: 1 };
    const grpc: Probe = { grpc: { port: 50051 }, timeoutSeconds: 1 };

    // The app sees the Host Kubernetes would send: the pod IP and container port.
    expect(await prober.runProbe('readiness', http1, pod(), container, 'abc')).toEqual({ result: 'success', output: `backend ${POD_IP}:8080` });
    expect(await prober.runProbe('readiness', tcp, pod(), container, 'abc')).toEqual({ result: 'success', output: '' });
    expect(await prober.runProbe('readiness', grpc, pod(), container, 'abc')).toEqual({ result: 'success', output: 'service healthy' });
    expect(inspected).toEqual(['abc']); // cached per container ID

    // Nothing listens behind the proxy any more: the proxy accepts and hangs up, which must not pass.
    await close(backend);
    expect(await prober.runProbe('readiness', tcp, pod(), container, 'abc')).toEqual({
      result: 'failure', output: `dial tcp ${POD_IP}:8080: connect: connection refused`,
    });
    expect(await prober.runProbe('readiness', http1, pod(), container, 'abc')).toEqual({
      result: 'failure', output: `Get "http://${POD_IP}:8080/healthz": dial tcp ${POD_IP}:8080: connect: connection refused`,
    });

    // A port that was never published is an error (unknown), with a hint.
    const unpublished = await prober.runProbe('readiness', { tcpSocket: { port: 9999 } }, pod(), container, 'abc');
    expect(unpublished.result).toBe('unknown');
    expect(unpublished.error).toContain('port 9999 of container "app" is not published');
  });
});

describe('a plain resolveAddress hook (host and port only, as the kubelet writes it)', () => {
  it('is treated as a published port behind a proxy: a closed port is refused, an open one passes', async () => {
    let backendPort = await freePort();
    const proxy = fakeDockerProxy(() => backendPort);
    const proxyPort = await listen(proxy);
    const prober = new Prober({
      runtime: { exec: () => Promise.reject(new Error('unused')) },
      recordEvent: () => {},
      resolveAddress: (_pod, _container, port) => (port === 8080 ? { host: LOCAL, port: proxyPort } : { host: '10.1.2.3', port }),
    });
    const pod: Pod = { metadata: { name: 'p', uid: 'u' }, spec: { containers: [] }, status: { podIP: '10.1.2.3' } };
    const tcp: Probe = { tcpSocket: { port: 8080 }, timeoutSeconds: 1 };
    try {
      expect(await prober.runProbe('liveness', tcp, pod, { name: 'app' }, 'id')).toEqual({
        result: 'failure', output: 'dial tcp 10.1.2.3:8080: connect: connection refused',
      });
      const backend = net.createServer((s) => s.resume());
      backendPort = await listen(backend);
      expect(await prober.runProbe('liveness', tcp, pod, { name: 'app' }, 'id')).toEqual({ result: 'success', output: '' });
      await close(backend);
    } finally {
      await close(proxy);
    }
  });
});

describe('exec handler (fake runtime keeping the exec contract)', () => {
  type ExecCall = { id: string; cmd: string[]; opts: ExecOptions | undefined };
  function fakeRuntime(reply: (cmd: string[]) => ExecResult): Pick<Runtime, 'exec'> & { calls: ExecCall[] } {
    const calls: ExecCall[] = [];
    return {
      calls,
      exec: async (id, cmd, opts) => {
        calls.push({ id, cmd, opts });
        const r = reply(cmd);
        // the runtime caps the output itself
        return { ...r, output: r.output.subarray(0, opts?.maxOutputBytes ?? r.output.length) };
      },
    };
  }

  it('exit 0 is success; non-zero a failure with stdout then stderr as output', async () => {
    const rt = fakeRuntime((cmd) => cmd[1] === 'tmp/healthy'
      ? { exitCode: 0, output: Buffer.from('fine\n'), timedOut: false }
      : { exitCode: 1, output: Buffer.from("cat: can't open 'tmp/nope': No such file or directory\n"), timedOut: false });
    expect(await probeExec(rt, { containerId: 'c1', command: ['cat', 'tmp/healthy'], timeoutMs: 1000 })).toEqual({ result: 'success', output: 'fine\n' });
    expect(await probeExec(rt, { containerId: 'c1', command: ['cat', 'tmp/nope'], timeoutMs: 1000 })).toEqual({
      result: 'failure', output: "cat: can't open 'tmp/nope': No such file or directory\n",
    });
    expect(rt.calls[0]).toEqual({ id: 'c1', cmd: ['cat', 'tmp/healthy'], opts: { timeoutMs: 1000, maxOutputBytes: 10240 } });
  });

  it('a timeout is a failure naming the command', async () => {
    const rt = fakeRuntime(() => ({ exitCode: -1, output: Buffer.alloc(0), timedOut: true }));
    expect(await probeExec(rt, { containerId: 'c1', command: ['cat', 'tmp/healthcheck'], timeoutMs: 1000 })).toEqual({
      result: 'failure', output: 'command "cat tmp/healthcheck" timed out',
    });
  });

  it('through the prober: $(VAR) from static env only, output capped, runtime errors are errors', async () => {
    const rt = fakeRuntime(() => ({ exitCode: 2, output: Buffer.from('z'.repeat(20000)), timedOut: false }));
    const events: string[] = [];
    const prober = new Prober({ runtime: rt, recordEvent: (_p, _c, type, reason, message) => events.push(`${type} ${reason} ${message}`) });
    const container: Container = {
      name: 'app',
      env: [{ name: 'FILE', value: '/tmp/healthy' }, { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
    };
    const probe: Probe = { exec: { command: ['sh', '-c', 'cat $(FILE) $(POD_IP) $(MISSING) $$(FILE)'] } };
    const p: Pod = { metadata: { name: 'p', uid: 'u' }, spec: { containers: [container] }, status: {} };
    const out = await prober.runProbe('liveness', probe, p, container, 'c1');
    expect(rt.calls[0].cmd).toEqual(['sh', '-c', 'cat /tmp/healthy  $(MISSING) $(FILE)']);
    expect(out.output).toHaveLength(10240);
    expect(await prober.probe('liveness', probe, p, container, 'c1')).toEqual({ result: 'failure', errored: false });
    expect(events.at(-1)).toBe(`Warning Unhealthy Liveness probe failed: ${'z'.repeat(10240)}`);

    const broken = new Prober({
      runtime: { exec: () => Promise.reject(new Error('No such container: c1')) },
      recordEvent: (_p, _c, type, reason, message) => events.push(`${type} ${reason} ${message}`),
    });
    expect(await broken.probe('readiness', probe, p, container, 'c1')).toEqual({ result: 'failure', errored: true });
    expect(events.at(-1)).toBe('Warning Unhealthy Readiness probe errored and resulted in unknown state: No such container: c1');
  });
});
