// The "published ports" data path (as on Docker Desktop, forced here): the kubelet publishes container
// ports on 127.0.0.1 and records them in the pod annotation mini-kube.io/published-ports; the proxy
// dials those. Both modes over it: layer 4 (per connection) and HTTP (`appProtocol: http`, per request,
// so even one keep-alive connection is spread over the pods).
import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Pod } from '../../src/lib/index.js';
import { cli, testCluster, until } from './harness.js';

interface Reply { status: number; body: string }

function get(url: string, agent: http.Agent | false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const hostOf = (r: Reply): string => /hostname:(\S+)/.exec(r.body)?.[1] ?? `?${r.status}`;

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hc
spec:
  replicas: 3
  selector:
    matchLabels:
      app: hc
  template:
    metadata:
      labels:
        app: hc
    spec:
      containers:
      - name: hc
        image: ondalk8s/healthcheck:v1
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 8080
        readinessProbe:
          httpGet:
            path: /readiness
            port: 8080
          periodSeconds: 1
          failureThreshold: 1
---
apiVersion: v1
kind: Service
metadata:
  name: hc
spec:
  type: NodePort
  selector:
    app: hc
  ports:
  - name: tcp
    port: 80
    targetPort: 8080
  - name: http
    port: 81
    targetPort: 8080
    appProtocol: http
`;

describe('Services through published ports, layer 4 and HTTP mode', () => {
  let cluster: Cluster;
  let l4: string;
  let web: string;
  let names: string[];
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
  beforeAll(async () => {
    cluster = await testCluster({ publishPorts: true, inProcess: true }); // the proxy's counters
  });
  afterAll(async () => {
    keepAlive.destroy();
    await cluster?.stop();
  });

  it('dials the published ports; L4 spreads connections, HTTP mode spreads requests of one connection', async () => {
    await cluster.apply(MANIFEST);
    await cluster.waitForEndpoints('hc', 3, { timeoutMs: 60_000 });
    const pods = await cluster.pods('app=hc');
    names = pods.map((p) => p.metadata.name);
    for (const p of pods) {
      const published = JSON.parse(p.metadata.annotations?.['mini-kube.io/published-ports'] ?? '{}') as Record<string, unknown>;
      expect(JSON.stringify(published)).toMatch(/8080/);
    }
    l4 = await cluster.serviceUrl('hc', { port: 'tcp' });
    web = await cluster.serviceUrl('hc', { port: 'http' });

    const viaL4: string[] = [];
    for (let i = 0; i < 9; i++) viaL4.push(hostOf(await get(l4, false)));
    expect(new Set(viaL4)).toEqual(new Set(names));

    // One keep-alive connection: layer 4 pins it to a pod, HTTP mode round-robins its requests.
    const pinned = new Set<string>();
    for (let i = 0; i < 6; i++) pinned.add(hostOf(await get(l4, keepAlive)));
    expect(pinned.size).toBe(1);
    keepAlive.destroy();
    const one = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const before = new Map(cluster.controlPlane.proxy.stats.requests);
    const perRequest: string[] = [];
    for (let i = 0; i < 30; i++) perRequest.push(hostOf(await get(web, one)));
    one.destroy();
    for (const n of names) {
      expect(perRequest.filter((h) => h === n)).toHaveLength(10);
      expect((cluster.controlPlane.proxy.stats.requests.get(n) ?? 0) - (before.get(n) ?? 0)).toBe(10);
    }
  }, 90_000);

  it('an unready pod gets no request in either mode; with none ready HTTP mode answers 503', async () => {
    const victim = names[0]!;
    expect((await cluster.exec(victim, ['rm', '/tmp/healthcheck'])).exitCode).toBe(0);
    await cluster.waitForPodReady(victim, { ready: false, timeoutMs: 15_000 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) {
      seen.push(hostOf(await get(web, agent)));
      seen.push(hostOf(await get(l4, false)));
    }
    agent.destroy();
    expect(seen).not.toContain(victim);
    expect(new Set(seen)).toEqual(new Set(names.slice(1)));
    for (const p of await cluster.pods('app=hc')) expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(0);

    expect((await cli(cluster, ['scale', 'deployment', 'hc', '--replicas=0'])).code).toBe(0);
    await until('no pods', async () => (await cluster.list<Pod>('Pod')).length === 0, 40_000);
    const r = await get(web, false);
    expect(r.status).toBe(503);
    expect(r.body).toBe('mini-kube: service "hc" (namespace default) has no ready endpoint: 0 pod(s) match its selector, 0 ready\n');
  }, 90_000);
});
