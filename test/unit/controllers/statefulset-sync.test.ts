// One round of the StatefulSet controller, decided (controllers/statefulset/sync.ts): order, readiness
// gates, scale-down from the top, the rolling update from the highest ordinal down to the partition.
import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '../../../src/kube/types.js';
import { decide, type SyncInput } from '../../../src/controllers/statefulset/sync.js';

const sts = (spec: Partial<NonNullable<StatefulSet['spec']>> = {}): StatefulSet => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, serviceName: 'web', template: {}, podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, ...spec },
});
const pod = (ordinal: number, state: 'ready' | 'starting' | 'failed' | 'terminating' = 'ready', revision = 'r1'): Pod => ({
  metadata: { name: `web-${ordinal}`, labels: { 'controller-revision-hash': revision }, ...(state === 'terminating' ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  status: {
    phase: state === 'failed' ? 'Failed' : state === 'starting' ? 'Pending' : 'Running',
    conditions: [{ type: 'Ready', status: state === 'ready' || state === 'terminating' ? 'True' : 'False' }],
  },
});
const input = (set: StatefulSet, pods: Pod[], update = 'r1'): SyncInput => ({
  sts: set, pods: new Map(pods.map((p) => [Number(p.metadata!.name!.split('-')[1]), p])), currentRevision: 'r1', updateRevision: update, now: Date.now(),
});

describe('decide', () => {
  it('OrderedReady: creates the lowest missing ordinal and waits for each pod to be Running and Ready', () => {
    expect(decide(input(sts(), []))).toEqual([{ type: 'create', ordinal: 0, revision: 'r1' }]);
    expect(decide(input(sts(), [pod(0, 'starting')]))).toEqual([]);
    expect(decide(input(sts(), [pod(0)]))).toEqual([{ type: 'create', ordinal: 1, revision: 'r1' }]);
  });

  it('Parallel: creates every missing pod at once', () => {
    expect(decide(input(sts({ podManagementPolicy: 'Parallel' }), [pod(1, 'starting')])).map((a) => a.type === 'create' && a.ordinal)).toEqual([0, 2]);
  });

  it('scales down from the highest ordinal, one at a time, only while the others are healthy', () => {
    const pods = [pod(0), pod(1), pod(2), pod(3), pod(4)];
    expect(decide(input(sts({ replicas: 2 }), pods))).toEqual([{ type: 'delete', ordinal: 4, reason: 'condemned' }]);
    expect(decide(input(sts({ replicas: 2 }), [pod(0), pod(1), pod(2), pod(3, 'terminating')]))).toEqual([]);
    expect(decide(input(sts({ replicas: 2 }), [pod(0, 'starting'), pod(1), pod(2)]))).toEqual([]);
    expect(decide(input(sts({ replicas: 2, podManagementPolicy: 'Parallel' }), pods)).map((a) => a.ordinal)).toEqual([4, 3, 2]);
  });

  it('a failed pod is deleted to be made again', () => {
    expect(decide(input(sts(), [pod(0), pod(1, 'failed'), pod(2)]))).toEqual([{ type: 'delete', ordinal: 1, reason: 'failed' }]);
  });

  it('rolling update: the highest pod not at the update revision, down to the partition; new pods below it get the current revision', () => {
    const all = [pod(0), pod(1), pod(2)];
    expect(decide(input(sts(), all, 'r2'))).toEqual([{ type: 'delete', ordinal: 2, reason: 'update' }]);
    expect(decide(input(sts(), [pod(0), pod(1), pod(2, 'starting', 'r2')], 'r2'))).toEqual([]);
    expect(decide(input(sts(), [pod(0), pod(1), pod(2, 'ready', 'r2')], 'r2'))).toEqual([{ type: 'delete', ordinal: 1, reason: 'update' }]);
    const partitioned = sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    expect(decide(input(partitioned, [pod(0), pod(1), pod(2, 'ready', 'r2')], 'r2'))).toEqual([]);
    expect(decide(input(partitioned, [pod(1), pod(2, 'ready', 'r2')], 'r2'))).toEqual([{ type: 'create', ordinal: 0, revision: 'r1' }]);
    expect(decide(input(sts({ updateStrategy: { type: 'OnDelete' } }), all, 'r2'))).toEqual([]);
  });
});
