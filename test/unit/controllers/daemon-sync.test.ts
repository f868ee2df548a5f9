// The DaemonSet controller's decisions (decide.ts): which nodes get a pod, the rolling update within
// maxUnavailable / maxSurge, OnDelete, failed pods, and the status counts. No clock: `now` is given.
import { describe, expect, it } from 'vitest';
import type { DaemonSet, Node, Pod } from '../../../src/kube/types.js';
import { daemonTolerations, decideDaemonSet, nodeOfPod, shouldRunOn } from '../../../src/controllers/daemon/decide.js';
import { applyDefaults } from '../../../src/kube/defaults.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const node = (name: string, labels: Record<string, string> = {}, taints: { key: string; effect: string }[] = []): Node =>
  ({ metadata: { name, labels }, spec: { taints } });

function ds(spec: Partial<NonNullable<DaemonSet['spec']>> = {}): DaemonSet {
  return applyDefaults({
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', namespace: 'default', generation: 2 },
    spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'x' }] } }, ...spec },
  }) as DaemonSet;
}

function pod(nodeName: string, hash: string, opts: { ready?: boolean; phase?: string; created?: string } = {}): Pod {
  return {
    metadata: { name: `d-${Math.random().toString(36).slice(2, 7)}`, labels: { app: 'd', 'controller-revision-hash': hash }, creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z' },
    spec: { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] } } } },
    status: { phase: opts.phase ?? 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
  };
}

describe('decideDaemonSet', () => {
  it('one pod per node that should run one; the nodeSelector is matched against node labels', () => {
    const d = ds({ template: { metadata: { labels: { app: 'd' } }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'c' }] } } });
    const r = decideDaemonSet(d, [node('a', { disk: 'ssd' }), node('b')], [], 'h1', NOW);
    expect(r.create).toEqual(['a']);
    expect(r.status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 0, numberMisscheduled: 0, numberUnavailable: 1, observedGeneration: 2 });
  });

  it('a pod on a node that should not run one is deleted and counted misscheduled', () => {
    const d = ds({ template: { metadata: { labels: { app: 'd' } }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'c' }] } } });
    const p = pod('b', 'h1');
    const r = decideDaemonSet(d, [node('b')], [p], 'h1', NOW);
    expect(r.deletePods).toEqual([p]);
    expect(r.status.numberMisscheduled).toBe(1);
  });

  it('taints: NoSchedule needs a toleration; the ones the controller adds are tolerated', () => {
    expect(shouldRunOn(ds(), node('a', {}, [{ key: 'dedicated', effect: 'NoSchedule' }]))).toBe(false);
    expect(shouldRunOn(ds(), node('a', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]))).toBe(true);
    expect(shouldRunOn(ds(), node('a', {}, [{ key: 'dedicated', effect: 'PreferNoSchedule' }]))).toBe(true);
    expect(daemonTolerations([], true).map((t) => t.key)).toContain('node.kubernetes.io/network-unavailable');
  });

  it('rolling update, maxUnavailable 1: one old pod at a time, the next once the new one is available', () => {
    const nodes = [node('a'), node('b')];
    const r = decideDaemonSet(ds(), nodes, [pod('a', 'old'), pod('b', 'old')], 'new', NOW);
    expect(r.deletePods).toHaveLength(1);
    expect(r.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2 });
    expect(r.status.updatedNumberScheduled).toBeUndefined();
    // a not-yet-ready new pod on a: b waits
    const r2 = decideDaemonSet(ds(), nodes, [pod('a', 'new', { ready: false }), pod('b', 'old')], 'new', NOW);
    expect(r2.deletePods).toHaveLength(0);
    expect(r2.status).toMatchObject({ updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 1 });
  });

  it('maxSurge: the new pod starts beside the old one, which goes once the new one is available', () => {
    const surge = ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    const old = pod('a', 'old');
    expect(decideDaemonSet(surge, [node('a')], [old], 'new', NOW)).toMatchObject({ create: ['a'], deletePods: [] });
    expect(decideDaemonSet(surge, [node('a')], [old, pod('a', 'new', { ready: false })], 'new', NOW).deletePods).toEqual([]);
    expect(decideDaemonSet(surge, [node('a')], [old, pod('a', 'new')], 'new', NOW).deletePods).toEqual([old]);
  });

  it('OnDelete: old pods stay until someone deletes them', () => {
    const onDelete = ds({ updateStrategy: { type: 'OnDelete' } });
    expect(decideDaemonSet(onDelete, [node('a')], [pod('a', 'old')], 'new', NOW)).toMatchObject({ create: [], deletePods: [] });
  });

  it('a failed daemon pod is deleted (and replaced next round) with a FailedDaemonPod warning', () => {
    const failed = pod('a', 'h', { phase: 'Failed' });
    const r = decideDaemonSet(ds(), [node('a')], [failed], 'h', NOW);
    expect(r.deletePods).toEqual([failed]);
    expect(r.create).toEqual(['a']);
    expect(r.events[0]).toMatchObject({ type: 'Warning', reason: 'FailedDaemonPod' });
  });

  it('two pods on one node: the oldest stays; minReadySeconds delays availability', () => {
    const a = pod('a', 'h', { created: '2026-01-01T00:00:00Z' });
    const b = pod('a', 'h', { created: '2026-01-01T00:01:00Z' });
    expect(decideDaemonSet(ds(), [node('a')], [b, a], 'h', NOW).deletePods).toEqual([b]);
    const slow = ds({ minReadySeconds: 900 });
    const r = decideDaemonSet(slow, [node('a')], [a], 'h', NOW);
    expect(r.status.numberAvailable).toBeUndefined();
    // "after" is strict: one ms past the 15 minutes
    expect(r.requeueAfter).toBe(300_001);
    expect(nodeOfPod(a)).toBe('a');
  });
});
