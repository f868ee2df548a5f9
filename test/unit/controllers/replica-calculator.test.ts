// The HPA's replica calculator, table-tested on the cases of replica_calculator_test.go: tolerance,
// missing and unready pods on the way up and down, requests, AverageValue targets.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/kube/types.js';
import { averageValueReplicas, groupPods, resourceReplicas, type PodMetric } from '../../../src/controllers/podautoscaler/replica-calculator.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const LONG_AGO = new Date(NOW - 10 * 60_000).toISOString();

function pod(name: string, opts: { cpu?: string | null; phase?: string; ready?: boolean; startedAgoMs?: number; readySinceMs?: number; deleting?: boolean } = {}): Pod {
  const started = new Date(NOW - (opts.startedAgoMs ?? 10 * 60_000)).toISOString();
  return {
    metadata: { name, namespace: 'default', ...(opts.deleting ? { deletionTimestamp: LONG_AGO } : {}) },
    spec: { containers: [{ name: 'c', image: 'x', ...(opts.cpu === null ? {} : { resources: { requests: { cpu: opts.cpu ?? '100m', memory: '100Mi' } } }) }] },
    status: {
      phase: opts.phase ?? 'Running',
      startTime: started,
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: new Date(NOW - (opts.readySinceMs ?? 9 * 60_000)).toISOString() }],
    },
  };
}

const m = (value: number, agoMs = 1000): PodMetric => ({ value, timestamp: NOW - agoMs, windowMs: 15_000 });

function calc(pods: Pod[], metrics: Record<string, number>, target: number, current = pods.length) {
  return resourceReplicas({ currentReplicas: current, pods, metrics: new Map(Object.entries(metrics).map(([k, v]) => [k, m(v)])), resource: 'cpu', now: NOW }, target);
}

describe('resourceReplicas (Utilization)', () => {
  it.each([
    // [case, usages (millicores, request 100m each), target %, expected replicas, expected utilization]
    ['scale up: 3 pods at 90% for a 50% target', [90, 90, 90], 50, 6, 90],
    ['scale down: 4 pods at 20% for 50%', [20, 20, 20, 20], 50, 2, 20],
    ['within the tolerance (54% of 50% is a ratio of 1.08)', [54, 54], 50, 2, 54],
    ['just outside the tolerance (56%/50% = 1.12)', [56, 56], 50, 3, 56],
    ['integer percent as Go computes it: 299m of 300m is 99%', [100, 100, 99], 100, 3, 99],
  ] as const)('%s', (_name, usages, target, replicas, utilization) => {
    const pods = usages.map((_, i) => pod(`p${i}`));
    const metrics = Object.fromEntries(usages.map((u, i) => [`p${i}`, u]));
    const p = calc(pods, metrics, target);
    expect(p.replicas).toBe(replicas);
    expect(p.utilization).toBe(utilization);
  });

  it('reports the raw average usage per pod', () => {
    expect(calc([pod('a'), pod('b')], { a: 150, b: 50 }, 50).rawAverage).toBe(100);
  });

  it('a pod without a cpu request fails with the controller\'s message', () => {
    expect(() => calc([pod('a', { cpu: null })], { a: 10 }, 50)).toThrow('missing request for cpu in container c of Pod a');
  });

  it('no pods, and no metrics for any ready pod, are errors', () => {
    expect(() => calc([], {}, 50)).toThrow('no pods returned by selector while calculating replica count');
    expect(() => calc([pod('a', { phase: 'Pending' })], { a: 10 }, 50)).toThrow('did not receive metrics for targeted pods (pods might be unready)');
  });

  it('scale up: a missing pod counts as 0%, so 2 at 100% + 1 missing for 50% gives 4', () => {
    // ratio 2 -> with the missing pod at 0: 200/300 = 66% -> ratio 1.33 -> ceil(1.33 * 3) = 4
    expect(calc([pod('a'), pod('b'), pod('c')], { a: 100, b: 100 }, 50).replicas).toBe(4);
  });

  it('scale down: a missing pod counts as 100% of its request', () => {
    // 2 pods at 10% for 50% would be 1 replica; the third, missing, at 100%: 120/300 = 40% -> ceil(0.8*3) = 3
    expect(calc([pod('a'), pod('b'), pod('c')], { a: 10, b: 10 }, 50).replicas).toBe(3);
  });

  it('missing pods never reverse the direction', () => {
    // 2 at 60% for 50% (ratio 1.2, up); with a missing pod at 0: 40% -> down: no change
    expect(calc([pod('a'), pod('b'), pod('c')], { a: 60, b: 60 }, 50).replicas).toBe(3);
  });

  it('scale up with unready pods: they count as 0%', () => {
    // a and b at 100% (ratio 2); c not ready: 200/300 = 66% -> ceil(1.33*3) = 4
    const pods = [pod('a'), pod('b'), pod('c', { ready: false, startedAgoMs: 60_000, readySinceMs: 60_000 })];
    expect(calc(pods, { a: 100, b: 100, c: 100 }, 50).replicas).toBe(4);
  });

  it('unready pods are left out on a scale down', () => {
    const pods = [pod('a'), pod('b'), pod('c', { phase: 'Pending' })];
    expect(calc(pods, { a: 10, b: 10 }, 50, 3).replicas).toBe(1);
  });

  it('deleted and failed pods are ignored', () => {
    const pods = [pod('a'), pod('b', { deleting: true }), pod('c', { phase: 'Failed' })];
    expect(calc(pods, { a: 100, b: 0, c: 0 }, 50, 1).replicas).toBe(2);
  });
});

describe('groupPods: cpu samples of starting pods', () => {
  it('a pod in its initialization period counts once a whole window passed since it became ready', () => {
    const fresh = pod('a', { startedAgoMs: 20_000, readySinceMs: 10_000 });
    // the sample ends 1 s ago; ready 10 s ago; window 15 s: the sample began before readiness
    expect(groupPods([fresh], new Map([['a', m(50)]]), 'cpu', NOW).unready).toEqual(['a']);
    const settled = pod('a', { startedAgoMs: 60_000, readySinceMs: 30_000 });
    expect(groupPods([settled], new Map([['a', m(50)]]), 'cpu', NOW).ready).toBe(1);
  });

  it('memory ignores readiness', () => {
    const notReady = pod('a', { ready: false, startedAgoMs: 20_000, readySinceMs: 10_000 });
    expect(groupPods([notReady], new Map([['a', m(50)]]), 'memory', NOW).ready).toBe(1);
  });
});

describe('averageValueReplicas (AverageValue)', () => {
  const metrics = (values: number[]) => new Map(values.map((v, i) => [`p${i}`, m(v)]));
  const pods = (n: number) => Array.from({ length: n }, (_, i) => pod(`p${i}`));

  it('scales on the average per pod against the target', () => {
    // 2 pods averaging 300m for a 100m target: ceil(3 * 2) = 6
    expect(averageValueReplicas({ currentReplicas: 2, pods: pods(2), metrics: metrics([300, 300]), resource: 'cpu', now: NOW }, 100)).toMatchObject({ replicas: 6, rawAverage: 300 });
  });

  it('keeps the count within the tolerance', () => {
    expect(averageValueReplicas({ currentReplicas: 2, pods: pods(2), metrics: metrics([105, 105]), resource: 'memory', now: NOW }, 100).replicas).toBe(2);
  });

  it('on a scale down a missing pod counts as using the target', () => {
    // 2 of 3 report 10 for a target of 100: (10+10+100)/3 = 40 -> ceil(0.4 * 3) = 2
    expect(averageValueReplicas({ currentReplicas: 3, pods: pods(3), metrics: metrics([10, 10]), resource: 'memory', now: NOW }, 100).replicas).toBe(2);
  });
});
