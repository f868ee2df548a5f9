// HorizontalPodAutoscaler admission: the apiserver's validation wording, mini-kube's refusals of what it
// does not implement, autoscaling/v1 bodies converted, and the table's TARGETS cell.
import { describe, expect, it } from 'vitest';
import { admit } from '../../../src/manifests/index.js';
import { StatusError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/store/store.js';
import { formatHpaMetrics } from '../../../src/printers/hpa.js';

const hpa = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, ...spec },
});

function causes(obj: KubeObject): string[] {
  try {
    admit(obj);
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    return ((e as StatusError).details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
  }
  throw new Error('accepted');
}

describe('HorizontalPodAutoscaler admission', () => {
  it('accepts and defaults a plain one', () => {
    const { object } = admit(hpa({}));
    expect((object['spec'] as Record<string, unknown>)['minReplicas']).toBe(1);
    expect(object.metadata?.namespace).toBe('default');
  });

  it('refuses maxReplicas below minReplicas and a zero minReplicas, as the apiserver words it', () => {
    expect(causes(hpa({ minReplicas: 3, maxReplicas: 2 }))).toContain('spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`');
    expect(causes(hpa({ minReplicas: 0 }))).toContain('spec.minReplicas: Invalid value: 0: must be greater than or equal to 1');
  });

  it('refuses metric sources mini-kube does not implement, naming the field', () => {
    const c = causes(hpa({ metrics: [{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } }] }));
    expect(c.join('\n')).toMatch(/^spec\.metrics\[0\]\.pods: Forbidden: mini-kube does not implement Pods metrics/);
    expect(causes(hpa({ metrics: [{ type: 'Resource', resource: { name: 'ephemeral-storage', target: { type: 'Utilization', averageUtilization: 50 } } }] })).join('\n'))
      .toContain('spec.metrics[0].resource.name: Unsupported value: "ephemeral-storage"');
  });

  it('refuses a Value target on a Resource metric and bad policies', () => {
    expect(causes(hpa({ metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Value', value: '1' } } }] })))
      .toContain('spec.metrics[0].resource.target.type: Invalid value: "Value": must be either Utilization or AverageValue');
    expect(causes(hpa({ behavior: { scaleDown: { policies: [{ type: 'Pods', value: 0, periodSeconds: 2000 }] } } })).join('\n'))
      .toContain('spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to 1800');
  });

  it('reads an autoscaling/v1 body as the v2 object it stands for', () => {
    const { object } = admit({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 4, targetCPUUtilizationPercentage: 60 } });
    expect(object.apiVersion).toBe('autoscaling/v2');
    expect((object['spec'] as any).metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
  });
});

describe('TARGETS (formatHPAMetrics)', () => {
  const cpu50 = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } };
  const mem = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } };
  it('prints current/target per metric, <unknown> before the first reading, at most two', () => {
    expect(formatHpaMetrics([cpu50], undefined)).toBe('cpu: <unknown>/50%');
    expect(formatHpaMetrics([cpu50], [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }])).toBe('cpu: 12%/50%');
    expect(formatHpaMetrics([cpu50, mem], [{ type: '' }, { type: 'Resource', resource: { name: 'memory', current: { averageValue: '20Mi' } } }])).toBe('cpu: <unknown>/50%, memory: 20Mi/100Mi');
    expect(formatHpaMetrics([cpu50, mem, cpu50], undefined)).toBe('cpu: <unknown>/50%, memory: <unknown>/100Mi + 1 more...');
    expect(formatHpaMetrics([], undefined)).toBe('<none>');
  });
});
