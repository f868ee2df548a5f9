// Resources and securityContext on the real engine (issue #14 point 5): a memory limit is the cgroup's
// and a process past it is OOMKilled (exit 137); cpu requests and limits are shares and quota; runAsUser,
// runAsGroup and fsGroup are the process's ids; readOnlyRootFilesystem makes the root read-only;
// runAsNonRoot with an image that runs as root waits in CreateContainerConfigError; the QoS class is in
// the pod's status. Through the CLI (get, exec) and kubectl 1.32 as a user sees it.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Pod } from '../../src/lib/index.js';
import { parseContainerId } from '../../src/kube/container-id.js';
import { cli, until } from './harness.js';
import { kubectlEnv, type KubectlEnv } from './kubectl-support.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

const IMAGE = 'ondalk8s/healthcheck:v1';

function pod(name: string, spec: Record<string, unknown>, container: Record<string, unknown>): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: { terminationGracePeriodSeconds: 1, restartPolicy: 'Always', ...spec, containers: [{ name: 'app', image: IMAGE, imagePullPolicy: 'IfNotPresent', ...container }] },
  } as Pod;
}

const SLEEP = { command: ['sh', '-c', 'sleep 3600'] };

function inspect(id: string): { HostConfig: Record<string, unknown>; Config: { User: string } } {
  return JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' }))[0];
}

describe('resources and securityContext on the real engine', () => {
  let k: KubectlEnv;
  let cluster: Cluster;
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL);
    cluster = k.cluster;
  }, 180_000);
  afterAll(async () => {
    await k?.stop();
  });

  const running = (name: string) => until(`${name} running`, async () => {
    const p = await cluster.get<Pod>('Pod', name);
    const s = p?.status?.containerStatuses?.[0];
    return s?.state?.running && s.containerID ? p : undefined;
  }, 60_000);

  it('a memory limit is the cgroup limit, and a process allocating past it is OOMKilled with exit code 137', async () => {
    await cluster.apply(pod('oom', { restartPolicy: 'Never' }, {
      command: ['sh', '-c', 'sleep 2; head -c 200m /dev/zero | tail'],
      resources: { limits: { memory: '16Mi', cpu: '500m' } },
    }));
    const started = await running('oom');
    const h = inspect(parseContainerId(started.status!.containerStatuses![0]!.containerID!)).HostConfig;
    expect(h).toMatchObject({ Memory: 16 * 2 ** 20, MemorySwap: 16 * 2 ** 20, CpuShares: 512, CpuQuota: 50_000, CpuPeriod: 100_000 });
    const done = await until('oom terminated', async () => {
      const p = await cluster.get<Pod>('Pod', 'oom');
      return p?.status?.containerStatuses?.[0]?.state?.terminated ? p : undefined;
    }, 60_000);
    expect(done.status!.containerStatuses![0]!.state!.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(done.status!.qosClass).toBe('Guaranteed');
    const yaml = await cli(cluster, ['get', 'pod', 'oom', '-o', 'yaml']);
    expect(yaml.stdout).toContain('qosClass: Guaranteed');
    expect(yaml.stdout).toContain('reason: OOMKilled');
  }, 120_000);

  it('runAsUser, runAsGroup and fsGroup are the ids of the process; readOnlyRootFilesystem refuses writes', async () => {
    await cluster.apply(pod('ids', { hostname: 'custom-host', securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000 } }, {
      ...SLEEP,
      resources: { requests: { cpu: '100m' } },
      securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    }));
    const p = await running('ids');
    expect(p.status!.qosClass).toBe('Burstable');
    const id = await cli(cluster, ['exec', 'ids', '--', 'id']);
    expect(id.stdout.trim()).toMatch(/^uid=1000 gid=3000 groups=2000(,3000)?$/);
    const touch = await cli(cluster, ['exec', 'ids', '--', 'touch', '/x']);
    expect(touch.code).not.toBe(0);
    expect(touch.stderr + touch.stdout).toMatch(/Read-only file system/);
    const host = await cli(cluster, ['exec', 'ids', '--', 'hostname']);
    expect(host.stdout.trim()).toBe('custom-host');
    const h = inspect(parseContainerId(p.status!.containerStatuses![0]!.containerID!)).HostConfig;
    expect(h).toMatchObject({ ReadonlyRootfs: true, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], CpuShares: 102 });
    const caps = await cli(cluster, ['exec', 'ids', '--', 'grep', 'CapEff', '/proc/self/status']);
    expect(caps.stdout).toMatch(/CapEff:\s+0+$/m);
  }, 120_000);

  it('runAsNonRoot with an image that runs as root waits in CreateContainerConfigError with the kubelet\'s message', async () => {
    await cluster.apply(pod('nonroot', { securityContext: { runAsNonRoot: true } }, SLEEP));
    const p = await until('CreateContainerConfigError', async () => {
      const got = await cluster.get<Pod>('Pod', 'nonroot');
      return got?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError' ? got : undefined;
    }, 60_000);
    expect(p.status!.containerStatuses![0]!.state!.waiting!.message).toBe(
      `container has runAsNonRoot and image will run as root (pod: "nonroot_default(${p.metadata!.uid})", container: app)`);
    expect(p.status!.qosClass).toBe('BestEffort');
    const get = await cli(cluster, ['get', 'pod', 'nonroot']);
    expect(get.stdout).toMatch(/nonroot\s+0\/1\s+CreateContainerConfigError\s+0/);
    const kget = await k.run(['get', 'pod', 'nonroot']);
    expect(kget.stdout).toMatch(/nonroot\s+0\/1\s+CreateContainerConfigError\s+0/);
    const describe = await k.run(['describe', 'pod', 'nonroot']);
    expect(describe.stdout).toMatch(/QoS Class:\s+BestEffort/);
    expect(describe.stdout).toMatch(/Reason:\s+CreateContainerConfigError/);
    // with a non-root user it runs
    await cluster.apply(pod('nonroot-ok', { securityContext: { runAsNonRoot: true, runAsUser: 1000 } }, SLEEP));
    await running('nonroot-ok');
  }, 120_000);

  it('kubectl 1.32: refuses a field it does not implement with the 422, and prints the warning of a warned one', async () => {
    const refused = await k.run(['apply', '-f', '-'], {
      input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: k-ads}\nspec:\n  activeDeadlineSeconds: 30\n  containers: [{name: c, image: ondalk8s/healthcheck:v1}]\n',
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('spec.activeDeadlineSeconds: Forbidden: mini-kube does not implement spec.activeDeadlineSeconds');
    const warned = await k.run(['apply', '-f', '-'], {
      input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: k-tcp}\nspec:\n  containers: [{name: c, image: ondalk8s/healthcheck:v1, lifecycle: {preStop: {tcpSocket: {port: 8080}}}}]\n',
    });
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('Warning: spec.containers[0].lifecycle.preStop.tcpSocket: deprecated: TCPSocket is not supported as a LifecycleHandler');
    expect(warned.stdout).toContain('pod/k-tcp created');
  }, 60_000);

  it('refuses a field it does not implement, naming it', async () => {
    const r = await cli(cluster, ['apply', '-f', '-'], {
      input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: ads}\nspec:\n  activeDeadlineSeconds: 30\n  containers: [{name: c, image: ondalk8s/healthcheck:v1}]\n',
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.activeDeadlineSeconds: Forbidden: mini-kube does not implement spec.activeDeadlineSeconds');
  }, 60_000);
});
