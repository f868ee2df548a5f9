// /openapi/v2 and /openapi/v3 through the real clients: kubectl 1.32 (explain reads v3, apply and diff
// use v3's PATCH parameters), kubectl 1.20 (explain, client-side validation, `apply --dry-run=server` and
// `diff` read the protobuf v2 document). The API server runs in-process on a real socket with no kubelet:
// none of these commands needs a container.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/api/http/server.js';
import { Store } from '../../src/store/store.js';
import { ensureKubectl120, type Run } from './kubectl-support.js';
import { ROOT } from './harness.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

let api: ApiServer;
let dir: string;
let kubeconfig: string;

function run(bin: string, cache: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(bin, ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, cache), ...args], { env: { ...process.env, HOME: dir, KUBECONFIG: '' }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}
const kubectl = (args: string[]) => run(KUBECTL, 'cache', args);
const kubectl120 = (args: string[]) => run(ensureKubectl120(), 'cache120', args);

const DEPLOYMENT = (replicas: number, value: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        env:
        - {name: A, value: "${value}"}
        ports:
        - containerPort: 8080
`;

function manifest(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Whether mini-kube's protobufjs parser (what building the documents needs, and nothing else) has been loaded. */
function protobufParserLoaded(): boolean {
  const require = createRequire(import.meta.url);
  const parser = path.join(path.dirname(require.resolve('protobufjs')), 'src', 'parse.js');
  return require.cache[parser] !== undefined;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const { Agent, fetch } = await import('undici');
  const res = await fetch(`${api.url}${url}`, { headers: { Authorization: `Bearer ${api.token}`, ...headers }, redirect: 'manual', dispatcher: new Agent({ connect: { ca: api.caPem } }) });
  return { status: res.status, headers: res.headers as unknown as Headers, body: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mini-kube-openapi-'));
  api = await startApiServer({ store: new Store(), home: path.join(dir, 'home'), port: 0 });
  kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: mk', '  cluster:', `    server: ${api.url}`,
    `    certificate-authority-data: ${Buffer.from(api.caPem).toString('base64')}`, 'users:', '- name: mk', '  user:', `    token: ${api.token}`,
    'contexts:', '- name: mk', '  context: {cluster: mk, user: mk, namespace: default}', 'current-context: mk', ''].join('\n'));
});

afterAll(async () => {
  await api?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('OpenAPI', () => {
  it('is not built for a get: kubectl get pods loads none of it', async () => {
    expect(protobufParserLoaded()).toBe(false);
    const r = await kubectl(['get', 'pods']);
    expect(r.stderr).toContain('No resources found');
    expect(protobufParserLoaded()).toBe(false);
  });

  it('kubectl 1.32 explain pod.spec.containers.livenessProbe (OpenAPI v3): the probe handlers inline, as the apiserver has them', async () => {
    const r = await kubectl(['explain', 'pod.spec.containers.livenessProbe']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/KIND:\s+Pod/);
    expect(r.stdout).toContain('FIELD: livenessProbe <Probe>');
    expect(r.stdout).toContain('Periodic probe of container liveness.');
    expect(r.stdout).toMatch(/httpGet\s+<HTTPGetAction>/);
    expect(r.stdout).toMatch(/failureThreshold\s+<integer>/);
    expect(protobufParserLoaded()).toBe(true);
  });

  it('kubectl 1.32 explain deployment --recursive walks every level', async () => {
    const r = await kubectl(['explain', 'deployment', '--recursive']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/GROUP:\s+apps/);
    expect(r.stdout).toMatch(/\n\s+containers\s+<\[\]Container>/);
    expect(r.stdout).toMatch(/\n\s+name\s+<string> -required-/);
    expect(r.stdout).toMatch(/maxSurge\s+<IntOrString>/);
  });

  it('kubectl 1.20 explain reads the protobuf v2 document', async () => {
    const probe = await kubectl120(['explain', 'pod.spec.containers.livenessProbe']);
    expect(probe.code, probe.stderr).toBe(0);
    expect(probe.stdout).toContain('RESOURCE: livenessProbe <Object>');
    expect(probe.stdout).toMatch(/httpGet\s+<Object>/);
    const rec = await kubectl120(['explain', 'deployment', '--recursive']);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout).toMatch(/VERSION:\s+apps\/v1/);
    expect(rec.stdout).toMatch(/\n\s+readinessProbe\s+<Object>/);
  });

  it('kubectl 1.20 apply --dry-run=server and diff work (they need the PATCH parameters of v2), and apply then merges lists by key', async () => {
    const v1 = manifest('web-1.yaml', DEPLOYMENT(1, '1'));
    const dry = await kubectl120(['apply', '--dry-run=server', '-f', v1]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.trim()).toBe('deployment.apps/web created (server dry run)');
    expect((await kubectl(['get', 'deploy', 'web'])).code).toBe(1);
    // the tutorial's legacy kind too: extensions/v1beta1 is documented as the apps/v1 objects it serves
    const legacy = await kubectl120(['apply', '--dry-run=server', '-f', path.join(ROOT, 'manifests/liveness.yaml')]);
    expect(legacy.code, legacy.stderr).toBe(0);
    expect(legacy.stdout).toContain('(server dry run)');

    expect((await kubectl120(['apply', '-f', v1])).code).toBe(0);
    const v2 = manifest('web-2.yaml', DEPLOYMENT(2, '2'));
    const diff = await kubectl120(['diff', '-f', v2]);
    expect(diff.code, diff.stderr).toBe(1); // diff's exit code: differences found
    expect(diff.stdout).toMatch(/^-\s+replicas: 1$/m);
    expect(diff.stdout).toMatch(/^\+\s+replicas: 2$/m);
    expect(diff.stdout).toMatch(/^\+\s+value: "2"$/m);
    const diff132 = await kubectl(['diff', '-f', v2]);
    expect(diff132.code, diff132.stderr).toBe(1);
    expect(diff132.stdout).toMatch(/^\+\s+replicas: 2$/m);
    expect((await kubectl120(['apply', '-f', v2])).code).toBe(0);
    const live = JSON.parse((await kubectl(['get', 'deploy', 'web', '-o', 'json'])).stdout);
    expect(live.spec.replicas).toBe(2);
    expect(live.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '2' }]);
    expect((await kubectl(['diff', '-f', v2])).code).toBe(0);
  });

  it('validation: kubectl 1.20 validates on the client against the schema, kubectl 1.32 leaves it to the server (fieldValidation=Strict)', async () => {
    const bad = manifest('bad.yaml', DEPLOYMENT(2, '2').replace('replicas: 2', 'replica: 2'));
    const old = await kubectl120(['apply', '-f', bad]);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('ValidationError(Deployment.spec): unknown field "replica" in io.k8s.api.apps.v1.DeploymentSpec');
    const cur = await kubectl(['apply', '--validate=true', '-f', bad]);
    expect(cur.code).toBe(1);
    expect(cur.stderr).toContain('strict decoding error: unknown field "spec.replica"');
    const missing = manifest('missing.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - image: busybox\n');
    const req = await kubectl120(['create', '--dry-run=server', '-f', missing]);
    expect(req.stderr).toContain('ValidationError(Pod.spec.containers[0]): missing required field "name" in io.k8s.api.core.v1.Container');
  });

  it('serves v3 as the apiserver does: an index of hashed URLs, immutable documents, ETags, and v2 in JSON on request', async () => {
    const indexRes = await get('/openapi/v3');
    expect((await get('/openapi/v3', { 'If-None-Match': indexRes.headers.get('etag')! })).status).toBe(304);
    const index = JSON.parse(indexRes.body.toString());
    const url = index.paths['apis/apps/v1'].serverRelativeURL as string;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1']));
    const doc = await get(url);
    expect(doc.status).toBe(200);
    expect(doc.headers.get('cache-control')).toBe('public, immutable');
    const etag = doc.headers.get('etag')!;
    expect((await get('/openapi/v3/apis/apps/v1', { 'If-None-Match': etag })).status).toBe(304);
    const stale = await get('/openapi/v3/apis/apps/v1?hash=0000');
    expect(stale.status).toBe(301);
    expect(stale.headers.get('location')).toBe(url);
    const v3 = JSON.parse(doc.body.toString());
    expect(v3.components.schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toContainEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
    const v2 = await get('/openapi/v2', { Accept: 'application/json' });
    expect(v2.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(v2.body.toString()).swagger).toBe('2.0');
  });
});
