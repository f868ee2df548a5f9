// When stop() never runs: a process that exits with its cluster running (process.exit) removes it on
// the way out; a process killed with SIGKILL together with its control plane leaves it, and the next
// startCluster() anywhere reaps it.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCluster } from '../../src/lib/index.js';
import { buildSampleImage } from '../../src/runtime/sample-image.js';
import { containersOf, podContainersOf, FIXTURES, lineFrom, run } from './library-fixtures/children.js';

describe('library: safety nets', () => {
  it('process.exit() with a running cluster removes its containers', async () => {
    await buildSampleImage();
    const c = run([path.join(FIXTURES, 'abandon.mjs')], { env: { MODE: 'exit' } });
    const id = (await lineFrom(c, /CLUSTER=(\w+)/))[1]!;
    const r = await c.done;
    expect(r.code).toBe(3);
    expect(await containersOf(id)).toEqual([]);
  }, 85_000);

  it('a cluster whose test process and control-plane process were both SIGKILLed is reaped by the next startCluster()', async () => {
    await buildSampleImage();
    // its own process group: the kill takes the test process and the control plane it forked together,
    // so nothing runs on the way out (a lone SIGKILLed test process: library-off-loop.test.ts)
    const c = run([path.join(FIXTURES, 'abandon.mjs')], { env: { MODE: 'hang' }, detached: true });
    try {
      const id = (await lineFrom(c, /CLUSTER=(\w+)/))[1]!;
      expect((await podContainersOf(id)).length).toBe(2); // the pod's container and its sandbox
      process.kill(-c.child.pid!, 'SIGKILL');
      await c.done;
      expect((await podContainersOf(id)).length).toBe(2); // nothing ran on the way out

      // The reaping runs in the background of this start; stop() waits for it.
      const next = await startCluster();
      await next.stop();
      expect(await containersOf(id)).toEqual([]);
    } finally {
      // a failed expectation above must not leave the hanging child (and its cluster) behind
      if (c.child.exitCode === null && c.child.signalCode === null) {
        try { process.kill(-c.child.pid!, 'SIGKILL'); } catch { /* gone */ }
        await c.done;
        await (await startCluster()).stop(); // reaps the cluster it left
      }
    }
  }, 85_000);
});
