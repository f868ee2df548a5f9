import { describe, expect, it } from 'vitest';
import { jsonSizeWithin } from '../../../src/kube/json-size.js';

describe('jsonSizeWithin', () => {
  it('measures what JSON.stringify writes for plain ASCII values', () => {
    for (const v of [{}, [], { a: 1, b: [true, null, 'x'], c: { d: 'e' } }, [1, [2, [3]]], 'text', 12.5]) {
      expect(jsonSizeWithin(v, 1e6)).toBe(JSON.stringify(v).length);
    }
  });

  it('counts a shared node every time it appears (as YAML aliases expand) and stops at the limit at once', () => {
    const big = Array.from({ length: 40_000 }, () => 'x'.repeat(60));
    const bomb = { spec: { containers: Array.from({ length: 100 }, () => ({ args: big })) } };
    const started = performance.now();
    expect(jsonSizeWithin(bomb, 3 * 1024 * 1024)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(200);
    expect(jsonSizeWithin({ spec: { args: big } }, 3 * 1024 * 1024)).toBe(JSON.stringify({ spec: { args: big } }).length);
  });
});
