// The real kubectl (1.32 on this machine) against the API server: a kubeconfig with the CA and the
// bearer token, a private discovery cache, and commands a tutorial reader types. The container runtime
// is a fake that answers logs and exec; everything between kubectl and the store is real.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/api/http/server.js';
import type { ExecSession, Runtime } from '../../src/runtime/runtime.js';
import { Store } from '../../src/store/store.js';
import { kubeletStreams } from '../../src/control-plane/kubelet-streams.js';
import { statusKubelet } from './fake-kubelet.js';
import { KUBELET, recordEvent } from '../../src/store/events.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

let api: ApiServer;
let store: Store;
let dir: string;
let kubeconfig: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[], opts: { input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args],
      { env: { ...process.env, HOME: dir, KUBECONFIG: '' }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

function runningPod(name: string, labels: Record<string, string>) {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
    status: {
      phase: 'Running', podIP: '10.1.0.7', podIPs: [{ ip: '10.1.0.7' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'web', ready: true, restartCount: 0, image: 'nginx:1.25', imageID: '', containerID: `docker://id-${name}`, state: { running: { startedAt: new Date().toISOString() } } }],
    },
  };
}

function fakeRuntime(): Runtime {
  const unused = () => { throw new Error('not used by the API'); };
  return {
    ping: async () => true,
    ensureNetwork: unused, ensureSandboxImage: unused, removeNetwork: unused, ensureVolume: unused, removeVolumes: unused, imageExists: unused, pullImage: unused, createContainer: unused,
    startContainer: unused, startContainerUntilLine: unused, stopContainer: unused, removeContainer: unused, inspectContainer: unused, exec: unused, events: unused,
    listContainers: async () => [],
    logs: async (id) => Readable.from([Buffer.from(`hello from ${id}\nsecond line\n`)]),
    async execInteractive(_id, cmd, opts): Promise<ExecSession> {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const stdin = opts.stdin ? new PassThrough() : undefined;
      const code = Number(/exit (\d+)/.exec(cmd.join(' '))?.[1] ?? 0);
      let exit!: (c: number) => void;
      const exitCode = new Promise<number>((r) => { exit = r; });
      if (stdin) {
        // "cat": echo stdin back until kubectl closes it
        stdin.on('data', (c: Buffer) => stdout.write(c));
        stdin.on('end', () => { stdout.end(); stderr.end(); exit(0); });
      } else {
        setTimeout(() => { stdout.end(`ran: ${cmd.join(' ')}\n`); stderr.end(); exit(code); }, 10);
      }
      return { stdin, stdout, stderr, exitCode, raw: new PassThrough(), resize: async () => {} };
    },
  };
}

beforeAll(async () => {
  expect(fs.existsSync(KUBECTL), `kubectl is expected at ${KUBECTL} (set KUBECTL to another path)`).toBe(true);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mini-kube-kubectl-'));
  store = new Store();
  api = await startApiServer({ store, home: path.join(dir, 'home'), port: 0, kubelet: kubeletStreams(statusKubelet(store), fakeRuntime()) });
  kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: mini-kube',
    '  cluster:',
    `    server: ${api.url}`,
    `    certificate-authority-data: ${Buffer.from(api.caPem).toString('base64')}`,
    'users:',
    '- name: mini-kube',
    '  user:',
    `    token: ${api.token}`,
    'contexts:',
    '- name: mini-kube',
    '  context: {cluster: mini-kube, user: mini-kube, namespace: default}',
    'current-context: mini-kube',
    '',
  ].join('\n'), { mode: 0o600 });
  store.create(runningPod('web-1', { app: 'web' }));
  store.create(runningPod('web-2', { app: 'web' }));
});

afterAll(async () => {
  await api?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('kubectl against the mini-kube API server', () => {
  it('kubectl get pods prints the pods from the store (TLS verified with the CA, token accepted)', async () => {
    const r = await kubectl(['get', 'pods']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['web-1', 'web-2']);
    expect(lines[1]).toMatch(/^web-1\s+1\/1\s+Running\s+0\s+\d+s$/);
    const wide = await kubectl(['get', 'pods', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(wide.stdout).toMatch(/web-1\s.*10\.1\.0\.7/);
  });

  it('kubectl get po --show-labels, -A and -l use the row metadata and the label selector', async () => {
    const labels = await kubectl(['get', 'po', '--show-labels', '-l', 'app=web']);
    expect(labels.code, labels.stderr).toBe(0);
    expect(labels.stdout).toMatch(/web-1\s.*app=web/);
    const all = await kubectl(['get', 'pods', '-A']);
    expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME/);
    expect(all.stdout).toMatch(/default\s+web-1/);
  });

  it('kubectl api-resources lists the kinds with short names', async () => {
    const r = await kubectl(['api-resources']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(r.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(r.stdout).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    // the legacy version maps Deployments only, bare (no short name, so `deploy` stays apps/v1)
    expect(r.stdout).toMatch(/^deployments\s+extensions\/v1beta1\s+true\s+Deployment$/m);
    expect(r.stdout.match(/extensions/g)).toHaveLength(1);
  });

  it('kubectl version reports the server version', async () => {
    const r = await kubectl(['version']);
    expect(r.stdout).toContain('Server Version: v1.32.0-mini-kube');
  });

  it('kubectl apply creates, then updates with a strategic merge patch; scale; delete waits until gone', async () => {
    const file = path.join(dir, 'hello.yaml');
    const manifest = (image: string, replicas: number, env: boolean) => [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: hello}', 'spec:', `  replicas: ${replicas}`,
      '  selector: {matchLabels: {app: hello}}', '  template:', '    metadata: {labels: {app: hello}}', '    spec:', '      containers:',
      `      - name: web`, `        image: ${image}`, ...(env ? ['        env: [{name: GREETING, value: hi}]'] : []), '',
    ].join('\n');
    fs.writeFileSync(file, manifest('nginx:1.25', 2, true));
    const created = await kubectl(['apply', '-f', file]);
    expect(created.stdout.trim(), created.stderr).toBe('deployment.apps/hello created');
    const stored = store.get('Deployment', 'default', 'hello')!;
    expect(stored.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"nginx:1.25"');

    fs.writeFileSync(file, manifest('nginx:1.26', 3, false));
    const configured = await kubectl(['apply', '-f', file]);
    expect(configured.stdout.trim(), configured.stderr).toBe('deployment.apps/hello configured');
    const spec = store.get('Deployment', 'default', 'hello')!['spec'] as any;
    expect(spec.replicas).toBe(3);
    expect(spec.template.spec.containers).toHaveLength(1);
    expect(spec.template.spec.containers[0]).toMatchObject({ name: 'web', image: 'nginx:1.26' });
    expect(spec.template.spec.containers[0]).not.toHaveProperty('env');

    const unchanged = await kubectl(['apply', '-f', file]);
    expect(unchanged.stdout.trim()).toBe('deployment.apps/hello unchanged');

    const scaled = await kubectl(['scale', 'deployment', 'hello', '--replicas=5']);
    expect(scaled.stdout.trim(), scaled.stderr).toBe('deployment.apps/hello scaled');
    expect((store.get('Deployment', 'default', 'hello')!['spec'] as any).replicas).toBe(5);

    const jsonpath = await kubectl(['get', 'deploy', 'hello', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}']);
    expect(jsonpath.stdout).toBe('5 nginx:1.26');

    const deleted = await kubectl(['delete', '-f', file]);
    expect(deleted.stdout.trim(), deleted.stderr).toBe('deployment.apps "hello" deleted');
    expect(store.get('Deployment', 'default', 'hello')).toBeUndefined();
  });

  it('kubectl get pods -w prints new pods as they appear', async () => {
    const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), 'get', 'pods', '-w', '-l', 'app=watched'], { env: { ...process.env, HOME: dir } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    try {
      store.create(runningPod('watched-1', { app: 'watched' }));
      await until(() => out.includes('watched-1'));
      store.create(runningPod('watched-2', { app: 'watched' }));
      await until(() => out.includes('watched-2'));
      expect(out.split('\n')[0]).toMatch(/^NAME\s+/);
    } finally {
      child.kill();
    }
  });

  it('kubectl logs and kubectl describe', async () => {
    const logs = await kubectl(['logs', 'web-1']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toBe('hello from id-web-1\nsecond line\n');
    const pod = store.get('Pod', 'default', 'web-1')!;
    recordEvent(store, pod, 'Normal', 'Pulled', 'Container image "nginx:1.25" already present on machine', { source: KUBELET });
    const describe = await kubectl(['describe', 'pod', 'web-1']);
    expect(describe.code, describe.stderr).toBe(0);
    expect(describe.stdout).toMatch(/^Name:\s+web-1$/m);
    expect(describe.stdout).toContain('Container image "nginx:1.25" already present on machine');
  });

  it('kubectl exec runs over WebSocket and propagates the exit code; stdin reaches the command', async () => {
    const ok = await kubectl(['exec', 'web-1', '--', 'sh', '-c', 'echo hi']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('ran: sh -c echo hi\n');
    const failed = await kubectl(['exec', 'web-1', '--', 'sh', '-c', 'exit 3']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('command terminated with exit code 3');
    const piped = await kubectl(['exec', '-i', 'web-1', '--', 'cat'], { input: 'through stdin\n' });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toBe('through stdin\n');
  });

  it('kubectl exec into a container that is not running yet prints the reason', async () => {
    store.create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'starting', namespace: 'default' },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] },
    });
    const r = await kubectl(['exec', 'starting', '--', 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('container "web" in pod "starting" is waiting to start: ContainerCreating');
  });

  it('kubectl reports NotFound, and maps extensions/v1beta1 Deployments through discovery (printing the Warning)', async () => {
    const missing = await kubectl(['get', 'pod', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
    const legacy = path.join(dir, 'legacy.yaml');
    fs.writeFileSync(legacy, 'apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: old}\nspec: {}\n');
    const r = await kubectl(['apply', '-f', legacy]);
    expect(r.code).toBe(1);
    // mapped (no "no matches for kind"), then refused by validation as a 1.15 cluster would
    expect(r.stderr).toContain('Warning: extensions/v1beta1 Deployment is deprecated');
    expect(r.stderr).toMatch(/The Deployment "old" is invalid/);
  });

  it('kubectl get all and delete pod --wait=false (graceful: Terminating until the kubelet removes it)', async () => {
    const all = await kubectl(['get', 'all']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('pod/web-1');
    const del = await kubectl(['delete', 'pod', 'web-2', '--wait=false']);
    expect(del.stdout.trim(), del.stderr).toBe('pod "web-2" deleted');
    expect(store.get('Pod', 'default', 'web-2')?.metadata.deletionTimestamp).toBeTruthy();
  });
});

// kubectl 1.32's describe svc reads EndpointSlices (labelSelector kubernetes.io/service-name=<svc>), not
// the Endpoints object: the API serves them as a view of the Endpoints the endpoints controller writes.
describe('EndpointSlices (discovery.k8s.io/v1) for kubectl 1.32', () => {
  const address = (ip: string, pod: string) => ({ ip, nodeName: 'mini-kube', targetRef: { kind: 'Pod', namespace: 'default', name: pod, uid: `uid-${pod}` } });

  beforeAll(() => {
    store.create({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop', namespace: 'default', labels: { tier: 'front' } },
      spec: { selector: { app: 'shop' }, clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP' }] },
    });
    store.create({
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'shop', namespace: 'default', labels: { tier: 'front' } },
      subsets: [{
        addresses: [address('10.1.0.21', 'shop-a'), address('10.1.0.22', 'shop-b')],
        notReadyAddresses: [address('10.1.0.23', 'shop-c')],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
      }],
    });
    store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'idle', namespace: 'default' }, spec: { selector: { app: 'idle' }, clusterIP: '10.96.0.51', ports: [{ port: 80, protocol: 'TCP' }] } });
    store.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'idle', namespace: 'default' }, subsets: [] });
  });

  it('describe svc lists the ready addresses per port', async () => {
    const r = await kubectl(['describe', 'svc', 'shop']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Port:\s+http\s+80\/TCP\nTargetPort:\s+8080\/TCP\nEndpoints:\s+10\.1\.0\.21:8080,10\.1\.0\.22:8080\n/m);
    expect(r.stdout).toMatch(/^Port:\s+metrics\s+9090\/TCP\nTargetPort:\s+9090\/TCP\nEndpoints:\s+10\.1\.0\.21:9090,10\.1\.0\.22:9090\n/m);
    // a Service without ready pods has the controller's placeholder slice: nothing listed
    const idle = await kubectl(['describe', 'svc', 'idle']);
    expect(idle.code, idle.stderr).toBe(0);
    expect(idle.stdout).toMatch(/^Endpoints:[ \t]*\n/m);
  });

  it('get endpointslices prints the table, -l selects by service name, -o json shows the slice', async () => {
    const table = await kubectl(['get', 'endpointslices']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$/m);
    expect(table.stdout).toMatch(/^shop-[bcdfghjklmnpqrstvwxz2456789]{5}\s+IPv4\s+8080,9090\s+10\.1\.0\.21,10\.1\.0\.22,10\.1\.0\.23\s+\d+s$/m);
    expect(table.stdout).toMatch(/^idle-[a-z0-9]{5}\s+IPv4\s+<unset>\s+<unset>\s+\d+s$/m);
    const json = await kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=shop', '-o', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const items = JSON.parse(json.stdout).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
      metadata: { namespace: 'default', generateName: 'shop-', labels: { tier: 'front', 'kubernetes.io/service-name': 'shop', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
    });
    expect(items[0].endpoints[2]).toEqual({ addresses: ['10.1.0.23'], conditions: { ready: false, serving: false, terminating: false }, nodeName: 'mini-kube', targetRef: { kind: 'Pod', namespace: 'default', name: 'shop-c', uid: 'uid-shop-c' } });
    const one = await kubectl(['get', 'endpointslice', items[0].metadata.name, '-o', 'jsonpath={.endpoints[0].addresses[0]}']);
    expect(one.stdout, one.stderr).toBe('10.1.0.21');
  });
});

async function until(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
