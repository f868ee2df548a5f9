// The HPA's normalization (horizontal.go): stabilization windows over recent recommendations, the
// behavior's rate policies, min/max and the legacy (no behavior) rules; the clock is passed in.
import { describe, expect, it } from 'vitest';
import { newHistory, normalize, recordScale, scaleDownLimit, scaleUpLimit, type ScalingHistory } from '../../../src/controllers/podautoscaler/behavior.js';
import { defaultScaleDownRules, defaultScaleUpRules } from '../../../src/kube/hpa.js';

const T0 = 1_000_000;
const s = (n: number) => T0 + n * 1000;

function history(entries: [number, number][]): ScalingHistory {
  return { recommendations: entries.map(([replicas, at]) => ({ replicas, at: s(at) })), scaleUpEvents: [], scaleDownEvents: [] };
}

describe('normalize with a behavior', () => {
  const behavior = { scaleUp: defaultScaleUpRules(undefined), scaleDown: defaultScaleDownRules(undefined) };
  const base = { minReplicas: 1, maxReplicas: 10, behavior };

  it('scales up at once (no up window by default)', () => {
    const h = history([[2, 0]]);
    expect(normalize(h, { ...base, current: 2, desired: 5, now: s(15) })).toMatchObject({ replicas: 5, ableReason: 'ReadyForNewScale', limited: false, limitReason: 'DesiredWithinRange' });
  });

  it('holds a scale down for the 300 s window: the highest recent recommendation wins', () => {
    const h = history([[5, 0], [4, 100]]);
    const n = normalize(h, { ...base, current: 5, desired: 2, now: s(200) });
    expect(n).toMatchObject({ replicas: 5, ableReason: 'ScaleDownStabilized', ableMessage: 'recent recommendations were higher than current one, applying the highest recent recommendation' });
    // once every higher recommendation is older than the window, it goes down
    expect(normalize(h, { ...base, current: 5, desired: 2, now: s(520) }).replicas).toBe(2);
  });

  it('a short scaleDown window lets it go down soon after', () => {
    const short = { ...base, behavior: { ...behavior, scaleDown: defaultScaleDownRules({ stabilizationWindowSeconds: 10 }) } };
    const h = history([[4, 0]]);
    expect(normalize(h, { ...short, current: 4, desired: 1, now: s(5) }).replicas).toBe(4);
    expect(normalize(h, { ...short, current: 4, desired: 1, now: s(20) }).replicas).toBe(1);
  });

  it('an up window takes the lowest recent recommendation', () => {
    const up = { ...base, behavior: { ...behavior, scaleUp: defaultScaleUpRules({ stabilizationWindowSeconds: 60 }) } };
    const h = history([[3, 0]]);
    expect(normalize(h, { ...up, current: 2, desired: 6, now: s(30) })).toMatchObject({ replicas: 3, ableReason: 'ScaleUpStabilized' });
  });

  it('limits a scale up to max(4 pods, 100%) per 15 s', () => {
    const h = newHistory(1, s(0));
    expect(normalize(h, { ...base, maxReplicas: 50, current: 1, desired: 20, now: s(1) })).toMatchObject({ replicas: 5, limited: true, limitReason: 'ScaleUpLimit' });
    recordScale(h, behavior, 1, 5, s(1));
    // within the same period the start was 1: still 5 at most
    expect(normalize(h, { ...base, maxReplicas: 50, current: 5, desired: 20, now: s(10) }).replicas).toBe(5);
    // a period later: max(5 + 4, 5 * 2) = 10
    expect(normalize(h, { ...base, maxReplicas: 50, current: 5, desired: 20, now: s(20) }).replicas).toBe(10);
  });

  it('clamps to maxReplicas and minReplicas with their reasons', () => {
    expect(normalize(history([]), { ...base, maxReplicas: 3, current: 2, desired: 4, now: s(0) })).toMatchObject({ replicas: 3, limited: true, limitReason: 'TooManyReplicas', limitMessage: 'the desired replica count is more than the maximum replica count' });
    const noWindow = { ...base, minReplicas: 2, behavior: { ...behavior, scaleDown: defaultScaleDownRules({ stabilizationWindowSeconds: 0 }) } };
    expect(normalize(history([]), { ...noWindow, current: 4, desired: 1, now: s(0) })).toMatchObject({ replicas: 2, limitReason: 'TooFewReplicas' });
  });

  it('selectPolicy Disabled never scales that way', () => {
    const off = { ...base, behavior: { ...behavior, scaleUp: defaultScaleUpRules({ selectPolicy: 'Disabled' }) } };
    expect(normalize(history([]), { ...off, current: 2, desired: 6, now: s(0) }).replicas).toBe(2);
  });
});

describe('rate limits', () => {
  it('Min picks the smallest change, Max the largest', () => {
    const policies = [{ type: 'Pods', value: 1, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }];
    expect(scaleUpLimit(10, [], [], { selectPolicy: 'Max', policies }, s(0))).toBe(15);
    expect(scaleUpLimit(10, [], [], { selectPolicy: 'Min', policies }, s(0))).toBe(11);
    expect(scaleDownLimit(10, [], [], { selectPolicy: 'Max', policies }, s(0))).toBe(5);
    expect(scaleDownLimit(10, [], [], { selectPolicy: 'Min', policies }, s(0))).toBe(9);
  });

  it('counts the changes of the period from its start', () => {
    const policies = [{ type: 'Pods', value: 2, periodSeconds: 60 }];
    // scaled down by 3 thirty seconds ago: the period started at 8, so at most 6
    expect(scaleDownLimit(5, [], [{ change: 3, at: s(30) }], { selectPolicy: 'Max', policies }, s(60))).toBe(6);
    // and the event no longer counts once the period is over
    expect(scaleDownLimit(5, [], [{ change: 3, at: s(30) }], { selectPolicy: 'Max', policies }, s(100))).toBe(3);
  });
});

describe('normalize without a behavior (the legacy rules)', () => {
  const base = { minReplicas: 1, maxReplicas: 20 };

  it('keeps the highest recommendation of the last 5 minutes', () => {
    const h = history([[6, 0]]);
    expect(normalize(h, { ...base, current: 6, desired: 2, now: s(100) })).toMatchObject({ replicas: 6, ableReason: 'ScaleDownStabilized' });
    expect(normalize(h, { ...base, current: 6, desired: 2, now: s(401) }).replicas).toBe(2);
  });

  it('scales up at most to max(2x, 4)', () => {
    expect(normalize(history([]), { ...base, current: 1, desired: 10, now: s(0) })).toMatchObject({ replicas: 4, limitReason: 'ScaleUpLimit' });
    expect(normalize(history([]), { ...base, current: 3, desired: 10, now: s(0) }).replicas).toBe(6);
  });
});
