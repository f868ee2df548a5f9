// The Node object on a real control plane, through kubectl 1.32 and 1.20 and the mini-kube CLI: one Ready
// node named as the pods' spec.nodeName, its table and wide columns, describe node with a running pod's
// requests (kubectl computes them client-side from the spec.nodeName field selector), wait and watch,
// a status only the kubelet writes, and cordon.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl120Run, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';
import { cli, until } from './harness.js';
import { NODE_NAME } from '../../src/kube/node.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

const REQUESTING_POD = `apiVersion: v1
kind: Pod
metadata: {name: sized}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ondalk8s/healthcheck:v1
    command: ["sh", "-c", "sleep 3600"]
    resources:
      requests: {cpu: 100m, memory: 32Mi}
      limits: {cpu: 200m, memory: 64Mi}
`;

describe('the Node', () => {
  let k: KubectlEnv;
  let kubectl120: (args: string[]) => Promise<Run>;
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL);
    kubectl120 = kubectl120Run(k);
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  it('get nodes: one Ready node, the control-plane role, the API version; -o wide adds the engine', async () => {
    for (const run of [(a: string[]) => k.run(a), kubectl120]) {
      const got = await run(['get', 'nodes']);
      expect(got.code, got.stderr).toBe(0);
      const lines = got.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
      expect(lines.slice(1)).toHaveLength(1);
      expect(lines[1]).toMatch(new RegExp(`^${NODE_NAME}\\s+Ready\\s+control-plane\\s+\\S+\\s+v1\\.32\\.0-mini-kube$`));
      const wide = (await run(['get', 'no', '-o', 'wide'])).stdout;
      expect(wide).toMatch(/INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/);
      expect(wide).toMatch(/127\.0\.0\.1\s+<none>\s+.+\s+docker:\/\/\d+\.\d+/);
    }
    const node = JSON.parse((await k.run(['get', 'node', NODE_NAME, '-o', 'json'])).stdout) as {
      metadata: { labels: Record<string, string> };
      status: { capacity: Record<string, string>; allocatable: Record<string, string>; nodeInfo: Record<string, string>; conditions: { type: string; status: string; lastHeartbeatTime: string }[] };
    };
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/control-plane': '' });
    expect(Number(node.status.capacity['cpu'])).toBeGreaterThan(0);
    expect(node.status.capacity['memory']).toMatch(/^\d+Ki$/);
    expect(node.status.capacity['pods']).toBe('110');
    expect(node.status.capacity['ephemeral-storage']).toMatch(/^[1-9]\d*Ki$/);
    expect(node.status.allocatable).toEqual(node.status.capacity);
    expect(node.status.nodeInfo['kubeletVersion']).toBe((JSON.parse((await k.run(['version', '-o', 'json'])).stdout) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion);
    expect(node.status.conditions.map((c) => `${c.type}=${c.status}`).sort()).toEqual(['DiskPressure=False', 'MemoryPressure=False', 'PIDPressure=False', 'Ready=True']);
    expect(node.status.conditions.every((c) => Date.parse(c.lastHeartbeatTime) > 0)).toBe(true);
  }, 120_000);

  it('wait --for=condition=Ready node --all, and a watch that sees the node', async () => {
    const waited = await k.run(['wait', '--for=condition=Ready', 'node', '--all', '--timeout=30s']);
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stdout.trim()).toBe(`node/${NODE_NAME} condition met`);
    const watch = k.start(['get', 'nodes', '--watch']);
    await until('the watch lists the node', async () => watch.out().includes(NODE_NAME), 20_000);
    // a label change arrives on the watch as a new row
    expect((await k.run(['label', 'node', NODE_NAME, 'room=b12'])).code).toBe(0);
    await until('the watch sees the change', async () => watch.out().split('\n').filter((l) => l.startsWith(NODE_NAME)).length >= 2, 20_000);
    await watch.kill();
    expect((await k.run(['get', 'nodes', '-l', 'room=b12', '-o', 'name'])).stdout.trim()).toBe(`node/${NODE_NAME}`);
    // a cluster-scoped object stays without a namespace through a client's write
    expect((await k.run(['get', 'node', NODE_NAME, '-o', 'jsonpath={.metadata.namespace}'])).stdout).toBe('');
  }, 60_000);

  it('describe node lists the pods on it with their requests (the spec.nodeName field selector); the CLI prints the same page', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: REQUESTING_POD })).code).toBe(0);
    await until('the pod is bound', async () => (await k.run(['get', 'pod', 'sized', '-o', 'jsonpath={.spec.nodeName}'])).stdout === NODE_NAME, 60_000);
    const selected = await k.run(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${NODE_NAME},status.phase!=Failed,status.phase!=Succeeded`, '-o', 'name']);
    expect(selected.stdout.trim()).toBe('pod/sized');
    for (const run of [(a: string[]) => k.run(a), kubectl120]) {
      const d = await run(['describe', 'node', NODE_NAME]);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout).toMatch(/^Name:\s+mini-kube\nRoles:\s+control-plane\n/);
      expect(d.stdout).toMatch(/Ready\s+True\s+.+KubeletReady\s+kubelet is posting ready status/);
      expect(d.stdout).toMatch(/Capacity:\n\s+cpu:\s+\d+\n/);
      expect(d.stdout).toMatch(/Container Runtime Version:\s+docker:\/\//);
      expect(d.stdout).toMatch(/Non-terminated Pods:\s+\(1 in total\)/);
      expect(d.stdout).toMatch(/default\s+sized\s+100m \(\d+%\)\s+200m \(\d+%\)\s+32Mi \(\d+%\)\s+64Mi \(\d+%\)/);
      expect(d.stdout).toMatch(/ {2}cpu\s+100m \(\d+%\)\s+200m \(\d+%\)/);
      // the kubelet's events about its node (involvedObject uid = the node's name, as kubectl looks them up)
      expect(d.stdout).toMatch(/Normal\s+Starting\s+\S+\s+kubelet\s+Starting kubelet\./);
      expect(d.stdout).toMatch(/Normal\s+NodeReady\s+\S+\s+kubelet\s+Node mini-kube status is now: NodeReady/);
    }
    const ours = await cli(k.cluster, ['describe', 'node', NODE_NAME]);
    const theirs = await k.run(['describe', 'node', NODE_NAME]);
    // the same page but for the ages and times, which move between the two runs
    const stable = (s: string) => s.split('\n').filter((l) => !/\d{2}:\d{2}:\d{2}/.test(l))
      .map((l) => l.replace(/\b\d+[smhd](\d+[smh])?\b/g, 'AGE').replace(/\s+/g, ' ').trim());
    expect(stable(ours.stdout)).toEqual(stable(theirs.stdout));
    const ourTable = await cli(k.cluster, ['get', 'nodes']);
    expect(ourTable.stdout.split('\n')[0]).toBe((await k.run(['get', 'nodes'])).stdout.split('\n')[0]);
    expect(ourTable.stdout).toMatch(/mini-kube\s+Ready\s+control-plane/);
  }, 120_000);

  it('only the kubelet writes the status; a second node cannot be made; a deleted node registers again', async () => {
    const patched = await k.run(['patch', 'node', NODE_NAME, '--subresource=status', '--type=merge', '-p', '{"status":{"capacity":{"cpu":"64"}}}']);
    expect(patched.code).not.toBe(0);
    expect(patched.stderr).toContain(`nodes "${NODE_NAME}" is forbidden: a node's status is written by its kubelet only`);
    // a status in a main-resource write is the server's, kept as stored
    const before = (await k.run(['get', 'node', NODE_NAME, '-o', 'jsonpath={.status.capacity.cpu}'])).stdout;
    expect((await k.run(['patch', 'node', NODE_NAME, '--type=merge', '-p', '{"status":{"capacity":{"cpu":"64"}}}'])).code).toBe(0);
    expect((await k.run(['get', 'node', NODE_NAME, '-o', 'jsonpath={.status.capacity.cpu}'])).stdout).toBe(before);
    const second = await k.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Node\nmetadata: {name: worker-2}\n' });
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain("mini-kube's nodes (mini-kube first) are registered by their kubelets; start the cluster with `mini-kube up --nodes N` for more");
    // cordon: spec.unschedulable and the unschedulable taint (the scheduler reads them: nodes-multi.test.ts)
    const cordoned = await k.run(['cordon', NODE_NAME]);
    expect(cordoned.stdout).toBe(`node/${NODE_NAME} cordoned\n`);
    await until('the unschedulable taint', async () => (await k.run(['get', 'node', NODE_NAME, '-o', 'jsonpath={.spec.taints[*].key}'])).stdout === 'node.kubernetes.io/unschedulable', 20_000);
    expect((await k.run(['get', 'nodes'])).stdout).toMatch(/^mini-kube\s+Ready,SchedulingDisabled\s/m);
    expect((await k.run(['uncordon', NODE_NAME])).stdout).toBe(`node/${NODE_NAME} uncordoned\n`);
    const uid = (await k.run(['get', 'node', NODE_NAME, '-o', 'jsonpath={.metadata.uid}'])).stdout;
    expect((await k.run(['delete', 'node', NODE_NAME])).code).toBe(0);
    await until('the kubelet registers the node again', async () => {
      const again = (await k.run(['get', 'node', NODE_NAME, '-o', 'jsonpath={.metadata.uid}'])).stdout;
      return again !== '' && again !== uid;
    }, 20_000);
  }, 60_000);
});
