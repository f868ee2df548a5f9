// Trust boundaries of issue #12 against a control plane running as its own process (`mini-kube up -d`) on
// the real engine: image strings (admission, the kubelet, the engine's redirects), YAML alias expansion and
// object sizes, names at the API's length limit, and the file modes of a home.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homePaths, pidAlive, readState, type ControlPlaneState } from '../../src/control-plane/home.js';
import { createDockerClient } from '../../src/runtime/docker-client.js';
import { DockerRuntime } from '../../src/runtime/docker.js';
import { LABEL_CLUSTER } from '../../src/runtime/runtime.js';
import { until, cliIn, rssMb } from './harness.js';

const mk = (home: string, args: string[]) => cliIn(home, args, { timeoutMs: 90_000 });

interface Answer { status: number; body: string; ms: number }

/** A raw request, so the body can be anything (the ApiClient would serialize it). */
function call(home: string, method: string, pathName: string, body?: Buffer | string, contentType = 'application/json'): Promise<Answer> {
  const state = readState(home)!;
  const p = homePaths(home);
  const url = new URL(pathName, state.url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method, ca: fs.readFileSync(p.ca, 'utf8'),
      headers: { authorization: `Bearer ${fs.readFileSync(p.token, 'utf8').trim()}`, 'content-type': contentType },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { if (text.length < 1_000_000) text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ms: Date.now() - started }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // the server answers a body over the limit from its Content-Length and closes: the answer counts
      if (!answered || (err.code !== 'EPIPE' && err.code !== 'ECONNRESET')) reject(err);
    });
    let answered = false;
    req.on('response', () => { answered = true; });
    const buf = body === undefined ? undefined : Buffer.from(body);
    if (!buf || buf.length < 1024 * 1024) { req.end(buf); return; }
    // a big body: announce its length, send a little, and the rest only if no answer came meanwhile
    req.setHeader('content-length', buf.length);
    req.write(buf.subarray(0, 64 * 1024));
    setTimeout(() => { if (!answered) req.end(buf.subarray(64 * 1024)); }, 500);
  });
}

/** An HTTP listener on 127.0.0.1 that must never be asked anything: an image string names it. */
async function tripwire(): Promise<{ port: number; hits: string[]; close: () => void }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => { hits.push(`${req.method} ${req.url}`); res.end('{}'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, hits, close: () => server.close() };
}

const pod = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
const template = (app: string, spec: Record<string, unknown>) => ({
  selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec },
});

describe('security: image strings, bodies, names and homes', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-sec-in-'));
  let state: ControlPlaneState;
  let trap: Awaited<ReturnType<typeof tripwire>>;
  let hostileImages: string[];

  beforeAll(async () => {
    trap = await tripwire();
    hostileImages = ['docker.io//library/nginx:latest', `a/../../127.0.0.1:${trap.port}/x`, '../../etc/passwd', 'Nginx:1', `x?${'a'.repeat(300)}`];
    const up = await mk(home, ['up', '-d', '--no-kubeconfig']);
    expect(up.code, up.stderr).toBe(0);
    state = readState(home)!;
  }, 90_000);

  afterAll(async () => {
    trap?.close();
    if (process.env['MK_SEC_DEBUG']) console.log(fs.readFileSync(homePaths(home).log, 'utf8'));
    await mk(home, ['down']);
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL_CLUSTER}=${state?.clusterId}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (left.length) execFileSync('docker', ['rm', '-f', ...left]);
    fs.rmSync(home, { recursive: true, force: true });
  }, 90_000);

  it('refuses a hostile image string in every container list and pod template with 422 and its field path, and stays up', async () => {
    for (const image of hostileImages) {
      const cases: [string, unknown, string][] = [
        ['/api/v1/namespaces/default/pods', pod('p', { containers: [{ name: 'c', image }] }), 'spec.containers[0].image'],
        ['/api/v1/namespaces/default/pods', pod('p', { initContainers: [{ name: 'i', image }], containers: [{ name: 'c', image: 'ondalk8s/healthcheck:v1' }] }), 'spec.initContainers[0].image'],
        ['/apis/apps/v1/namespaces/default/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: template('d', { containers: [{ name: 'c', image }] }) }, 'spec.template.spec.containers[0].image'],
        ['/apis/apps/v1/namespaces/default/replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: template('r', { containers: [{ name: 'c', image }] }) }, 'spec.template.spec.containers[0].image'],
      ];
      for (const [url, body, field] of cases) {
        const res = await call(home, 'POST', url, JSON.stringify(body));
        expect(res.status, `${image} at ${field}: ${res.body}`).toBe(422);
        const status = JSON.parse(res.body) as { message: string; details: { causes: { field: string; message: string }[] } };
        expect(status.details.causes).toContainEqual(expect.objectContaining({ field, message: expect.stringMatching(/^Invalid value: ".*": (invalid reference format|repository name)/) }));
        expect(status.message).toContain(`${field}: Invalid value: ${JSON.stringify(image)}: invalid reference format`);
      }
    }
    // the CLI says the same with file:line
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mk-sec-in-yaml-')), 'bad.yaml');
    fs.writeFileSync(file, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  selector: {matchLabels: {app: bad}}\n  template:\n    metadata: {labels: {app: bad}}\n    spec:\n      containers:\n      - name: c\n        image: ${hostileImages[1]}\n`);
    const apply = await mk(home, ['apply', '-f', file]);
    expect(apply.code).not.toBe(0);
    expect(apply.stderr).toContain(`bad.yaml:12:9: Deployment "bad" is invalid: spec.template.spec.containers[0].image: Invalid value: "${hostileImages[1]}": invalid reference format`);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    expect(JSON.parse((await call(home, 'GET', '/api/v1/namespaces/default/pods')).body).items).toEqual([]);
    expect(JSON.parse((await call(home, 'GET', '/apis/apps/v1/namespaces/default/replicasets')).body).items).toEqual([]);
    expect(pidAlive(state.pid)).toBe(true);
    expect(trap.hits).toEqual([]);
  }, 60_000);

  it('never follows a redirect from the engine: an image path the engine cleans to another host sends it nothing', async () => {
    // below every validation: the engine client itself, as the runtime constructs it
    const docker = createDockerClient();
    const err = await docker.getImage(`a/../../127.0.0.1:${trap.port}/x`).inspect().then(() => undefined, (e: { statusCode?: number }) => e);
    expect(err?.statusCode).toBe(301);
    // and the runtime does not send such a string at all
    const runtime = new DockerRuntime();
    await expect(runtime.imageExists(`a/../../127.0.0.1:${trap.port}/x`)).rejects.toThrow(/refusing to send image .*invalid reference format/);
    expect(await runtime.pullImage('../../etc/passwd')).toEqual({ ok: false, message: expect.stringContaining('invalid reference format') });
    await new Promise((r) => setTimeout(r, 300));
    expect(trap.hits).toEqual([]);
  });

  it('starts with unusable objects in its store: an invalid image is InvalidImageName on its pod, an odd pod or service is reported on itself, junk files are skipped', async () => {
    expect((await mk(home, ['down'])).code).toBe(0);
    const store = homePaths(home).store;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const stored = (kind: string, apiVersion: string, name: string, spec: unknown, rv: number) => ({
      apiVersion, kind, metadata: { name, namespace: 'default', uid: `00000000-0000-4000-8000-00000000000${rv}`, resourceVersion: String(900 + rv), creationTimestamp: now, generation: 1 },
      spec, status: kind === 'Pod' ? { phase: 'Pending' } : {},
    });
    const ssrf = hostileImages[1]!;
    const podSpec = (image: string) => ({ containers: [{ name: 'c', image, imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 1 });
    fs.mkdirSync(path.join(store, 'pods'), { recursive: true });
    fs.mkdirSync(path.join(store, 'deployments'), { recursive: true });
    fs.writeFileSync(path.join(store, 'pods', 'default_planted.json'), JSON.stringify(stored('Pod', 'v1', 'planted', podSpec(ssrf), 1)));
    fs.writeFileSync(path.join(store, 'deployments', 'default_planted-d.json'), JSON.stringify(stored('Deployment', 'apps/v1', 'planted-d', {
      replicas: 1, selector: { matchLabels: { app: 'planted-d' } }, template: { metadata: { labels: { app: 'planted-d' } }, spec: podSpec('docker.io//library/nginx:latest') },
    }, 2)));
    fs.writeFileSync(path.join(store, 'pods', 'default_junk.json'), '{"kind":"Pod"');
    fs.writeFileSync(path.join(store, 'pods', 'default_nometa.json'), '{"kind":"Pod","apiVersion":"v1"}');
    fs.writeFileSync(path.join(store, 'pods', 'default_array.json'), '[1,2,3]');
    // well-formed files whose objects no admission would have let in: reported on the object, the rest runs
    const { spec: _none, ...noSpec } = stored('Pod', 'v1', 'nospec', {}, 3);
    fs.writeFileSync(path.join(store, 'pods', 'default_nospec.json'), JSON.stringify(noSpec));
    fs.mkdirSync(path.join(store, 'services'), { recursive: true });
    fs.writeFileSync(path.join(store, 'services', 'default_oddsvc.json'), JSON.stringify(stored('Service', 'v1', 'oddsvc', { ports: 'x', selector: 5 }, 4)));

    const up = await mk(home, ['up', '-d', '--no-kubeconfig']);
    expect(up.code, up.stderr).toBe(0);
    state = readState(home)!;

    const get = await until('the planted pods to show InvalidImageName', async () => {
      const r = await mk(home, ['get', 'pods']);
      const lines = r.stdout.split('\n').filter((l) => /InvalidImageName/.test(l));
      return lines.length >= 2 ? r.stdout : undefined;
    }, 30_000);
    expect(get).toMatch(/^planted\s+0\/1\s+InvalidImageName\s/m);
    expect(get).toMatch(/^planted-d-[a-z0-9]+-[a-z0-9]{5}\s+0\/1\s+InvalidImageName\s/m);

    const events = await until('the FailedSync event of the pod without a spec', async () => {
      const list = JSON.parse((await call(home, 'GET', '/api/v1/namespaces/default/events')).body) as { items: { reason: string; type: string; message: string; involvedObject: { name: string } }[] };
      return list.items.some((e) => e.reason === 'FailedSync') ? list : undefined;
    }, 20_000);
    const mine = events.items.filter((e) => e.involvedObject.name === 'planted');
    expect(mine).toContainEqual(expect.objectContaining({
      type: 'Warning', reason: 'InspectFailed',
      message: `Failed to apply default image tag "${ssrf}": couldn't parse image name "${ssrf}": invalid reference format`,
    }));
    expect(mine).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'Failed', message: 'Error: InvalidImageName' }));
    expect(events.items).toContainEqual(expect.objectContaining({
      type: 'Warning', reason: 'FailedSync', involvedObject: expect.objectContaining({ name: 'nospec' }),
      message: 'error syncing pod: the stored pod has no spec; delete the pod and create it again',
    }));
    const svc = await mk(home, ['get', 'services']);
    expect(svc.code, svc.stderr).toBe(0);
    expect(svc.stdout).toMatch(/^oddsvc\s+<invalid>/m);
    const planted = JSON.parse((await call(home, 'GET', '/api/v1/namespaces/default/pods/planted')).body);
    expect(planted.status.containerStatuses[0].state.waiting.reason).toBe('InvalidImageName');
    // the skipped files are named in the log, and stay on disk for the user to look at
    const log = fs.readFileSync(homePaths(home).log, 'utf8');
    for (const f of ['default_junk.json', 'default_nometa.json', 'default_array.json']) expect(log).toContain(`store: skipping pods/${f}`);
    expect(pidAlive(state.pid)).toBe(true);
    expect(trap.hits).toEqual([]);
    await call(home, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/planted-d');
    await call(home, 'DELETE', '/api/v1/namespaces/default/pods/planted');
    await call(home, 'DELETE', '/api/v1/namespaces/default/pods/nospec?gracePeriodSeconds=0');
    await call(home, 'DELETE', '/api/v1/namespaces/default/services/oddsvc');
  }, 90_000);

  it('answers a YAML alias bomb (2.5 MB expanding to 250 MB), an oversized object and a doubling JSON patch with 413 at once, its memory bounded, and keeps serving', async () => {
    const item = `"${'x'.repeat(60)}"`;
    const list = Array.from({ length: 40_000 }, () => item).join(',');
    const aliases = Array.from({ length: 99 }, (_, i) => `  - {name: c${i}, image: busybox, args: *big}`).join('\n');
    const bomb = `apiVersion: v1\nkind: Pod\nmetadata: {name: bomb}\nspec:\n  containers:\n  - {name: c, image: busybox, args: &big [${list}]}\n${aliases}\n`;
    expect(bomb.length).toBeGreaterThan(2_400_000);
    expect(bomb.length).toBeLessThan(3 * 1024 * 1024);
    const before = rssMb(state.pid);
    for (const contentType of ['application/yaml', 'application/apply-patch+yaml']) {
      const res = contentType === 'application/yaml'
        ? await call(home, 'POST', '/api/v1/namespaces/default/pods', bomb, contentType)
        : await call(home, 'PATCH', '/api/v1/namespaces/default/pods/bomb?fieldManager=t', bomb, contentType);
      expect(res.status, res.body.slice(0, 300)).toBe(413);
      expect(JSON.parse(res.body).message).toMatch(/^Request entity too large: limit is 3145728 \(the YAML body expands through its aliases/);
      expect(res.ms).toBeLessThan(5000);
    }
    // what stays is the YAML parser's own cost of a 3 MiB document (about 130 MB, aliases or not); the
    // expansion itself (250 MB of JSON, 2 GB while admitted and stored) never happens
    expect(rssMb(state.pid) - before).toBeLessThan(300);

    // JSON: over the body limit is the apiserver's 413; under it but over what one object may be, etcd's 413
    const giant = await call(home, 'POST', '/api/v1/namespaces/default/pods', Buffer.alloc(4 * 1024 * 1024, 0x20));
    expect(giant.status).toBe(413);
    expect(JSON.parse(giant.body).message).toBe('Request entity too large: limit is 3145728');
    const big = pod('big', { containers: [{ name: 'c', image: 'ondalk8s/healthcheck:v1', args: Array.from({ length: 30_000 }, () => 'y'.repeat(60)) }] });
    const tooBig = await call(home, 'POST', '/api/v1/namespaces/default/pods', JSON.stringify(big));
    expect(tooBig.status, tooBig.body.slice(0, 300)).toBe(413);
    expect(JSON.parse(tooBig.body).message).toMatch(/^etcdserver: request is too large: pods "big" would take \d+ bytes, more than the 1572864/);
    expect(tooBig.ms).toBeLessThan(3000);

    // a JSON patch whose copy operations double the object 40 times: refused like a body over the limit
    const svc = await call(home, 'POST', '/api/v1/namespaces/default/services', JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'doubling', annotations: { a: 'x'.repeat(1000) } }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } }));
    expect(svc.status, svc.body).toBe(201);
    const doubling = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ op: 'copy', from: '/metadata', path: `/metadata/annotations/c${i}` })));
    const patched = await call(home, 'PATCH', '/api/v1/namespaces/default/services/doubling', doubling, 'application/json-patch+json');
    expect(patched.status, patched.body.slice(0, 300)).toBe(413);
    expect(JSON.parse(patched.body).message).toMatch(/^Request entity too large: limit is 3145728 \(json patch operation \d+: the copy operations/);
    expect(patched.ms).toBeLessThan(3000);
    await call(home, 'DELETE', '/api/v1/namespaces/default/services/doubling');

    const list2 = await call(home, 'GET', '/api/v1/namespaces/default/pods');
    expect(list2.status).toBe(200);
    expect(JSON.parse(list2.body).items.map((p: { metadata: { name: string } }) => p.metadata.name)).not.toContain('bomb');
    expect(pidAlive(state.pid)).toBe(true);
  }, 60_000);

  it('creates, gets, lists and deletes objects whose names are 253 characters, the API limit', async () => {
    const long = (c: string) => `${c}${'a'.repeat(251)}${c}`;
    const dname = long('d');
    const pname = long('p');
    const dep = await call(home, 'POST', '/apis/apps/v1/namespaces/default/deployments', JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: dname }, spec: { replicas: 1, ...template('long', { containers: [{ name: 'c', image: 'ondalk8s/healthcheck:v1' }] }) },
    }));
    expect(dep.status, dep.body.slice(0, 300)).toBe(201);
    const p = await call(home, 'POST', '/api/v1/namespaces/default/pods', JSON.stringify(pod(pname, { containers: [{ name: 'c', image: 'ondalk8s/healthcheck:v1' }] })));
    expect(p.status, p.body.slice(0, 300)).toBe(201);
    expect((await call(home, 'GET', `/api/v1/namespaces/default/pods/${pname}`)).status).toBe(200);
    expect((await call(home, 'GET', `/apis/apps/v1/namespaces/default/deployments/${dname}`)).status).toBe(200);
    // the Deployment's ReplicaSet (name + hash, longer still) and its pod come up: no controller is stuck
    await until('the long-named pods to run', async () => {
      const pods = JSON.parse((await call(home, 'GET', '/api/v1/namespaces/default/pods')).body).items as { metadata: { name: string }; status: { phase: string } }[];
      const running = pods.filter((x) => x.status.phase === 'Running').map((x) => x.metadata.name);
      return running.includes(pname) && running.some((n) => n.startsWith(`${dname.slice(0, 40)}`)) ? running : undefined;
    }, 60_000);
    const rs = JSON.parse((await call(home, 'GET', '/apis/apps/v1/namespaces/default/replicasets')).body).items as { metadata: { name: string } }[];
    expect(rs.map((r) => r.metadata.name)).toContainEqual(expect.stringMatching(new RegExp(`^${dname}-[a-z0-9]+$`)));
    for (const dir of ['pods', 'deployments', 'replicasets']) {
      for (const f of fs.readdirSync(path.join(homePaths(home).store, dir))) expect(Buffer.byteLength(f), f).toBeLessThanOrEqual(200);
    }
    expect((await call(home, 'DELETE', `/apis/apps/v1/namespaces/default/deployments/${dname}`)).status).toBe(200);
    expect((await call(home, 'DELETE', `/api/v1/namespaces/default/pods/${pname}?gracePeriodSeconds=0`)).status).toBe(200);
    await until('the long-named objects to be gone', async () => {
      const pods = JSON.parse((await call(home, 'GET', '/api/v1/namespaces/default/pods')).body).items as unknown[];
      const rsLeft = JSON.parse((await call(home, 'GET', '/apis/apps/v1/namespaces/default/replicasets')).body).items as unknown[];
      return pods.length === 0 && rsLeft.length === 0;
    }, 60_000);
    // only the junk planted by the startup test is left
    expect(fs.readdirSync(path.join(homePaths(home).store, 'pods')).filter((f) => !/^default_(junk|nometa|array)\.json$/.test(f))).toEqual([]);
    expect(fs.readFileSync(homePaths(home).log, 'utf8')).not.toMatch(/ENAMETOOLONG/);
  }, 120_000);

  it('keeps a home 0700 with its files 0600, tightens an older looser home on up, and writes kubeconfig --output 0600', async () => {
    expect((await mk(home, ['down'])).code).toBe(0);
    const p = homePaths(home);
    // as an older version left it: 0755 directories, 0644 files
    fs.chmodSync(home, 0o755);
    fs.chmodSync(p.store, 0o755);
    fs.chmodSync(path.join(p.store, 'namespaces'), 0o755);
    fs.chmodSync(path.join(p.store, 'namespaces', '_cluster_default.json'), 0o644);
    fs.chmodSync(p.token, 0o644);
    fs.chmodSync(p.config, 0o644);
    const up = await mk(home, ['up', '-d', '--no-kubeconfig']);
    expect(up.code, up.stderr).toBe(0);
    state = readState(home)!;
    const mode = (f: string) => (fs.statSync(f).mode & 0o777).toString(8);
    // The running control plane writes through temp files renamed into place: one listed a moment ago may
    // be gone by its stat. Every entry that is still there is checked; a vanished one has nothing to check.
    const present = (dir: string): { file: string; mode: string; isDir: boolean }[] => fs.readdirSync(dir).flatMap((f) => {
      const file = path.join(dir, f);
      try {
        const st = fs.statSync(file);
        return [{ file, mode: (st.mode & 0o777).toString(8), isDir: st.isDirectory() }];
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    });
    expect(mode(home)).toBe('700');
    for (const e of present(home)) expect(e.mode, e.file).toBe(e.isDir ? '700' : '600');
    const created = await call(home, 'POST', '/api/v1/namespaces/default/services', JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'modes' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } }));
    expect(created.status).toBe(201);
    for (const dir of fs.readdirSync(p.store)) {
      expect(mode(path.join(p.store, dir)), dir).toBe('700');
      for (const e of present(path.join(p.store, dir))) expect(e.mode, e.file).toBe('600');
    }
    const out = path.join(os.tmpdir(), `mk-kubeconfig-${process.pid}.yaml`);
    fs.writeFileSync(out, 'old', { mode: 0o644 });
    try {
      const kc = await mk(home, ['kubeconfig', '--output', out]);
      expect(kc.code, kc.stderr).toBe(0);
      expect(kc.stdout).toBe('');
      expect(mode(out)).toBe('600');
      expect(fs.readFileSync(out, 'utf8')).toContain(`server: ${state.url}`);
    } finally {
      fs.rmSync(out, { force: true });
    }
  }, 90_000);
});
