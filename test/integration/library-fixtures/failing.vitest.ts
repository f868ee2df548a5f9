// A vitest file whose test fails on purpose with `await using`: disposal must still remove everything.
// Run by library-cleanup.test.ts through its own vitest process (not part of the main test run).
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { startCluster } from 'mini-kube';

test('fails on purpose', async () => {
  await using cluster = await startCluster();
  await cluster.applyFile(fileURLToPath(new URL('./app.yaml', import.meta.url)));
  await cluster.waitForEndpoints('one', 1);
  console.log(`CLUSTER=${cluster.clusterId}`);
  expect(1).toBe(2);
});
