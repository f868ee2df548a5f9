// metrics.k8s.io on a real control plane: a pod burning CPU on the engine shows in kubectl top (1.32 and
// 1.20) and mini-kube top, per pod, per container and for the node; nothing is read before the first
// request (decision 220). metrics-server's resolution is shortened to 2 s for the test. The thresholds
// (20m for a loop limited to 300m) hold on a loaded 2-core machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl120Run, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';
import { cli, until } from './harness.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

const PODS = `apiVersion: v1
kind: Pod
metadata: {name: busy, labels: {load: high}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: burn
    image: ondalk8s/healthcheck:v1
    command: ["sh", "-c", "while true; do :; done"]
    resources: {requests: {cpu: 100m}, limits: {cpu: 300m}}
  - name: idle
    image: ondalk8s/healthcheck:v1
    command: ["sh", "-c", "sleep 3600"]
---
apiVersion: v1
kind: Pod
metadata: {name: quiet, labels: {load: low}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: idle
    image: ondalk8s/healthcheck:v1
    command: ["sh", "-c", "sleep 3600"]
`;

/** "busy   123m   0Mi" -> 123 */
function cpuOf(out: string, name: string): number | undefined {
  const line = out.split('\n').find((l) => l.startsWith(`${name} `));
  const m = line && /\s(\d+)m\s/.exec(line);
  return m ? Number(m[1]) : undefined;
}

describe('kubectl top', () => {
  let k: KubectlEnv;
  let kubectl120: (args: string[]) => Promise<Run>;
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL, { metricsResolutionMs: 2000, inProcess: true });
    kubectl120 = kubectl120Run(k);
    const applied = await k.run(['apply', '-f', '-'], { input: PODS });
    expect(applied.code, applied.stderr).toBe(0);
    await k.run(['wait', '--for=condition=Ready', 'pod/busy', 'pod/quiet', '--timeout=60s']);
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  it('serves metrics.k8s.io in discovery and reads nothing until asked', async () => {
    const versions = await k.run(['api-versions']);
    expect(versions.stdout.split('\n')).toContain('metrics.k8s.io/v1beta1');
    const resources = await k.run(['api-resources', '--api-group=metrics.k8s.io']);
    expect(resources.stdout).toMatch(/^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics$/m);
    expect(resources.stdout).toMatch(/^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m);
    expect(k.cluster.controlPlane.metrics.running).toBe(false);
    expect(k.cluster.controlPlane.metrics.scrapes).toBe(0);
  }, 60_000);

  it('top pod shows the busy pod\'s CPU, well above the quiet one\'s', async () => {
    const out = await until('busy burning in kubectl top pod', async () => {
      const r = await k.run(['top', 'pod']);
      const busy = cpuOf(r.stdout, 'busy');
      return r.code === 0 && busy !== undefined && busy >= 20 ? r.stdout : undefined;
    }, 60_000);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(cpuOf(out, 'quiet')).toBeLessThan(cpuOf(out, 'busy')! / 5);
    expect(out).toMatch(/^busy\s+\d+m\s+\d+Mi/m);
    expect(k.cluster.controlPlane.metrics.running).toBe(true);
  }, 90_000);

  it('--containers splits the pod, -l selects by label, the raw API has metrics-server\'s shape', async () => {
    const containers = await k.run(['top', 'pod', 'busy', '--containers']);
    expect(containers.stdout).toMatch(/^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(containers.stdout).toMatch(/^busy\s+burn\s+\d+m/m);
    expect(containers.stdout).toMatch(/^busy\s+idle\s+\d+m/m);
    const selected = await k.run(['top', 'pod', '-l', 'load=low']);
    expect(selected.stdout).toMatch(/^quiet\s/m);
    expect(selected.stdout).not.toMatch(/^busy\s/m);
    const raw = JSON.parse((await k.run(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/busy'])).stdout);
    expect(raw).toMatchObject({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata: { name: 'busy', namespace: 'default', labels: { load: 'high' } } });
    expect(raw.window).toMatch(/^\d+(\.\d+)?s$/);
    expect(raw.containers.map((c: { name: string }) => c.name).sort()).toEqual(['burn', 'idle']);
    expect(raw.containers[0].usage.cpu).toMatch(/^\d+(n|u|m)?$/);
    expect(raw.containers[0].usage.memory).toMatch(/^\d+(Ki|Mi)?$/);
    // kubectl get podmetrics: metrics-server's own table
    const table = await k.run(['get', 'podmetrics', 'busy']);
    expect(table.stdout).toMatch(/^NAME\s+CPU\s+MEMORY\s+WINDOW\nbusy\s+\d+(n|u|m)?\s+\d+(Ki|Mi)?\s+\d+(\.\d+)?s\n$/);
    const missing = await k.run(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope']);
    expect(missing.stderr).toMatch(/NotFound|not found/);
  }, 60_000);

  it('top node shows the cluster\'s usage against the node\'s capacity', async () => {
    const node = await k.run(['top', 'node']);
    expect(node.code, node.stderr).toBe(0);
    expect(node.stdout).toMatch(/^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)/);
    const m = /^mini-kube\s+(\d+)m\s+(\d+)%\s+(\d+)Mi\s+(\d+)%/m.exec(node.stdout);
    expect(m, node.stdout).not.toBeNull();
    // the node counts at least what the busy pod burns, and the control plane's own memory
    expect(Number(m![1])).toBeGreaterThanOrEqual(20);
    expect(Number(m![3])).toBeGreaterThan(20);
  }, 60_000);

  it('kubectl 1.20 and mini-kube top print the same figures', async () => {
    const pod120 = await kubectl120(['top', 'pod']);
    expect(pod120.code, pod120.stderr).toBe(0);
    expect(cpuOf(pod120.stdout, 'busy')).toBeGreaterThanOrEqual(20);
    const node120 = await kubectl120(['top', 'node']);
    expect(node120.stdout).toMatch(/^NAME\s+CPU\(cores\)\s+CPU%\s+MEMORY\(bytes\)\s+MEMORY%/);
    expect(node120.stdout).toMatch(/^mini-kube\s+\d+m\s+\d+%/m);
    const ours = await cli(k.cluster, ['top', 'pod']);
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stdout.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(cpuOf(ours.stdout, 'busy')).toBeGreaterThanOrEqual(20);
    const containers = await cli(k.cluster, ['top', 'pod', '--containers']);
    expect(containers.stdout).toMatch(/^busy\s+burn\s+\d+m\s+\d+Mi/m);
    const ourNode = await cli(k.cluster, ['top', 'node']);
    expect(ourNode.stdout).toMatch(/^mini-kube\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/m);
  }, 60_000);
});
