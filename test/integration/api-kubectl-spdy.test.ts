// kubectl 1.20.2 (Debian bookworm's kubernetes-client) against the API server: the client whose exec
// speaks only SPDY/3.1. The binary is not part of the machine image, so it is fetched the way
// shared/docs/kubectl-compat.md §9 prescribes (apt-get download + dpkg-deb -x, no install that would
// clash with the gcloud kubectl) unless KUBECTL_120 points at one.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/api/http/server.js';
import type { ExecSession, Runtime } from '../../src/runtime/runtime.js';
import { Store } from '../../src/store/store.js';
import { kubeletStreams } from '../../src/control-plane/kubelet-streams.js';
import { statusKubelet } from './fake-kubelet.js';
import { ensureKubectl120 } from './kubectl-support.js';

let kubectlPath: string;
let api: ApiServer;
let store: Store;
let dir: string;
let kubeconfig: string;
const resizes: [number, number][] = [];

function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(kubectlPath, ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args],
      { env: { ...process.env, HOME: dir, KUBECONFIG: '' }, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    child.stdin!.end(input ?? '');
  });
}

function fakeRuntime(): Runtime {
  const unused = () => { throw new Error('not used by the API'); };
  return {
    ping: async () => true,
    ensureNetwork: unused, ensureSandboxImage: unused, removeNetwork: unused, ensureVolume: unused, removeVolumes: unused, imageExists: unused, pullImage: unused, createContainer: unused,
    startContainer: unused, startContainerUntilLine: unused, stopContainer: unused, removeContainer: unused, inspectContainer: unused, exec: unused, events: unused,
    listContainers: async () => [], logs: unused,
    async execInteractive(_id, cmd, opts): Promise<ExecSession> {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const stdin = opts.stdin ? new PassThrough() : undefined;
      let exit!: (c: number) => void;
      const exitCode = new Promise<number>((r) => { exit = r; });
      const script = cmd.join(' ');
      if (stdin) {
        stdin.on('data', (c: Buffer) => stdout.write(c));
        stdin.on('end', () => { stdout.end(); stderr.end(); exit(0); });
      } else {
        const big = /^big (\d+)$/.exec(script);
        setTimeout(() => {
          stdout.end(big ? 'x'.repeat(Number(big[1])) : `ran: ${script}\n`);
          stderr.end(script.includes('warn') ? 'a warning\n' : '');
          exit(Number(/exit (\d+)/.exec(script)?.[1] ?? 0));
        }, 10);
      }
      return { stdin, stdout, stderr, exitCode, raw: new PassThrough(), resize: async (w, h) => { resizes.push([w, h]); } };
    },
  };
}

beforeAll(async () => {
  kubectlPath = ensureKubectl120();
  expect(execFileSync(kubectlPath, ['version', '--client', '--short'], { encoding: 'utf8' })).toContain('v1.20.2');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mini-kube-kubectl120-'));
  store = new Store();
  api = await startApiServer({ store, home: path.join(dir, 'home'), port: 0, kubelet: kubeletStreams(statusKubelet(store), fakeRuntime()) });
  kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters:
- name: mk
  cluster: {server: "${api.url}", certificate-authority-data: ${Buffer.from(api.caPem).toString('base64')}}
users:
- name: mk
  user: {token: "${api.token}"}
contexts:
- name: mk
  context: {cluster: mk, user: mk, namespace: default}
current-context: mk
`);
  store.create({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shell', namespace: 'default' },
    spec: { containers: [{ name: 'web', image: 'nginx' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, restartCount: 0, image: 'nginx', imageID: '', containerID: 'docker://abc', state: { running: { startedAt: '2025-01-01T00:00:00Z' } } }] },
  });
}, 600_000);

afterAll(async () => {
  await api?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('kubectl 1.20.2: exec over SPDY/3.1', () => {
  it('runs a command and propagates a non-zero exit code', async () => {
    const ok = await kubectl(['exec', 'shell', '--', 'sh', '-c', 'echo hi; warn']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('ran: sh -c echo hi; warn\n');
    expect(ok.stderr).toBe('a warning\n');
    const failed = await kubectl(['exec', 'shell', '--', 'sh', '-c', 'exit 3']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('command terminated with exit code 3');
  });

  it('sends stdin with -i and ends it at EOF', async () => {
    const r = await kubectl(['exec', '-i', 'shell', '--', 'cat'], 'line one\nline two\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('line one\nline two\n');
  });

  it('delivers output far beyond the 64 KiB SPDY window (spdystream never sends WINDOW_UPDATE)', async () => {
    const r = await kubectl(['exec', 'shell', '--', 'big', '300000']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(300000);
  });

  it('shows the real reason when the container is not running', async () => {
    store.create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'starting', namespace: 'default' },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] },
    });
    const r = await kubectl(['exec', 'starting', '--', 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('container "web" in pod "starting" is waiting to start: ContainerCreating');
  });

  it('kubectl 1.20 get, apply and scale work too', async () => {
    const get = await kubectl(['get', 'pods']);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(get.stdout).toMatch(/^shell\s+1\/1\s+Running\s+0\s+/m);
    const file = path.join(dir, 'd.yaml');
    fs.writeFileSync(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec: {containers: [{name: web, image: "nginx:1.25"}]}\n');
    expect((await kubectl(['apply', '-f', file])).stdout.trim()).toBe('deployment.apps/d created');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('nginx:1.25', 'nginx:1.26'));
    expect((await kubectl(['apply', '-f', file])).stdout.trim()).toBe('deployment.apps/d configured');
    expect((await kubectl(['scale', 'deploy', 'd', '--replicas=4'])).stdout.trim()).toBe('deployment.apps/d scaled');
    const spec = store.get('Deployment', 'default', 'd')!['spec'] as { replicas: number; template: { spec: { containers: { image: string }[] } } };
    expect(spec.replicas).toBe(4);
    expect(spec.template.spec.containers[0]!.image).toBe('nginx:1.26');
  });
});

describe('SPDY robustness', () => {
  it('survives garbage frames after a SPDY upgrade and keeps serving', async () => {
    const junk = [Buffer.from('not spdy at all'), Buffer.from([0x80, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), Buffer.alloc(64, 0xff)];
    for (const bytes of junk) {
      await new Promise<void>((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port: api.port, ca: api.caPem, servername: 'localhost' }, () => {
          s.write(`POST /api/v1/namespaces/default/pods/shell/exec?command=true&stdout=true HTTP/1.1\r\nHost: 127.0.0.1:${api.port}\r\n`
            + `Authorization: Bearer ${api.token}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n`);
          setTimeout(() => s.write(bytes), 50);
          setTimeout(() => { s.destroy(); resolve(); }, 300);
        });
        s.on('error', () => resolve());
      });
    }
    const plain = await new Promise<boolean>((resolve) => {
      const s = net.connect(api.port, '127.0.0.1', () => { s.end('\x80\x03\x00\x01junk'); });
      s.on('close', () => resolve(true));
      s.on('error', () => resolve(true));
    });
    expect(plain).toBe(true);
    const r = await kubectl(['exec', 'shell', '--', 'echo', 'still here']);
    expect(r.stdout).toBe('ran: echo still here\n');
  });
});
