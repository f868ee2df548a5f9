// Namespaces as first-class objects on real containers: created by kubectl 1.32 (protobuf) and 1.20
// (JSON), labelled with their name, content refused in a missing or terminating namespace, and a
// deletion that removes a Deployment's pods and their containers before the namespace itself goes.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKubectl120, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';
import { until } from './harness.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

async function containersOf(namespace: string): Promise<string[]> {
  const out = await new Promise<string>((resolve) => execFile('docker', ['ps', '-a', '--format', '{{.Names}}'], (_e, stdout) => resolve(stdout)));
  return out.split('\n').filter((n) => n.includes(`_${namespace}_`));
}

describe('namespaces through kubectl', () => {
  let k: KubectlEnv;
  let kubectl120: (args: string[], input?: string) => Promise<Run>;
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL);
    const bin = ensureKubectl120();
    kubectl120 = (args, input) => new Promise((resolve) => {
      const child = execFile(bin, ['--kubeconfig', k.kubeconfig, '--cache-dir', `${k.dir}/cache120`, ...args], { env: { ...process.env, HOME: k.dir, KUBECONFIG: '' }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
      child.stdin!.end(input ?? '');
    });
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  it('default, kube-system and kube-public exist, each labelled kubernetes.io/metadata.name', async () => {
    const got = await k.run(['get', 'ns', '-L', 'kubernetes.io/metadata.name', '--no-headers']);
    for (const ns of ['default', 'kube-public', 'kube-system']) expect(got.stdout).toMatch(new RegExp(`^${ns}\\s+Active\\s+\\S+\\s+${ns}$`, 'm'));
  }, 60_000);

  it('kubectl 1.32 (protobuf) and 1.20 (JSON) create namespaces, labelled with their name', async () => {
    const created132 = await k.run(['create', 'namespace', 'team-132']);
    expect(created132, created132.stderr).toMatchObject({ code: 0, stdout: 'namespace/team-132 created\n' });
    expect((await k.run(['get', 'ns', 'team-132', '-o', "jsonpath={.metadata.labels['kubernetes\\.io/metadata\\.name']}"])).stdout).toBe('team-132');
    expect((await kubectl120(['create', 'namespace', 'team'])).code).toBe(0);
    expect((await k.run(['get', 'ns', 'team', '-o', "jsonpath={.metadata.labels['kubernetes\\.io/metadata\\.name']}"])).stdout).toBe('team');
  }, 60_000);

  it('objects in a namespace that does not exist are refused', async () => {
    const r = await k.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: nowhere}\n' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('namespaces "nowhere" not found');
  }, 60_000);

  it('deleting a namespace: Terminating, no new content, its Deployment\'s pods and containers gone, then the namespace', async () => {
    const deploy = await k.run(['apply', '-n', 'team', '-f', '-'], { input: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 4
      containers:
      - name: main
        image: ondalk8s/healthcheck:v1
        command: ["sh", "-c", "trap '' TERM; sleep 3600"]
---
apiVersion: v1
kind: Secret
metadata: {name: s}
stringData: {a: b}
` });
    expect(deploy.code, deploy.stderr).toBe(0);
    await until('two pods running', async () => (await k.run(['get', 'pods', '-n', 'team', '--no-headers'])).stdout.match(/Running/g)?.length === 2, 60_000);
    // each pod is its sandbox (k8s_POD_...) and its app container
    const inTeam = await containersOf('team');
    expect(inTeam.filter((n) => !n.startsWith('k8s_POD_'))).toHaveLength(2);
    expect(inTeam.filter((n) => n.startsWith('k8s_POD_'))).toHaveLength(2);

    expect((await k.run(['delete', 'namespace', 'team', '--wait=false'])).code).toBe(0);
    expect((await k.run(['get', 'ns', 'team', '--no-headers'])).stdout).toMatch(/^team\s+Terminating/);
    const refused = await k.run(['apply', '-n', 'team', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late}\n' });
    expect(refused.stderr).toContain('configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated');

    await until('namespace gone', async () => (await k.run(['get', 'ns', 'team'])).stderr.includes('namespaces "team" not found'), 60_000);
    expect(await containersOf('team')).toEqual([]);
    expect((await k.run(['get', 'all,cm,secrets', '-n', 'team'])).stderr).toContain('No resources found in team namespace.');
  }, 120_000);
});
