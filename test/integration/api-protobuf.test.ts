// The Kubernetes protobuf content type through the real clients: kubectl 1.32 sends the built-in kinds
// of `create`, `run`'s neighbours and friends as application/vnd.kubernetes.protobuf (and reads the
// answers in protobuf), kubectl 1.20 sends the same commands as JSON; both must end with the same
// objects, readable back with `get -o yaml`. A real control plane with real containers; protobuf
// lists, Status errors and the watch framing are also checked on the wire, and the codec is loaded
// only once a protobuf request has arrived.
import { execFile } from 'node:child_process';
import * as https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { protobufCodec } from '../../src/api/protobuf/lazy.js';
import { decodeObject, decodeWatchEvent, envelope } from '../../src/api/protobuf/codec.js';
import { until } from './harness.js';
import { ensureKubectl120, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';

const IMAGE = 'ondalk8s/healthcheck:v1';
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

let env: KubectlEnv;
let kubectl120: string;

beforeAll(async () => {
  kubectl120 = ensureKubectl120();
  env = await kubectlEnv(process.env['KUBECTL'] ?? 'kubectl', { inProcess: true });
}, 180_000);

afterAll(async () => {
  await env?.stop();
}, 120_000);

const k = (args: string[], input?: string) => env.run(args, { input });

/** kubectl 1.20 on the same cluster, with its own discovery cache. */
function k120(args: string[]): Promise<Run> {
  const [, ...rest] = env.argv(['--cache-dir', `${env.dir}/cache-120`, ...args]);
  return new Promise((resolve) => {
    execFile(kubectl120, rest, { env: { ...process.env, HOME: env.dir, KUBECONFIG: '', LANG: 'C' }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

interface Wire { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

function wire(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Wire> {
  const cp = env.cluster.controlPlane;
  const url = new URL(cp.url);
  return new Promise((resolve, reject) => {
    const req = https.request({ host: url.hostname, port: url.port, method, path, ca: cp.caPem, headers: { authorization: `Bearer ${cp.token}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const yamlOf = async (args: string[]) => {
  const r = await k(['get', ...args, '-o', 'yaml']);
  expect(r.code, r.stderr).toBe(0);
  return parseYaml(r.stdout) as Record<string, any>;
};

describe('protobuf is loaded lazily', () => {
  it('JSON gets and lists (kubectl get, describe) do not load the codec', async () => {
    expect((await k(['get', 'pods'])).code).toBe(0);
    expect((await k(['get', 'ns', 'default', '-o', 'yaml'])).code).toBe(0);
    expect(protobufCodec()).toBeUndefined();
  });
});

describe('kubectl 1.32 create commands (protobuf bodies and answers)', () => {
  it('create namespace', async () => {
    const r = await k(['create', 'namespace', 'team-a']);
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'namespace/team-a created\n' });
    expect(protobufCodec()).toBeDefined();
    const ns = await yamlOf(['namespace', 'team-a']);
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });
    expect(ns.status.phase).toBe('Active');
  });

  it('create configmap --from-literal --from-file (string and binary data)', async () => {
    const r = await k(['create', 'configmap', 'settings', '-n', 'team-a', '--from-literal=mode=fast', '--from-literal=empty=']);
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'configmap/settings created\n' });
    expect((await yamlOf(['configmap', 'settings', '-n', 'team-a'])).data).toEqual({ mode: 'fast', empty: '' });
  });

  it('create secret generic (bytes map, base64 in JSON)', async () => {
    const r = await k(['create', 'secret', 'generic', 'creds', '-n', 'team-a', '--from-literal=user=admin', '--from-literal=pass=s3cr3t']);
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'secret/creds created\n' });
    const s = await yamlOf(['secret', 'creds', '-n', 'team-a']);
    expect(s.data).toEqual({ user: Buffer.from('admin').toString('base64'), pass: Buffer.from('s3cr3t').toString('base64') });
    expect(s.type).toBe('Opaque');
  });

  it('create deployment -o yaml: kubectl reads the protobuf answer (Time, IntOrString 25%, defaults)', async () => {
    const r = await k(['create', 'deployment', 'web', '-n', 'team-a', `--image=${IMAGE}`, '--replicas=1', '--port=8080', '-o', 'yaml']);
    expect(r.code, r.stderr).toBe(0);
    const d = parseYaml(r.stdout) as Record<string, any>;
    expect(d.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(d.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
  });

  it('create service clusterip (targetPort as number and as name)', async () => {
    const r = await k(['create', 'service', 'clusterip', 'web', '-n', 'team-a', '--tcp=80:8080', '--tcp=443:https']);
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'service/web created\n' });
    const svc = await yamlOf(['service', 'web', '-n', 'team-a']);
    expect(svc.spec.ports.map((p: Record<string, unknown>) => [p['port'], p['targetPort']])).toEqual([[80, 8080], [443, 'https']]);
    expect(svc.spec.selector).toEqual({ app: 'web' });
  });

  it('run (a JSON body) and scale (a merge patch) next to them; the Deployment reaches 2 ready replicas', async () => {
    const run = await k(['run', 'solo', '-n', 'team-a', `--image=${IMAGE}`, '--labels=app=solo']);
    expect(run, run.stderr).toMatchObject({ code: 0, stdout: 'pod/solo created\n' });
    const scale = await k(['scale', 'deployment', 'web', '-n', 'team-a', '--replicas=2']);
    expect(scale, scale.stderr).toMatchObject({ code: 0, stdout: 'deployment.apps/web scaled\n' });
    await until('2 ready replicas', async () => (await yamlOf(['deployment', 'web', '-n', 'team-a'])).status?.readyReplicas === 2, 90_000);
  }, 120_000);

  it('a Status error comes back in protobuf and kubectl prints it', async () => {
    const r = await k(['create', 'namespace', 'team-a']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (AlreadyExists): namespaces "team-a" already exists\n');
  });

  it('create quota: a kind mini-kube does not serve is the apiserver\'s 404', async () => {
    const r = await k(['create', 'quota', 'small', '-n', 'team-a', '--hard=pods=2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the server could not find the requested resource');
  });
});

describe('kubectl 1.20 (JSON) makes the same objects', () => {
  it('create namespace|configmap|secret|deployment|service, scale, get -o yaml', async () => {
    for (const args of [
      ['create', 'namespace', 'team-b'],
      ['create', 'configmap', 'settings', '-n', 'team-b', '--from-literal=mode=fast', '--from-literal=empty='],
      ['create', 'secret', 'generic', 'creds', '-n', 'team-b', '--from-literal=user=admin', '--from-literal=pass=s3cr3t'],
      ['create', 'deployment', 'web', '-n', 'team-b', `--image=${IMAGE}`],
      ['create', 'service', 'clusterip', 'web', '-n', 'team-b', '--tcp=80:8080', '--tcp=443:https'],
      ['scale', 'deployment', 'web', '-n', 'team-b', '--replicas=0'],
    ]) {
      const r = await k120(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    for (const [kind, name] of [['configmap', 'settings'], ['secret', 'creds'], ['service', 'web']]) {
      const a = await yamlOf([kind!, name!, '-n', 'team-a']);
      const b = await yamlOf([kind!, name!, '-n', 'team-b']);
      // each Service gets its own cluster IP; everything else is the same
      for (const o of [a, b]) if (o['spec']) { delete o['spec'].clusterIP; delete o['spec'].clusterIPs; }
      for (const key of ['data', 'type', 'spec']) expect(b[key], `${kind} ${key}`).toEqual(a[key]);
    }
    expect((await yamlOf(['deployment', 'web', '-n', 'team-b'])).spec.replicas).toBe(0);
  });
});

describe('on the wire', () => {
  it('a list in protobuf when Accept prefers it; a Table stays JSON', async () => {
    const list = await wire('GET', '/api/v1/namespaces/team-a/configmaps', { accept: `${PROTOBUF},application/json` });
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toBe(PROTOBUF);
    const decoded = decodeObject(list.body) as { kind: string; items: { metadata: { name: string } }[] };
    expect(decoded.kind).toBe('ConfigMapList');
    expect(decoded.items.map((i) => i.metadata.name)).toContain('settings');
    const table = await wire('GET', '/api/v1/namespaces/team-a/configmaps', { accept: `${PROTOBUF};as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io,application/json` });
    expect(table.headers['content-type']).toBe('application/json');
    expect(JSON.parse(table.body.toString()).kind).toBe('Table');
  });

  it('every stored object reads the same in protobuf as in JSON (running pods, their status, events, endpoints...)', async () => {
    // Go has no "absent" for a non-pointer field: compare without zeros, empty strings and empty lists.
    // A metav1.Time has whole seconds in Go's JSON; mini-kube's JSON keeps the engine's nanoseconds
    // (containerStatuses[].state.running.startedAt): compare timestamps to the second.
    const normalize = (v: unknown): unknown => {
      if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/.test(v)) return v.replace(/\.\d+Z$/, 'Z');
      if (Array.isArray(v)) return v.map(normalize);
      if (v === null || typeof v !== 'object') return v;
      const out: Record<string, unknown> = {};
      for (const [key, x] of Object.entries(v)) {
        if (x === null || x === false || x === 0 || x === '' || (Array.isArray(x) && x.length === 0)) continue;
        out[key] = normalize(x);
      }
      return out;
    };
    const paths = ['/api/v1/pods', '/api/v1/services', '/api/v1/endpoints', '/api/v1/events', '/api/v1/namespaces', '/api/v1/configmaps', '/api/v1/secrets',
      '/apis/apps/v1/deployments', '/apis/apps/v1/replicasets', '/apis/discovery.k8s.io/v1/endpointslices'];
    for (const p of paths) {
      const json = JSON.parse((await wire('GET', p, { accept: 'application/json' })).body.toString()) as { items: Record<string, unknown>[] };
      const pb = await wire('GET', p, { accept: PROTOBUF });
      expect(pb.headers['content-type'], p).toBe(PROTOBUF);
      const decoded = decodeObject(pb.body) as { items: Record<string, unknown>[] };
      expect(json.items.length, p).toBeGreaterThan(0);
      const jsonItems = json.items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
      expect(normalize(decoded.items), p).toEqual(normalize(jsonItems));
    }
    const pod = decodeObject((await wire('GET', '/api/v1/namespaces/team-a/pods/solo', { accept: PROTOBUF })).body) as Record<string, any>;
    expect(pod['status'].containerStatuses[0].state.running.startedAt).toMatch(/Z$/);
  });

  it('a 404 Status in protobuf', async () => {
    const r = await wire('GET', '/api/v1/namespaces/team-a/configmaps/nope', { accept: PROTOBUF });
    expect(r.status).toBe(404);
    expect(decodeObject(r.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404, message: 'configmaps "nope" not found' });
  });

  it('a kind without a protobuf form is 415 naming it', async () => {
    const r = await wire('POST', '/api/v1/namespaces/team-a/configmaps', { 'content-type': PROTOBUF, accept: 'application/json' }, envelope('networking.k8s.io/v1', 'Ingress', new Uint8Array()));
    expect(r.status).toBe(415);
    const status = JSON.parse(r.body.toString()) as { reason: string; message: string };
    expect(status.reason).toBe('UnsupportedMediaType');
    expect(status.message).toContain('the protobuf body holds networking.k8s.io/v1, Kind=Ingress, which mini-kube cannot read');
  });

  it('a watch in protobuf framing: length-prefixed WatchEvents with enveloped objects', async () => {
    const r = await wire('GET', '/api/v1/namespaces/team-a/configmaps?watch=true&timeoutSeconds=1', { accept: `${PROTOBUF},application/json` });
    expect(r.headers['content-type']).toBe(`${PROTOBUF};stream=watch`);
    const events: { type: string; object: Record<string, any> }[] = [];
    for (let at = 0; at < r.body.length; at += 4 + r.body.readUInt32BE(at)) events.push(decodeWatchEvent(r.body.subarray(at)));
    expect(events.map((e) => [e.type, e.object['metadata'].name])).toContainEqual(['ADDED', 'settings']);
    expect(events.every((e) => e.object['kind'] === 'ConfigMap')).toBe(true);
  });
});
