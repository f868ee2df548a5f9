// The same test for node's own test runner: `node --test examples/node-test/`.
// Node 20 has no `await using` syntax yet, so the cluster is stopped in an `after` hook, which runs
// also when a test fails. (From Node 24: `await using cluster = await startCluster()` inside the test.)
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { startCluster } from 'mini-kube';

/** @type {import('mini-kube').Cluster} */
let cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster?.stop());

test('three ready pods behind the Service', async () => {
  // YAML text works as well as files; so do objects.
  await cluster.apply(await readFile(new URL('../app.yaml', import.meta.url), 'utf8'));
  await cluster.waitForDeploymentAvailable('web');
  await cluster.waitForEndpoints('web', 3);

  const res = await fetch(await cluster.serviceUrl('web'));
  assert.equal(res.status, 200);
  assert.match(await res.text(), /^Hello node! hostname:web-/);
});

test("a pod's log and a command inside it", async () => {
  const [pod] = await cluster.pods('web');
  const out = await cluster.exec(pod.metadata.name, ['cat', '/etc/hostname']);
  assert.equal(out.exitCode, 0);
  assert.equal(out.stdout.trim(), pod.metadata.name);
  assert.equal(typeof (await cluster.logs(pod.metadata.name)), 'string');
});
