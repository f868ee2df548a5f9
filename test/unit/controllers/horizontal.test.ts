// One reconcile of the HPA controller over an in-memory store, a fake resource metrics API and a fixed
// clock: what it writes to the target's scale, its status and conditions, and its events, in the
// controller's words.
import { describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/store.js';
import { HorizontalController } from '../../../src/controllers/podautoscaler/horizontal.js';
import type { Event, HorizontalPodAutoscaler, Pod } from '../../../src/kube/types.js';
import type { MetricsReader, PodMetricsPoint } from '../../../src/metrics/types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const LONG_AGO = new Date(NOW - 600_000).toISOString();

function setup(kind: 'Deployment' | 'ReplicaSet', usageMilli: number[], opts: { cpuRequest?: boolean; replicas?: number } = {}) {
  const store = new Store();
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const apiVersion = 'apps/v1';
  store.create({ apiVersion, kind, metadata: { name: 'web', namespace: 'default' }, spec: { replicas: opts.replicas ?? usageMilli.length, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } });
  const points: PodMetricsPoint[] = [];
  usageMilli.forEach((u, i) => {
    const pod = store.create<Pod>({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${i}`, namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'x', ...(opts.cpuRequest === false ? {} : { resources: { requests: { cpu: '100m' } } }) }] },
      status: { phase: 'Running', startTime: LONG_AGO, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: LONG_AGO }] },
    });
    points.push({ namespace: 'default', name: `web-${i}`, uid: pod.metadata.uid, timestamp: NOW - 1000, windowMs: 15_000, containers: [{ name: 'c', usage: { cpuNanoCores: u * 1e6, memoryBytes: 1 << 20 } }] });
  });
  const metrics: MetricsReader = { podMetrics: async () => points, nodeMetrics: async () => [] };
  store.create({
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion, kind, name: 'web' }, minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
  });
  const controller = new HorizontalController(store, metrics, { now: () => NOW });
  const hpa = () => store.get<HorizontalPodAutoscaler>('HorizontalPodAutoscaler', 'default', 'web')!;
  // sorted: events are named randomly, so the store lists them in no particular order
  const events = () => store.list<Event>('Event', 'default').map((e) => `${e.type} ${e.reason}: ${e.message}`).sort();
  const condition = (type: string) => hpa().status?.conditions?.find((c) => c.type === type);
  return { store, controller, hpa, events, condition };
}

describe('HorizontalController.reconcile', () => {
  it('scales a Deployment up through its scale and says why', async () => {
    const t = setup('Deployment', [90, 90]);
    await t.controller.reconcile('default/web', 'default', 'web');
    expect(t.store.get('Deployment', 'default', 'web')!['spec']).toMatchObject({ replicas: 4 });
    expect(t.events()).toEqual(['Normal SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) above target']);
    expect(t.hpa().status).toMatchObject({
      currentReplicas: 2, desiredReplicas: 4, lastScaleTime: '2026-01-01T12:00:00Z',
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '90m' } } }],
    });
    expect(t.condition('AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 4' });
    expect(t.condition('ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' });
    expect(t.condition('ScalingLimited')).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
  });

  it('scales a ReplicaSet the same way (any kind with a scale)', async () => {
    const t = setup('ReplicaSet', [100]);
    await t.controller.reconcile('default/web', 'default', 'web');
    expect(t.store.get('ReplicaSet', 'default', 'web')!['spec']).toMatchObject({ replicas: 2 });
  });

  it('keeps the count within the tolerance, without an event', async () => {
    const t = setup('Deployment', [52, 52]);
    await t.controller.reconcile('default/web', 'default', 'web');
    expect(t.store.get('Deployment', 'default', 'web')!['spec']).toMatchObject({ replicas: 2 });
    expect(t.events()).toEqual([]);
    expect(t.hpa().status).toMatchObject({ currentReplicas: 2, desiredReplicas: 2 });
  });

  it('pods without a cpu request: FailedGetResourceMetric, ScalingActive False, no rescale', async () => {
    const t = setup('Deployment', [90], { cpuRequest: false });
    await t.controller.reconcile('default/web', 'default', 'web');
    expect(t.store.get('Deployment', 'default', 'web')!['spec']).toMatchObject({ replicas: 1 });
    expect(t.events()).toEqual([
      'Warning FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: missing request for cpu in container c of Pod web-0',
      'Warning FailedGetResourceMetric: failed to get cpu utilization: missing request for cpu in container c of Pod web-0',
    ]);
    expect(t.condition('ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container c of Pod web-0' });
  });

  it('a missing target: FailedGetScale', async () => {
    const t = setup('Deployment', [90]);
    t.store.delete('Deployment', 'default', 'web');
    await t.controller.reconcile('default/web', 'default', 'web');
    expect(t.events()).toEqual(['Warning FailedGetScale: deployments.apps "web" not found']);
    expect(t.condition('AbleToScale')).toMatchObject({ status: 'False', reason: 'FailedGetScale', message: 'the HPA controller was unable to get the target\'s current scale: deployments.apps "web" not found' });
  });

  it('a target scaled to zero is left alone', async () => {
    const t = setup('Deployment', [90], { replicas: 0 });
    await t.controller.reconcile('default/web', 'default', 'web');
    expect(t.store.get('Deployment', 'default', 'web')!['spec']).toMatchObject({ replicas: 0 });
    expect(t.condition('ScalingActive')).toMatchObject({ status: 'False', reason: 'ScalingDisabled' });
  });

  it('above maxReplicas it scales down to the maximum with the controller\'s reason', async () => {
    const t = setup('Deployment', [10], { replicas: 12 });
    await t.controller.reconcile('default/web', 'default', 'web');
    expect(t.store.get('Deployment', 'default', 'web')!['spec']).toMatchObject({ replicas: 10 });
    expect(t.events()).toEqual(['Normal SuccessfulRescale: New size: 10; reason: Current number of replicas above Spec.MaxReplicas']);
  });
});
