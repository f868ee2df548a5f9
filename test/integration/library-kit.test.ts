// What a test author gets from the library (issue 19, point 3): a kubeconfig string kubectl uses, error
// classes for instanceof, `{ namespace }` everywhere, `get` typed by kind, a Deployment wait that says
// why it is not available, and a way to kill a pod's container for a fault test.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ManifestError, ManifestPathError, StatusError, WaitTimeoutError, type Cluster, type Deployment, type Pod, type Stored } from '../../src/lib/index.js';
import { testCluster, until } from './harness.js';

let cluster: Cluster;
beforeAll(async () => { cluster = await testCluster(); }, 120_000);
afterAll(async () => { await cluster?.stop(); }, 60_000);

const deployment = (name: string, image: string, namespace?: string) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, ...(namespace ? { namespace } : {}) },
  spec: {
    replicas: 1, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image, imagePullPolicy: 'Never' }] } },
  },
});

describe('library: what a test author uses', () => {
  it('kubeconfig() is a kubeconfig kubectl talks to the cluster with', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-kc-'));
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, cluster.kubeconfig(), { mode: 0o600 });
    // asynchronously: the control plane runs on this process's event loop (execFileSync would starve it)
    const { stdout: out } = await promisify(execFile)('kubectl', ['--kubeconfig', file, 'get', 'namespaces', '-o', 'name'], { encoding: 'utf8' });
    expect(out.split('\n')).toContain('namespace/default');
    expect(cluster.kubeconfig()).toContain(`server: ${cluster.url}`);
  }, 30_000);

  it('errors are exported classes: StatusError (NotFound), ManifestError, ManifestPathError', async () => {
    const notFound = await cluster.get('Pod', 'nope').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(StatusError);
    expect((notFound as StatusError).reason).toBe('NotFound');
    const bad = await cluster.apply('kind: Pod\nmetadata: {name: x}\n').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ManifestError);
    const missing = await cluster.applyFile('/nonexistent/x.yaml').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ManifestPathError);
  }, 30_000);

  it('{ namespace } is the one convention; get is typed by its kind; waitForDeploymentAvailable says why', async () => {
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kit' } });
    await cluster.apply(deployment('absent', 'mini-kube-test/absent-image:v0', 'kit'));
    // typed without naming the type: a Stored<Deployment> (this line does not compile otherwise)
    const d: Stored<Deployment> = await cluster.get('Deployment', 'absent', { namespace: 'kit' });
    expect(d.spec?.replicas).toBe(1);
    expect(await cluster.get('Deployment', 'absent', 'kit')).toMatchObject({ metadata: { name: 'absent' } });
    const err = await cluster.waitForDeploymentAvailable('absent', { namespace: 'kit', timeoutMs: 8_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toMatch(/available=0 \(want 1\); pods: absent-[a-z0-9]+-[a-z0-9]+ Pending ErrImageNeverPull/);
    const pods = await cluster.pods('absent', { namespace: 'kit' });
    expect(pods).toHaveLength(1);
    await cluster.delete('Deployment', 'absent', { namespace: 'kit' });
  }, 60_000);

  it('killContainer kills the running container; the kubelet restarts it (RESTARTS + 1)', async () => {
    await cluster.apply(deployment('victim', 'ondalk8s/healthcheck:v1'));
    await cluster.waitForDeploymentAvailable('victim', { timeoutMs: 60_000 });
    const [pod] = await cluster.pods('victim');
    const killed = await cluster.killContainer(pod!.metadata.name);
    const after = await until('restarted once, in a new container', async () => {
      const p: Stored<Pod> = await cluster.get('Pod', pod!.metadata.name);
      const cs = p.status?.containerStatuses?.[0];
      return cs?.restartCount === 1 && cs.state?.running && !cs.containerID?.includes(killed) && p;
    }, 60_000);
    expect(after.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
  }, 120_000);
});
