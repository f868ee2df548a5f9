// Service semantics beyond the tutorial, on the real engine: a Service created before its pods, a named
// targetPort, two ports, ClientIP affinity, explicit and duplicate nodePorts and the other refusals
// (Kubernetes' messages through `mini-kube apply`), LoadBalancer's EXTERNAL-IP, and nodePorts that
// survive a restart of the control plane.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Service } from '../../src/lib/index.js';
import { startControlPlane, type ControlPlane } from '../../src/control-plane/control-plane.js';
import { cli, testCluster } from './harness.js';

interface Reply { status: number; body: string }

function get(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
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

const WEB_SVC = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  sessionAffinity: ClientIP
  ports:
  - name: http
    port: 80
    targetPort: web
  - name: alt
    port: 81
    targetPort: 8080
`;

const WEB_DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: ondalk8s/healthcheck:v1
        imagePullPolicy: IfNotPresent
        ports:
        - name: web
          containerPort: 8080
        readinessProbe:
          httpGet:
            path: /readiness
            port: web
          periodSeconds: 1
`;

function writeTemp(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-svc-'));
  const file = path.join(dir, 'svc.yaml');
  fs.writeFileSync(file, text);
  return file;
}

function nodePortSvc(name: string, ports: string, type = 'NodePort'): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: ${type}\n  selector:\n    app: ${name}\n  ports:\n${ports}`;
}

describe('Services: spec semantics on the real engine', () => {
  let cluster: Cluster;
  let restarted: ControlPlane | undefined;
  beforeAll(async () => {
    cluster = await testCluster({ inProcess: true }); // reads the store, stops the control plane
  });
  afterAll(async () => {
    await restarted?.stop({ removeContainers: true });
    await cluster?.stop();
  });

  it('a Service made before its pods: 503 first, then a named targetPort, two ports, ClientIP pins a client', async () => {
    expect(await cli(cluster, ['apply', '-f', writeTemp(WEB_SVC)])).toMatchObject({ code: 0, stderr: '' });
    const url = await cluster.serviceUrl('web', { port: 'http' });
    const alt = await cluster.serviceUrl('web', { port: 'alt' });
    const early = await get(url);
    expect(early.status).toBe(503);
    expect(early.body).toContain('service "web" (namespace default) has no ready endpoint: 0 pod(s) match its selector, 0 ready');

    await cluster.apply(WEB_DEPLOY);
    await cluster.waitForEndpoints('web', 2, { timeoutMs: 60_000 });
    const pods = (await cluster.pods('app=web')).map((p) => p.metadata.name);
    // ClientIP affinity: every request of this client (127.0.0.1) lands on one pod, per port.
    for (const u of [url, alt]) {
      const seen = new Set<string>();
      for (let i = 0; i < 10; i++) seen.add(hostOf(await get(u)));
      expect(seen.size).toBe(1);
      expect(pods).toContain([...seen][0]);
    }

    const svc = await cluster.get<Service>('Service', 'web');
    const [p80, p81] = svc.spec!.ports!.map((p) => p.nodePort);
    const line = (await cli(cluster, ['get', 'svc', 'web'])).stdout.split('\n')[1];
    expect(line).toMatch(new RegExp(`^web\\s+NodePort\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s+<none>\\s+80:${p80}/TCP,81:${p81}/TCP\\s+\\d+s$`));
    const ep = (await cli(cluster, ['get', 'ep', 'web'])).stdout.split('\n')[1]!;
        // kubectl lists port by port, address by address, and stops at three: 2 pods x 2 ports.
    expect(ep).toMatch(/^web\s+(\d+\.\d+\.\d+\.\d+:8080,){2}\d+\.\d+\.\d+\.\d+:8080 \+ 1 more\.\.\.\s+\d+s$/);
    const desc = (await cli(cluster, ['describe', 'svc', 'web'])).stdout;
    expect(desc).toMatch(/\nSession Affinity:\s+ClientIP\n/);
    expect(desc).toMatch(/\nTargetPort:\s+web\/TCP\n/);
  }, 90_000);

  it('refuses what Kubernetes refuses, with its messages', async () => {
    // A port in the static band, random so parallel test files do not collide.
    const port = 30000 + Math.floor(Math.random() * 80);
    expect(await cli(cluster, ['apply', '-f', writeTemp(nodePortSvc('one', `  - port: 80\n    nodePort: ${port}\n`))])).toMatchObject({ code: 0 });
    expect((await cluster.get<Service>('Service', 'one')).spec?.ports?.[0]?.nodePort).toBe(port);

    const dup = await cli(cluster, ['apply', '-f', writeTemp(nodePortSvc('two', `  - port: 80\n    nodePort: ${port}\n`))]);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain(`Service "two" is invalid: spec.ports[0].nodePort: Invalid value: ${port}: provided port is already allocated`);

    const range = await cli(cluster, ['apply', '-f', writeTemp(nodePortSvc('three', '  - port: 80\n    nodePort: 8080\n'))]);
    expect(range.stderr).toContain('spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767');

    const unnamed = await cli(cluster, ['apply', '-f', writeTemp(nodePortSvc('four', '  - port: 80\n  - port: 81\n'))]);
    expect(unnamed.stderr).toMatch(/spec\.ports\[0\]\.name: Required value/);

    const udp = await cli(cluster, ['apply', '-f', writeTemp(nodePortSvc('five', '  - port: 53\n    protocol: UDP\n'))]);
    expect(udp.code).not.toBe(0);
    expect(udp.stderr).toContain('spec.ports[0].protocol: Unsupported value: "UDP"');
    expect(udp.stderr).toContain('TCP only');
  }, 30_000);

  it('LoadBalancer shows EXTERNAL-IP localhost and is served on its nodePort', async () => {
    expect(await cli(cluster, ['apply', '-f', writeTemp(nodePortSvc('lb', '  - port: 80\n    targetPort: 8080\n', 'LoadBalancer').replace('app: lb', 'app: web'))])).toMatchObject({ code: 0 });
    const line = (await cli(cluster, ['get', 'svc', 'lb'])).stdout.split('\n')[1];
    expect(line).toMatch(/^lb\s+LoadBalancer\s+\d+\.\d+\.\d+\.\d+\s+localhost\s+80:3\d{4}\/TCP\s+\d+s$/);
    expect(hostOf(await get(await cluster.serviceUrl('lb')))).toMatch(/^web-/);
  }, 30_000);

  it('nodePort allocations survive a restart of the control plane, and are served again', async () => {
    const before = cluster.controlPlane.store.get<Service>('Service', 'default', 'web')!.spec!.ports!.map((p) => p.nodePort);
    expect(before.every((p) => typeof p === 'number')).toBe(true);
    await cluster.controlPlane.stop();
    restarted = await startControlPlane({ home: cluster.home });
    const after = restarted.store.get<Service>('Service', 'default', 'web')!.spec!.ports!.map((p) => p.nodePort);
    expect(after).toEqual(before);
    const deadline = Date.now() + 30_000;
    let last: Reply | Error = new Error('no request yet');
    while (Date.now() < deadline) {
      last = await get(`http://127.0.0.1:${after[0]}/`).catch((e: Error) => e);
      if (!(last instanceof Error) && last.status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(last).toMatchObject({ status: 200 });
  }, 45_000);
});
