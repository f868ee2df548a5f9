// With no Docker engine where DOCKER_HOST points, every command a user types says so in one line (where
// it looked, what to do), and the pods created meanwhile say why they wait: the ContainerRuntimeReachable
// condition and event of decision 040, not FailedSync (docs/decisions/180).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliIn, until } from './harness.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-noengine-'));
const socket = path.join(home, 'nowhere.sock');
const env = { DOCKER_HOST: `unix://${socket}`, KUBECONFIG: path.join(home, 'kubeconfig') };
const mk = (args: string[]) => cliIn(home, args, { env, timeoutMs: 60_000 });

const LINE = `the Docker engine does not answer at unix://${socket} (DOCKER_HOST): start Docker, run \`npm run setup\`, or set DOCKER_HOST to the engine's socket`;

const MANIFEST = path.join(home, 'deploy.yaml');
fs.writeFileSync(MANIFEST, `apiVersion: apps/v1
kind: Deployment
metadata: {name: waits}
spec:
  replicas: 2
  selector: {matchLabels: {app: waits}}
  template:
    metadata: {labels: {app: waits}}
    spec:
      containers:
      - {name: app, image: ondalk8s/healthcheck:v1}
`);

describe('CLI: no Docker engine', () => {
  afterAll(async () => {
    await mk(['down', '--purge']);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('up -d starts the control plane and says in one line that the engine does not answer', async () => {
    const r = await mk(['up', '-d']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mini-kube control plane started in the background');
    expect(r.stderr).toBe(`Warning: ${LINE}; pods stay Pending until it answers\n`);
  }, 60_000);

  it('apply applies and warns; pods created while the engine is away carry the condition and event, not FailedSync', async () => {
    const r = await mk(['apply', '-f', MANIFEST]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('deployment.apps/waits created\n');
    expect(r.stderr).toBe(`Warning: ${LINE}\n`);

    // The node's kubelet reports its runtime down: the node is NotReady with the not-ready taint, and new
    // pods wait unscheduled with kube-scheduler's reason, as on a cluster (pods already on the node get the
    // ContainerRuntimeReachable condition instead: test/unit/kubelet/engine-condition.test.ts).
    const pod = await until('the pods to wait unscheduled', async () => {
      const j = await mk(['get', 'pods', '-o', 'json']);
      const items = (JSON.parse(j.stdout) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } }[] }).items;
      const waiting = items.filter((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'
        && c.message?.includes("1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }")));
      return items.length === 2 && waiting.length === 2 && waiting[0]!.metadata.name;
    }, 30_000);

    const d = await mk(['describe', 'pod', pod]);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/Warning\s+FailedScheduling\s+.*0\/1 nodes are available: 1 node\(s\) had untolerated taint \{node.kubernetes.io\/not-ready: \}/);
    expect(d.stdout).not.toContain('FailedSync');
    const node = await mk(['describe', 'node', 'mini-kube']);
    expect(node.stdout).toMatch(/Ready\s+False\s+.*KubeletNotReady\s+container runtime is down: the Docker engine does not answer/);
    expect(d.stderr).toBe(`Warning: ${LINE}\n`);

    const g = await mk(['get', 'pod', pod]);
    expect(g.stdout).toMatch(/Pending/);
    expect(g.stderr).toBe(`Warning: ${LINE}\n`);

    const e = await mk(['exec', pod, '--', 'true']);
    expect(e.code).toBe(1);
    expect(e.stderr).toBe(`error: ${LINE}\n`);
    const l = await mk(['logs', pod]);
    expect(l.code).toBe(1);
    expect(l.stderr).toBe(`error: ${LINE}\n`);
  }, 90_000);

  it('a NotFound stays a NotFound (the engine is not blamed for what it did not cause)', async () => {
    const r = await mk(['get', 'pod', 'nopod']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): pods "nopod" not found\n');
  }, 30_000);

  it('build-sample-image and demo say it in one line', async () => {
    const b = await mk(['build-sample-image']);
    expect(b.code).toBe(1);
    expect(b.stderr).toBe(`error: ${LINE}\n`);
    const demo = await mk(['demo', '--fast', '--lang', 'en']);
    expect(demo.code).toBe(1);
    expect(demo.stderr).toBe(`error: ${LINE}\n`);
  }, 60_000);
});
