// Zero failed requests under constant load, on the real engine: a rolling update of a Deployment (the
// sample image, 3 replicas, the tutorial's readiness probe every 1 s) behind a NodePort Service, and a
// `delete pod` of a ready pod. The load is the tutorial's curl loop made concurrent: several clients, a new
// connection per request, bounded in rate. What makes it hold: a pod leaves the endpoints the moment it is
// marked for deletion; the kubelet waits for the proxied connections still open to it before SIGTERM (the
// sample app exits at once on SIGTERM: docs/decisions/043, the third case shows the wait); and a request a
// dying pod had not answered yet is replayed on another pod (docs/decisions/020).
import * as http from 'node:http';
import * as net from 'node:net';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Deployment, Pod } from '../../src/lib/index.js';
import type { ReplicaSet } from '../../src/kube/types.js';
import { describePod } from '../../src/printers/describe.js';
import { cli, sleep, testCluster, until } from './harness.js';

const manifest = (version: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: roll}
spec:
  replicas: 3
  selector: {matchLabels: {app: roll}}
  template:
    metadata: {labels: {app: roll}}
    spec:
      containers:
      - name: app
        image: ondalk8s/healthcheck:v1
        imagePullPolicy: IfNotPresent
        env: [{name: VERSION, value: "${version}"}]
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /readiness, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: roll}
spec:
  type: NodePort
  selector: {app: roll}
  ports: [{port: 80, targetPort: 8080}]
`;

/** clients requesting at once */
const CLIENTS = 6;
/** each client starts a request at most this often: at most 150 requests/s in all */
const INTERVAL_MS = 40;

interface Outcome {
  phase: string;
  host?: string;
  error?: string;
}

/** One GET on a fresh connection (no agent), as `curl` in the tutorial's loop. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 15_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout after 15 s')));
    req.on('error', reject);
  });
}

/** Constant load until stopped; every outcome is recorded with the phase it began in. */
class Load {
  phase = 'before';
  readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly clients: Promise<void>[];

  constructor(url: string) {
    this.clients = Array.from({ length: CLIENTS }, async () => {
      while (this.running) {
        const began = Date.now();
        const phase = this.phase;
        try {
          const r = await get(url);
          const host = /hostname:(\S+)/.exec(r.body)?.[1];
          this.outcomes.push(r.status === 200 && host ? { phase, host } : { phase, error: `HTTP ${r.status}: ${r.body.slice(0, 200)}` });
        } catch (err) {
          this.outcomes.push({ phase, error: `${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}` });
        }
        await sleep(Math.max(0, INTERVAL_MS - (Date.now() - began)));
      }
    });
  }

  async stop(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    await Promise.all(this.clients);
    if (wasRunning && process.env['MK_ROLL_DEBUG']) console.log(this.summary());
  }

  served(phase: string): Outcome[] {
    return this.outcomes.filter((o) => o.phase === phase && !o.error);
  }

  /** served per phase and per host, printed with MK_ROLL_DEBUG=1 */
  summary(): string {
    const by = new Map<string, Map<string, number>>();
    for (const o of this.outcomes) {
      const m = by.get(o.phase) ?? new Map<string, number>();
      by.set(o.phase, m);
      const k = o.error ? 'FAILED' : o.host!;
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return [...by].map(([phase, m]) => `${phase}: ${[...m].map(([h, n]) => `${h}=${n}`).join(' ')}`).join('\n');
  }

  failures(): string[] {
    return this.outcomes.filter((o) => o.error).map((o) => `${o.phase}: ${o.error}`);
  }

  /** Runs until at least n requests of the current phase were served (the load really flows). */
  async servedAtLeast(n: number): Promise<void> {
    await until(`${n} requests served in phase ${this.phase}`, async () => this.served(this.phase).length >= n, 60_000);
  }
}

const running = (p: Pod): boolean => !!p.status?.containerStatuses?.[0]?.state?.running;
const isReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('reliability: zero failed requests under constant load', () => {
  let cluster: Cluster;
  let url: string;
  beforeAll(async () => {
    cluster = await testCluster({ inProcess: true }); // the proxy's state
    await cluster.apply(manifest('1'));
    await cluster.waitForEndpoints('roll', 3, { timeoutMs: 90_000 });
    url = await cluster.serviceUrl('roll');
  }, 150_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a rolling update (the template\'s env changes) completes with zero failed requests', async () => {
    const oldPods = new Set((await cluster.pods('app=roll')).map((p) => p.metadata.name));
    expect(oldPods.size).toBe(3);
    const load = new Load(url);
    try {
      await load.servedAtLeast(30);

      load.phase = 'rolling';
      await cluster.apply(manifest('2'));
      const newRs = await until('the new ReplicaSet', async () => (await cluster.list<ReplicaSet>('ReplicaSet'))
        .find((rs) => rs.spec?.template?.spec?.containers?.[0]?.env?.[0]?.value === '2'), 30_000);
      const hash = newRs.metadata.labels?.['pod-template-hash'];
      expect(hash).toBeTruthy();
      // Complete: the new ReplicaSet fully ready, the old one at 0, every old pod gone (not even Terminating).
      await until('the rollout to complete', async () => {
        const rss = await cluster.list<ReplicaSet>('ReplicaSet');
        const fresh = rss.find((rs) => rs.metadata.uid === newRs.metadata.uid);
        const old = rss.filter((rs) => rs.metadata.uid !== newRs.metadata.uid);
        const pods = await cluster.list<Pod>('Pod');
        const dep = await cluster.get<Deployment>('Deployment', 'roll');
        return fresh?.status?.readyReplicas === 3 && old.every((rs) => rs.spec?.replicas === 0 && !rs.status?.replicas)
          && pods.length === 3 && pods.every((p) => p.metadata.labels?.['pod-template-hash'] === hash && isReady(p) && !p.metadata.deletionTimestamp)
          && dep.status?.updatedReplicas === 3 && dep.status?.availableReplicas === 3;
      }, 150_000);
      const newPods = new Set((await cluster.pods('app=roll')).map((p) => p.metadata.name));

      load.phase = 'after';
      await load.servedAtLeast(30);
      await load.stop();

      expect(load.failures()).toEqual([]);
      const rolling = load.served('rolling');
      expect(rolling.length).toBeGreaterThan(20);
      // both generations answered while the update ran, and only the new one afterwards
      expect(rolling.some((o) => oldPods.has(o.host!))).toBe(true);
      expect(rolling.some((o) => newPods.has(o.host!))).toBe(true);
      expect(load.served('before').every((o) => oldPods.has(o.host!))).toBe(true);
      expect(load.served('after').every((o) => newPods.has(o.host!))).toBe(true);
      expect(new Set(load.served('after').map((o) => o.host))).toEqual(newPods);
    } finally {
      await load.stop();
    }
  }, 300_000);

  it('`delete pod` of a ready pod under load costs no failed request', async () => {
    const before = await cluster.pods('app=roll');
    expect(before.filter(isReady)).toHaveLength(3);
    const victim = before[0]!.metadata.name;
    const load = new Load(url);
    try {
      await load.servedAtLeast(30);
      expect(load.served('before').some((o) => o.host === victim)).toBe(true);
      load.phase = 'deleting';
      const deleted = await cli(cluster, ['delete', 'pod', victim]);
      expect(deleted.code, deleted.stderr).toBe(0);
      await until('the pod to be gone and its replacement ready', async () => {
        const pods = await cluster.list<Pod>('Pod');
        return !pods.some((p) => p.metadata.name === victim) && pods.filter((p) => isReady(p) && !p.metadata.deletionTimestamp).length === 3;
      }, 120_000);
      load.phase = 'after';
      await load.servedAtLeast(30);
      await load.stop();
      expect(load.failures()).toEqual([]);
      expect(load.served('deleting').length).toBeGreaterThan(10);
      expect(load.served('after').some((o) => o.host === victim)).toBe(false);
    } finally {
      await load.stop();
    }
  }, 200_000);

  it('a deleted pod gets SIGTERM only once the connection the proxy gave it is done (Draining event)', async () => {
    await cluster.waitForEndpoints('roll', 3, { timeoutMs: 90_000 });
    const port = Number(new URL(url).port);
    // A request the client is still sending: the proxy has dialled a pod and holds the connection open.
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (reply += d));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET / HTTP/1.1\r\nHost: roll\r\nConnection: close\r\n');
    const proxy = cluster.controlPlane.proxy;
    const pods = await cluster.pods('app=roll');
    const target = await until('the proxy to hold a connection to a pod', async () =>
      pods.find((p) => proxy.openConnections(p.metadata.uid) === 1), 10_000);
    const name = target.metadata.name;
    const id = target.status!.containerStatuses![0]!.containerID!.replace('docker://', '');

    await cluster.delete('Pod', name);
    const draining = await until('the Draining event', async () =>
      (await cluster.events({ object: name })).find((e) => e.reason === 'Draining'), 10_000);
    expect(draining.type).toBe('Normal');
    expect(draining.message).toBe('Waiting for 1 open connection through the Service proxy to close before stopping the containers (at most 5s)');
    // Terminating, out of the endpoints, and its container still running: no SIGTERM yet.
    const now = (await cluster.list<Pod>('Pod')).find((p) => p.metadata.name === name);
    expect(now?.metadata.deletionTimestamp).toBeTruthy();
    expect(running(now!)).toBe(true);
    expect(execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', id], { encoding: 'utf8' }).trim()).toBe('true');
    const killing = (await cluster.events({ object: name })).filter((e) => e.reason === 'Killing');
    expect(killing).toEqual([]);
    // what `describe pod` shows meanwhile (its printer in-process: the drain lasts at most 5 s)
    const described = describePod(now!, await cluster.events({ object: name }), new Date());
    expect(described).toMatch(/\n\s+Normal\s+Draining\s+.*Waiting for 1 open connection through the Service proxy/);
    expect(described).toMatch(/\nStatus:\s+Terminating/);

    // The end of the request: the draining pod answers it, then it is stopped and removed.
    socket.end('\r\n');
    await closed;
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(reply).toContain(`hostname:${name}`);
    await until('the drained pod to be gone', async () => !(await cluster.list<Pod>('Pod')).some((p) => p.metadata.name === name), 60_000);
    const events = await cluster.events({ object: name });
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Draining', 'Killing']));
    expect(events.some((e) => e.reason === 'Draining' && /still open/.test(e.message ?? ''))).toBe(false);
  }, 120_000);
});
