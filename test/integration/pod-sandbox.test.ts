// The pod sandbox on the real engine: the containers of a pod share one network namespace (`localhost`) and
// one IP, held by the sandbox container; the IP stays when a container is killed and restarted; a sandbox
// killed by hand is re-created with every container restarted (SandboxChanged); deleting the pod removes
// the sandbox too. Adoption of the sandbox after a SIGKILL of the control plane: reliability-restart.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Pod } from '../../src/lib/index.js';
import { parseContainerId } from '../../src/kube/container-id.js';
import { LABEL_CLUSTER, LABEL_POD_UID, LABEL_SANDBOX } from '../../src/runtime/runtime.js';
import { testCluster, until } from './harness.js';

const run = promisify(execFile);
const IMAGE = 'ondalk8s/healthcheck:v1';

async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args, { encoding: 'utf8' })).stdout.trim();
}

function duo(name: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name },
    spec: {
      terminationGracePeriodSeconds: 2,
      containers: [
        { name: 'web', image: IMAGE, imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080 }] },
        // the other container serves nothing: it only has the sandbox's localhost to reach the web server
        { name: 'client', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] },
      ],
    },
  } as Pod;
}

const statusOf = (p: Pod, name: string) => p.status!.containerStatuses!.find((s) => s.name === name)!;
const idOf = (p: Pod, name: string): string => parseContainerId(statusOf(p, name).containerID!);
const allRunning = (p: Pod): boolean => (p.status?.containerStatuses ?? []).length === 2 && p.status!.containerStatuses!.every((s) => !!s.state?.running);

describe('pod sandbox: one network namespace and one IP per pod', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  const sandboxesOf = async (uid: string): Promise<string[]> => (await docker('ps', '-aq', '--no-trunc',
    '--filter', `label=${LABEL_CLUSTER}=${cluster.clusterId}`, '--filter', `label=${LABEL_POD_UID}=${uid}`, '--filter', `label=${LABEL_SANDBOX}=true`))
    .split('\n').filter(Boolean);
  const ipOf = async (id: string): Promise<string> => docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', id);
  /** what the client container gets from 127.0.0.1:8080, through its own network namespace (the sandbox's) */
  const fromClient = async (p: Pod): Promise<string> => docker('exec', idOf(p, 'client'), 'wget', '-qO-', 'http://127.0.0.1:8080/');

  it('the containers of a pod talk over localhost; the pod IP and host name are the sandbox\'s, kept across a container restart', async () => {
    await cluster.apply(duo('duo'));
    try {
      let p = await until('both containers running', async () => { const x = await cluster.get<Pod>('Pod', 'duo'); return allRunning(x) && x; }, 60_000);
      const uid = p.metadata!.uid!;
      const [sandbox, ...more] = await sandboxesOf(uid);
      expect(more).toEqual([]);
      expect(p.status!.podIP).toBe(await ipOf(sandbox!));
      // the app containers have no address of their own: they are in the sandbox's namespace
      expect(await docker('inspect', '-f', '{{.HostConfig.NetworkMode}}', idOf(p, 'web'))).toBe(`container:${sandbox}`);
      expect(await until('the web server to answer the client', () => fromClient(p).catch(() => undefined), 20_000)).toBe('Hello node! hostname:duo');

      const podIP = p.status!.podIP;
      const killed = idOf(p, 'web');
      await docker('kill', killed);
      p = await until('web restarted', async () => {
        const x = await cluster.get<Pod>('Pod', 'duo');
        return statusOf(x, 'web').restartCount === 1 && allRunning(x) && x;
      }, 60_000);
      expect(idOf(p, 'web')).not.toBe(killed);
      expect(p.status!.podIP).toBe(podIP);
      expect(await sandboxesOf(uid)).toEqual([sandbox]);
      expect(statusOf(p, 'client').restartCount).toBe(0);
      expect(await until('the restarted server to answer the client', () => fromClient(p).catch(() => undefined), 20_000)).toBe('Hello node! hostname:duo');
      const events = await cluster.events({ object: 'duo' });
      expect(events.some((e) => e.reason === 'SandboxChanged')).toBe(false);
    } finally {
      await cluster.delete('Pod', 'duo').catch(() => {});
    }
  }, 150_000);

  it('a sandbox killed by hand is re-created, every container restarted in it (SandboxChanged); deletion removes it', async () => {
    await cluster.apply(duo('phoenix'));
    let uid = '';
    try {
      let p = await until('both containers running', async () => { const x = await cluster.get<Pod>('Pod', 'phoenix'); return allRunning(x) && x; }, 60_000);
      uid = p.metadata!.uid!;
      const [sandbox] = await sandboxesOf(uid);
      const before = { web: idOf(p, 'web'), client: idOf(p, 'client') };
      await docker('kill', sandbox!);
      p = await until('both containers restarted in a new sandbox', async () => {
        const x = await cluster.get<Pod>('Pod', 'phoenix');
        return allRunning(x) && idOf(x, 'web') !== before.web && idOf(x, 'client') !== before.client && x;
      }, 60_000);
      const now = await sandboxesOf(uid);
      expect(now).toHaveLength(1);
      expect(now[0]).not.toBe(sandbox);
      expect(p.status!.podIP).toBe(await ipOf(now[0]!));
      expect(statusOf(p, 'web').restartCount).toBe(1);
      expect(statusOf(p, 'client').restartCount).toBe(1);
      const events = await cluster.events({ object: 'phoenix' });
      expect(events.filter((e) => e.reason === 'SandboxChanged').map((e) => e.message)).toEqual(['Pod sandbox changed, it will be killed and re-created.']);
      expect(await until('localhost works in the new sandbox', () => fromClient(p).catch(() => undefined), 20_000)).toBe('Hello node! hostname:phoenix');
    } finally {
      await cluster.delete('Pod', 'phoenix').catch(() => {});
    }
    await until('the pod and its sandbox gone', async () => (await cluster.list<Pod>('Pod')).every((x) => x.metadata!.name !== 'phoenix')
      && (await sandboxesOf(uid)).length === 0, 30_000);
  }, 150_000);
});
