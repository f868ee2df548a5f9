// The scheduler's filter and score plugins and the FailedScheduling message, as tables over snapshots of
// nodes and bound pods (no store, no clock).
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../src/kube/types.js';
import { snapshotOf } from '../../../src/scheduler/framework.js';
import { schedulePod } from '../../../src/scheduler/schedule-one.js';
import { nodeResourcesFit, nodeName, nodeUnschedulable } from '../../../src/scheduler/plugins/basic.js';
import { nodeAffinity } from '../../../src/scheduler/plugins/node-affinity.js';
import { taintToleration } from '../../../src/scheduler/plugins/taint-toleration.js';
import { interPodAffinity } from '../../../src/scheduler/plugins/inter-pod-affinity.js';
import { podTopologySpread } from '../../../src/scheduler/plugins/pod-topology-spread.js';
import type { Plugin } from '../../../src/scheduler/framework.js';

let uid = 0;
const node = (name: string, opts: { labels?: Record<string, string>; cpu?: string; memory?: string; pods?: string; taints?: Node['spec'] extends infer S ? S extends { taints?: infer T } ? T : never : never; unschedulable?: boolean } = {}): Node => ({
  apiVersion: 'v1', kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
  spec: { ...(opts.taints ? { taints: opts.taints } : {}), ...(opts.unschedulable ? { unschedulable: true } : {}) },
  status: { allocatable: { cpu: opts.cpu ?? '2', memory: opts.memory ?? '4Gi', pods: opts.pods ?? '110' } },
});
const pod = (spec: Partial<NonNullable<Pod['spec']>> = {}, labels: Record<string, string> = {}, cpu?: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: `p${++uid}`, namespace: 'default', uid: `u${uid}`, labels },
  spec: { containers: [{ name: 'c', image: 'x', ...(cpu ? { resources: { requests: { cpu } } } : {}) }], ...spec },
  status: { phase: 'Running' },
});
const on = (p: Pod, n: string): Pod => ({ ...p, spec: { ...p.spec!, nodeName: n } });

/** Which of the nodes a plugin lets the pod through (names), and the reasons of the others. */
function filter(plugin: Plugin, p: Pod, nodes: Node[], bound: Pod[] = []): { pass: string[]; reasons: string[] } {
  const snap = snapshotOf(nodes, bound);
  const pp = plugin.forPod(p, snap);
  const pass: string[] = [];
  const reasons: string[] = [];
  for (const n of snap.nodes) {
    const f = pp?.filter?.(n);
    if (f) reasons.push(...f.reasons); else pass.push(n.name);
  }
  return { pass, reasons };
}

describe('filters', () => {
  const three = [node('a', { labels: { zone: 'z1' } }), node('b', { labels: { zone: 'z1' } }), node('c', { labels: { zone: 'z2' } })];
  const cases: { name: string; plugin: Plugin; pod: Pod; nodes?: Node[]; bound?: Pod[]; pass: string[]; reasons?: string[] }[] = [
    { name: 'NodeName: only the named node', plugin: nodeName, pod: pod({ nodeName: 'b' }), pass: ['b'], reasons: ["node(s) didn't match the requested node name", "node(s) didn't match the requested node name"] },
    { name: 'NodeUnschedulable: a cordoned node is skipped', plugin: nodeUnschedulable, pod: pod(), nodes: [node('a', { unschedulable: true }), node('b')], pass: ['b'], reasons: ['node(s) were unschedulable'] },
    { name: 'NodeUnschedulable: tolerating the unschedulable taint lets it in', plugin: nodeUnschedulable, pod: pod({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }), nodes: [node('a', { unschedulable: true })], pass: ['a'] },
    { name: 'NodeResourcesFit: requests against allocatable minus what is bound', plugin: nodeResourcesFit, pod: pod({}, {}, '1500m'), nodes: [node('a'), node('b')], bound: [on(pod({}, {}, '1'), 'a')], pass: ['b'], reasons: ['Insufficient cpu'] },
    { name: 'NodeResourcesFit: too many pods', plugin: nodeResourcesFit, pod: pod(), nodes: [node('a', { pods: '1' })], bound: [on(pod(), 'a')], pass: [], reasons: ['Too many pods'] },
    { name: 'NodeAffinity: nodeSelector', plugin: nodeAffinity, pod: pod({ nodeSelector: { zone: 'z2' } }), pass: ['c'] },
    { name: 'NodeAffinity: required terms are ORed, expressions ANDed', plugin: nodeAffinity, pod: pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }, { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['a'] }] },
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c'] }] },
    ] } } } }), pass: ['b', 'c'] },
    { name: 'TaintToleration: NoSchedule not tolerated', plugin: taintToleration, pod: pod(), nodes: [node('a', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }), node('b')], pass: ['b'], reasons: ['node(s) had untolerated taint {k: v}'] },
    { name: 'TaintToleration: tolerated by Equal, PreferNoSchedule never filters', plugin: taintToleration, pod: pod({ tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }] }), nodes: [node('a', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }), node('b', { taints: [{ key: 'p', effect: 'PreferNoSchedule' }] })], pass: ['a', 'b'] },
    { name: 'InterPodAffinity: required anti-affinity per hostname', plugin: interPodAffinity,
      pod: pod({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'w' } } }] } } }, { app: 'w' }),
      bound: [on(pod({}, { app: 'w' }), 'a')], pass: ['b', 'c'], reasons: ["node(s) didn't match pod anti-affinity rules"] },
    { name: 'InterPodAffinity: existing pods\' anti-affinity (symmetry), per zone', plugin: interPodAffinity, pod: pod({}, { app: 'w' }),
      bound: [on(pod({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'w' } } }] } } }), 'a')],
      pass: ['c'], reasons: ["node(s) didn't satisfy existing pods anti-affinity rules", "node(s) didn't satisfy existing pods anti-affinity rules"] },
    { name: 'InterPodAffinity: required affinity to a zone with a matching pod', plugin: interPodAffinity,
      pod: pod({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'db' } } }] } } }),
      bound: [on(pod({}, { app: 'db' }), 'c')], pass: ['c'], reasons: ["node(s) didn't match pod affinity rules", "node(s) didn't match pod affinity rules"] },
    { name: 'InterPodAffinity: the first pod of a self-affine group may go anywhere', plugin: interPodAffinity,
      pod: pod({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'g' } } }] } } }, { app: 'g' }),
      pass: ['a', 'b', 'c'] },
    { name: 'PodTopologySpread: maxSkew 1 over zones', plugin: podTopologySpread,
      pod: pod({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 's' } } }] }, { app: 's' }),
      bound: [on(pod({}, { app: 's' }), 'a')], pass: ['c'], reasons: ["node(s) didn't match pod topology spread constraints", "node(s) didn't match pod topology spread constraints"] },
    { name: 'PodTopologySpread: a node without the key is out', plugin: podTopologySpread,
      pod: pod({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'rack', whenUnsatisfiable: 'DoNotSchedule', labelSelector: {} }] }),
      nodes: [node('a', { labels: { rack: 'r1' } }), node('b')], pass: ['a'], reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = filter(c.plugin, c.pod, c.nodes ?? three, c.bound);
      expect(got.pass).toEqual(c.pass);
      if (c.reasons) expect(got.reasons).toEqual(c.reasons);
    });
  }
});

describe('scores and the choice', () => {
  const fixed = () => 0.99;
  it('LeastAllocated prefers the emptier node', () => {
    const snap = snapshotOf([node('a'), node('b')], [on(pod({}, {}, '1'), 'a')]);
    expect(schedulePod(pod({}, {}, '100m'), snap, undefined, fixed)).toMatchObject({ node: 'b' });
  });
  it('preferred node affinity wins over equal resources', () => {
    const snap = snapshotOf([node('a'), node('b', { labels: { disk: 'ssd' } })], []);
    const p = pod({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } } });
    expect(schedulePod(p, snap, undefined, fixed)).toMatchObject({ node: 'b' });
  });
  it('PreferNoSchedule taints push the pod elsewhere', () => {
    const snap = snapshotOf([node('a', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), node('b')], []);
    expect(schedulePod(pod(), snap, undefined, fixed)).toMatchObject({ node: 'b' });
  });
  it('preferred anti-affinity spreads', () => {
    const snap = snapshotOf([node('a'), node('b')], [on(pod({}, { app: 'w' }), 'b')]);
    const p = pod({ affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'w' } } } }] } } }, { app: 'w' });
    expect(schedulePod(p, snap, undefined, fixed)).toMatchObject({ node: 'a' });
  });
});

describe("FailedScheduling: kube-scheduler's FitError message", () => {
  it('counts reasons per node, sorted, with the preemption verdict', () => {
    const snap = snapshotOf([
      node('a', { cpu: '1' }),
      node('b', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }),
      node('c', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }),
    ], []);
    expect(schedulePod(pod({}, {}, '2'), snap)).toEqual({
      message: '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
      unresolvable: false,
    });
  });
  it('no nodes at all', () => {
    expect(schedulePod(pod(), snapshotOf([], []))).toEqual({ message: 'no nodes available to schedule pods', unresolvable: false });
  });
});
