// Init containers, emptyDir volumes and restartPolicy Never on the real engine, read through kubectl 1.32
// as a user reads them: the STATUS column while init runs (Init:0/2 ... Running), Init:Error and
// Init:CrashLoopBackOff for a failing init container, Completed and Error for pods that run to the end,
// `kubectl logs POD -c INIT`, and the pod's emptyDir volume on the engine, gone once the pod is deleted.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/lib/index.js';
import { LABEL_CLUSTER, LABEL_POD_UID } from '../../src/runtime/runtime.js';
import { DockerRuntime } from '../../src/runtime/docker.js';
import { until } from './harness.js';
import { kubectlEnv, type KubectlEnv } from './kubectl-support.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
const IMAGE = 'ondalk8s/healthcheck:v1';

function pod(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: { terminationGracePeriodSeconds: 1, ...spec },
  });
}
const sh = (name: string, script: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ name, image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], ...extra });

describe('init containers, emptyDir and restartPolicy through kubectl 1.32', () => {
  let k: KubectlEnv;
  const docker = new DockerRuntime();
  beforeAll(async () => {
    if (!fs.existsSync(KUBECTL)) throw new Error(`kubectl is expected at ${KUBECTL} (set KUBECTL to another path)`);
    k = await kubectlEnv(KUBECTL);
  });
  afterAll(async () => {
    await k?.stop();
  });

  const statusColumn = async (name: string): Promise<string> => {
    const r = await k.run(['get', 'pod', name, '--no-headers']);
    // NAME READY STATUS RESTARTS AGE
    return r.stdout.trim().split(/\s+/).slice(1, 3).join(' ');
  };
  const seenStatuses = (name: string, until: () => boolean): Promise<string[]> => (async () => {
    const seen: string[] = [];
    while (!until()) {
      const s = await statusColumn(name);
      if (s && seen[seen.length - 1] !== s) seen.push(s);
      await new Promise((r) => setTimeout(r, 200));
    }
    return seen;
  })();

  it('two init containers write to an emptyDir in order, the app reads it; STATUS goes Init:0/2, Init:1/2, Running', async () => {
    const applied = await k.run(['apply', '-f', '-'], {
      input: pod('init-order', {
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [
          sh('init-a', 'echo one >> /work/out; echo init-a wrote; sleep 3', { volumeMounts: [{ name: 'work', mountPath: '/work' }] }),
          sh('init-b', 'echo two >> /work/out; echo init-b wrote; sleep 3', { volumeMounts: [{ name: 'work', mountPath: '/work' }] }),
        ],
        containers: [sh('app', 'cat /data/out; sleep 3600', { volumeMounts: [{ name: 'work', mountPath: '/data', readOnly: true }] })],
      }),
    });
    expect(applied.stderr).toBe('');
    let done = false;
    const watching = seenStatuses('init-order', () => done);
    await until('the app running', async () => (await statusColumn('init-order')) === '1/1 Running' || undefined, 90_000);
    done = true;
    const seen = await watching;
    expect(seen).toContain('0/1 Init:0/2');
    expect(seen).toContain('0/1 Init:1/2');
    expect(seen.indexOf('0/1 Init:0/2')).toBeLessThan(seen.indexOf('0/1 Init:1/2'));

    expect((await k.run(['logs', 'init-order', '-c', 'init-a'])).stdout).toBe('init-a wrote\n');
    expect((await k.run(['logs', 'init-order', '-c', 'init-b'])).stdout).toBe('init-b wrote\n');
    expect((await k.run(['logs', 'init-order', '-c', 'app'])).stdout).toBe('one\ntwo\n');
    // mounted read-only in the app
    const write = await k.run(['exec', 'init-order', '-c', 'app', '--', 'sh', '-c', 'echo x > /data/y']);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/);

    const p = JSON.parse((await k.run(['get', 'pod', 'init-order', '-o', 'json'])).stdout) as Pod;
    expect(p.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason, s.state?.terminated?.exitCode]))
      .toEqual([['init-a', 'Completed', 0], ['init-b', 'Completed', 0]]);
    expect(p.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');

    // the emptyDir is a volume of this cluster and pod on the engine, removed with the pod
    const labels = { [LABEL_CLUSTER]: k.cluster.clusterId, [LABEL_POD_UID]: p.metadata!.uid! };
    const volumes = async (): Promise<number> => (await docker.docker.listVolumes({ filters: JSON.stringify({ label: Object.entries(labels).map(([a, b]) => `${a}=${b}`) }) })).Volumes?.length ?? 0;
    expect(await volumes()).toBe(1);
    expect((await k.run(['delete', 'pod', 'init-order', '--wait=true'])).code).toBe(0);
    await until('the volume removed', async () => (await volumes()) === 0 || undefined, 30_000);
  });

  it('an emptyDir file survives a restart of the container', async () => {
    await k.run(['apply', '-f', '-'], {
      input: pod('keeps-files', {
        volumes: [{ name: 'cache', emptyDir: {} }],
        containers: [sh('app', 'cat /cache/f 2>/dev/null; echo run >> /cache/f; sleep 1; exit 1', { volumeMounts: [{ name: 'cache', mountPath: '/cache' }] })],
      }),
    });
    await until('a restart', async () => {
      const p = JSON.parse((await k.run(['get', 'pod', 'keeps-files', '-o', 'json'])).stdout) as Pod;
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && !!p.status?.containerStatuses?.[0]?.state?.running || undefined;
    }, 60_000);
    // the second run printed what the first one wrote
    expect((await k.run(['logs', 'keeps-files'])).stdout).toBe('run\n');
    await k.run(['delete', 'pod', 'keeps-files', '--wait=false']);
  });

  it('a failing init container: Init:Error, then Init:CrashLoopBackOff (restartPolicy Always); the app never starts', async () => {
    await k.run(['apply', '-f', '-'], {
      input: pod('init-fails', {
        initContainers: [sh('init-x', 'echo failing; exit 3')],
        containers: [sh('app', 'sleep 3600')],
      }),
    });
    // Init:Error shows only between the first exit and its immediate restart (a few ms): polling cannot
    // catch it reliably, so it is checked where it lasts (restartPolicy Never, below); here the exit is
    // read from lastState instead.
    await until('Init:CrashLoopBackOff', async () => (await statusColumn('init-fails')) === '0/1 Init:CrashLoopBackOff' || undefined, 60_000);
    expect((await k.run(['logs', 'init-fails', '-c', 'init-x'])).stdout).toBe('failing\n');
    const p = JSON.parse((await k.run(['get', 'pod', 'init-fails', '-o', 'json'])).stdout) as Pod;
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
    expect(p.status?.initContainerStatuses?.[0]?.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    await k.run(['delete', 'pod', 'init-fails', '--wait=false']);
  });

  it('restartPolicy Never: a failing init container fails the pod (Init:Error, Failed)', async () => {
    await k.run(['apply', '-f', '-'], {
      input: pod('init-never', { restartPolicy: 'Never', initContainers: [sh('init-x', 'exit 1')], containers: [sh('app', 'sleep 3600')] }),
    });
    await until('Init:Error', async () => (await statusColumn('init-never')) === '0/1 Init:Error' || undefined, 60_000);
    const p = JSON.parse((await k.run(['get', 'pod', 'init-never', '-o', 'json'])).stdout) as Pod;
    expect(p.status?.phase).toBe('Failed');
    expect(p.status?.initContainerStatuses?.[0]?.restartCount).toBe(0);
    await k.run(['delete', 'pod', 'init-never', '--wait=false']);
  });

  it('restartPolicy Never: exit 0 is Completed (Succeeded), exit 1 is Error (Failed)', async () => {
    await k.run(['apply', '-f', '-'], { input: pod('never-ok', { restartPolicy: 'Never', containers: [sh('app', 'exit 0')] }) });
    await k.run(['apply', '-f', '-'], { input: pod('never-bad', { restartPolicy: 'Never', containers: [sh('app', 'exit 1')] }) });
    await until('Completed', async () => (await statusColumn('never-ok')) === '0/1 Completed' || undefined, 60_000);
    await until('Error', async () => (await statusColumn('never-bad')) === '0/1 Error' || undefined, 60_000);
    const phase = async (n: string): Promise<string> => (await k.run(['get', 'pod', n, '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].state.terminated.exitCode} {.status.containerStatuses[0].restartCount}'])).stdout;
    expect(await phase('never-ok')).toBe('Succeeded 0 0');
    expect(await phase('never-bad')).toBe('Failed 1 0');
    await k.run(['delete', 'pod', 'never-ok', 'never-bad', '--wait=false']);
  });

  it('a sidecar runs next to two app containers (READY 3/3); logs and exec pick containers with -c as kubectl does', async () => {
    await k.run(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: 'with-sidecar', annotations: { 'kubectl.kubernetes.io/default-container': 'b' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          volumes: [{ name: 'shared', emptyDir: {} }],
          initContainers: [sh('side', 'echo side up; while true; do date >> /shared/beat; sleep 1; done', {
            restartPolicy: 'Always', volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
          })],
          containers: [
            sh('a', 'echo a up; sleep 3600', { volumeMounts: [{ name: 'shared', mountPath: '/shared' }] }),
            sh('b', 'echo b up; sleep 3600'),
          ],
        },
      }),
    });
    await until('3/3 Running', async () => (await statusColumn('with-sidecar')) === '3/3 Running' || undefined, 60_000);
    expect((await k.run(['logs', 'with-sidecar', '-c', 'side'])).stdout).toBe('side up\n');
    expect((await k.run(['logs', 'with-sidecar', '-c', 'a'])).stdout).toBe('a up\n');
    // no -c: kubectl takes the annotation's container and says so
    const dflt = await k.run(['logs', 'with-sidecar']);
    expect(dflt.stdout).toBe('b up\n');
    // the app reads what the sidecar writes, through the shared emptyDir
    const beat = await k.run(['exec', 'with-sidecar', '-c', 'a', '--', 'sh', '-c', 'test -s /shared/beat && echo seen']);
    expect(beat.stdout).toBe('seen\n');
    const inSide = await k.run(['exec', 'with-sidecar', '-c', 'side', '--', 'echo', 'in-side']);
    expect(inSide.stdout).toBe('in-side\n');
    const bad = await k.run(['logs', 'with-sidecar', '-c', 'nope']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('container nope is not valid for pod with-sidecar');
    const p = JSON.parse((await k.run(['get', 'pod', 'with-sidecar', '-o', 'json'])).stdout) as Pod;
    expect(p.status?.initContainerStatuses?.[0]).toMatchObject({ name: 'side', ready: true, started: true });
    // without the annotation kubectl names the first container and the others
    await k.run(['annotate', 'pod', 'with-sidecar', 'kubectl.kubernetes.io/default-container-']);
    const first = await k.run(['logs', 'with-sidecar']);
    expect(first.stdout).toBe('a up\n');
    expect(first.stderr).toContain('Defaulted container "a" out of: a, b, side (init)');
    await k.run(['delete', 'pod', 'with-sidecar', '--wait=false']);
  });

  it('restartPolicy Never with a sidecar: the app exits 0, the sidecar is stopped, the pod is Completed', async () => {
    await k.run(['apply', '-f', '-'], {
      input: pod('job-like', {
        restartPolicy: 'Never',
        initContainers: [sh('side', 'trap "exit 0" TERM; while true; do sleep 1; done', { restartPolicy: 'Always' })],
        containers: [sh('app', 'sleep 2; echo done')],
      }),
    });
    await until('Completed', async () => (await statusColumn('job-like')) === '0/2 Completed' || undefined, 60_000);
    const p = JSON.parse((await k.run(['get', 'pod', 'job-like', '-o', 'json'])).stdout) as Pod;
    expect(p.status?.phase).toBe('Succeeded');
    expect(p.status?.initContainerStatuses?.[0]?.state?.terminated).toBeDefined();
    expect(p.status?.initContainerStatuses?.[0]?.restartCount).toBe(0);
    const events = await k.run(['get', 'events']);
    expect(events.stdout).toMatch(/pod\/job-like\s+Stopping container side/);
    await k.run(['delete', 'pod', 'job-like', '--wait=false']);
  });
});
