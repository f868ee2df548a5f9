// docs/library.md's node:test example runs as written, in its own `node --test` process, importing the
// package by its name (`mini-kube` resolves to this checkout's dist/ through package.json "exports").
// (The vitest example, examples/vitest, is part of the main test run itself: vitest.config.ts.)
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './harness.js';
import { buildSampleImage } from '../../src/runtime/sample-image.js';
import { run } from './library-fixtures/children.js';

it('examples/node-test passes under node --test', async () => {
  await buildSampleImage();
  const r = await run(['--test', '--test-reporter=tap', path.join(ROOT, 'examples/node-test/app.test.mjs')]).done;
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^# pass 2$/m);
  expect(r.stdout).toMatch(/^# fail 0$/m);
}, 85_000);
