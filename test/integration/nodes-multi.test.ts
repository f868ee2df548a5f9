// Several simulated nodes and the scheduler on a real control plane and real containers, through kubectl
// 1.32 and the mini-kube CLI (issue #18): three Ready nodes with their Leases; required anti-affinity
// spreads three replicas over the three nodes and leaves a fourth Pending with kube-scheduler's message;
// a NoSchedule taint keeps pods off a node; kubectl drain evicts through a PodDisruptionBudget and stops
// at it (429); `mini-kube node stop` turns a node Unknown, taints it, and its Deployment's pods are
// evicted after their tolerationSeconds and replaced on the other nodes. Short grace periods throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlEnv, type KubectlEnv } from './kubectl-support.js';
import { cli, until } from './harness.js';
import type { Node, Pod } from '../../src/kube/types.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
const IMAGE = 'ondalk8s/healthcheck:v1';
const NODES = ['mini-kube', 'mini-kube-m02', 'mini-kube-m03'];

const deployment = (name: string, replicas: number, spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 0
${spec}      containers:
      - {name: main, image: ${IMAGE}, command: [sh, -c, "sleep 3600"]}
`;

const SPREAD = deployment('web', 3, `      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - topologyKey: kubernetes.io/hostname
            labelSelector: {matchLabels: {app: web}}
`);

const PDB = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
`;

// evicted 4 s after its node is unreachable (the default would be 300 s), preferring mini-kube-m03; a Service
const MOVER = `apiVersion: v1
kind: Service
metadata: {name: mover}
spec:
  selector: {app: mover}
  ports: [{port: 80, targetPort: 8080}]
---
` + deployment('mover', 2, `      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 4}
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            preference: {matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [mini-kube-m03]}]}
`);

describe('several nodes and the scheduler', () => {
  let k: KubectlEnv;
  const pods = async (app: string) => (JSON.parse((await k.run(['get', 'pods', '-l', `app=${app}`, '-o', 'json'])).stdout) as { items: Pod[] }).items;
  const running = (list: Pod[]) => list.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL, { nodes: 3, nodeMonitorGraceMs: 3000, nodeMonitorPeriodMs: 500, nodeLeaseRenewMs: 500 });
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  it('three Ready nodes, each with its Lease in kube-node-lease', async () => {
    const nodes = await until('three Ready nodes', async () => {
      const got = await k.run(['get', 'nodes']);
      const ready = NODES.filter((n) => new RegExp(`^${n}\\s+Ready\\s`, 'm').test(got.stdout));
      return ready.length === 3 && got.stdout;
    });
    expect(nodes).toMatch(/^mini-kube\s+Ready\s+control-plane\s/m);
    expect(nodes).toMatch(/^mini-kube-m02\s+Ready\s+<none>\s/m);
    const leases = await k.run(['get', 'leases', '-n', 'kube-node-lease']);
    expect(leases.stdout).toMatch(/^NAME\s+HOLDER\s+AGE$/m);
    for (const n of NODES) expect(leases.stdout).toMatch(new RegExp(`^${n}\\s+${n}\\s`, 'm'));
  }, 60_000);

  it('required anti-affinity spreads three replicas over three nodes; a fourth stays Pending with the reason', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: SPREAD })).code).toBe(0);
    const spread = await until('3 web pods running', async () => { const r = running(await pods('web')); return r.length === 3 && r; });
    expect(spread.map((p) => p.spec!.nodeName).sort()).toEqual(NODES);
    const wide = (await k.run(['get', 'pods', '-l', 'app=web', '-o', 'wide'])).stdout;
    expect(wide).toMatch(/\sNODE\s/);
    for (const n of NODES) expect(wide).toMatch(new RegExp(`\\s${n}\\s`));
    // the CLI prints kubectl's table (the same server-side Table)
    const ours = (await cli(k.cluster, ['get', 'pods', '-l', 'app=web', '-o', 'wide'])).stdout;
    expect(ours.split('\n')[0]).toBe(wide.split('\n')[0]);
    for (const n of NODES) expect(ours).toMatch(new RegExp(`\\s${n}\\s`));
    expect((await k.run(['scale', 'deployment/web', '--replicas=4'])).code).toBe(0);
    const pending = await until('a Pending 4th pod with its condition', async () =>
      (await pods('web')).find((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False')));
    const message = '0/3 nodes are available: 3 node(s) didn\'t match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    expect(pending.status!.conditions!.find((c) => c.type === 'PodScheduled')).toMatchObject({ reason: 'Unschedulable', message });
    const described = await k.run(['describe', 'pod', pending.metadata!.name!]);
    expect(described.stdout).toContain(`Warning  FailedScheduling`);
    expect(described.stdout).toContain(message);
    expect((await k.run(['scale', 'deployment/web', '--replicas=3'])).code).toBe(0);
  }, 60_000);

  it('a NoSchedule taint keeps pods off a node', async () => {
    expect((await k.run(['taint', 'nodes', 'mini-kube-m03', 'dedicated=db:NoSchedule'])).stdout).toContain('node/mini-kube-m03 tainted');
    expect((await k.run(['apply', '-f', '-'], { input: deployment('plain', 4, '') })).code).toBe(0);
    const placed = await until('4 plain pods bound', async () => { const b = (await pods('plain')).filter((p) => p.spec?.nodeName); return b.length === 4 && b; });
    expect(placed.map((p) => p.spec!.nodeName)).not.toContain('mini-kube-m03');
    expect((await k.run(['taint', 'nodes', 'mini-kube-m03', 'dedicated=db:NoSchedule-'])).stdout).toContain('node/mini-kube-m03 untainted');
    expect((await k.run(['delete', 'deployment', 'plain'])).code).toBe(0);
  }, 60_000);

  it('kubectl drain evicts within the PodDisruptionBudget and stops at it', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: PDB })).code).toBe(0);
    await until('the PDB allows one disruption', async () => / 1\s+\S+$/m.test((await k.run(['get', 'pdb', 'web'])).stdout));
    expect((await k.run(['get', 'pdb', 'web'])).stdout).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+2\s+N\/A\s+1\s/m);
    // kubectl's describe page and mini-kube's are the same
    const theirs = await k.run(['describe', 'pdb', 'web']);
    expect(theirs.stdout).toMatch(/^Name:\s+web\nNamespace:\s+default\nMin available:\s+2\nSelector:\s+app=web\nStatus:\n\s+Allowed disruptions:\s+1\n\s+Current:\s+3\n\s+Desired:\s+2\n\s+Total:\s+3\n/);
    expect((await cli(k.cluster, ['describe', 'pdb', 'web'])).stdout).toBe(theirs.stdout);
    const first = await k.run(['drain', 'mini-kube-m02', '--grace-period=1', '--timeout=30s']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('node/mini-kube-m02 cordoned');
    expect(first.stdout).toContain('node/mini-kube-m02 drained');
    // the replacement has nowhere to go: m02 is cordoned, the others run a web pod
    await until('the replacement Pending', async () => (await pods('web')).some((p) => !p.spec?.nodeName));
    const second = await k.run(['drain', 'mini-kube-m03', '--grace-period=1', '--timeout=4s']);
    expect(second.code).not.toBe(0);
    expect(second.stderr + second.stdout).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(running(await pods('web')).map((p) => p.spec!.nodeName).sort()).toEqual(['mini-kube', 'mini-kube-m03']);
    // uncordon: the waiting pod is scheduled at once (the node changed)
    expect((await cli(k.cluster, ['get', 'nodes'])).stdout).toMatch(/^mini-kube-m02\s+Ready,SchedulingDisabled\s/m);
    for (const n of ['mini-kube-m02', 'mini-kube-m03']) expect((await k.run(['uncordon', n])).code).toBe(0);
    await until('web back on three nodes', async () => running(await pods('web')).length === 3);
    expect((await k.run(['delete', 'deployment', 'web'])).code).toBe(0);
  }, 60_000);

  it('a stopped node turns Unknown and its Deployment\'s pods move to the other nodes', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: MOVER })).code).toBe(0);
    const before = await until('2 mover pods on m03', async () => { const r = running(await pods('mover')); return r.length === 2 && r.every((p) => p.spec!.nodeName === 'mini-kube-m03') && r; });
    const stopped = await cli(k.cluster, ['node', 'stop', 'mini-kube-m03']);
    expect(stopped.stdout, stopped.stderr).toBe('node/mini-kube-m03 stopped\n');
    const node = await until('m03 Unknown and tainted unreachable', async () => {
      const n = JSON.parse((await k.run(['get', 'node', 'mini-kube-m03', '-o', 'json'])).stdout) as Node;
      return n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') && n;
    });
    expect(node.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect((await k.run(['get', 'nodes'])).stdout).toMatch(/^mini-kube-m03\s+NotReady\s/m);
    // the Service stops sending to them at once (Ready=False), before they are evicted
    const endpoints = JSON.parse((await k.run(['get', 'endpoints', 'mover', '-o', 'json'])).stdout) as { subsets?: { addresses?: { nodeName: string }[]; notReadyAddresses?: { nodeName: string }[] }[] };
    expect((endpoints.subsets ?? []).flatMap((s) => s.addresses ?? []).filter((a) => a.nodeName === 'mini-kube-m03')).toEqual([]);
    expect(running(await pods('mover')).filter((p) => p.spec!.nodeName === 'mini-kube-m03')).toHaveLength(2);
    const moved = await until('2 mover pods running elsewhere', async () => {
      const r = running(await pods('mover')).filter((p) => p.spec!.nodeName !== 'mini-kube-m03');
      return r.length === 2 && r;
    });
    expect(moved.map((p) => p.metadata!.name)).not.toContain(before[0]!.metadata!.name);
    await until('the Service sends to the new pods', async () =>
      (await k.run(['get', 'endpoints', 'mover', '-o', 'jsonpath={.subsets[*].addresses[*].nodeName}'])).stdout.split(' ').filter(Boolean).length === 2);
    const events = (await k.run(['get', 'events', '--field-selector', 'reason=TaintManagerEviction'])).stdout;
    expect(events).toContain(`Marking for deletion Pod default/${before[0]!.metadata!.name}`);
    // back: the kubelet finishes the evicted pods' deletion and the node is Ready again
    expect((await cli(k.cluster, ['node', 'start', 'mini-kube-m03'])).code).toBe(0);
    await until('m03 Ready', async () => /^mini-kube-m03\s+Ready\s/m.test((await k.run(['get', 'nodes'])).stdout));
    await until('the evicted pods gone', async () => (await pods('mover')).length === 2);
  }, 90_000);
});
