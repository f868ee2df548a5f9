// The daemon's opt-in memory log: silent by default, a sample at once, and a figure taken after a full GC
// on SIGUSR2 (what the soak compares, scripts/soak.mjs).
import { afterEach, describe, expect, it } from 'vitest';
import { startMemoryLog } from '../../../src/control-plane/memory-log.js';

const parse = (line: string) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, number>;

describe('memory log (MINI_KUBE_MEMLOG)', () => {
  let stop = () => {};
  const before = process.listeners('SIGUSR2').length;
  afterEach(() => stop());

  it('does nothing when not asked for', () => {
    const lines: string[] = [];
    stop = startMemoryLog((l) => lines.push(l), {});
    expect(lines).toEqual([]);
    expect(process.listeners('SIGUSR2')).toHaveLength(before);
  });

  it('logs a sample at once and one after a full GC on SIGUSR2', async () => {
    const lines: string[] = [];
    stop = startMemoryLog((l) => lines.push(l), { MINI_KUBE_MEMLOG: '10' });
    expect(lines[0]).toMatch(/^memory sample \{/);
    const sample = parse(lines[0]!);
    expect(sample.rssMb).toBeGreaterThan(sample.heapUsedMb!);
    expect(sample.heapTotalMb).toBeGreaterThanOrEqual(sample.heapUsedMb!);

    // garbage that only a GC takes away: the after-GC figure must be below the heap holding it
    const withGarbage = (() => {
      const garbage = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `x${i}` }));
      expect(garbage).toHaveLength(200_000);
      return process.memoryUsage().heapUsed / 1024 / 1024; // garbage is unreachable once this returns
    })();
    process.kill(process.pid, 'SIGUSR2');
    const deadline = Date.now() + 10_000;
    while (!lines.some((l) => l.startsWith('memory after-gc')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const after = lines.find((l) => l.startsWith('memory after-gc'));
    expect(after).toBeDefined();
    expect(parse(after!).heapUsedMb).toBeLessThan(withGarbage - 5);

    stop();
    expect(process.listeners('SIGUSR2')).toHaveLength(before);
  });
});
