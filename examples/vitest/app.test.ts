// A vitest integration test against a real (small) cluster: `npx vitest run examples/vitest`.
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { startCluster } from 'mini-kube';

const manifest = fileURLToPath(new URL('../app.yaml', import.meta.url));

test('the Service balances over ready pods only', async () => {
  await using cluster = await startCluster(); // stopped, containers removed, also if the test fails
  await cluster.applyFile(manifest);
  await cluster.waitForEndpoints('web', 3);

  const url = await cluster.serviceUrl('web');
  expect(await hit(url)).toMatch(/^Hello node! hostname:web-/);

  // Make one pod fail its readiness probe: it leaves the Service, the others keep serving.
  const [pod] = await cluster.pods('web');
  const name = pod!.metadata.name;
  const rm = await cluster.exec(name, ['rm', '/tmp/healthcheck']);
  expect(rm.exitCode).toBe(0);
  await cluster.waitForPodReady(name, { ready: false, timeoutMs: 10_000 });
  await cluster.waitForEndpoints('web', 2);

  const events = await cluster.events({ object: name });
  expect(events.map((e) => e.reason)).toContain('Unhealthy');
  for (let i = 0; i < 6; i++) expect(await hit(url)).not.toContain(name);
});

/**
 * GET on a new connection each time: a Service balances connections (layer 4, as kube-proxy), so a
 * kept-alive connection (fetch's default) would stay with the pod it first reached.
 */
function hit(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}
