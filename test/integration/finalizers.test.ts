// Finalizers and deletion propagation through real kubectl on the real engine: an object with a
// finalizer waits in Terminating (watch: MODIFIED with deletionTimestamp, then DELETED once the last
// finalizer is removed), no finalizer may be added meanwhile; `--cascade=foreground` returns only when
// the ReplicaSet and its pods (and their containers) are gone; `--cascade=orphan` leaves them, unowned;
// a namespace waits for the finalizers of its content.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl120Run, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';
import { until } from './harness.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

/** A Deployment whose pods ignore SIGTERM: each takes its whole grace period (2 s) to stop. */
const slowDeployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: main
        image: ondalk8s/healthcheck:v1
        command: ["sh", "-c", "trap '' TERM; sleep 3600"]
`;

/** The engine's containers (sandbox and app) of these pods. */
async function containersOf(podUids: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const uid of podUids) {
    out.push(...await new Promise<string[]>((resolve) => execFile('docker', ['ps', '-a', '--filter', `label=io.mini-kube.pod-uid=${uid}`, '--format', '{{.Names}}'],
      (_e, stdout) => resolve(stdout.split('\n').filter(Boolean)))));
  }
  return out;
}

describe('finalizers and deletion propagation', () => {
  let k: KubectlEnv;
  let kubectl120: (args: string[]) => Promise<Run>;
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL);
    kubectl120 = kubectl120Run(k);
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  it('a finalizer holds a deleted object (Terminating) until removed; none may be added meanwhile', async () => {
    const created = await k.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, finalizers: [example.com/keep]}\ndata: {a: "1"}\n' });
    expect(created.code, created.stderr).toBe(0);
    const watch = k.start(['get', 'cm', 'held', '-w', '--output-watch-events', '-o', 'jsonpath={.type} {.object.metadata.name} <{.object.metadata.deletionTimestamp}>{"\\n"}']);
    await until('watch started', async () => watch.out().includes('ADDED') || undefined, 20_000);

    const deleted = await k.run(['delete', 'cm', 'held', '--wait=false']);
    expect(deleted, deleted.stderr).toMatchObject({ code: 0, stdout: 'configmap "held" deleted\n' });
    const marked = JSON.parse((await k.run(['get', 'cm', 'held', '-o', 'json'])).stdout);
    expect(marked.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(marked.metadata.finalizers).toEqual(['example.com/keep']);

    const added = await k.run(['patch', 'cm', 'held', '--type=json', '-p', '[{"op":"add","path":"/metadata/finalizers/-","value":"example.com/more"}]']);
    expect(added.code).not.toBe(0);
    expect(added.stderr).toContain('The ConfigMap "held" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/more"}');

    expect((await k.run(['patch', 'cm', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}'])).code).toBe(0);
    expect((await k.run(['get', 'cm', 'held'])).stderr).toContain('configmaps "held" not found');
    await until('DELETED seen', async () => watch.out().includes('DELETED') || undefined, 20_000);
    await watch.kill();
    const types = watch.out().trim().split('\n').map((l) => l.split(/\s+/));
    // ADDED (no deletionTimestamp), MODIFIED with it, DELETED with it
    expect(types[0]).toEqual(['ADDED', 'held', '<>']);
    expect(types[1]![0]).toBe('MODIFIED');
    expect(types[1]![2]).toMatch(/^<\S+Z>$/);
    expect(types.at(-1)![0]).toBe('DELETED');
    expect(types.at(-1)![2]).toMatch(/^<\S+Z>$/);
  }, 60_000);

  it('--cascade=foreground returns only when the ReplicaSet, the pods and their containers are gone', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: slowDeployment('fg') })).code).toBe(0);
    await until('two pods running', async () => (await k.run(['get', 'pods', '-l', 'app=fg', '--no-headers'])).stdout.match(/Running/g)?.length === 2 || undefined, 40_000);
    const uids = (await k.run(['get', 'pods', '-l', 'app=fg', '-o', 'jsonpath={.items[*].metadata.uid}'])).stdout.split(' ');
    expect(await containersOf(uids)).not.toEqual([]);
    const started = Date.now();
    const del = k.start(['delete', 'deploy', 'fg', '--cascade=foreground']);
    const exited = new Promise<number | null>((r) => del.child.on('exit', (code) => r(code)));
    const finalizers = await until('foregroundDeletion on the deployment', async () => {
      const got = await k.run(['get', 'deploy', 'fg', '-o', 'jsonpath={.metadata.finalizers}']);
      return got.stdout.includes('foregroundDeletion') ? got.stdout : undefined;
    }, 10_000);
    expect(finalizers).toBe('["foregroundDeletion"]');
    // while the pods take their grace period, kubectl is still waiting
    expect(del.child.exitCode).toBeNull();
    expect(await exited).toBe(0);
    expect(del.out()).toBe('deployment.apps "fg" deleted\n');
    expect(Date.now() - started).toBeGreaterThan(1500);
    // when kubectl returns, nothing of the deployment is left
    expect((await k.run(['get', 'rs,pods', '-l', 'app=fg', '--no-headers'])).stdout).toBe('');
    expect(await containersOf(uids)).toEqual([]);
  }, 60_000);

  it('--cascade=orphan (1.32) and kubectl 1.20 leave the ReplicaSet and its pods, without the owner reference', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: slowDeployment('or').replace('replicas: 2', 'replicas: 1') })).code).toBe(0);
    await until('pod running', async () => (await k.run(['get', 'pods', '-l', 'app=or', '--no-headers'])).stdout.includes('Running') || undefined, 40_000);
    const del = await k.run(['delete', 'deploy', 'or', '--cascade=orphan']);
    expect(del, del.stderr).toMatchObject({ code: 0, stdout: 'deployment.apps "or" deleted\n' });
    expect((await k.run(['get', 'deploy', 'or'])).stderr).toContain('not found');
    const rs = JSON.parse((await k.run(['get', 'rs', '-l', 'app=or', '-o', 'json'])).stdout).items;
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.ownerReferences).toBeUndefined();
    expect((await k.run(['get', 'pods', '-l', 'app=or', '--no-headers'])).stdout).toContain('Running');

    // kubectl 1.20: --cascade=orphan on the ReplicaSet leaves its pod too
    const old = await kubectl120(['delete', 'rs', rs[0].metadata.name, '--cascade=orphan']);
    expect(old, old.stderr).toMatchObject({ code: 0 });
    const pod = JSON.parse((await k.run(['get', 'pods', '-l', 'app=or', '-o', 'json'])).stdout).items[0];
    expect(pod.metadata.ownerReferences).toBeUndefined();
    expect((await k.run(['delete', 'pod', '-l', 'app=or', '--grace-period=0', '--force'])).code).toBe(0);
  }, 60_000);

  it('a namespace stays Terminating while finalizers hold its content, then goes', async () => {
    expect((await k.run(['create', 'namespace', 'keep'])).code).toBe(0);
    expect((await k.run(['apply', '-n', 'keep', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, finalizers: [example.com/keep]}\n' })).code).toBe(0);
    expect((await k.run(['delete', 'namespace', 'keep', '--wait=false'])).code).toBe(0);
    await until('content marked', async () => (await k.run(['get', 'cm', 'c', '-n', 'keep', '-o', 'jsonpath={.metadata.deletionTimestamp}'])).stdout || undefined, 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await k.run(['get', 'ns', 'keep', '-o', 'jsonpath={.status.phase} {.spec.finalizers}'])).stdout).toBe('Terminating ["kubernetes"]');
    expect((await k.run(['patch', 'cm', 'c', '-n', 'keep', '--type=merge', '-p', '{"metadata":{"finalizers":null}}'])).code).toBe(0);
    await until('namespace gone', async () => (await k.run(['get', 'ns', 'keep'])).stderr.includes('namespaces "keep" not found') || undefined, 20_000);
  }, 60_000);
});
