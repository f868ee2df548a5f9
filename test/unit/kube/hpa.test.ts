// HorizontalPodAutoscaler defaults and the autoscaling/v1 view of the stored v2 object, both ways.
import { describe, expect, it } from 'vitest';
import { defaultHorizontalPodAutoscaler, hpaFromV1, hpaToV1 } from '../../../src/kube/hpa.js';
import type { HorizontalPodAutoscaler } from '../../../src/kube/types.js';

describe('HPA defaults', () => {
  it('minReplicas 1 and cpu at 80% when nothing is said; a given behavior is filled in', () => {
    const hpa: HorizontalPodAutoscaler = { spec: { maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: 'web' }, behavior: { scaleDown: { stabilizationWindowSeconds: 10 } } } };
    defaultHorizontalPodAutoscaler(hpa);
    expect(hpa.spec!.minReplicas).toBe(1);
    expect(hpa.spec!.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    expect(hpa.spec!.behavior).toEqual({
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 10, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
  });

  it('no behavior stays no behavior', () => {
    const hpa: HorizontalPodAutoscaler = { spec: { maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: 'web' } } };
    defaultHorizontalPodAutoscaler(hpa);
    expect(hpa.spec!.behavior).toBeUndefined();
  });
});

describe('autoscaling/v1 conversion', () => {
  const v2 = {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 10 } },
    },
    status: {
      currentReplicas: 2, desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 70, averageValue: '70m' } } }],
      conditions: [{ type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: 'x' }],
    },
  };

  it('shows the cpu target and current utilization as v1 fields, the rest as annotations', () => {
    const v1 = hpaToV1(v2) as Record<string, any>;
    expect(v1['apiVersion']).toBe('autoscaling/v1');
    expect(v1['spec']).toEqual({ scaleTargetRef: v2.spec.scaleTargetRef, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 });
    expect(v1['status']).toEqual({ currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 70 });
    expect(JSON.parse(v1['metadata'].annotations['autoscaling.alpha.kubernetes.io/metrics'])).toEqual([v2.spec.metrics[1]]);
    expect(JSON.parse(v1['metadata'].annotations['autoscaling.alpha.kubernetes.io/conditions'])).toEqual(v2.status.conditions);
  });

  it('a v1 read-modify-write comes back as the same v2 spec', () => {
    const back = hpaFromV1(hpaToV1(v2) as Record<string, unknown>) as Record<string, any>;
    expect(back['apiVersion']).toBe('autoscaling/v2');
    expect(back['spec']).toEqual(v2.spec);
    expect(back['metadata'].annotations).toBeUndefined();
    expect(back['status']).toBeUndefined();
  });

  it('kubectl autoscale\'s v1 body becomes a v2 cpu Utilization metric', () => {
    const body = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, minReplicas: 1, targetCPUUtilizationPercentage: 50 } };
    expect(hpaFromV1(body)['spec']).toEqual({ scaleTargetRef: body.spec.scaleTargetRef, maxReplicas: 5, minReplicas: 1, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] });
  });
});
