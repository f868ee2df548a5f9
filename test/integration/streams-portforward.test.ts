// pods/portforward on real containers: kubectl 1.32 (SPDY tunnelled in a WebSocket), kubectl 1.20
// (SPDY), client-node 1.4's PortForward (WebSocket channels) and `mini-kube port-forward`; pod/, svc/ and
// deploy/ targets, several ports, many concurrent connections, bytes intact both ways, and the kubelet's
// error when nothing listens on the pod's port.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/lib/index.js';
import { CLI, testCluster, until } from './harness.js';
import { streamsEnv, type StreamsEnv } from './streams-support.js';

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: http
        image: ondalk8s/healthcheck:v1
        ports: [{containerPort: 8080, name: http}]
      - name: echo
        image: ondalk8s/healthcheck:v1
        command: ["node", "-e", "require('net').createServer((s) => s.pipe(s)).listen(9090)"]
        # 7070 is declared and nothing listens there: published, yet refused
        ports: [{containerPort: 9090, name: echo}, {containerPort: 7070, name: idle}]
---
apiVersion: v1
kind: Service
metadata: {name: websvc}
spec:
  selector: {app: web}
  ports: [{name: web, port: 80, targetPort: http}]
`;

interface Forward {
  child: ChildProcess;
  /** pod port -> local port, from the "Forwarding from 127.0.0.1:L -> P" lines */
  local: Map<number, number>;
  out(): string;
  err(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

async function startForward(argv: string[], env: NodeJS.ProcessEnv, expected: number): Promise<Forward> {
  const [file, ...rest] = argv;
  const child = spawn(file!, rest, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const local = new Map<number, number>();
  await until('the forwarding lines', async () => {
    for (const m of out.matchAll(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g)) local.set(Number(m[2]), Number(m[1]));
    if (child.exitCode !== null) throw new Error(`port-forward exited: ${err}`);
    return local.size >= expected;
  }, 30_000);
  return {
    child, local, out: () => out, err: () => err, exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One HTTP/1.0 GET over a fresh connection: the whole answer. */
function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let data = '';
    s.on('connect', () => s.write('GET / HTTP/1.0\r\nHost: pf\r\n\r\n'));
    s.on('data', (c: Buffer) => { data += c.toString(); });
    s.on('end', () => resolve(data));
    s.on('error', reject);
    s.setTimeout(20_000, () => s.destroy(new Error('timeout')));
  });
}

/** Sends `payload` to the echo server and reads it back (the connection half-closes after sending). */
function echo(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let got = 0;
    s.on('connect', () => s.write(payload));
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= payload.length) {
        s.end();
        resolve(Buffer.concat(chunks));
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.setTimeout(30_000, () => s.destroy(new Error('timeout')));
  });
}

/** Connects and waits for the close: what a client sees when the pod's port is closed. */
function closedByRemote(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let data = '';
    s.on('connect', () => s.write('GET / HTTP/1.0\r\n\r\n'));
    s.on('data', (c: Buffer) => { data += c.toString(); });
    s.on('close', () => resolve(data));
    s.on('error', () => undefined);
    s.setTimeout(20_000, () => s.destroy());
  });
}

describe('streams: port-forward', () => {
  let s: StreamsEnv;
  let pod = '';

  beforeAll(async () => {
    s = await streamsEnv();
    const apply = await s.k.run(['apply', '-f', '-'], { input: MANIFESTS });
    expect(apply.code, apply.stderr).toBe(0);
    const wait = await s.k.run(['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    expect(wait.code, wait.stderr).toBe(0);
    pod = (await s.k.run(['get', 'pod', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout.trim();
    expect(pod).toMatch(/^web-/);
  }, 150_000);
  afterAll(async () => {
    await s?.k.stop();
  });

  for (const version of ['1.32', '1.20'] as const) {
    it(`kubectl ${version} port-forward pod/NAME, two ports: HTTP, 1 MiB echoed intact, 40 concurrent connections`, async () => {
      const f = await startForward(s.argv(version, ['port-forward', `pod/${pod}`, ':8080', ':9090']), s.env, 2);
      try {
        expect(await httpGet(f.local.get(8080)!)).toContain(`Hello node! hostname:${pod}`);
        const payload = randomBytes(1024 * 1024);
        const back = await echo(f.local.get(9090)!, payload);
        expect(back.length).toBe(payload.length);
        expect(back.equals(payload)).toBe(true);
        const answers = await Promise.all(Array.from({ length: 40 }, (_, i) =>
          i % 2 ? httpGet(f.local.get(8080)!) : echo(f.local.get(9090)!, Buffer.from(`conn-${i}`)).then((b) => b.toString())));
        answers.forEach((a, i) => expect(a).toContain(i % 2 ? 'Hello node!' : `conn-${i}`));
      } finally {
        await f.stop();
      }
    }, 90_000);

    it(`kubectl ${version} port-forward svc/NAME (service port -> named targetPort) and deploy/NAME`, async () => {
      const svc = await startForward(s.argv(version, ['port-forward', 'svc/websvc', ':80']), s.env, 1);
      const deploy = await startForward(s.argv(version, ['port-forward', 'deploy/web', ':9090']), s.env, 1);
      try {
        // kubectl names the pod port it resolved the service port to
        expect(svc.local.has(8080)).toBe(true);
        expect(await httpGet(svc.local.get(8080)!)).toContain(`hostname:${pod}`);
        expect((await echo(deploy.local.get(9090)!, Buffer.from('via-deploy'))).toString()).toBe('via-deploy');
      } finally {
        await svc.stop();
        await deploy.stop();
      }
    }, 60_000);

    it(`kubectl ${version}: a closed port on the pod is the kubelet's error, the connection closes`, async () => {
      const f = await startForward(s.argv(version, ['port-forward', `pod/${pod}`, ':9999']), s.env, 1);
      try {
        expect(await closedByRemote(f.local.get(9999)!)).toBe('');
        await until('the error on stderr', async () => /an error occurred forwarding \d+ -> 9999: error forwarding port 9999 to pod [0-9a-f]{64}, uid : .*connect: connection refused/.test(f.err()), 20_000);
        if (version === '1.32') {
          // kubectl >= 1.29 ends the whole port-forward on a stream error
          expect(await f.exited).toBe(1);
          expect(f.err()).toContain('error: lost connection to pod');
        }
      } finally {
        await f.stop();
      }
    }, 60_000);
  }

  it('client-node 1.4 PortForward: the channel protocol with the port prefix; the error channel on a closed port', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(s.k.kubeconfig);
    const pf = new k8s.PortForward(kc);
    const out = new PassThrough();
    const err = new PassThrough();
    const input = new PassThrough();
    let o = '';
    let e = '';
    out.on('data', (c: Buffer) => { o += c.toString(); });
    err.on('data', (c: Buffer) => { e += c.toString(); });
    // with no retry count, portForward answers the WebSocket itself
    const ws = (await pf.portForward('default', pod, [8080], out, err, input)) as WebSocket;
    input.write('GET / HTTP/1.0\r\nHost: cn\r\n\r\n');
    await new Promise((r) => ws.on('close', r));
    expect(o).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(o).toContain(`Hello node! hostname:${pod}`);
    expect(e).toBe('');

    const err2 = new PassThrough();
    let e2 = '';
    err2.on('data', (c: Buffer) => { e2 += c.toString(); });
    const ws2 = (await pf.portForward('default', pod, [9999], new PassThrough(), err2, new PassThrough())) as WebSocket;
    await new Promise((r) => ws2.on('close', r));
    expect(e2).toMatch(/^error forwarding port 9999 to pod [0-9a-f]{64}, uid : .*connect: connection refused$/);
  }, 60_000);

  it('mini-kube port-forward: kubectl\'s lines, svc/ and pod/ targets, 127.0.0.1 only', async () => {
    const env = { ...process.env, MINI_KUBE_HOME: s.k.cluster.home, LANG: 'C' };
    const f = await startForward([process.execPath, CLI, 'port-forward', 'svc/websvc', ':80', '--namespace', 'default'], env, 1);
    const g = await startForward([process.execPath, CLI, 'port-forward', pod, ':9090', ':9999'], env, 2);
    try {
      expect(f.out()).toMatch(/^Forwarding from 127\.0\.0\.1:\d+ -> 8080\n/);
      expect(await httpGet(f.local.get(8080)!)).toContain(`hostname:${pod}`);
      await until('the connection line', async () => f.out().includes(`Handling connection for ${f.local.get(8080)}`), 10_000);
      expect((await echo(g.local.get(9090)!, Buffer.from('cli'))).toString()).toBe('cli');
      // bound to 127.0.0.1 only: not on ::1 (kubectl's default binds both loopbacks; ours only the IPv4 one)
      const v6 = await new Promise<string>((resolve) => {
        const c = net.connect({ host: '::1', port: f.local.get(8080)! });
        c.on('connect', () => { c.destroy(); resolve('connected'); });
        c.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
      expect(v6).not.toBe('connected');
      expect(await closedByRemote(g.local.get(9999)!)).toBe('');
      await until('the error line', async () => /error: an error occurred forwarding \d+ -> 9999: error forwarding port 9999 to pod/.test(g.err()), 10_000);
    } finally {
      await f.stop();
      await g.stop();
    }
  }, 60_000);
});

describe('streams: port-forward in the published-ports mode (Docker Desktop)', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await testCluster({ publishPorts: true });
    await cluster.apply(MANIFESTS);
    await until('the pod running', async () => (await cluster.pods('app=web')).some((p) => p.status?.phase === 'Running'), 90_000);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a declared port goes through the port the sandbox publishes; a closed one is refused; an undeclared one says why', async () => {
    const [pod] = await cluster.pods('app=web');
    const env = { ...process.env, MINI_KUBE_HOME: cluster.home, LANG: 'C' };
    const f = await startForward([process.execPath, CLI, 'port-forward', `pod/${pod!.metadata.name}`, ':8080', ':9090', ':7777', ':7070'], env, 4);
    try {
      expect(await httpGet(f.local.get(8080)!)).toContain(`hostname:${pod!.metadata.name}`);
      const payload = randomBytes(256 * 1024);
      expect((await echo(f.local.get(9090)!, payload)).equals(payload)).toBe(true);
      expect(await closedByRemote(f.local.get(7777)!)).toBe('');
      await until('the error line', async () => /error forwarding port 7777 to pod [0-9a-f]{64}, uid : port 7777 is not published by the pod's sandbox/.test(f.err()), 10_000);
      // docker-proxy accepts, then closes: the dialer reads that as refused, as a direct connect would be
      expect(await closedByRemote(f.local.get(7070)!)).toBe('');
      await until('the refused line', async () => /error forwarding port 7070 to pod [0-9a-f]{64}, uid : .*dial tcp [\d.]+:7070: connect: connection refused/.test(f.err()), 10_000);
    } finally {
      await f.stop();
    }
  }, 60_000);
});
