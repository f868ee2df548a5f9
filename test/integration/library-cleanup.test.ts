// A failing test still leaves no container: a node:test file and a vitest file that fail on purpose
// after their cluster runs a pod, each in its own process as a user's CI runs them.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness.js';
import { containersOf, FIXTURES, run } from './library-fixtures/children.js';
import { buildSampleImage } from '../../src/runtime/sample-image.js';

describe('library: a failing test leaves nothing behind', () => {
  it('node --test: the after hook stops the cluster of a failed test', async () => {
    await buildSampleImage();
    const r = await run(['--test', '--test-reporter=spec', path.join(FIXTURES, 'failing.node-test.mjs')]).done;
    const id = r.stdout.match(/CLUSTER=(\w+)/)?.[1];
    expect(id, r.stdout + r.stderr).toBeTruthy();
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('this test fails on purpose');
    expect(await containersOf(id!)).toEqual([]);
  }, 85_000);

  it('vitest: `await using` disposes the cluster of a failed test', async () => {
    await buildSampleImage();
    const vitest = path.join(ROOT, 'node_modules/vitest/vitest.mjs');
    const r = await run([vitest, 'run', '--config', path.join(FIXTURES, 'vitest.config.mjs')]).done;
    const id = r.stdout.match(/CLUSTER=(\w+)/)?.[1];
    expect(id, r.stdout + r.stderr).toBeTruthy();
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/1 failed/);
    expect(await containersOf(id!)).toEqual([]);
  }, 85_000);
});
