// The control plane answers before its other components run (decision 245): `up -d` returns once the
// API answers, and nothing a client does meanwhile is lost: a pod created while the kubelet still waits
// for the engine runs once it starts, the dashboard's login link waits for the dashboard, and a control
// plane started on demand writes the kubeconfig context as `up -d` does (decision 246).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliIn, until } from './harness.js';
import { startControlPlane, type ControlPlane } from '../../src/control-plane/control-plane.js';
import { readState } from '../../src/control-plane/home.js';
import { clientFor } from '../../src/client/connect.js';
import { DockerRuntime } from '../../src/runtime/docker.js';
import { buildSampleImage, SAMPLE_IMAGE } from '../../src/runtime/sample-image.js';
import { dashboardAddon } from '../../src/dashboard/addon.js';
import { fetchLoginUrl } from '../../src/dashboard/login.js';
import type { Pod } from '../../src/kube/types.js';

const homes: string[] = [];
const tempHome = (): string => {
  const h = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-start-'));
  homes.push(h);
  return h;
};
const pod = (name: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'app', image: SAMPLE_IMAGE, imagePullPolicy: 'IfNotPresent' }] },
});

function kubectl(kubeconfig: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { env: { ...process.env, KUBECONFIG: '' }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    if (input !== undefined) child.stdin?.end(input);
  });
}

describe('the control plane answers first, the rest comes up behind it', () => {
  let cp: ControlPlane | undefined;
  const cliHome = tempHome();
  const kubeconfig = path.join(cliHome, 'user-kubeconfig');
  const mk = (args: string[]) => cliIn(cliHome, args, { env: { KUBECONFIG: kubeconfig }, timeoutMs: 60_000 });

  afterAll(async () => {
    await cp?.stop({ removeContainers: true });
    await mk(['down', '--purge']);
    for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
  }, 60_000);

  it('a pod created while the kubelet waits for the engine is admitted at once and runs once the kubelet starts', async () => {
    await buildSampleImage();
    const home = tempHome();
    const runtime = new DockerRuntime({ podFilesRoot: path.join(home, 'pods') });
    // the engine's ping, which the kubelet's start awaits first, is held until the pod is stored
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const gated = new Proxy(runtime, {
      get(target, key) {
        if (key === 'ping') return async () => { await held; return target.ping(); };
        const v = Reflect.get(target, key, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const starting = startControlPlane({ home, runtime: gated, fsync: false, dashboard: dashboardAddon });
    starting.catch(() => {});
    const state = await until('the state file', async () => readState(home), 30_000);
    const client = clientFor(home, state);
    try {
      // a fresh home: the pod's ServiceAccount comes from the controllers, which the create waits for
      const created = await client.create(pod('early'));
      expect(created.status).toBe(201);
      const login = await fetchLoginUrl(client);
      expect(login).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?login=/);
      const stored = await client.get<Pod>('Pod', 'default', 'early');
      expect(stored.status?.containerStatuses ?? []).toEqual([]);
      release();
      cp = await starting;
      const running = await until('the early pod running', async () => {
        const p = await client.get<Pod>('Pod', 'default', 'early');
        return p.status?.phase === 'Running' ? p : undefined;
      }, 40_000);
      expect(running.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    } finally {
      release();
      client.close();
    }
  }, 60_000);

  it('`up -d` prints the dashboard link and merges the kubeconfig; kubectl creates a pod right away and it runs', async () => {
    const up = await mk(['up', '-d']);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/\?login=\S+ {3}\(one-time login link/m);
    expect(up.stdout).toContain(`written to ${kubeconfig}`);
    const created = await kubectl(kubeconfig, ['apply', '-f', '-'], JSON.stringify(pod('right-away')));
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('pod/right-away created\n');
    await until('right-away running', async () => /right-away\s+1\/1\s+Running/.test((await mk(['get', 'pod', 'right-away'])).stdout), 40_000);
  }, 60_000);

  it('a command that starts the control plane on demand writes the kubeconfig context and says so in its one line', async () => {
    expect((await mk(['down'])).code).toBe(0);
    fs.rmSync(kubeconfig, { force: true });
    const get = await mk(['get', 'pods']);
    expect(get.code).toBe(0);
    const line = get.stderr.trim().split('\n');
    expect(line).toHaveLength(1);
    expect(line[0]).toMatch(/^mini-kube: the control plane was not running; started it in the background \(pid \d+, https:\/\/127\.0\.0\.1:\d+\); kubeconfig context "mini-kube-[0-9a-f]+" written to .*user-kubeconfig \(now current\)$/);
    const viaKubectl = await kubectl(kubeconfig, ['get', 'pod', 'right-away', '-o', 'jsonpath={.metadata.name}']);
    expect(viaKubectl.stdout).toBe('right-away');
  }, 60_000);
});
