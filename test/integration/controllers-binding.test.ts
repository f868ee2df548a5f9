// One pod binder (docs/decisions/095): the kubelet binds a pod to the node, and nothing else does, so every
// pod a Deployment makes gets spec.nodeName once and exactly one Scheduled event, also after the kubelet
// has synced it many times over (container start, readiness, status writes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Pod } from '../../src/lib/index.js';
import { testCluster, until } from './harness.js';

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: {name: bound-once}
spec:
  replicas: 2
  selector: {matchLabels: {app: bound-once}}
  template:
    metadata: {labels: {app: bound-once}}
    spec:
      containers:
      - name: app
        image: ondalk8s/healthcheck:v1
        imagePullPolicy: IfNotPresent
        readinessProbe: {httpGet: {path: /readiness, port: 8080}, periodSeconds: 1}
`;

describe('controllers: a pod is bound exactly once', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('spec.nodeName is the node and each pod has one Scheduled event', async () => {
    await cluster.apply(MANIFEST);
    await cluster.waitForDeploymentAvailable('bound-once', { timeoutMs: 90_000 });
    const pods = await until('two ready pods', async () => {
      const list = (await cluster.pods('bound-once')).filter((p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return list.length === 2 ? list : undefined;
    });
    for (const pod of pods) {
      expect(pod.spec?.nodeName).toBe('mini-kube');
      const events = await cluster.events({ object: { kind: 'Pod', name: pod.metadata.name } });
      const scheduled = events.filter((e) => e.reason === 'Scheduled');
      expect(scheduled.map((e) => e.message)).toEqual([`Successfully assigned default/${pod.metadata.name} to mini-kube`]);
      expect(scheduled[0]!.count ?? 1).toBe(1);
    }
  }, 120_000);
});
