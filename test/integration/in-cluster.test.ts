// The whole in-cluster path on the real engine, as a user of kubectl 1.32 (and 1.20) meets it (issue #15's
// "done means"): a two-tier app whose frontend reads its backend's address from a ConfigMap and reaches it
// by Service name, and finds it again after the backend's pods are replaced; cluster DNS from a pod (the
// kubelet's resolv.conf, A and SRV records, NXDOMAIN); and an in-cluster client: the service-account token,
// ca.crt and namespace mounted at /var/run/secrets/kubernetes.io/serviceaccount, used against
// https://kubernetes.default.svc with what a pod's token may do (docs/security.md).
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/lib/index.js';
import { until } from './harness.js';
import { ensureKubectl120, kubectlEnv, type KubectlEnv } from './kubectl-support.js';

const APP = `apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data:
  BACKEND_URL: http://backend
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend}
spec:
  replicas: 2
  selector: {matchLabels: {app: backend}}
  template:
    metadata: {labels: {app: backend}}
    spec:
      containers:
      - name: app
        image: ondalk8s/healthcheck:v1
        imagePullPolicy: IfNotPresent
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend}
spec:
  replicas: 1
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      containers:
      - name: app
        image: ondalk8s/healthcheck:v1
        imagePullPolicy: IfNotPresent
        envFrom: [{configMapRef: {name: app-config}}]
        command: [node, -e, "require('http').createServer((q, s) => require('http').get(process.env.BACKEND_URL + '/', (r) => { let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => s.end('front->' + b)); }).on('error', (e) => { s.statusCode = 502; s.end(String(e)); })).listen(8080)"]
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: frontend}
spec:
  selector: {app: frontend}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: no-token}
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: ondalk8s/healthcheck:v1
    imagePullPolicy: IfNotPresent
`;

/** An https GET from inside a pod with the mounted service-account credentials: "<status> <body start>". */
const IN_POD_GET = (apiPath: string): string => `
const fs = require('fs'); const dir = '/var/run/secrets/kubernetes.io/serviceaccount/';
require('https').get({ host: 'kubernetes.default.svc', path: '${apiPath}', ca: fs.readFileSync(dir + 'ca.crt'),
  headers: { authorization: 'Bearer ' + fs.readFileSync(dir + 'token', 'utf8') } }, (r) => {
  let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => console.log(r.statusCode + ' ' + b.slice(0, 300)));
}).on('error', (e) => console.log('error ' + e.message));`;

let env: KubectlEnv;
let frontend = '';

const podsOf = async (app: string): Promise<string[]> =>
  (await env.cluster.list('Pod', { labelSelector: `app=${app}` }))
    .filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => p.metadata.name);

const inFrontend = async (script: string): Promise<string> => {
  const r = await env.run(['exec', frontend, '--', 'node', '-e', script]);
  expect(r.stderr).toBe('');
  return r.stdout.trim();
};

beforeAll(async () => {
  env = await kubectlEnv('kubectl');
  const applied = await env.run(['apply', '-f', '-'], { input: APP });
  expect(applied.code, applied.stderr).toBe(0);
  await until('backend and frontend ready', async () => (await podsOf('backend')).length === 2 && (await podsOf('frontend')).length === 1, 120_000);
  frontend = (await podsOf('frontend'))[0]!;
}, 240_000);

afterAll(async () => {
  await env?.stop();
});

describe('a two-tier app reaching its backend by Service name (kubectl 1.32)', () => {
  it('the frontend reads the backend URL from a ConfigMap and reaches it by name, and again after the backend pods are replaced', async () => {
    const before = await podsOf('backend');
    const first = await inFrontend("require('http').get('http://localhost:8080/', (r) => r.pipe(process.stdout))");
    expect(first).toMatch(/^front->Hello node! hostname:backend-/);
    expect(before).toContain(/hostname:(\S+)/.exec(first)?.[1]);

    const deleted = await env.run(['delete', 'pod', '-l', 'app=backend', '--wait=false']);
    expect(deleted.code, deleted.stderr).toBe(0);
    const after = await until('two new backend pods ready', async () => {
      const now = await podsOf('backend');
      return now.length === 2 && now.every((p) => !before.includes(p)) ? now : undefined;
    }, 120_000);
    const again = await until('the frontend reaching a new backend pod', async () => {
      const out = await inFrontend("require('http').get('http://localhost:8080/', (r) => r.pipe(process.stdout))");
      return after.includes(/hostname:(\S+)/.exec(out)?.[1] ?? '') ? out : undefined;
    }, 30_000);
    expect(again).toMatch(/^front->Hello node! hostname:backend-/);
  }, 200_000);

  it('kubectl 1.20 (SPDY exec) sees the same: the frontend answers through the backend', async () => {
    const kubectl120 = ensureKubectl120();
    const out = await new Promise<string>((resolve, reject) => execFile(kubectl120,
      ['--kubeconfig', env.kubeconfig, 'exec', frontend, '--', 'node', '-e', "require('http').get('http://frontend.default.svc.cluster.local/', (r) => r.pipe(process.stdout))"],
      { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))));
    expect(out).toMatch(/^front->Hello node! hostname:backend-/);
  }, 90_000);
});

describe('cluster DNS from a pod', () => {
  it('gets the kubelet\'s resolv.conf with the network agent as nameserver', async () => {
    const conf = (await env.run(['exec', frontend, '--', 'cat', '/etc/resolv.conf'])).stdout;
    expect(conf).toMatch(/^nameserver \d+\.\d+\.\d+\.\d+$/m);
    expect(conf).toMatch(/^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\b/m);
    expect(conf).toMatch(/^options ndots:5$/m);
  });

  it('answers A for every form of a Service name, SRV for named ports, NXDOMAIN for unknown names', async () => {
    const svc = await env.cluster.get('Service', 'backend') as Service;
    const ip = svc.spec?.clusterIP;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const out = await inFrontend(`
const dns = require('dns').promises;
(async () => {
  const names = ['backend', 'backend.default', 'backend.default.svc', 'backend.default.svc.cluster.local'];
  for (const n of names) console.log(n + '=' + (await dns.lookup(n)).address);
  const srv = await dns.resolveSrv('_http._tcp.backend.default.svc.cluster.local');
  console.log('srv=' + srv.map((s) => s.name + ':' + s.port).join(','));
  console.log('kubernetes=' + (await dns.lookup('kubernetes.default')).address);
  await dns.lookup('no-such-service').then((a) => console.log('nope=' + a.address), (e) => console.log('nope=' + e.code));
})();`);
    for (const n of ['backend', 'backend.default', 'backend.default.svc', 'backend.default.svc.cluster.local']) expect(out).toContain(`${n}=${ip}`);
    expect(out).toContain('srv=backend.default.svc.cluster.local:80');
    const kubernetes = await env.cluster.get('Service', 'kubernetes') as Service;
    expect(out).toContain(`kubernetes=${kubernetes.spec?.clusterIP}`);
    expect(out).toContain('nope=ENOTFOUND');
  }, 60_000);
});

describe('an in-cluster client with the pod\'s service-account token', () => {
  it('has the token, ca.crt and namespace mounted, and reads its namespace through kubernetes.default.svc', async () => {
    const ls = await env.run(['exec', frontend, '--', 'ls', '/var/run/secrets/kubernetes.io/serviceaccount']);
    expect(ls.stdout.split(/\s+/).filter(Boolean).sort()).toEqual(['ca.crt', 'namespace', 'token']);
    expect((await env.run(['exec', frontend, '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/namespace'])).stdout).toBe('default');
    const pods = await inFrontend(IN_POD_GET('/api/v1/namespaces/default/pods'));
    expect(pods).toMatch(/^200 \{"kind":"PodList"/);
  }, 60_000);

  it('is refused what a pod may not do: secrets and other namespaces', async () => {
    expect(await inFrontend(IN_POD_GET('/api/v1/namespaces/default/secrets'))).toMatch(/^403 /);
    expect(await inFrontend(IN_POD_GET('/api/v1/namespaces/kube-system/pods'))).toMatch(/^403 /);
  }, 60_000);

  it('mounts nothing with automountServiceAccountToken: false', async () => {
    await until('no-token running', async () => (await env.cluster.get('Pod', 'no-token')).status?.phase === 'Running', 60_000);
    const r = await env.run(['exec', 'no-token', '--', 'ls', '/var/run/secrets/kubernetes.io/serviceaccount']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/No such file or directory/);
  }, 90_000);
});
