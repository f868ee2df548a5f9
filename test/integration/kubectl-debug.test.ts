// kubectl debug on the real engine: ephemeral containers through pods/{name}/ephemeralcontainers (kubectl
// 1.32's strategic merge patch, kubectl 1.20's EphemeralContainers PUT), started by the kubelet in the
// pod's sandbox and in the target container's process namespace, with their own status, logs and attach,
// never restarted; --copy-to makes a copy; node/ is refused with a complete Status.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl120Run, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';
import { until } from './harness.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
/** busybox-based, with sh and ps; its app runs as `node app.js` */
const IMAGE = 'ondalk8s/healthcheck:v1';

interface Status { name: string; restartCount: number; state: { running?: object; terminated?: { exitCode: number } } }

function engineContainers(podUid: string, container: string): Promise<string[]> {
  return new Promise((resolve) => execFile('docker', ['ps', '-a', '--filter', `label=io.mini-kube.pod-uid=${podUid}`, '--filter', `label=io.mini-kube.container-name=${container}`, '--format', '{{.ID}}'],
    (_e, stdout) => resolve(stdout.split('\n').filter(Boolean))));
}

describe('kubectl debug', () => {
  let k: KubectlEnv;
  let kubectl120: (args: string[]) => Promise<Run>;
  const statuses = async (): Promise<Status[]> =>
    JSON.parse((await k.run(['get', 'pod', 'app', '-o', 'json'])).stdout).status.ephemeralContainerStatuses ?? [];
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL);
    kubectl120 = kubectl120Run(k);
    const run = await k.run(['run', 'app', `--image=${IMAGE}`, '--restart=Never']);
    expect(run.code, run.stderr).toBe(0);
    await until('app running', async () => (await k.run(['get', 'pod', 'app', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' || undefined, 40_000);
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  it('debug -i --target: stdin in, output out, the target\'s processes visible; terminated, never restarted', async () => {
    const got = await k.run(['debug', '-i', 'app', `--image=${IMAGE}`, '--target=app', '-c', 'dbg', '--', 'sh', '-c', 'read x; echo got-$x; ps -o pid,args'], { input: 'hello\n' });
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toContain('got-hello');
    // the target's main process, seen from the debug container: the two share a process namespace
    expect(got.stdout).toMatch(/^\s*\d+\s+node app\.js$/m);
    const dbg = await until('dbg terminated', async () => (await statuses()).find((s) => s.name === 'dbg' && s.state.terminated), 20_000);
    expect(dbg).toMatchObject({ restartCount: 0, state: { terminated: { exitCode: 0 } } });
    expect((await k.run(['logs', 'app', '-c', 'dbg'])).stdout).toContain('got-hello');
    await new Promise((r) => setTimeout(r, 2000));
    const uid = (await k.run(['get', 'pod', 'app', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    expect(await engineContainers(uid, 'dbg')).toHaveLength(1);
    expect((await statuses()).find((s) => s.name === 'dbg')).toMatchObject({ restartCount: 0, state: { terminated: { exitCode: 0 } } });
    // the pod itself is untouched: still Running, its app container still ready
    expect((await k.run(['get', 'pod', 'app', '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].ready}'])).stdout).toBe('Running true');
  }, 60_000);

  it('kubectl attach to a running ephemeral container; the pod stays updatable; create with one is refused', async () => {
    const made = await k.run(['debug', '-i', '--attach=false', 'app', `--image=${IMAGE}`, '-c', 'waiter', '--', 'sh', '-c', 'read x; echo attached-$x']);
    expect(made.code, made.stderr).toBe(0);
    await until('waiter running', async () => (await statuses()).find((s) => s.name === 'waiter' && s.state.running), 20_000);
    const attached = await k.run(['attach', 'app', '-c', 'waiter', '-i'], { input: 'yes\n' });
    expect(attached.stdout).toContain('attached-yes');
    // ephemeral containers are kept by an update of the pod itself
    expect((await k.run(['label', 'pod', 'app', 'debugged=true'])).code).toBe(0);
    expect((await k.run(['get', 'pod', 'app', '-o', 'jsonpath={.spec.ephemeralContainers[*].name}'])).stdout).toBe('dbg waiter');
    const refused = await k.run(['apply', '-f', '-'], { input: `apiVersion: v1\nkind: Pod\nmetadata: {name: eph}\nspec:\n  containers: [{name: c, image: ${IMAGE}}]\n  ephemeralContainers: [{name: e, image: ${IMAGE}}]\n` });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('spec.ephemeralContainers: Forbidden: cannot be set on create');
  }, 60_000);

  it('kubectl 1.20 debug (its EphemeralContainers PUT) adds a container that runs', async () => {
    const old = await kubectl120(['debug', 'app', `--image=${IMAGE}`, '-c', 'old', '--', 'sh', '-c', 'echo from-1.20']);
    expect(old.code, old.stderr).toBe(0);
    await until('old terminated', async () => (await statuses()).find((s) => s.name === 'old' && s.state.terminated), 20_000);
    expect((await k.run(['logs', 'app', '-c', 'old'])).stdout).toBe('from-1.20\n');
  }, 60_000);

  it('--copy-to runs a copy with the debug container; node/ is refused with the reasons', async () => {
    const copy = await k.run(['debug', 'app', `--image=${IMAGE}`, '--copy-to=app-copy', '-c', 'side', '--', 'sleep', '300']);
    expect(copy.code, copy.stderr).toBe(0);
    await until('copy running', async () => (await k.run(['get', 'pod', 'app-copy', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' || undefined, 30_000);
    expect((await k.run(['get', 'pod', 'app-copy', '-o', 'jsonpath={.spec.containers[*].name}'])).stdout).toBe('app side');
    expect((await k.run(['delete', 'pod', 'app-copy', '--grace-period=0', '--force'])).code).toBe(0);

    const node = (await k.run(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    const onNode = await k.run(['debug', `node/${node}`, `--image=${IMAGE}`, '--', 'true']);
    expect(onNode.code).not.toBe(0);
    expect(onNode.stderr).toContain('spec.hostPID: Forbidden: mini-kube refuses this');
    expect(onNode.stderr).toContain('--allow-privileged');
  }, 60_000);
});
