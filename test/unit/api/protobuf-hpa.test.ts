// HorizontalPodAutoscaler in the protobuf content type: kubectl autoscale sends autoscaling/v1, clients of
// the stored version read autoscaling/v2; both survive the encode/decode round trip, pointer zeros kept
// (stabilizationWindowSeconds: 0 is "scale up at once", not "unset").
import { describe, expect, it } from 'vitest';
import { decodeObject, encodeObject } from '../../../src/api/protobuf/codec.js';

describe('HorizontalPodAutoscaler protobuf', () => {
  it('autoscaling/v1 as kubectl autoscale sends it', () => {
    const v1 = {
      apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 1, desiredReplicas: 2, currentCPUUtilizationPercentage: 90 },
    };
    expect(decodeObject(encodeObject(v1)!)).toEqual(v1);
  });

  it('autoscaling/v2 with metrics, behavior and conditions', () => {
    const v2 = {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
        ],
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] },
          scaleDown: { stabilizationWindowSeconds: 10, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
        },
      },
      status: {
        currentReplicas: 2, desiredReplicas: 3, lastScaleTime: '2026-01-01T00:00:00Z',
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '90m' } } }],
        conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 3' }],
      },
    };
    expect(decodeObject(encodeObject(v2)!)).toEqual(v2);
  });
});
