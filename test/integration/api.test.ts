// The API server over real HTTPS sockets on 127.0.0.1:0, with an in-memory Store and a fake container
// runtime for logs and exec (the runtime is the one thing faked: these tests are about the wire).
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApiServer, type ApiServer } from '../../src/api/http/server.js';
import { GarbageCollector, NamespaceController } from '../../src/controllers/controller-manager.js';
import { kubeletStreams, type ContainerLookup } from '../../src/control-plane/kubelet-streams.js';
import type { Pod } from '../../src/kube/types.js';
import { LABEL_ATTEMPT, LABEL_CONTAINER, LABEL_POD_UID, type ContainerInfo, type ExecSession, type LogOptions, type Runtime } from '../../src/runtime/runtime.js';
import { Store } from '../../src/store/store.js';
import { recordEvent, KUBELET } from '../../src/store/events.js';

// ---------------------------------------------------------------- helpers

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

let api: ApiServer;
let store: Store;
let home: string;
const runtime = fakeRuntime();

function request(method: string, urlPath: string, opts: { body?: string | Buffer | object; headers?: Record<string, string>; token?: string | null } = {}): Promise<Reply> {
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = {
    ...(opts.token === null ? {} : { Authorization: `Bearer ${opts.token ?? api.token}` }),
    ...(body !== undefined && typeof opts.body === 'object' && !Buffer.isBuffer(opts.body) ? { 'Content-Type': 'application/json' } : {}),
    // Node frames DELETE bodies only with an explicit length (kubectl always sends one).
    ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
    ...opts.headers,
  };
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: api.port, path: urlPath, method, headers, ca: api.caPem, servername: 'localhost', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const get = (p: string, headers?: Record<string, string>) => request('GET', p, { headers });
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

function expectStatus(r: Reply, code: number, reason: string): void {
  expect(r.status, r.text).toBe(code);
  expect(r.headers['content-type']).toContain('application/json');
  expect(r.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
  expect(typeof r.json.message).toBe('string');
}

/** A watch stream read line by line. */
interface WatchStream {
  res: IncomingMessage;
  next(timeoutMs?: number): Promise<any>;
  close(): void;
  ended: Promise<void>;
}

function watch(urlPath: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: api.port, path: urlPath, headers: { Authorization: `Bearer ${api.token}`, ...headers }, ca: api.caPem, agent: false }, (res) => {
      const queue: any[] = [];
      const waiters: ((v: any) => void)[] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          const evt = JSON.parse(line);
          const w = waiters.shift();
          if (w) w(evt); else queue.push(evt);
        }
      });
      const ended = new Promise<void>((r) => { res.on('end', () => r()); res.on('close', () => r()); });
      resolve({
        res,
        ended,
        next(timeoutMs = 3000) {
          if (queue.length) return Promise.resolve(queue.shift());
          return new Promise((r, j) => {
            const t = setTimeout(() => j(new Error(`no watch event within ${timeoutMs} ms on ${urlPath}`)), timeoutMs);
            waiters.push((v) => { clearTimeout(t); r(v); });
          });
        },
        close() { req.destroy(); },
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function deploymentManifest(name: string, replicas = 2) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }] }] } },
    },
  };
}

function podObject(name: string, opts: { labels?: Record<string, string>; running?: boolean; containerId?: string; phase?: string } = {}) {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels: opts.labels ?? { app: 'demo' } },
    spec: { containers: [{ name: 'web', image: 'nginx' }] },
    status: opts.running
      ? { phase: opts.phase ?? 'Running', containerStatuses: [{ name: 'web', ready: true, restartCount: 1, image: 'nginx', imageID: '', containerID: `docker://${opts.containerId ?? 'c-current'}`, state: { running: { startedAt: '2025-01-01T00:00:00Z' } } }] }
      : { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] },
  };
}

// ---------------------------------------------------------------- fake runtime (logs and exec only)

interface FakeRuntime extends Runtime {
  logCalls: { id: string; opts: LogOptions }[];
  resizes: [number, number][];
  followStreams: PassThrough[];
}

function fakeRuntime(): FakeRuntime {
  const unused = () => { throw new Error('not used by the API'); };
  const containers: ContainerInfo[] = [];
  const info = (id: string, uid: string, attempt: number, running: boolean): ContainerInfo => ({
    id, name: id, image: 'nginx', status: running ? 'running' : 'exited', running, exitCode: running ? 0 : 1, oomKilled: false, error: '',
    labels: { [LABEL_POD_UID]: uid, [LABEL_CONTAINER]: 'web', [LABEL_ATTEMPT]: String(attempt) }, publishedPorts: {},
  });
  const rt: FakeRuntime = {
    logCalls: [], resizes: [], followStreams: [],
    ping: async () => true,
    ensureNetwork: unused, ensureSandboxImage: unused, removeNetwork: unused, ensureVolume: unused, removeVolumes: unused, imageExists: unused, pullImage: unused, createContainer: unused,
    startContainer: unused, startContainerUntilLine: unused, stopContainer: unused, removeContainer: unused, inspectContainer: unused, exec: unused, events: unused,
    async listContainers(labels) {
      // The pod uid is only known once the test created the pod: containers are made up per uid.
      const uid = labels[LABEL_POD_UID]!;
      if (!containers.some((c) => c.labels[LABEL_POD_UID] === uid)) {
        containers.push(info('c-attempt0', uid, 0, false), info('c-attempt1', uid, 1, false), info('c-current', uid, 2, true));
      }
      return containers.filter((c) => Object.entries(labels).every(([k, v]) => c.labels[k] === v));
    },
    async logs(id, opts) {
      rt.logCalls.push({ id, opts });
      if (opts.follow) {
        const s = new PassThrough();
        s.write(`first line of ${id}\n`);
        rt.followStreams.push(s);
        return s;
      }
      return Readable.from([Buffer.from(`log of ${id}\nline 2\nline 3\n`)]);
    },
    async execInteractive(_id, cmd, opts): Promise<ExecSession> {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const stdin = opts.stdin ? new PassThrough() : undefined;
      let exit: (code: number) => void = () => {};
      const exitCode = new Promise<number>((r) => { exit = r; });
      const script = cmd.join(' ');
      if (cmd[0] === 'cat' && stdin) {
        stdin.on('data', (c: Buffer) => stdout.write(c));
        stdin.on('end', () => { stdout.end(); stderr.end(); exit(0); });
      } else {
        // "sh -c 'echo out; echo err >&2; exit N'" in miniature
        const code = Number(/exit (\d+)/.exec(script)?.[1] ?? 0);
        setTimeout(() => {
          stdout.end(`out: ${script}\n`);
          stderr.end('err\n');
          exit(code);
        }, 20);
      }
      return { stdin, stdout, stderr, exitCode, raw: new PassThrough(), resize: async (w, h) => { rt.resizes.push([w, h]); } };
    },
  };
  return rt;
}

/** The kubelet's part, faked: a pod the test marked running has the fake runtime's three instances. */
const kubelet: ContainerLookup = {
  async instances(uid, name) {
    const pod = store.list<Pod>('Pod').find((p) => p.metadata.uid === uid);
    if (!pod?.status?.containerStatuses?.some((c) => c.state?.running)) return [];
    const list = await runtime.listContainers({ [LABEL_POD_UID]: uid, [LABEL_CONTAINER]: name });
    return list.sort((a, b) => Number(b.labels[LABEL_ATTEMPT]) - Number(a.labels[LABEL_ATTEMPT]));
  },
};

// ---------------------------------------------------------------- lifecycle

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'mini-kube-api-'));
  store = new Store();
  api = await startApiServer({ store, home, port: 0, kubelet: kubeletStreams(kubelet, runtime) });
});

afterAll(async () => {
  await api?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

// ---------------------------------------------------------------- tests

describe('TLS, token and access control', () => {
  it('writes the CA, the server certificate (with SANs) and a 0600 key and token, and reuses them', async () => {
    for (const f of ['ca.crt', 'apiserver.crt', 'apiserver.key', 'token']) expect(fs.existsSync(path.join(home, f))).toBe(true);
    expect(fs.statSync(path.join(home, 'apiserver.key')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(home, 'token')).mode & 0o777).toBe(0o600);
    const { X509Certificate } = await import('node:crypto');
    const cert = new X509Certificate(fs.readFileSync(path.join(home, 'apiserver.crt')));
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.verify(new X509Certificate(api.caPem).publicKey)).toBe(true);
    expect(new X509Certificate(api.caPem).ca).toBe(true);

    const again = await startApiServer({ store, home, port: 0 });
    try {
      expect(again.token).toBe(api.token);
      expect(again.caPem).toBe(api.caPem);
    } finally {
      await again.close();
    }
  });

  it('answers 401 Unauthorized without a token or with a wrong one', async () => {
    expectStatus(await request('GET', '/api/v1/namespaces/default/pods', { token: null }), 401, 'Unauthorized');
    expectStatus(await request('GET', '/api', { token: 'wrong' }), 401, 'Unauthorized');
    expectStatus(await request('GET', '/healthz', { token: `${api.token}x` }), 401, 'Unauthorized');
    expectStatus(await request('GET', '/api', { headers: { Authorization: `Basic ${api.token}` } }), 401, 'Unauthorized');
  });

  it('answers 403 when the Host header is not this server (DNS rebinding)', async () => {
    expectStatus(await request('GET', '/api', { headers: { Host: `evil.example:${api.port}` } }), 403, 'Forbidden');
    expectStatus(await request('GET', '/api', { headers: { Host: '127.0.0.1:1' } }), 403, 'Forbidden');
    expect((await request('GET', '/api', { headers: { Host: `localhost:${api.port}` } })).status).toBe(200);
  });

  it('listens on 127.0.0.1 only', () => {
    expect(api.server.address()).toMatchObject({ address: '127.0.0.1' });
    expect(api.url).toBe(`https://127.0.0.1:${api.port}`);
  });
});

describe('discovery', () => {
  it('serves /api, /apis and /apis/apps', async () => {
    const apiV = await get('/api');
    expect(apiV.json).toEqual({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${api.port}` }] });
    const apis = await get('/apis');
    expect(apis.json).toEqual({
      kind: 'APIGroupList', apiVersion: 'v1',
      groups: [
        { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } },
        { name: 'autoscaling', versions: [{ groupVersion: 'autoscaling/v2', version: 'v2' }, { groupVersion: 'autoscaling/v1', version: 'v1' }], preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' } },
        { name: 'batch', versions: [{ groupVersion: 'batch/v1', version: 'v1' }], preferredVersion: { groupVersion: 'batch/v1', version: 'v1' } },
        { name: 'policy', versions: [{ groupVersion: 'policy/v1', version: 'v1' }], preferredVersion: { groupVersion: 'policy/v1', version: 'v1' } },
        { name: 'storage.k8s.io', versions: [{ groupVersion: 'storage.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'storage.k8s.io/v1', version: 'v1' } },
        { name: 'coordination.k8s.io', versions: [{ groupVersion: 'coordination.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'coordination.k8s.io/v1', version: 'v1' } },
        { name: 'discovery.k8s.io', versions: [{ groupVersion: 'discovery.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'discovery.k8s.io/v1', version: 'v1' } },
        { name: 'authentication.k8s.io', versions: [{ groupVersion: 'authentication.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'authentication.k8s.io/v1', version: 'v1' } },
        { name: 'authorization.k8s.io', versions: [{ groupVersion: 'authorization.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'authorization.k8s.io/v1', version: 'v1' } },
        { name: 'extensions', versions: [{ groupVersion: 'extensions/v1beta1', version: 'v1beta1' }], preferredVersion: { groupVersion: 'extensions/v1beta1', version: 'v1beta1' } },
      ],
    });
    expect((await get('/apis/apps')).json).toMatchObject({ kind: 'APIGroup', name: 'apps', preferredVersion: { groupVersion: 'apps/v1' } });
  });

  it('lists core resources with short names, categories and subresources', async () => {
    const r = (await get('/api/v1')).json;
    expect(r).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const byName = Object.fromEntries(r.resources.map((x: any) => [x.name, x]));
    expect(byName['pods']).toEqual({
      name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'], categories: ['all'],
    });
    expect(byName['services']).toMatchObject({ shortNames: ['svc'], categories: ['all'] });
    expect(byName['endpoints']).toMatchObject({ shortNames: ['ep'] });
    expect(byName['endpoints']).not.toHaveProperty('categories');
    expect(byName['events']).toMatchObject({ shortNames: ['ev'] });
    expect(byName['namespaces']).toMatchObject({ namespaced: false, shortNames: ['ns'] });
    expect(byName['pods/log']).toMatchObject({ kind: 'Pod', verbs: ['get'] });
    expect(byName['pods/exec']).toMatchObject({ kind: 'PodExecOptions', verbs: ['create', 'get'] });
    expect(byName['pods/attach']).toMatchObject({ kind: 'PodAttachOptions', verbs: ['create', 'get'] });
    expect(byName['pods/portforward']).toMatchObject({ kind: 'PodPortForwardOptions', verbs: ['create', 'get'] });
    expect(byName['pods/status']).toMatchObject({ kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    expect(byName['pods/binding']).toEqual({ name: 'pods/binding', singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] });
    expect(byName['pods/eviction']).toEqual({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  });

  it('lists apps/v1 with the autoscaling/v1 Scale subresources', async () => {
    const r = (await get('/apis/apps/v1')).json;
    expect(r).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1' });
    const byName = Object.fromEntries(r.resources.map((x: any) => [x.name, x]));
    expect(byName['deployments']).toMatchObject({ kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], namespaced: true });
    expect(byName['replicasets']).toMatchObject({ kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'] });
    expect(byName['deployments/scale']).toEqual({ name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    expect(byName['replicasets/scale']).toMatchObject({ group: 'autoscaling', kind: 'Scale' });
    expect(byName['deployments/status']).toMatchObject({ kind: 'Deployment', verbs: ['get', 'patch', 'update'] });
  });

  it('serves /version, /openapi/v2 as a gnostic protobuf document when asked so (api-openapi.test.ts has the rest), and health checks', async () => {
    expect((await get('/version')).json).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0-mini-kube' });
    const openapi = await get('/openapi/v2', { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    expect(openapi.status).toBe(200);
    expect(openapi.headers['content-type']).toBe('application/octet-stream');
    expect(openapi.text.startsWith('\n\x032.0')).toBe(true); // field 1 (swagger), "2.0"
    for (const p of ['/healthz', '/readyz', '/livez']) {
      const r = await get(p);
      expect(r.status).toBe(200);
      expect(r.text).toBe('ok');
    }
  });

  it('answers /api and /apis in the aggregated form (apidiscovery.k8s.io/v2) when asked, saying what the per-group lists say', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const apis = await get('/apis', { Accept: accept });
    expect(apis.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(apis.json.kind).toBe('APIGroupDiscoveryList');
    const plainGroups = (await get('/apis')).json.groups as any[];
    expect(apis.json.items.map((i: any) => i.metadata.name)).toEqual(plainGroups.map((g) => g.name));
    for (const item of [...apis.json.items, ...(await get('/api', { Accept: accept })).json.items]) {
      for (const v of item.versions) {
        const gv = item.metadata.name ? `/apis/${item.metadata.name}/${v.version}` : `/api/${v.version}`;
        const plain = ((await get(gv)).json.resources as any[]);
        const flat = v.resources.flatMap((r: any) => [
          { name: r.resource, singularName: r.singularResource, namespaced: r.scope === 'Namespaced', kind: r.responseKind.kind, verbs: r.verbs, shortNames: r.shortNames, categories: r.categories },
          ...(r.subresources ?? []).map((s: any) => ({ name: `${r.resource}/${s.subresource}`, kind: s.responseKind.kind, verbs: s.verbs })),
        ]);
        expect(flat.map((r: any) => r.name).sort(), gv).toEqual(plain.map((r) => r.name).sort());
        for (const r of flat) {
          const p = plain.find((x) => x.name === r.name);
          expect({ kind: p.kind, verbs: p.verbs, shortNames: p.shortNames, categories: p.categories }, `${gv} ${r.name}`)
            .toEqual({ kind: r.kind, verbs: r.verbs, shortNames: r.name.includes('/') ? p.shortNames : r.shortNames, categories: r.name.includes('/') ? p.categories : r.categories });
        }
      }
    }
    const deployments = apis.json.items[0].versions[0].resources.find((r: any) => r.resource === 'deployments');
    expect(deployments.subresources).toContainEqual({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
    expect((await get('/api')).json.kind).toBe('APIVersions');
  });

  it('serves extensions/v1beta1 for Deployments only, as a legacy version: converted to apps/v1, with a Warning', async () => {
    expect((await get('/apis')).json.groups.map((g: any) => g.name)).toEqual(['apps', 'autoscaling', 'batch', 'policy', 'storage.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'extensions']);
    const list = (await get('/apis/extensions/v1beta1')).json;
    expect(list.resources.map((r: any) => r.name)).toEqual(['deployments', 'deployments/status']);
    const created = await request('POST', '/apis/extensions/v1beta1/namespaces/default/deployments', { body: { ...deploymentManifest('legacy-path'), apiVersion: 'extensions/v1beta1' } });
    expect(created.status, created.text).toBe(201);
    expect(created.json.apiVersion).toBe('apps/v1');
    expect(created.headers['warning']).toMatch(/^299 - ".*extensions\/v1beta1.*"/);
    const read = await get('/apis/extensions/v1beta1/namespaces/default/deployments/legacy-path');
    expect(read.headers['warning']).toBe('299 - "extensions/v1beta1 Deployment is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 Deployment"');
    expect(store.get('Deployment', 'default', 'legacy-path')?.apiVersion).toBe('apps/v1');
    expectStatus(await get('/apis/extensions/v1beta1/namespaces/default/replicasets'), 404, 'NotFound');
    expect((await request('DELETE', '/apis/extensions/v1beta1/namespaces/default/deployments/legacy-path')).status).toBe(200);
  });
});

describe('namespaces', () => {
  it('has a default namespace object and creates others', async () => {
    const list = (await get('/api/v1/namespaces')).json;
    expect(list.kind).toBe('NamespaceList');
    expect(list.items.map((n: any) => n.metadata.name)).toContain('default');
    const created = await request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ metadata: { name: 'team-a' }, status: { phase: 'Active' } });
    expect(created.json.metadata).not.toHaveProperty('namespace');
    expectStatus(await request('DELETE', '/api/v1/namespaces/default'), 403, 'Forbidden');
  });

  it('refuses to create objects in a namespace that does not exist', async () => {
    const r = await request('POST', '/apis/apps/v1/namespaces/nowhere/deployments', { body: deploymentManifest('x') });
    expectStatus(r, 404, 'NotFound');
    expect(r.json.message).toBe('namespaces "nowhere" not found');
  });

  it('deletes a namespace with its contents (the API marks it Terminating, the namespace controller empties it)', async () => {
    await request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'doomed' } } });
    expect((await request('POST', '/api/v1/namespaces/doomed/services', { body: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } } })).status).toBe(201);
    const controller = new NamespaceController(store);
    try {
      const del = await request('DELETE', '/api/v1/namespaces/doomed');
      expect(del.status).toBe(200);
      expect(del.json.status.phase).toBe('Terminating');
      controller.start();
      await waitFor(() => !store.get('Service', 'doomed', 's') && !store.get('Namespace', undefined, 'doomed'));
    } finally {
      controller.stop();
    }
  });
});

describe('create, get, list, update, delete', () => {
  it('creates a Deployment (201) and gets it back', async () => {
    const r = await request('POST', '/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-client-side-apply', { body: deploymentManifest('hello') });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hello', namespace: 'default', generation: 1 } });
    expect(r.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.json.metadata.resourceVersion).toMatch(/^\d+$/);
    const g = await get('/apis/apps/v1/namespaces/default/deployments/hello');
    expect(g.status).toBe(200);
    expect(g.json).toEqual(r.json);
  });

  it('answers 409 AlreadyExists for a second create and 404 NotFound with the apiserver body', async () => {
    const again = await request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deploymentManifest('hello') });
    expectStatus(again, 409, 'AlreadyExists');
    const missing = await get('/apis/apps/v1/namespaces/default/deployments/nope');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'deployments.apps "nope" not found', reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404,
    });
  });

  it('lists as a typed List with the store resourceVersion, in one namespace and in all', async () => {
    const r = (await get('/apis/apps/v1/namespaces/default/deployments?limit=500')).json;
    expect(r).toMatchObject({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: { resourceVersion: String(store.resourceVersion) } });
    expect(r.items.map((d: any) => d.metadata.name)).toContain('hello');
    const all = (await get('/apis/apps/v1/deployments')).json;
    expect(all.items.map((d: any) => d.metadata.name)).toContain('hello');
    expectStatus(await request('POST', '/apis/apps/v1/deployments', { body: deploymentManifest('nons') }), 405, 'MethodNotAllowed');
  });

  it('updates with the current resourceVersion and answers 409 Conflict with a stale one', async () => {
    const current = (await get('/apis/apps/v1/namespaces/default/deployments/hello')).json;
    const next = structuredClone(current);
    next.spec.replicas = 4;
    const ok = await request('PUT', '/apis/apps/v1/namespaces/default/deployments/hello', { body: next });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.spec.replicas).toBe(4);
    expect(ok.json.metadata.generation).toBe(2);
    expect(Number(ok.json.metadata.resourceVersion)).toBeGreaterThan(Number(current.metadata.resourceVersion));
    const stale = await request('PUT', '/apis/apps/v1/namespaces/default/deployments/hello', { body: { ...next, spec: { ...next.spec, replicas: 9 } } });
    expectStatus(stale, 409, 'Conflict');
    expect(stale.json.message).toContain('the object has been modified');
  });

  it('keeps server-owned fields on update: status, uid, creationTimestamp', async () => {
    store.mutate('Deployment', 'default', 'hello', (d) => { d['status'] = { replicas: 4, readyReplicas: 4 }; });
    const current = (await get('/apis/apps/v1/namespaces/default/deployments/hello')).json;
    const body = { ...structuredClone(current), status: { replicas: 99 }, metadata: { ...current.metadata, uid: undefined, creationTimestamp: '2000-01-01T00:00:00Z', labels: { app: 'hello', changed: 'yes' } } };
    const r = await request('PUT', '/apis/apps/v1/namespaces/default/deployments/hello', { body });
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toEqual({ replicas: 4, readyReplicas: 4 });
    expect(r.json.metadata.uid).toBe(current.metadata.uid);
    expect(r.json.metadata.creationTimestamp).toBe(current.metadata.creationTimestamp);
    expect(r.json.metadata.labels.changed).toBe('yes');
  });

  it('changes only the status through the status subresource', async () => {
    const current = (await get('/apis/apps/v1/namespaces/default/deployments/hello/status')).json;
    const body = { ...structuredClone(current), spec: { ...current.spec, replicas: 77 }, status: { replicas: 1, availableReplicas: 1 } };
    const r = await request('PUT', '/apis/apps/v1/namespaces/default/deployments/hello/status', { body });
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toEqual({ replicas: 1, availableReplicas: 1 });
    expect(r.json.spec.replicas).toBe(current.spec.replicas);
    const patched = await request('PATCH', '/apis/apps/v1/namespaces/default/deployments/hello/status', {
      body: JSON.stringify({ status: { readyReplicas: 1 }, spec: { replicas: 55 } }), headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(patched.json.status).toEqual({ replicas: 1, availableReplicas: 1, readyReplicas: 1 });
    expect(patched.json.spec.replicas).toBe(current.spec.replicas);
  });

  it("rejects a change of a Deployment's selector with 422 (immutable)", async () => {
    const current = (await get('/apis/apps/v1/namespaces/default/deployments/hello')).json;
    const body = structuredClone(current);
    body.spec.selector = { matchLabels: { app: 'other' } };
    body.spec.template.metadata.labels = { app: 'other' };
    const r = await request('PUT', '/apis/apps/v1/namespaces/default/deployments/hello', { body });
    expectStatus(r, 422, 'Invalid');
    expect(r.json.message).toContain('field is immutable');
    expect(r.json.details.causes[0].field).toBe('spec.selector');
  });

  it('rejects bodies that do not fit the URL and invalid names', async () => {
    const wrongNs = await request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: { ...deploymentManifest('x'), metadata: { name: 'x', namespace: 'team-a' } } });
    expectStatus(wrongNs, 400, 'BadRequest');
    expect(wrongNs.json.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
    expectStatus(await request('POST', '/api/v1/namespaces/default/pods', { body: deploymentManifest('x') }), 400, 'BadRequest');
    const wrongName = await request('PUT', '/apis/apps/v1/namespaces/default/deployments/hello', { body: deploymentManifest('other') });
    expectStatus(wrongName, 400, 'BadRequest');
    const badName = await request('POST', '/api/v1/namespaces/default/services', { body: { metadata: { name: 'Not_Valid' }, spec: {} } });
    expectStatus(badName, 422, 'Invalid');
    expect(badName.json.message).toContain('metadata.name: Invalid value: "Not_Valid"');
    const noName = await request('POST', '/api/v1/namespaces/default/services', { body: { metadata: {}, spec: {} } });
    expectStatus(noName, 422, 'Invalid');
  });

  it('honours metadata.generateName and dryRun=All', async () => {
    const r = await request('POST', '/api/v1/namespaces/default/pods', { body: { metadata: { generateName: 'web-' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    expect(r.status, r.text).toBe(201);
    expect(r.json.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(r.json.status.phase).toBe('Pending');
    expect(store.get('Pod', 'default', r.json.metadata.name)).toBeDefined();

    const dry = await request('POST', '/api/v1/namespaces/default/pods?dryRun=All', { body: { metadata: { name: 'dry' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    expect(dry.status).toBe(201);
    expect(dry.json.metadata.name).toBe('dry');
    expect(store.get('Pod', 'default', 'dry')).toBeUndefined();
  });

  it('deletes a Deployment with DeleteOptions and answers a Status naming it, as the apiserver (no ReturnDeletedObject)', async () => {
    await request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deploymentManifest('gone') });
    const r = await request('DELETE', '/apis/apps/v1/namespaces/default/deployments/gone', { body: { propagationPolicy: 'Background' } });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name: 'gone', group: 'apps', kind: 'deployments' } });
    expectStatus(await get('/apis/apps/v1/namespaces/default/deployments/gone'), 404, 'NotFound');
    expectStatus(await request('DELETE', '/apis/apps/v1/namespaces/default/deployments/gone'), 404, 'NotFound');
  });

  it('deletes a Pod gracefully: deletionTimestamp set, the object stays for the kubelet', async () => {
    store.create(podObject('graceful', { running: true }));
    const r = await request('DELETE', '/api/v1/namespaces/default/pods/graceful', { body: { gracePeriodSeconds: 5 } });
    expect(r.status).toBe(200);
    expect(r.json.metadata.deletionTimestamp).toBeTruthy();
    expect(r.json.metadata.deletionGracePeriodSeconds).toBe(5);
    expect(store.get('Pod', 'default', 'graceful')?.metadata.deletionTimestamp).toBeTruthy();
  });

  it('orphans dependents with propagationPolicy=Orphan and checks preconditions', async () => {
    const owner = store.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'owner', namespace: 'default' }, spec: { selector: { matchLabels: { a: 'b' } } } });
    store.create({ ...podObject('dependent'), metadata: { name: 'dependent', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'owner', uid: owner.metadata.uid, controller: true }] } });
    const pre = await request('DELETE', '/apis/apps/v1/namespaces/default/replicasets/owner', { body: { preconditions: { uid: 'not-it' } } });
    expectStatus(pre, 409, 'Conflict');
    // Orphan is the `orphan` finalizer: the owner waits, marked, for the garbage collector (docs/finalizers.md)
    const r = await request('DELETE', '/apis/apps/v1/namespaces/default/replicasets/owner', { body: { propagationPolicy: 'Orphan' } });
    expect(r.status).toBe(200);
    expect(r.json.metadata.finalizers).toEqual(['orphan']);
    expect(r.json.metadata.deletionTimestamp).toBeDefined();
    const gc = new GarbageCollector(store);
    gc.start();
    try {
      for (let i = 0; i < 200 && store.get('ReplicaSet', 'default', 'owner'); i++) await new Promise((res) => setTimeout(res, 10));
      expect(store.get('ReplicaSet', 'default', 'owner')).toBeUndefined();
      expect(store.get('Pod', 'default', 'dependent')?.metadata.ownerReferences).toBeUndefined();
    } finally {
      gc.stop();
    }
  });

  it('deletes a collection by label selector', async () => {
    for (const n of ['col-1', 'col-2']) store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: n, namespace: 'default', labels: { group: 'col' } }, spec: {} });
    const r = await request('DELETE', '/api/v1/namespaces/default/services?labelSelector=group%3Dcol');
    expect(r.status).toBe(200);
    expect(r.json.items.map((s: any) => s.metadata.name)).toEqual(['col-1', 'col-2']);
    expect(store.list('Service', 'default').filter((s) => s.metadata.labels?.['group'] === 'col')).toHaveLength(0);
  });
});

describe('admission through the API (src/manifests)', () => {
  it('converts a legacy apiVersion and returns the warning as a Warning: 299 header', async () => {
    const legacy = { ...deploymentManifest('legacy-body'), apiVersion: 'extensions/v1beta1' };
    const r = await request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: legacy });
    expect(r.status, r.text).toBe(201);
    expect(r.json.apiVersion).toBe('apps/v1');
    const warning = String(r.headers['warning'] ?? '');
    expect(warning).toMatch(/^299 - ".*extensions\/v1beta1.*"/);
  });

  it('applies defaults on create (kubectl describe shows protocols and policies)', async () => {
    const r = await request('POST', '/api/v1/namespaces/default/services', { body: { metadata: { name: 'defaulted' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } } });
    expect(r.status, r.text).toBe(201);
    expect(r.json.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] });
  });

  it('answers 422 Invalid with causes for an invalid Pod, and refuses privileged containers', async () => {
    const r = await request('POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'noimage' }, spec: { containers: [{ name: 'c' }] } } });
    expectStatus(r, 422, 'Invalid');
    expect(r.json.message).toContain('Pod "noimage" is invalid');
    expect(r.json.details.causes.length).toBeGreaterThan(0);
    const priv = await request('POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'priv' }, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } } });
    expectStatus(priv, 422, 'Invalid');
    expect(store.get('Pod', 'default', 'priv')).toBeUndefined();
  });
});

describe('patch', () => {
  const dPath = '/apis/apps/v1/namespaces/default/deployments/patchme';

  beforeAll(async () => {
    await request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deploymentManifest('patchme') });
  });

  it('applies the strategic merge patch kubectl apply sends', async () => {
    const body = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}\n' } },
      spec: { replicas: 3, template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ env: null, image: 'nginx:1.26', name: 'web' }] } } },
    };
    const r = await request('PATCH', `${dPath}?fieldManager=kubectl-client-side-apply`, { body: JSON.stringify(body), headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.spec.replicas).toBe(3);
    expect(r.json.spec.template.spec.containers).toHaveLength(1);
    expect(r.json.spec.template.spec.containers[0]).toMatchObject({ name: 'web', image: 'nginx:1.26' });
    expect(r.json.spec.template.spec.containers[0]).not.toHaveProperty('env');
    expect(r.json.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe('{"x":1}\n');
  });

  it('applies merge patches and JSON patches', async () => {
    const merge = await request('PATCH', dPath, { body: JSON.stringify({ metadata: { labels: { tier: 'web' } } }), headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(merge.json.metadata.labels).toEqual({ app: 'patchme', tier: 'web' });
    const json = await request('PATCH', dPath, { body: JSON.stringify([{ op: 'replace', path: '/spec/replicas', value: 6 }, { op: 'remove', path: '/metadata/labels/tier' }]), headers: { 'Content-Type': 'application/json-patch+json' } });
    expect(json.status, json.text).toBe(200);
    expect(json.json.spec.replicas).toBe(6);
    expect(json.json.metadata.labels).toEqual({ app: 'patchme' });
    const failed = await request('PATCH', dPath, { body: JSON.stringify([{ op: 'test', path: '/spec/replicas', value: 1 }]), headers: { 'Content-Type': 'application/json-patch+json' } });
    expectStatus(failed, 422, 'Invalid');
  });

  it('treats a resourceVersion in the patch as a precondition', async () => {
    const r = await request('PATCH', dPath, { body: JSON.stringify({ metadata: { resourceVersion: '1' }, spec: { replicas: 1 } }), headers: { 'Content-Type': 'application/merge-patch+json' } });
    expectStatus(r, 409, 'Conflict');
  });

  it('cannot patch status through the main resource', async () => {
    const r = await request('PATCH', dPath, { body: JSON.stringify({ status: { replicas: 42 } }), headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(r.status).toBe(200);
    expect(r.json.status?.replicas).not.toBe(42);
  });

  it('answers 404 for a patch of a missing object and 415 for an unknown patch type', async () => {
    expectStatus(await request('PATCH', '/apis/apps/v1/namespaces/default/deployments/absent', { body: '{}', headers: { 'Content-Type': 'application/merge-patch+json' } }), 404, 'NotFound');
    expectStatus(await request('PATCH', dPath, { body: '{}', headers: { 'Content-Type': 'application/json' } }), 415, 'UnsupportedMediaType');
  });

  it('server-side apply creates when absent (201) and updates when present (200)', async () => {
    const manifest = deploymentManifest('ssa');
    const created = await request('PATCH', '/apis/apps/v1/namespaces/default/deployments/ssa?fieldManager=kubectl&force=false', { body: JSON.stringify(manifest), headers: { 'Content-Type': 'application/apply-patch+yaml' } });
    expect(created.status, created.text).toBe(201);
    expect(created.json.metadata.name).toBe('ssa');
    const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa\nspec:\n  replicas: 5\n  selector: {matchLabels: {app: ssa}}\n  template:\n    metadata: {labels: {app: ssa}}\n    spec:\n      containers: [{name: web, image: "nginx:1.27"}]\n';
    const updated = await request('PATCH', '/apis/apps/v1/namespaces/default/deployments/ssa?fieldManager=kubectl', { body: yaml, headers: { 'Content-Type': 'application/apply-patch+yaml' } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json.spec.replicas).toBe(5);
    expect(updated.json.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(updated.json.metadata.uid).toBe(created.json.metadata.uid);
  });

  it('refuses to change a running pod except its image', async () => {
    await request('POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'immutable' }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } });
    const image = await request('PATCH', '/api/v1/namespaces/default/pods/immutable', { body: JSON.stringify({ spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }), headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
    expect(image.status, image.text).toBe(200);
    const cmd = await request('PATCH', '/api/v1/namespaces/default/pods/immutable', { body: JSON.stringify({ spec: { containers: [{ name: 'c', command: ['sh'] }] } }), headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
    expectStatus(cmd, 422, 'Invalid');
    expect(cmd.json.message).toContain('pod updates may not change fields other than');
  });
});

describe('scale subresource', () => {
  const sPath = '/apis/apps/v1/namespaces/default/deployments/scaled/scale';

  beforeAll(async () => {
    await request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deploymentManifest('scaled', 2) });
    store.mutate('Deployment', 'default', 'scaled', (d) => { d['status'] = { replicas: 2 }; });
  });

  it('reads an autoscaling/v1 Scale', async () => {
    const r = await get(sPath);
    const d = store.get('Deployment', 'default', 'scaled')!;
    expect(r.json).toEqual({
      kind: 'Scale', apiVersion: 'autoscaling/v1',
      metadata: { name: 'scaled', namespace: 'default', uid: d.metadata.uid, resourceVersion: d.metadata.resourceVersion, creationTimestamp: d.metadata.creationTimestamp },
      spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=scaled' },
    });
  });

  it('scales with the merge patch of kubectl scale and the JSON patch of client-node', async () => {
    const m = await request('PATCH', sPath, { body: '{"spec":{"replicas":5}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(m.status, m.text).toBe(200);
    expect(m.json).toMatchObject({ kind: 'Scale', spec: { replicas: 5 } });
    expect((store.get('Deployment', 'default', 'scaled')!['spec'] as any).replicas).toBe(5);
    const j = await request('PATCH', sPath, { body: '[{"op":"replace","path":"/spec/replicas","value":1}]', headers: { 'Content-Type': 'application/json-patch+json' } });
    expect(j.json.spec.replicas).toBe(1);
  });

  it('PUTs a Scale with a resourceVersion precondition and validates replicas', async () => {
    const scale = (await get(sPath)).json;
    const ok = await request('PUT', sPath, { body: { ...scale, spec: { replicas: 3 } } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.spec.replicas).toBe(3);
    expectStatus(await request('PUT', sPath, { body: { ...scale, spec: { replicas: 4 } } }), 409, 'Conflict');
    const neg = await request('PATCH', sPath, { body: '{"spec":{"replicas":-1}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    expectStatus(neg, 422, 'Invalid');
    expectStatus(await get('/apis/apps/v1/namespaces/default/deployments/none/scale'), 404, 'NotFound');
  });

  it('serves replicasets/scale too', async () => {
    store.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs1', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } } } });
    const r = await request('PATCH', '/apis/apps/v1/namespaces/default/replicasets/rs1/scale', { body: '{"spec":{"replicas":2}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(r.json).toMatchObject({ kind: 'Scale', spec: { replicas: 2 }, status: { selector: 'a=b' } });
  });
});

describe('Tables for kubectl get', () => {
  beforeAll(() => {
    store.create(podObject('table-a', { labels: { app: 'table' }, running: true }));
    store.create(podObject('table-b', { labels: { app: 'table' } }));
  });

  it('answers a meta.k8s.io/v1 Table with PartialObjectMetadata rows', async () => {
    const r = await get('/api/v1/namespaces/default/pods?labelSelector=app%3Dtable&limit=500', { Accept: TABLE_ACCEPT });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: String(store.resourceVersion) } });
    const name = r.json.columnDefinitions.find((c: any) => c.format === 'name');
    expect(name).toMatchObject({ name: 'Name', type: 'string' });
    expect(r.json.rows).toHaveLength(2);
    expect(r.json.rows[0].cells[0]).toBe('table-a');
    expect(r.json.rows[0].cells).toHaveLength(r.json.columnDefinitions.length);
    expect(r.json.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'table-a', namespace: 'default', labels: { app: 'table' } } });
    expect(r.json.rows[0].object).not.toHaveProperty('spec');
  });

  it('includes whole objects with includeObject=Object, none with None, and a v1beta1 Table on request', async () => {
    const full = await get('/api/v1/namespaces/default/pods?labelSelector=app%3Dtable&includeObject=Object', { Accept: TABLE_ACCEPT });
    expect(full.json.rows[0].object).toMatchObject({ kind: 'Pod', spec: { containers: [{ name: 'web' }] } });
    const none = await get('/api/v1/namespaces/default/pods?labelSelector=app%3Dtable&includeObject=None', { Accept: TABLE_ACCEPT });
    expect(none.json.rows[0]).not.toHaveProperty('object');
    const beta = await get('/api/v1/namespaces/default/pods', { Accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' });
    expect(beta.json.apiVersion).toBe('meta.k8s.io/v1beta1');
  });

  it('answers a one-row Table for a get, and plain JSON without the Table Accept', async () => {
    const one = await get('/api/v1/namespaces/default/pods/table-a', { Accept: TABLE_ACCEPT });
    expect(one.json.kind).toBe('Table');
    expect(one.json.rows).toHaveLength(1);
    const plain = await get('/api/v1/namespaces/default/pods', { Accept: 'application/json, */*' });
    expect(plain.json.kind).toBe('PodList');
    const pods = await get('/api/v1/pods', { Accept: TABLE_ACCEPT });
    expect(pods.json.rows.length).toBeGreaterThanOrEqual(2);
  });
});

describe('selectors', () => {
  it('filters events by involvedObject fields, as kubectl describe asks', async () => {
    const pod = store.create(podObject('described'));
    const other = store.create(podObject('other-pod'));
    recordEvent(store, pod, 'Normal', 'Scheduled', 'Successfully assigned default/described to mini-kube', { source: KUBELET });
    recordEvent(store, other, 'Normal', 'Scheduled', 'Successfully assigned default/other-pod to mini-kube', { source: KUBELET });
    const sel = encodeURIComponent(`involvedObject.name=described,involvedObject.namespace=default,involvedObject.uid=${pod.metadata.uid},involvedObject.kind=Pod`);
    const r = (await get(`/api/v1/namespaces/default/events?fieldSelector=${sel}`)).json;
    expect(r.kind).toBe('EventList');
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ reason: 'Scheduled', involvedObject: { name: 'described', uid: pod.metadata.uid } });
    const none = (await get(`/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent('involvedObject.uid=nope')}`)).json;
    expect(none.items).toHaveLength(0);
  });

  it('filters by metadata.name, status.phase (= == !=) and labels; rejects unknown fields with 400', async () => {
    const byName = (await get('/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dtable-a')).json;
    expect(byName.items.map((p: any) => p.metadata.name)).toEqual(['table-a']);
    const running = (await get('/api/v1/namespaces/default/pods?fieldSelector=status.phase%3D%3DRunning&labelSelector=app%3Dtable')).json;
    expect(running.items.map((p: any) => p.metadata.name)).toEqual(['table-a']);
    const notRunning = (await get('/api/v1/namespaces/default/pods?fieldSelector=status.phase!%3DRunning&labelSelector=app%20in%20(table)')).json;
    expect(notRunning.items.map((p: any) => p.metadata.name)).toEqual(['table-b']);
    const bad = await get('/api/v1/namespaces/default/pods?fieldSelector=spec.bogus%3D1');
    expectStatus(bad, 400, 'BadRequest');
    expect(bad.json.message).toBe('field label not supported: spec.bogus');
    expectStatus(await get('/api/v1/namespaces/default/pods?labelSelector=a%20in%20(b'), 400, 'BadRequest');
  });
});

describe('watch', () => {
  it('starts with synthetic ADDED events when no resourceVersion is given, then streams changes', async () => {
    store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'w1', namespace: 'default', labels: { w: 'yes' } }, spec: {} });
    const w = await watch('/api/v1/namespaces/default/services?watch=true&labelSelector=w%3Dyes');
    expect(w.res.statusCode).toBe(200);
    expect(w.res.headers['content-type']).toBe('application/json');
    expect(w.res.headers['transfer-encoding']).toBe('chunked');
    const first = await w.next();
    expect(first).toMatchObject({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'w1' } } });
    store.mutate('Service', 'default', 'w1', (s) => { s.metadata.annotations = { a: 'b' }; });
    expect(await w.next()).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'w1', annotations: { a: 'b' } } } });
    // Stops matching the selector: the client must forget it, as with the apiserver's cacher.
    store.mutate('Service', 'default', 'w1', (s) => { s.metadata.labels = { w: 'no' }; });
    expect(await w.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'w1' } } });
    store.mutate('Service', 'default', 'w1', (s) => { s.metadata.labels = { w: 'yes' }; });
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'w1' } } });
    store.delete('Service', 'default', 'w1');
    expect(await w.next()).toMatchObject({ type: 'DELETED' });
    w.close();
  });

  it('replays the changes after a resourceVersion (list, then watch from the list RV)', async () => {
    const list = (await get('/api/v1/namespaces/default/services')).json;
    const rv = list.metadata.resourceVersion;
    store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'w2', namespace: 'default' }, spec: {} });
    store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'not-a-service', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    store.mutate('Service', 'default', 'w2', (s) => { s.metadata.labels = { x: 'y' }; });
    const w = await watch(`/api/v1/namespaces/default/services?watch=true&resourceVersion=${rv}`);
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'w2' } } });
    const mod = await w.next();
    expect(mod).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'w2', labels: { x: 'y' } } } });
    expect(Number(mod.object.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
    w.close();
  });

  it('watches one object by the /watch/ path and by fieldSelector, as kubectl delete --wait does', async () => {
    store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'single', namespace: 'default' }, spec: {} });
    store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'bystander', namespace: 'default' }, spec: {} });
    const rv = (await get('/api/v1/namespaces/default/services?fieldSelector=metadata.name%3Dsingle')).json.metadata.resourceVersion;
    const byField = await watch(`/api/v1/namespaces/default/services?fieldSelector=metadata.name%3Dsingle&resourceVersion=${rv}&watch=true`);
    const byPath = await watch('/api/v1/watch/namespaces/default/services/single');
    expect(await byPath.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'single' } } });
    store.mutate('Service', 'default', 'bystander', (s) => { s.metadata.labels = { touched: 'yes' }; });
    store.delete('Service', 'default', 'single');
    expect(await byField.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'single' } } });
    expect(await byPath.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'single' } } });
    byField.close();
    byPath.close();
  });

  it('sends an ERROR event with a 410 Expired Status for a resourceVersion older than the history', async () => {
    for (let i = 0; i < 2100; i++) store.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: `churn-${i}`, namespace: 'default' } });
    const w = await watch('/api/v1/namespaces/default/pods?watch=true&resourceVersion=2');
    expect(w.res.statusCode).toBe(200);
    const e = await w.next();
    expect(e.type).toBe('ERROR');
    expect(e.object).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 });
    expect(e.object.message).toMatch(/^too old resource version: 2 \(\d+\)$/);
    await w.ended;
  });

  it('streams one-row Tables to kubectl get -w, with columns only in the first event', async () => {
    const list = (await get('/api/v1/namespaces/default/pods?labelSelector=app%3Dtw', { Accept: TABLE_ACCEPT })).json;
    const w = await watch(`/api/v1/namespaces/default/pods?labelSelector=app%3Dtw&resourceVersion=${list.metadata.resourceVersion}&watch=true`, { Accept: TABLE_ACCEPT });
    store.create(podObject('tw-1', { labels: { app: 'tw' } }));
    store.create(podObject('tw-2', { labels: { app: 'tw' } }));
    const a = await w.next();
    const b = await w.next();
    expect(a).toMatchObject({ type: 'ADDED', object: { kind: 'Table', apiVersion: 'meta.k8s.io/v1' } });
    expect(a.object.columnDefinitions.length).toBeGreaterThan(0);
    expect(a.object.rows).toHaveLength(1);
    expect(a.object.rows[0].cells[0]).toBe('tw-1');
    expect(a.object.rows[0].object.kind).toBe('PartialObjectMetadata');
    expect(b.object.columnDefinitions).toBeUndefined();
    expect(b.object.rows[0].cells[0]).toBe('tw-2');
    w.close();
  });

  it('ends the stream after timeoutSeconds and cleans up after a client leaves', async () => {
    const w = await watch('/api/v1/namespaces/default/endpoints?watch=true&timeoutSeconds=1&resourceVersion=' + store.resourceVersion);
    const started = Date.now();
    await w.ended;
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(Date.now() - started).toBeLessThan(5000);

    const before = (store as unknown as { listeners: Set<unknown> }).listeners.size;
    const w2 = await watch('/api/v1/namespaces/default/endpoints?watch=true&resourceVersion=' + store.resourceVersion);
    expect((store as unknown as { listeners: Set<unknown> }).listeners.size).toBe(before + 1);
    w2.close();
    await waitFor(() => (store as unknown as { listeners: Set<unknown> }).listeners.size === before);
  });
});

describe('EndpointSlices (discovery.k8s.io/v1), computed from Endpoints', () => {
  const ready = (ip: string) => ({ ip, nodeName: 'mini-kube', targetRef: { kind: 'Pod', namespace: 'default', name: `pod-${ip}` } });
  const LIST = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';

  it('are discovered, read-only, and follow the Endpoints in list, get and watch', async () => {
    expect((await get('/apis/discovery.k8s.io/v1')).json).toEqual({
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'discovery.k8s.io/v1',
      resources: [{ name: 'endpointslices', singularName: 'endpointslice', namespaced: true, kind: 'EndpointSlice', verbs: ['get', 'list', 'watch'] }],
    });
    expect((await get('/apis/discovery.k8s.io')).json).toMatchObject({ kind: 'APIGroup', name: 'discovery.k8s.io', preferredVersion: { groupVersion: 'discovery.k8s.io/v1' } });

    store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'es', namespace: 'default' }, spec: { selector: { app: 'es' }, ports: [{ port: 80 }] } });
    store.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'es', namespace: 'default' }, subsets: [{ addresses: [ready('10.1.0.31')], ports: [{ port: 8080, protocol: 'TCP' }] }] });
    const sel = `?labelSelector=${encodeURIComponent('kubernetes.io/service-name=es')}`;
    const list = (await get(LIST + sel)).json;
    expect(list).toMatchObject({ kind: 'EndpointSliceList', apiVersion: 'discovery.k8s.io/v1' });
    expect(list.items).toHaveLength(1);
    const slice = list.items[0];
    expect(slice.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    // the same name and uid on every read
    const again = await get(`${LIST}/${slice.metadata.name}`);
    expect(again.status).toBe(200);
    expect(again.json.metadata).toEqual(slice.metadata);
    expect((await get('/apis/discovery.k8s.io/v1/endpointslices' + sel)).json.items).toHaveLength(1);
    const table = (await get(LIST + sel, { Accept: TABLE_ACCEPT })).json;
    expect(table.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
    expect(table.rows[0].cells.slice(0, 4)).toEqual([slice.metadata.name, 'IPv4', '8080', '10.1.0.31']);

    expectStatus(await get(`${LIST}/es-nope`), 404, 'NotFound');
    expectStatus(await request('POST', LIST, { body: { metadata: { name: 'x' } } }), 405, 'MethodNotAllowed');
    expectStatus(await request('DELETE', `${LIST}/${slice.metadata.name}`), 405, 'MethodNotAllowed');
    expectStatus(await get(`${LIST}/${slice.metadata.name}/status`), 404, 'NotFound');

    const w = await watch(`${LIST}${sel}&watch=true&resourceVersion=${list.metadata.resourceVersion}`);
    store.mutate('Endpoints', 'default', 'es', (ep: any) => {
      ep.subsets = [
        { addresses: [ready('10.1.0.31'), ready('10.1.0.32')], ports: [{ port: 8080, protocol: 'TCP' }] },
        { addresses: [ready('10.1.0.33')], ports: [{ port: 9090, protocol: 'TCP' }] },
      ];
    });
    const modified = await w.next();
    expect(modified).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: slice.metadata.name } } });
    expect(modified.object.endpoints.map((e: any) => e.addresses[0])).toEqual(['10.1.0.31', '10.1.0.32']);
    const added = await w.next();
    expect(added).toMatchObject({ type: 'ADDED', object: { ports: [{ port: 9090 }], endpoints: [{ addresses: ['10.1.0.33'] }] } });
    // a subset less: its slice is deleted; no addresses at all: the placeholder slice stays
    store.mutate('Endpoints', 'default', 'es', (ep: any) => { ep.subsets = []; });
    const events = [await w.next(), await w.next()];
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    expect(events[0].object).toMatchObject({ metadata: { name: slice.metadata.name }, endpoints: [] });
    expect(events[0].object).not.toHaveProperty('ports');
    expect(events[1].object.metadata.name).toBe(added.object.metadata.name);
    store.delete('Endpoints', 'default', 'es');
    expect(await w.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: slice.metadata.name } } });
    w.close();
  });
});

describe('pod logs', () => {
  it('answers 400 while the container is waiting to start', async () => {
    store.create(podObject('waiting'));
    const r = await get('/api/v1/namespaces/default/pods/waiting/log');
    expectStatus(r, 400, 'BadRequest');
    expect(r.json.message).toBe('container "web" in pod "waiting" is waiting to start: ContainerCreating');
    expectStatus(await get('/api/v1/namespaces/default/pods/waiting/log?container=nope'), 400, 'BadRequest');
    expectStatus(await get('/api/v1/namespaces/default/pods/absent/log'), 404, 'NotFound');
  });

  it('streams the current container log as text/plain with the options passed through', async () => {
    store.create(podObject('logger', { running: true }));
    const r = await get('/api/v1/namespaces/default/pods/logger/log?container=web&tailLines=5&timestamps=true&sinceSeconds=60');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    expect(r.text).toBe('log of c-current\nline 2\nline 3\n');
    expect(runtime.logCalls.at(-1)).toEqual({ id: 'c-current', opts: { follow: false, tailLines: 5, timestamps: true, sinceSeconds: 60 } });
    const limited = await get('/api/v1/namespaces/default/pods/logger/log?limitBytes=6');
    expect(limited.text).toBe('log of');
  });

  it('finds the previous instance through the runtime labels', async () => {
    const r = await get('/api/v1/namespaces/default/pods/logger/log?previous=true');
    expect(r.status, r.text).toBe(200);
    expect(r.text).toContain('log of c-attempt1');
  });

  it('follows: bytes arrive as the container writes them, and the stream ends with the container', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: api.port, path: '/api/v1/namespaces/default/pods/logger/log?follow=true', headers: { Authorization: `Bearer ${api.token}` }, ca: api.caPem, agent: false }, resolve).on('error', reject);
    });
    res.setEncoding('utf8');
    let text = '';
    const got = (s: string) => waitFor(() => text.includes(s));
    res.on('data', (c: string) => { text += c; });
    await got('first line of c-current');
    const source = runtime.followStreams.at(-1)!;
    source.write('later line\n');
    await got('later line');
    source.end();
    await new Promise((r) => res.on('end', r));
  });

  it('answers 503 without a kubelet', async () => {
    const bare = await startApiServer({ store, home, port: 0 });
    try {
      const r = await new Promise<Reply>((resolve, reject) => {
        https.get({ host: '127.0.0.1', port: bare.port, path: '/api/v1/namespaces/default/pods/logger/log', headers: { Authorization: `Bearer ${bare.token}` }, ca: bare.caPem, agent: false }, (res) => {
          let t = '';
          res.on('data', (c) => { t += c; });
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: t, json: JSON.parse(t) }));
        }).on('error', reject);
      });
      expectStatus(r, 503, 'ServiceUnavailable');
    } finally {
      await bare.close();
    }
  });
});

describe('exec over WebSocket', () => {
  beforeAll(() => {
    store.create(podObject('shell', { running: true }));
  });

  function openExec(query: string, protocols: string[]): Promise<{ ws: WebSocket; frames: Buffer[]; closed: Promise<number> }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${api.port}/api/v1/namespaces/default/pods/shell/exec?${query}`, protocols, {
        ca: api.caPem, headers: { Authorization: `Bearer ${api.token}` },
      });
      const frames: Buffer[] = [];
      const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
      ws.on('message', (d: Buffer) => frames.push(Buffer.from(d)));
      ws.on('open', () => resolve({ ws, frames, closed }));
      ws.on('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
      ws.on('error', reject);
    });
  }

  const channel = (frames: Buffer[], ch: number) => Buffer.concat(frames.filter((f) => f[0] === ch).map((f) => f.subarray(1))).toString('utf8');

  it('runs a command (v5) and reports a non-zero exit code on channel 3', async () => {
    const { ws, frames, closed } = await openExec('command=sh&command=-c&command=exit%203&stdout=true&stderr=true', ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    await closed;
    expect(channel(frames, 1)).toBe('out: sh -c exit 3\n');
    expect(channel(frames, 2)).toBe('err\n');
    expect(JSON.parse(channel(frames, 3))).toEqual({
      metadata: {}, status: 'Failure', reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    // Status comes last: after all output.
    expect(frames.at(-1)![0]).toBe(3);
  });

  it('pipes stdin and closes it with the v5 close frame; forwards resize', async () => {
    const { ws, frames, closed } = await openExec('command=cat&stdin=true&stdout=true&tty=true', ['v5.channel.k8s.io']);
    ws.send(Buffer.from([4, ...Buffer.from('{"Width":120,"Height":40}')]));
    ws.send(Buffer.from([0, ...Buffer.from('hello ')]));
    ws.send(Buffer.from([0, ...Buffer.from('world')]));
    ws.send(Buffer.from([255, 0]));
    await closed;
    expect(channel(frames, 1)).toBe('hello world');
    expect(JSON.parse(channel(frames, 3))).toEqual({ metadata: {}, status: 'Success' });
    expect(runtime.resizes).toContainEqual([120, 40]);
  });

  it('speaks v4 (Status on channel 3) for older clients', async () => {
    const { ws, frames, closed } = await openExec('command=true&stdout=true', ['v4.channel.k8s.io']);
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    await closed;
    expect(JSON.parse(channel(frames, 3)).status).toBe('Success');
  });

  it('refuses unknown subprotocols with 400 (so kubectl does not retry over SPDY and run it twice)', async () => {
    await expect(openExec('command=true&stdout=true', ['base64.channel.k8s.io'])).rejects.toMatchObject({ statusCode: 400 });
  });

  it('refuses upgrades without the token, for missing pods and for waiting containers', async () => {
    const noToken = new Promise<number>((resolve) => {
      const ws = new WebSocket(`wss://127.0.0.1:${api.port}/api/v1/namespaces/default/pods/shell/exec?command=true&stdout=true`, ['v5.channel.k8s.io'], { ca: api.caPem });
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode!));
      ws.on('error', () => {});
    });
    expect(await noToken).toBe(401);
    await expect(openExec('stdout=true', ['v5.channel.k8s.io'])).rejects.toMatchObject({ statusCode: 400 });
    store.create(podObject('exec-waiting'));
    const waiting = new Promise<number>((resolve) => {
      const ws = new WebSocket(`wss://127.0.0.1:${api.port}/api/v1/namespaces/default/pods/exec-waiting/exec?command=true&stdout=true`, ['v5.channel.k8s.io'], { ca: api.caPem, headers: { Authorization: `Bearer ${api.token}` } });
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode!));
      ws.on('error', () => {});
    });
    expect(await waiting).toBe(400);
    expectStatus(await request('POST', '/api/v1/namespaces/default/pods/shell/exec?command=true'), 400, 'BadRequest');
  });
});

describe('robustness (fuzz)', () => {
  it('maps malformed JSON to 400, wrong content types to 415, giant bodies to 413, unknown paths to 404', async () => {
    expectStatus(await request('POST', '/api/v1/namespaces/default/pods', { body: '{"metadata":', headers: { 'Content-Type': 'application/json' } }), 400, 'BadRequest');
    expectStatus(await request('POST', '/api/v1/namespaces/default/pods', { body: '[1,2]', headers: { 'Content-Type': 'application/json' } }), 400, 'BadRequest');
    expectStatus(await request('POST', '/api/v1/namespaces/default/pods', { body: '{}', headers: { 'Content-Type': 'application/cbor' } }), 415, 'UnsupportedMediaType');
    // protobuf is read (test/integration/api-protobuf.test.ts); a body that is not one is a 400
    expectStatus(await request('POST', '/api/v1/namespaces/default/pods', { body: '{}', headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' } }), 400, 'BadRequest');
    expectStatus(await request('PATCH', '/api/v1/namespaces/default/pods/table-a', { body: '{}', headers: { 'Content-Type': 'text/plain' } }), 415, 'UnsupportedMediaType');
    const giant = Buffer.alloc(4 * 1024 * 1024, 'a');
    expectStatus(await request('POST', '/api/v1/namespaces/default/pods', { body: giant, headers: { 'Content-Type': 'application/json' } }), 413, 'RequestEntityTooLarge');
    for (const p of ['/nope', '/api/v2', '/apis/apps/v2/deployments', '/api/v1/namespaces/default/widgets', '/api/v1/namespaces/default/pods/a/b/c/d', '/api/v1/%ZZ']) {
      const r = await get(p);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.status, p).toBeLessThan(500);
      expect(r.json.kind, p).toBe('Status');
    }
    expectStatus(await request('TRACE', '/api/v1/namespaces/default/pods'), 405, 'MethodNotAllowed');
  });

  it('survives a few hundred random requests: every answer a 4xx Status or a success, never a 5xx', async () => {
    let seed = 42;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const pick = <T>(xs: T[]) => xs[rand(xs.length)]!;
    const paths = ['/api/v1/namespaces/default/pods', '/api/v1/namespaces/default/pods/table-a', '/apis/apps/v1/namespaces/default/deployments/hello',
      '/apis/apps/v1/namespaces/default/deployments/hello/scale', '/api/v1/namespaces/default/pods/table-a/status', '/api/v1/namespaces', '/api/v1/namespaces/default/events',
      '/api/v1/namespaces/fuzz/services', '/apis/apps/v1/namespaces/default/replicasets', '/api/v1/namespaces/default/pods/table-a/log?tailLines=abc',
      '/api/v1/namespaces/default/pods?watch=true&resourceVersion=abc', '/api/v1/namespaces/default/pods?labelSelector=((', '/api/v1/pods?fieldSelector=%5C',
      '/api/v1/namespaces/default/pods?dryRun=Some'];
    const types = ['application/json', 'application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'application/yaml', 'text/html', ''];
    const bodies = ['', '{', 'null', '[]', '[{"op":"add"}]', '{"spec":{"replicas":"many"}}', '{"metadata":{"name":123}}', '{"kind":"Pod","metadata":{"name":"fz","namespace":"x"}}',
      '{"spec":{"containers":[{"image":"x"}]}}', '{"$patch":"bogus"}', '{"metadata":{"__proto__":{"x":1}}}', '- a\n- b', ': : :', '\u0000\u0001\u0002binary\uffff',
      '{"spec":{"selector":null}}', '[{"op":"move","from":"/spec","path":"/spec/x"}]', '{"metadata":{"name":"UPPER"}}', '{"apiVersion":7}', '{"metadata":[]}'];
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    for (let i = 0; i < 300; i++) {
      const method = pick(methods);
      const type = pick(types);
      const body = method === 'GET' ? undefined : pick(bodies);
      const p = pick(paths);
      const r = await request(method, p, { body, headers: type ? { 'Content-Type': type } : {} });
      expect(r.status, `${method} ${p} ${type} ${body} -> ${r.text}`).toBeLessThan(500);
      if (r.status >= 400) expect(r.json?.kind, `${method} ${p} ${type} ${body}`).toBe('Status');
    }
    const binary = Buffer.from(Array.from({ length: 4096 }, () => rand(256)));
    expectStatus(await request('POST', '/api/v1/namespaces/default/pods', { body: binary, headers: { 'Content-Type': 'application/json' } }), 400, 'BadRequest');
    expect((await get('/healthz')).text).toBe('ok');
  });

  it('survives garbage on the socket: non-TLS bytes, TLS with a broken HTTP request, an abrupt close', async () => {
    const net = await import('node:net');
    await new Promise<void>((resolve) => {
      const s = net.connect(api.port, '127.0.0.1', () => s.end('GET / HTTP/1.1\r\n\r\n\u0000\u0001garbage'));
      s.on('error', () => resolve());
      s.on('close', () => resolve());
    });
    const reply = await new Promise<string>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: api.port, ca: api.caPem, servername: 'localhost' }, () => s.write('\u0000\u00ffNOT HTTP AT ALL\r\n\r\n'));
      let t = '';
      s.on('data', (d) => { t += d; });
      s.on('close', () => resolve(t));
      s.on('error', () => resolve(t));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await new Promise<void>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: api.port, ca: api.caPem, servername: 'localhost' }, () => {
        s.write(`POST /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: 127.0.0.1:${api.port}\r\nAuthorization: Bearer ${api.token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"meta`);
        setTimeout(() => { s.destroy(); resolve(); }, 50);
      });
      s.on('error', () => resolve());
    });
    expect((await get('/healthz')).text).toBe('ok');
    expect((await get('/api/v1/namespaces/default/pods')).status).toBe(200);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pods/binding and pods/eviction (no scheduler runs here: the test binds)', () => {
  const podBody = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'evictable' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } });
  const running = (name: string) => store.mutate<Pod>('Pod', 'default', name, (p) => {
    p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'nginx:1.25', imageID: '', containerID: 'docker://abc', state: { running: {} } }] };
  });

  it('binds once (201 Success, spec.nodeName, PodScheduled, Scheduled event); a second binding is 409', async () => {
    expect((await request('POST', '/api/v1/namespaces/default/pods', { body: podBody('bind-me') })).status).toBe(201);
    const created = (await request('GET', '/api/v1/namespaces/default/pods/bind-me')).json;
    expect(created.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const bound = await request('POST', '/api/v1/namespaces/default/pods/bind-me/binding', { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'n1' } } });
    expect(bound.status, bound.text).toBe(201);
    expect(bound.json).toMatchObject({ kind: 'Status', status: 'Success' });
    const pod = store.get<Pod>('Pod', 'default', 'bind-me')!;
    expect(pod.spec!.nodeName).toBe('n1');
    expect(pod.status!.conditions!.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'True' });
    const again = await request('POST', '/api/v1/namespaces/default/pods/bind-me/binding', { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'n2' } } });
    expectStatus(again, 409, 'Conflict');
    expect(again.json.message).toBe('Operation cannot be fulfilled on pods/binding "bind-me": pod bind-me is already assigned to node "n1"');
  });

  it('evicts within a PodDisruptionBudget and answers 429 beyond it', async () => {
    for (const n of ['ev-1', 'ev-2']) {
      expect((await request('POST', '/api/v1/namespaces/default/pods', { body: podBody(n) })).status).toBe(201);
      running(n);
    }
    const pdb = await request('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', { body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'ev' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'evictable' } } } } });
    expect(pdb.status, pdb.text).toBe(201);
    // the disruption controller does not run in this server: its status is written here
    store.mutate('PodDisruptionBudget', 'default', 'ev', (b) => { (b as any).status = { observedGeneration: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptionsAllowed: 1 }; });
    const eviction = (name: string) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } });
    const first = await request('POST', '/api/v1/namespaces/default/pods/ev-1/eviction', { body: eviction('ev-1') });
    expect(first.status, first.text).toBe(201);
    expect(store.get<Pod>('Pod', 'default', 'ev-1')!.metadata.deletionTimestamp).toBeDefined();
    expect((store.get('PodDisruptionBudget', 'default', 'ev') as any).status).toMatchObject({ disruptionsAllowed: 0, disruptedPods: { 'ev-1': expect.any(String) } });
    const second = await request('POST', '/api/v1/namespaces/default/pods/ev-2/eviction', { body: eviction('ev-2') });
    expectStatus(second, 429, 'TooManyRequests');
    expect(second.json.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(second.json.details.causes).toEqual([{ reason: 'DisruptionBudget', message: 'The disruption budget ev needs 1 healthy pods and has 2 currently' }]);
  });
});
