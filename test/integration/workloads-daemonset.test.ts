// DaemonSets on real containers through kubectl 1.32: one pod per Node object (with the node affinity
// and tolerations the controller adds), `rollout status`, a rolling update to a new image, `rollout
// history` and `rollout undo` through ControllerRevisions, `rollout restart`, a nodeSelector matched
// against the node's labels, and `get ds` as kubectl prints it (also through mini-kube's CLI).
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlEnv, type KubectlEnv } from './kubectl-support.js';
import { cli, until } from './harness.js';
import { buildSampleImage } from '../../src/runtime/sample-image.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
const V1 = 'ondalk8s/healthcheck:v1';
// the sample image under a second tag of this test's own: "a new image" without a registry
const V2 = 'mk-jobs-daemon/healthcheck:v2';

const DS = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: main, image: ${V1}, command: ["sleep", "3600"]}
`;

interface PodObj {
  metadata: { name: string; labels: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string; containers: { image: string }[]; tolerations?: { key: string; effect: string }[]; affinity?: unknown };
  status: { phase: string };
}

describe('DaemonSets through kubectl 1.32 on real containers', () => {
  let k: KubectlEnv;
  beforeAll(async () => {
    await buildSampleImage({ tag: V2 });
    k = await kubectlEnv(KUBECTL);
  }, 240_000);
  afterAll(async () => {
    await k?.stop();
    execFileSync('docker', ['rmi', V2], { stdio: 'ignore' });
  }, 120_000);

  const pods = async (app: string) => (JSON.parse((await k.run(['get', 'pods', '-l', `app=${app}`, '-o', 'json'])).stdout) as { items: PodObj[] }).items
    .filter((p) => !p.metadata.deletionTimestamp);
  const rolledOut = async (name: string) => {
    const r = await k.run(['rollout', 'status', `ds/${name}`, '--timeout=60s'], { timeoutMs: 70_000 });
    expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(r.stdout).toContain(`daemon set "${name}" successfully rolled out`);
  };

  it('runs one pod per node, rolls out a new image, lists and undoes revisions, restarts', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: DS })).stdout).toBe('daemonset.apps/agent created\n');
    await rolledOut('agent');
    const [first] = await pods('agent');
    expect(first!.spec.nodeName).toBe('mini-kube');
    expect(first!.spec.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['mini-kube'] }] }] } } });
    expect(first!.spec.tolerations?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    expect(first!.metadata.labels['controller-revision-hash']).toBeTruthy();
    // the pod, affinity and all, passes admission again on an update
    const labelled = await k.run(['label', 'pod', first!.metadata.name, 'checked=yes']);
    expect(labelled, labelled.stderr).toMatchObject({ code: 0 });
    expect((await k.run(['get', 'ds', 'agent'])).stdout).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\nagent\s+1\s+1\s+1\s+1\s+1\s+<none>\s+\d+s\n$/);
    expect((await cli(k.cluster, ['get', 'daemonsets', '--no-headers'])).stdout).toMatch(/^agent\s+1\s+1\s+1\s+1\s+1\s+<none>\s+\d+s\n$/);

    // a new image: the old pod is replaced (maxUnavailable 1)
    expect((await k.run(['set', 'image', 'ds/agent', `main=${V2}`])).code).toBe(0);
    await rolledOut('agent');
    await until('one v2 pod', async () => { const p = await pods('agent'); return p.length === 1 && p[0]!.spec.containers[0]!.image === V2 && p[0]!.status.phase === 'Running'; }, 60_000);
    const history = (await k.run(['rollout', 'history', 'ds/agent'])).stdout;
    expect(history).toMatch(/^daemonset.apps\/agent\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    const revisions = (await k.run(['get', 'controllerrevisions', '-o', 'name'])).stdout.trim().split('\n');
    expect(revisions).toHaveLength(2);

    // undo: back to the first template, renumbered as revision 3
    const undo = await k.run(['rollout', 'undo', 'ds/agent']);
    expect(undo, undo.stderr).toMatchObject({ code: 0, stdout: 'daemonset.apps/agent rolled back\n' });
    await rolledOut('agent');
    await until('back on v1', async () => { const p = await pods('agent'); return p.length === 1 && p[0]!.spec.containers[0]!.image === V1; }, 60_000);
    expect((await k.run(['rollout', 'history', 'ds/agent'])).stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/);

    // restart: a new pod from the same image
    const before = (await pods('agent'))[0]!.metadata.name;
    expect((await k.run(['rollout', 'restart', 'ds/agent'])).stdout).toBe('daemonset.apps/agent restarted\n');
    await rolledOut('agent');
    await until('a new pod', async () => { const p = await pods('agent'); return p.length === 1 && p[0]!.metadata.name !== before; }, 60_000);
  }, 180_000);

  it('a nodeSelector is matched against the node labels', async () => {
    const picky = DS.replace(/agent/g, 'picky').replace('    spec:\n      terminationGracePeriodSeconds', '    spec:\n      nodeSelector: {disktype: ssd}\n      terminationGracePeriodSeconds');
    expect((await k.run(['apply', '-f', '-'], { input: picky })).code).toBe(0);
    await until('picky observed', async () => (await k.run(['get', 'ds', 'picky', '-o', 'jsonpath={.status.observedGeneration}'])).stdout === '1', 20_000);
    expect((await k.run(['get', 'ds', 'picky', '--no-headers'])).stdout).toMatch(/^picky\s+0\s+0\s+0\s+0\s+0\s+disktype=ssd\s/);
    expect(await pods('picky')).toHaveLength(0);
    expect((await k.run(['label', 'node', 'mini-kube', 'disktype=ssd'])).code).toBe(0);
    await rolledOut('picky');
    expect(await pods('picky')).toHaveLength(1);
    // the template's own required node affinity decides the nodes too (nodeShouldRunDaemonPod)
    const affinity = DS.replace(/agent/g, 'aff').replace('      terminationGracePeriodSeconds: 1', '      terminationGracePeriodSeconds: 1\n      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: gpu, operator: Exists}]}]}}}');
    expect((await k.run(['apply', '-f', '-'], { input: affinity })).code).toBe(0);
    await until('aff observed', async () => (await k.run(['get', 'ds', 'aff', '-o', 'jsonpath={.status.observedGeneration}'])).stdout === '1', 20_000);
    expect(await pods('aff')).toHaveLength(0);
    expect((await k.run(['label', 'node', 'mini-kube', 'gpu=yes'])).code).toBe(0);
    await rolledOut('aff');
    expect(await pods('aff')).toHaveLength(1);
    expect((await k.run(['delete', 'ds', 'aff'])).code).toBe(0);
    expect((await k.run(['delete', 'ds', 'picky'])).code).toBe(0);
    await until('picky pods gone', async () => (await pods('picky')).length === 0, 30_000);
  }, 120_000);
});
