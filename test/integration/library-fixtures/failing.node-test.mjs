// A node:test file whose test fails on purpose after its cluster is running; the after hook must still
// remove every container. Prints the cluster id so the parent can look for leftovers.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startCluster } from 'mini-kube';

let cluster;
after(() => cluster?.stop());

test('fails on purpose', async () => {
  cluster = await startCluster();
  await cluster.applyFile(new URL('./app.yaml', import.meta.url).pathname);
  await cluster.waitForEndpoints('one', 1);
  console.log(`CLUSTER=${cluster.clusterId}`);
  assert.equal(1, 2, 'this test fails on purpose');
});
