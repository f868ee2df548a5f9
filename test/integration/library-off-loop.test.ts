// The library's control plane runs in its own process (docs/decisions/183): a test may block its own
// event loop (execFileSync of curl or kubectl against the cluster) or fake its timers, and the cluster
// still answers; and a cluster cannot outlive the process that started it, however that process ends.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Cluster } from '../../src/lib/index.js';
import { testCluster, until } from './harness.js';
import { containersOf, FIXTURES, lineFrom, podContainersOf, run } from './library-fixtures/children.js';

const APP = path.join(FIXTURES, 'app.yaml');

describe('library: the control plane is off the caller\'s event loop', () => {
  let cluster: Cluster;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-offloop-'));
  beforeAll(async () => {
    cluster = await testCluster();
    await cluster.applyFile(APP);
    await cluster.waitForEndpoints('one', 1);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers execFileSync curl (NodePort) and execFileSync kubectl while this process blocks', async () => {
    const url = await cluster.serviceUrl('one');
    const body = execFileSync('curl', ['-sS', '--max-time', '10', `${url}/`], { encoding: 'utf8' });
    expect(body).toMatch(/^Hello node! hostname:one-/);

    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, cluster.kubeconfig(), { mode: 0o600 });
    const pods = execFileSync('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout=10s', 'get', 'pods', '-l', 'app=one', '-o', 'name'], { encoding: 'utf8' });
    const [pod] = await cluster.pods('one');
    expect(pods.trim()).toBe(`pod/${pod!.metadata.name}`);
  }, 30_000);

  it('applies, rolls out and waits with vi.useFakeTimers() on', async () => {
    vi.useFakeTimers();
    try {
      await cluster.apply({
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'faked' },
        spec: {
          replicas: 2, selector: { matchLabels: { app: 'faked' } },
          template: { metadata: { labels: { app: 'faked' } }, spec: { containers: [{ name: 'web', image: 'ondalk8s/healthcheck:v1', imagePullPolicy: 'IfNotPresent' }] } },
        },
      });
      // the waits sleep on the real clock; the control plane's probes and controllers run on theirs
      await cluster.waitForDeploymentAvailable('faked', { timeoutMs: 45_000 });
      expect((await cluster.pods('faked')).map((p) => p.status?.phase)).toEqual(['Running', 'Running']);
    } finally {
      vi.useRealTimers();
    }
  }, 60_000);
});

describe('library: no cluster outlives its process', () => {
  it('a SIGKILLed test process: its control plane removes the containers on its own', async () => {
    const c = run([path.join(FIXTURES, 'abandon.mjs')], { env: { MODE: 'hang' } });
    const id = (await lineFrom(c, /CLUSTER=(\w+)/))[1]!;
    expect((await podContainersOf(id)).length).toBe(2); // the pod's container and its sandbox
    c.child.kill('SIGKILL');
    await c.done;
    // no other startCluster() runs: the control-plane process saw its parent go
    await until('the cluster\'s containers removed', async () => (await containersOf(id)).length === 0, 30_000);
  }, 90_000);

  it('a SIGKILLed vitest main with an orphaned worker: the worker\'s cluster goes anyway', async () => {
    const main = run([path.join(FIXTURES, 'orphan-main.mjs')]);
    const worker = Number((await lineFrom(main, /WORKER=(\d+)/))[1]);
    try {
      const id = (await lineFrom(main, /CLUSTER=(\w+)/))[1]!;
      expect((await podContainersOf(id)).length).toBe(2);
      const exited = new Promise((resolve) => main.child.once('exit', resolve));
      main.child.kill('SIGKILL');
      await exited; // (not its output's end: the orphan still holds the pipe)
      // the worker still runs (it hangs on purpose), orphaned: its cluster must not
      expect(() => process.kill(worker, 0)).not.toThrow();
      await until('the orphaned worker\'s cluster removed', async () => (await containersOf(id)).length === 0, 30_000);
    } finally {
      try { process.kill(worker, 'SIGKILL'); } catch { /* gone */ }
    }
  }, 90_000);
});
