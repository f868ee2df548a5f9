// The foundation issue, replayed against the real engine: the tutorial's liveness.yaml verbatim runs
// three pods, pods and containers are replaced, scale works, delete -f leaves nothing behind, a broken
// manifest creates nothing, and two homes are two clusters.
import * as fs from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Pod, Stored } from '../../src/lib/index.js';
import { LABEL_CLUSTER, LABEL_CONTAINER, LABEL_POD, LABEL_POD_UID } from '../../src/runtime/runtime.js';
import { CLI, cli, ROOT, testCluster, until } from './harness.js';

const LIVENESS = path.join(ROOT, 'test/fixtures/tutorial/liveness.yaml');
const PRINTED_HEALTHCHECK = path.join(ROOT, 'test/fixtures/tutorial/healthcheck-as-printed.yaml');

/** The cluster's app containers (one per pod here), without the pods' sandboxes unless asked for; never the network agent. */
function dockerPs(cluster: Cluster, extra: string[] = [], opts: { sandboxes?: boolean } = {}): string[] {
  const apps = opts.sandboxes ? [] : ['--filter', `label=${LABEL_CONTAINER}`];
  const out = execFileSync('docker', ['ps', '-q', '--filter', `label=${LABEL_CLUSTER}=${cluster.clusterId}`, '--filter', `label=${LABEL_POD_UID}`, ...apps, ...extra], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

async function runningPods(cluster: Cluster, selector: string): Promise<Stored<Pod>[]> {
  const pods = await cluster.pods(selector);
  return pods.filter((p) => p.status?.phase === 'Running' && p.status.containerStatuses?.every((c) => c.state?.running));
}

describe('foundation: the tutorial Deployment on real containers', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('applies liveness.yaml verbatim: a legacy warning, then 3 pods Running with 0 restarts', async () => {
    const apply = await cli(cluster, ['apply', '-f', LIVENESS]);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toBe('deployment.apps/liveness-pod created\n');
    expect(apply.stderr).toContain('extensions/v1beta1');
    expect(apply.stderr).toContain('apps/v1');

    await until('3 running pods', async () => (await runningPods(cluster, 'app=liveness')).length === 3);
    const get = await cli(cluster, ['get', 'pod']);
    expect(get.code).toBe(0);
    const lines = get.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(1)) {
      expect(line).toMatch(/^liveness-pod-[bcdfghjklmnpqrstvwxz2456789]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\s+1\/1\s+Running\s+0\s+\d+s$/);
    }
    // Each pod is a real container whose hostname is the pod name, as the sample app reports it.
    const pods = await cluster.pods('app=liveness');
    expect(dockerPs(cluster)).toHaveLength(3);
    const body = await fetch(`http://${pods[0]!.status!.podIP}:8080/`).then((r) => r.text());
    expect(body).toBe(`Hello node! hostname:${pods[0]!.metadata.name}`);
    // Applying the same file again changes nothing.
    const again = await cli(cluster, ['apply', '-f', LIVENESS]);
    expect(again.stdout).toBe('deployment.apps/liveness-pod unchanged\n');
  });

  it('shows kubectl-style tables for deployments, replicasets and get all', async () => {
    const deploy = await cli(cluster, ['get', 'deploy']);
    expect(deploy.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nliveness-pod\s+3\/3\s+3\s+3\s+\d+s\n$/);
    const all = await cli(cluster, ['get', 'all']);
    expect(all.stdout).toContain('deployment.apps/liveness-pod');
    expect(all.stdout).toMatch(/replicaset\.apps\/liveness-pod-\w+\s+3\s+3\s+3/);
    expect(all.stdout).toMatch(/pod\/liveness-pod-\w+-\w+\s+1\/1\s+Running/);
    const yaml = await cli(cluster, ['get', 'deploy', 'liveness-pod', '-o', 'yaml']);
    // Kubernetes' defaults are visible.
    expect(yaml.stdout).toContain('apiVersion: apps/v1');
    expect(yaml.stdout).toContain('terminationGracePeriodSeconds: 30');
    expect(yaml.stdout).toContain('timeoutSeconds: 1');
  });

  it('ends quietly when its reader goes away (`mini-kube kubeconfig | head -1`)', async () => {
    // The pipe is closed before the CLI has started, so its first write (never empty here) meets EPIPE.
    const child = spawn(process.execPath, [CLI, 'kubeconfig'], {
      env: { ...process.env, MINI_KUBE_HOME: cluster.home }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('replaces a deleted pod', async () => {
    const [victim] = await cluster.pods('app=liveness');
    const del = await cli(cluster, ['delete', 'pod', victim!.metadata.name]);
    expect(del.code).toBe(0);
    expect(del.stdout).toBe(`pod "${victim!.metadata.name}" deleted\n`);
    await until('a replacement pod', async () => {
      const pods = await runningPods(cluster, 'app=liveness');
      return pods.length === 3 && !pods.some((p) => p.metadata.name === victim!.metadata.name);
    });
    expect(dockerPs(cluster)).toHaveLength(3);
  });

  it('brings back a container killed with docker kill, with restartCount 1', async () => {
    const [pod] = await cluster.pods('app=liveness');
    const name = pod!.metadata.name;
    const [id] = dockerPs(cluster, ['--filter', `label=${LABEL_POD}=${name}`]);
    execFileSync('docker', ['kill', id!]);
    await until('the container back with restartCount 1', async () => {
      const p = await cluster.get<Pod>('Pod', name);
      const s = p.status?.containerStatuses?.[0];
      return s?.restartCount === 1 && s.state?.running && s.lastState?.terminated?.exitCode === 137;
    });
    const get = await cli(cluster, ['get', 'pod', name]);
    expect(get.stdout).toMatch(new RegExp(`${name}\\s+1/1\\s+Running\\s+1 \\(\\d+s ago\\)`));
  });

  it('scales 3 -> 5 -> 1', async () => {
    const up = await cli(cluster, ['scale', 'deployment', 'liveness-pod', '--replicas', '5']);
    expect(up.stdout).toBe('deployment.apps/liveness-pod scaled\n');
    await until('5 running pods', async () => (await runningPods(cluster, 'app=liveness')).length === 5);
    expect(dockerPs(cluster)).toHaveLength(5);
    await cli(cluster, ['scale', 'deployment', 'liveness-pod', '--replicas', '1']);
    await until('1 pod left', async () => (await cluster.list<Pod>('Pod', { labelSelector: 'app=liveness' })).length === 1 && dockerPs(cluster).length === 1);
  });

  it('delete -f leaves no pod and no container', async () => {
    const del = await cli(cluster, ['delete', '-f', LIVENESS]);
    expect(del.code).toBe(0);
    expect(del.stdout).toBe('deployment.apps "liveness-pod" deleted\n');
    await until('no pods and no containers', async () =>
      (await cluster.list('Pod')).length === 0 && (await cluster.list('ReplicaSet')).length === 0 && dockerPs(cluster, ['-a'], { sandboxes: true }).length === 0);
  });

  it('refuses the printed healthcheck.yaml naming line 22, and creates nothing', async () => {
    const res = await cli(cluster, ['apply', '-f', PRINTED_HEALTHCHECK]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('healthcheck-as-printed.yaml:22:');
    expect(res.stderr).toContain('should line up with `ports:`');
    expect(res.stderr).not.toMatch(/\n\s+at /); // never a stack trace
    expect(await cluster.list('Deployment')).toEqual([]);
  });

  it('refuses unsupported kinds clearly', async () => {
    const res = await cli(cluster, ['apply', '-f', '-'], { input: 'apiVersion: storage.k8s.io/v1\nkind: VolumeAttachment\nmetadata:\n  name: x\n' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('kind VolumeAttachment is not supported by mini-kube');
  });

  it('status tells the pid, the API address and that Docker answers', async () => {
    const res = await cli(cluster, ['status', '-o', 'json']);
    const status = JSON.parse(res.stdout) as { running: boolean; pid: number; apiServer: string; dockerEngine: string };
    expect(status).toMatchObject({ running: true, apiServer: cluster.url, dockerEngine: 'reachable' });
    // the library's control plane runs in a process of its own, a child of this test process (decision 183)
    const ppid = Number(fs.readFileSync(`/proc/${status.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
    expect(ppid).toBe(process.pid);
  });
});

describe('two homes are two clusters', () => {
  it('runs the same Deployment in two homes without touching each other', async () => {
    const a = await testCluster();
    const b = await testCluster();
    try {
      await a.applyFile(LIVENESS);
      await b.applyFile(LIVENESS);
      await a.waitForDeploymentAvailable('liveness-pod');
      await b.waitForDeploymentAvailable('liveness-pod');
      expect(dockerPs(a)).toHaveLength(3);
      expect(dockerPs(b)).toHaveLength(3);
      await a.delete('Deployment', 'liveness-pod');
      await until('a empty', async () => dockerPs(a, ['-a'], { sandboxes: true }).length === 0);
      expect(dockerPs(b)).toHaveLength(3);
      expect((await b.pods('app=liveness')).length).toBe(3);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
