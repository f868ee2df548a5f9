// PodDisruptionBudget arithmetic: desired healthy pods and allowed disruptions per spec form.
import { describe, expect, it } from 'vitest';
import { pdbCounts, pdbSelects } from '../../../src/kube/disruption.js';
import type { Pod, PodDisruptionBudget } from '../../../src/kube/types.js';

const pods = (ready: number, notReady = 0): Pod[] => [
  ...Array.from({ length: ready }, (_, i): Pod => ({ metadata: { name: `r${i}`, namespace: 'default', labels: { app: 'a' } }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } })),
  ...Array.from({ length: notReady }, (_, i): Pod => ({ metadata: { name: `n${i}`, namespace: 'default', labels: { app: 'a' } }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } })),
];
const pdb = (spec: PodDisruptionBudget['spec']): PodDisruptionBudget => ({ metadata: { name: 'b', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'a' } }, ...spec } });

describe('pdbCounts', () => {
  const cases: [string, PodDisruptionBudget, Pod[], number | undefined, { expectedPods: number; currentHealthy: number; desiredHealthy: number; disruptionsAllowed: number }][] = [
    ['minAvailable 2 of 3 ready', pdb({ minAvailable: 2 }), pods(3), undefined, { expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 }],
    ['minAvailable 2 of 2 ready', pdb({ minAvailable: 2 }), pods(2, 1), undefined, { expectedPods: 3, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 }],
    ['minAvailable 50% of 4 replicas rounds up', pdb({ minAvailable: '50%' }), pods(3), 5, { expectedPods: 5, currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 }],
    ['maxUnavailable 1 of 4 replicas', pdb({ maxUnavailable: 1 }), pods(4), 4, { expectedPods: 4, currentHealthy: 4, desiredHealthy: 3, disruptionsAllowed: 1 }],
    ['maxUnavailable 1 with one already down', pdb({ maxUnavailable: 1 }), pods(3, 1), 4, { expectedPods: 4, currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 }],
  ];
  for (const [name, b, list, scale, want] of cases) it(name, () => expect(pdbCounts(b, list, scale)).toEqual(want));

  it('selects by label in its own namespace; no selector selects nothing', () => {
    const p = pods(1)[0]!;
    expect(pdbSelects(pdb({}), p)).toBe(true);
    expect(pdbSelects({ metadata: { name: 'b', namespace: 'other' }, spec: { selector: { matchLabels: { app: 'a' } } } }, p)).toBe(false);
    expect(pdbSelects({ metadata: { name: 'b', namespace: 'default' }, spec: {} }, p)).toBe(false);
  });
});
