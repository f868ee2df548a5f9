// The proxy subresources kubectl proxy's users open, on real containers: pods/NAME[:PORT]/proxy/ and
// services/[http:]NAME[:PORT]/proxy/ with every method, query strings and status codes passed through,
// a Service without ready endpoints refused quickly, a pod token refused; through kubectl 1.32 (kubectl
// proxy) and 1.20 (get --raw), and in the published-ports mode (the pod's published port on 127.0.0.1).
import * as https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl120Run, kubectlEnv, type KubectlEnv, type Run, type Streaming } from './kubectl-support.js';
import { testCluster, until } from './harness.js';
import type { Cluster } from '../../src/lib/index.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

const APP = `apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ondalk8s/healthcheck:v1
    ports: [{name: http, containerPort: 8080}]
    readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: nobody}
spec:
  selector: {app: nobody}
  ports: [{port: 80, targetPort: 8080}]
`;

describe('the proxy subresources through kubectl', () => {
  let k: KubectlEnv;
  let kubectl120: (args: string[]) => Promise<Run>;
  let proxy: Streaming;
  let base = '';
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL);
    kubectl120 = kubectl120Run(k);
    expect((await k.run(['apply', '-f', '-'], { input: APP })).code).toBe(0);
    await k.cluster.waitForEndpoints('web', 1);
    proxy = k.start(['proxy', '--port=0']);
    const port = await until('kubectl proxy listens', async () => /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(proxy.out())?.[1], 20_000);
    base = `http://127.0.0.1:${port}`;
  }, 240_000);
  afterAll(async () => {
    await proxy?.kill();
    await k?.stop();
  }, 120_000);

  it('pods/NAME:PORT/proxy/ reaches the pod (port by number or name, default 80), every method, status and query passed through', async () => {
    const hello = await fetch(`${base}/api/v1/namespaces/default/pods/web:8080/proxy/`);
    expect(hello.status).toBe(200);
    expect(await hello.text()).toBe('Hello node! hostname:web');
    // the app answers 500 on /readiness without /tmp/healthcheck: the upstream's status comes back
    expect((await k.run(['exec', 'web', '--', 'rm', '-f', '/tmp/healthcheck'])).code).toBe(0);
    const unready = await fetch(`${base}/api/v1/namespaces/default/pods/web:http/proxy/readiness`);
    expect(unready.status).toBe(500);
    expect(await unready.text()).toBe('Not ready! hostname:web');
    // the app compares the whole URL: with the query passed through it is no longer /readiness
    const withQuery = await fetch(`${base}/api/v1/namespaces/default/pods/web:http/proxy/readiness?x=1`);
    expect(await withQuery.text()).toBe('Hello node! hostname:web');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await fetch(`${base}/api/v1/namespaces/default/pods/web:8080/proxy/anything`, { method, body: method === 'DELETE' ? undefined : 'x' });
      expect(r.status, method).toBe(200);
      expect(await r.text()).toBe('Hello node! hostname:web');
    }
    const closed = await fetch(`${base}/api/v1/namespaces/default/pods/web/proxy/`);
    expect(closed.status).toBe(503);
    expect(await closed.text()).toContain(':80: connect: connection refused');
    expect((await fetch(`${base}/api/v1/namespaces/default/pods/ghost:80/proxy/`)).status).toBe(404);
  }, 60_000);

  it('services/NAME[:PORT]/proxy/ reaches a ready endpoint; none ready answers 503 at once', async () => {
    for (const name of ['web', 'web:80', 'web:http', 'http:web:http', 'http:web:']) {
      const r = await fetch(`${base}/api/v1/namespaces/default/services/${name}/proxy/`);
      expect(r.status, name).toBe(200);
      expect(await r.text()).toBe('Hello node! hostname:web');
    }
    const started = Date.now();
    const none = await fetch(`${base}/api/v1/namespaces/default/services/nobody/proxy/`);
    expect(none.status).toBe(503);
    expect(await none.text()).toContain('no endpoints available for service \\"nobody\\"');
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await fetch(`${base}/api/v1/namespaces/default/services/web:9999/proxy/`)).status).toBe(503);
  }, 60_000);

  it('kubectl 1.20 and 1.32 get --raw through the proxy paths; a pod token may not proxy', async () => {
    for (const run of [(a: string[]) => k.run(a), kubectl120]) {
      const raw = await run(['get', '--raw', '/api/v1/namespaces/default/services/web:http/proxy/']);
      expect(raw.code, raw.stderr).toBe(0);
      expect(raw.stdout).toBe('Hello node! hostname:web');
    }
    const token = (await k.run(['create', 'token', 'default'])).stdout.trim();
    const refused = await k.run(['--token', token, 'get', '--raw', '/api/v1/namespaces/default/pods/web:8080/proxy/']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('cannot get resource "pods/proxy" in API group "" in the namespace "default"');
  }, 60_000);
});

describe('the proxy subresources in the published-ports mode', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster({ publishPorts: true, inProcess: true });
    await cluster.apply(APP);
    await cluster.waitForEndpoints('web', 1);
  }, 240_000);
  afterAll(async () => { await cluster?.stop(); }, 120_000);

  const get = (path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const cp = cluster.controlPlane;
    https.get(`${cp.url}${path}`, { ca: cp.caPem, headers: { Authorization: `Bearer ${cp.token}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

  it('reaches the pod through the port the engine published; an undeclared port is refused with the reason', async () => {
    expect(await get('/api/v1/namespaces/default/pods/web:8080/proxy/')).toEqual({ status: 200, body: 'Hello node! hostname:web' });
    expect(await get('/api/v1/namespaces/default/services/web/proxy/')).toEqual({ status: 200, body: 'Hello node! hostname:web' });
    const undeclared = await get('/api/v1/namespaces/default/pods/web:9090/proxy/');
    expect(undeclared.status).toBe(503);
    expect(undeclared.body).toContain('port 9090 of the pod is not published');
  }, 60_000);
});
