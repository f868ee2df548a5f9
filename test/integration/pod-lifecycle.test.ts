// Container lifecycle on the real engine, read through kubectl 1.32 as a user reads it: postStart hooks
// (exec, httpGet with a named port and headers) that hold the container in ContainerCreating until they
// return, a failing postStart (FailedPostStartHook in `describe`, the container killed and restarted),
// preStop before SIGTERM on delete with its time counted against the grace period, FailedPreStopHook,
// native sidecars stopped after the app, and termination messages (File, a custom path,
// FallbackToLogsOnError, lastState after a restart) shown by `describe` as Message:.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event, Pod } from '../../src/lib/index.js';
import type { Cluster } from '../../src/lib/index.js';
import { cli, testCluster, until } from './harness.js';
import { kubectlEnv, type KubectlEnv } from './kubectl-support.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
const IMAGE = 'ondalk8s/healthcheck:v1';

function pod(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 2, ...spec } });
}
const sh = (name: string, script: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ name, image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], ...extra });
/** a main process that says when it gets SIGTERM (docker-init forwards it), then exits */
const TERM_LOGGER = (who: string): string => `trap 'echo ${who} got TERM; exit 0' TERM; echo ${who} up; while true; do sleep 0.2; done`;

describe('container lifecycle through kubectl 1.32', () => {
  let k: KubectlEnv;
  beforeAll(async () => {
    if (!fs.existsSync(KUBECTL)) throw new Error(`kubectl is expected at ${KUBECTL} (set KUBECTL to another path)`);
    k = await kubectlEnv(KUBECTL);
  });
  afterAll(async () => {
    await k?.stop();
  });

  const apply = async (manifest: string): Promise<void> => {
    const r = await k.run(['apply', '-f', '-'], { input: manifest });
    expect(r.stderr).toBe('');
  };
  const getPod = async (name: string): Promise<Pod> => JSON.parse((await k.run(['get', 'pod', name, '-o', 'json'])).stdout) as Pod;
  const statusColumn = async (name: string): Promise<string> =>
    (await k.run(['get', 'pod', name, '--no-headers'])).stdout.trim().split(/\s+/)[2] ?? '';
  const events = async (name: string): Promise<Event[]> => {
    const list = JSON.parse((await k.run(['get', 'events', '-o', 'json'])).stdout) as { items: Event[] };
    return list.items.filter((e) => e.involvedObject?.name === name);
  };
  const eventsOf = async (name: string, reason: string): Promise<Event[]> => (await events(name)).filter((e) => e.reason === reason);

  it('postStart (exec) holds the container in ContainerCreating until it returns, then it runs', async () => {
    await apply(pod('hook-exec', {
      containers: [sh('app', 'sleep 3600', {
        lifecycle: { postStart: { exec: { command: ['sh', '-c', 'sleep 6; echo from-post-start > /tmp/post-start'] } } },
      })],
    }));
    // Started is recorded before the hook runs; the STATUS column still says ContainerCreating meanwhile
    await until('the Started event', async () => (await eventsOf('hook-exec', 'Started')).length > 0 || undefined, 60_000);
    expect(await statusColumn('hook-exec')).toBe('ContainerCreating');
    expect((await getPod('hook-exec')).status?.containerStatuses?.[0]?.state?.running).toBeUndefined();
    await until('Running', async () => (await statusColumn('hook-exec')) === 'Running' || undefined, 60_000);
    const file = await k.run(['exec', 'hook-exec', '--', 'cat', '/tmp/post-start']);
    expect(file.stdout).toBe('from-post-start\n');
    expect(await eventsOf('hook-exec', 'FailedPostStartHook')).toEqual([]);
  });

  it('postStart (httpGet) reaches the pod on a named port with the headers and the lifecycle User-Agent; preStop (httpGet) on delete', async () => {
    const answer = "printf 'HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n'";
    await apply(pod('hook-http', {
      // started (so the app starts) once it listens
      initContainers: [sh('web', `while true; do ${answer} | nc -l -p 8080; done`, { restartPolicy: 'Always', startupProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } })],
      containers: [sh('app', 'sleep 3600', {
        ports: [{ name: 'web', containerPort: 8080 }],
        lifecycle: {
          postStart: { httpGet: { path: '/started?x=1', port: 'web', httpHeaders: [{ name: 'X-Hook', value: 'post-start' }] } },
          preStop: { httpGet: { path: '/stopping', port: 8080 } },
        },
      })],
    }));
    await until('Running', async () => (await statusColumn('hook-http')) === 'Running' || undefined, 60_000);
    const request = (await k.run(['logs', 'hook-http', '-c', 'web'])).stdout;
    expect(request).toMatch(/^GET \/started\?x=1 HTTP\/1\.1\r?$/m);
    expect(request).toMatch(/^X-Hook: post-start\r?$/m);
    expect(request).toMatch(/^User-Agent: kube-lifecycle\/1\.32\r?$/m);
    expect(await eventsOf('hook-http', 'FailedPostStartHook')).toEqual([]);
    // on delete, the app's preStop reaches the sidecar, which is stopped only after the app
    const web = k.start(['logs', '-f', 'hook-http', '-c', 'web']);
    await until('the log streams', async () => web.out().includes('/started') || undefined, 30_000);
    expect((await k.run(['delete', 'pod', 'hook-http', '--wait=true'], { timeoutMs: 60_000 })).code).toBe(0);
    await web.kill();
    expect(web.out()).toMatch(/^GET \/stopping HTTP\/1\.1\r?$/m);
  });

  it('a failing postStart: FailedPostStartHook with the kubelet\'s message in describe, Killing, restarted with back-off', async () => {
    await apply(pod('hook-fail', {
      containers: [sh('app', 'sleep 3600', { lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo nope >&2; exit 3'] } } } })],
    }));
    const uid = (await getPod('hook-fail')).metadata!.uid!;
    const failed = await until('FailedPostStartHook', async () => (await eventsOf('hook-fail', 'FailedPostStartHook'))[0], 60_000);
    expect(failed.type).toBe('Warning');
    expect(failed.message).toBe(`Exec lifecycle hook ([sh -c echo nope >&2; exit 3]) for Container "app" in Pod "hook-fail_default(${uid})" failed - error: command 'sh -c echo nope >&2; exit 3' exited with 3: nope\n, message: "nope\\n"`);
    const killing = await until('Killing', async () => (await eventsOf('hook-fail', 'Killing'))[0], 30_000);
    expect(killing.message).toBe('FailedPostStartHook');
    // killed, then restarted per restartPolicy Always, and again, into CrashLoopBackOff
    await until('restarted', async () => ((await getPod('hook-fail')).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 || undefined, 60_000);
    await until('CrashLoopBackOff', async () => (await statusColumn('hook-fail')) === 'CrashLoopBackOff' || undefined, 90_000);
    const described = (await k.run(['describe', 'pod', 'hook-fail'])).stdout;
    expect(described).toMatch(/Warning\s+FailedPostStartHook\s+.*Exec lifecycle hook \(\[sh -c echo nope >&2; exit 3\]\) for Container "app"/);
    expect(described).toMatch(/Normal\s+Killing\s+.*FailedPostStartHook/);
    expect((await k.run(['delete', 'pod', 'hook-fail', '--wait=true'])).code).toBe(0);
  });

  it('preStop runs before SIGTERM on delete; its time counts against the grace period; a failing one is FailedPreStopHook', async () => {
    await apply(pod('pre-stop', {
      terminationGracePeriodSeconds: 4,
      containers: [sh('app', TERM_LOGGER('app'), {
        // the hook writes to the container's log through PID 1's stdout; then sleeps past the grace period
        lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo pre-stop ran > /proc/1/fd/1; sleep 30'] } } },
      })],
    }));
    await apply(pod('pre-stop-fails', { containers: [sh('app', 'sleep 3600', { lifecycle: { preStop: { exec: { command: ['sh', '-c', 'exit 7'] } } } })] }));
    await until('both running', async () => ((await statusColumn('pre-stop')) === 'Running' && (await statusColumn('pre-stop-fails')) === 'Running') || undefined, 60_000);
    const failsUid = (await getPod('pre-stop-fails')).metadata!.uid!;
    const logs = k.start(['logs', '-f', 'pre-stop']);
    await until('the log streams', async () => logs.out().includes('app up') || undefined, 30_000);
    const began = Date.now();
    const deleted = await k.run(['delete', 'pod', 'pre-stop', 'pre-stop-fails', '--wait=true'], { timeoutMs: 60_000 });
    const tookMs = Date.now() - began;
    expect(deleted.code).toBe(0);
    await logs.kill();
    // the hook, then SIGTERM: in this order in the container's log
    const out = logs.out();
    expect(out).toContain('pre-stop ran');
    expect(out.indexOf('pre-stop ran')).toBeLessThan(out.indexOf('app got TERM'));
    // the 30 s hook is cut at the 4 s grace period; the stop still gets its 2 s (the app exits at once on TERM)
    expect(tookMs).toBeGreaterThanOrEqual(4000);
    expect(tookMs).toBeLessThan(20_000);
    const failed = await until('FailedPreStopHook', async () => (await eventsOf('pre-stop-fails', 'FailedPreStopHook'))[0], 30_000);
    expect(failed.message).toBe(`Exec lifecycle hook ([sh -c exit 7]) for Container "app" in Pod "pre-stop-fails_default(${failsUid})" failed - error: command 'sh -c exit 7' exited with 7: , message: ""`);
  });

  it('pod deletion stops the app first (its preStop sleep included), then the native sidecars in reverse order', async () => {
    await apply(pod('stop-order', {
      terminationGracePeriodSeconds: 10,
      initContainers: [
        sh('first', TERM_LOGGER('first'), { restartPolicy: 'Always' }),
        sh('second', TERM_LOGGER('second'), { restartPolicy: 'Always' }),
      ],
      containers: [sh('app', TERM_LOGGER('app'), { lifecycle: { preStop: { sleep: { seconds: 2 } } } })],
    }));
    await until('Running', async () => (await statusColumn('stop-order')) === 'Running' || undefined, 90_000);
    const streams = ['app', 'first', 'second'].map((c) => ({ c, s: k.start(['logs', '-f', '--timestamps', 'stop-order', '-c', c]) }));
    await until('the logs stream', async () => streams.every(({ c, s }) => s.out().includes(`${c} up`)) || undefined, 30_000);
    expect((await k.run(['delete', 'pod', 'stop-order', '--wait=true'], { timeoutMs: 60_000 })).code).toBe(0);
    const termAt: Record<string, number> = {};
    for (const { c, s } of streams) {
      await s.kill();
      const line = s.out().split('\n').find((l) => l.endsWith(`${c} got TERM`));
      expect(line, `${c} got SIGTERM`).toBeDefined();
      termAt[c] = Date.parse(line!.split(' ')[0]!);
    }
    // the app gets SIGTERM after its 2 s preStop; each sidecar only after what it waits for exited
    expect(termAt['second']!).toBeGreaterThanOrEqual(termAt['app']!);
    expect(termAt['first']!).toBeGreaterThanOrEqual(termAt['second']!);
  });

  it('termination messages: the file (default path, read after the stop), a custom path, FallbackToLogsOnError, lastState', async () => {
    await apply(pod('msg-file', { restartPolicy: 'Never', containers: [sh('app', 'echo "all done" > /dev/termination-log; exit 0')] }));
    await apply(pod('msg-path', {
      restartPolicy: 'Never',
      containers: [sh('app', 'echo custom > /tmp/why; exit 1', { terminationMessagePath: '/tmp/why' })],
    }));
    await apply(pod('msg-logs', {
      restartPolicy: 'Never',
      containers: [sh('app', 'echo first line; echo boom in the log; exit 2', { terminationMessagePolicy: 'FallbackToLogsOnError' })],
    }));
    // any user may write it (the file is 0666, as the kubelet makes it)
    await apply(pod('msg-nonroot', {
      restartPolicy: 'Never',
      securityContext: { runAsUser: 1000, runAsGroup: 1000 },
      containers: [sh('app', 'id -u > /dev/termination-log; exit 0')],
    }));
    await apply(pod('msg-last', {
      containers: [sh('app', 'echo crashed > /dev/termination-log; sleep 1; exit 1')],
    }));
    const terminated = async (name: string) => until(`${name} terminated with a message`, async () => {
      const t = (await getPod(name)).status?.containerStatuses?.[0]?.state?.terminated;
      return t?.message !== undefined ? t : undefined;
    }, 60_000);
    expect(await terminated('msg-file')).toMatchObject({ exitCode: 0, reason: 'Completed', message: 'all done\n' });
    expect(await terminated('msg-path')).toMatchObject({ exitCode: 1, reason: 'Error', message: 'custom\n' });
    expect(await terminated('msg-logs')).toMatchObject({ exitCode: 2, reason: 'Error', message: 'first line\nboom in the log\n' });
    expect(await terminated('msg-nonroot')).toMatchObject({ exitCode: 0, message: '1000\n' });
    const last = await until('msg-last restarted', async () => (await getPod('msg-last')).status?.containerStatuses?.[0]?.lastState?.terminated, 60_000);
    expect(last).toMatchObject({ exitCode: 1, message: 'crashed\n' });

    const described = (await k.run(['describe', 'pod', 'msg-file'])).stdout;
    expect(described).toMatch(/State:\s+Terminated\n\s+Reason:\s+Completed\n\s+Message:\s+all done\n/);
    const describedLast = (await k.run(['describe', 'pod', 'msg-last'])).stdout;
    expect(describedLast).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Message:\s+crashed\n/);
    expect((await k.run(['delete', 'pod', 'msg-file', 'msg-path', 'msg-logs', 'msg-nonroot', 'msg-last', '--wait=true'])).code).toBe(0);
  });

  it('kubectl delete --grace-period=1 bounds the preStop hook and the stop; a pod deleted during its postStart stops too', async () => {
    // the app ignores SIGTERM: only SIGKILL ends it, after the grace left (at least 2 s)
    await apply(pod('grace-cli', {
      terminationGracePeriodSeconds: 60,
      containers: [sh('app', "trap '' TERM; while true; do sleep 0.2; done", { lifecycle: { preStop: { sleep: { seconds: 30 } } } })],
    }));
    // (validation wants a sleep shorter than the grace period)
    await apply(pod('stuck-post-start', {
      terminationGracePeriodSeconds: 3601,
      containers: [sh('app', 'sleep 3600', { lifecycle: { postStart: { sleep: { seconds: 3600 } } } })],
    }));
    await until('Running', async () => (await statusColumn('grace-cli')) === 'Running' || undefined, 60_000);
    await until('Started', async () => (await eventsOf('stuck-post-start', 'Started')).length > 0 || undefined, 60_000);
    expect(await statusColumn('stuck-post-start')).toBe('ContainerCreating');
    const uid = (await getPod('stuck-post-start')).metadata!.uid!;
    const began = Date.now();
    const deleted = await Promise.all([
      k.run(['delete', 'pod', 'grace-cli', '--grace-period=1', '--wait=true'], { timeoutMs: 60_000 }),
      k.run(['delete', 'pod', 'stuck-post-start', '--wait=true'], { timeoutMs: 60_000 }),
    ]);
    const tookMs = Date.now() - began;
    expect(deleted.map((d) => d.code)).toEqual([0, 0]);
    // 1 s of hook, 2 s of stop (the minimum), not the 30 s hook nor the pod's 60 s
    expect(tookMs).toBeLessThan(20_000);
    const cut = await until('FailedPostStartHook', async () => (await eventsOf('stuck-post-start', 'FailedPostStartHook'))[0], 30_000);
    expect(cut.message).toBe(`Sleep lifecycle hook (3600) for Container "app" in Pod "stuck-post-start_default(${uid})" failed - error: container terminated before sleep hook finished`);
  });

  it('a liveness kill runs the preStop hook before SIGTERM too (kubectl logs --previous)', async () => {
    await apply(pod('live-kill', {
      containers: [sh('app', TERM_LOGGER('app'), {
        livenessProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 1 },
        lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo pre-stop ran > /proc/1/fd/1'] } } },
      })],
    }));
    await until('restarted', async () => ((await getPod('live-kill')).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 || undefined, 90_000);
    const previous = (await k.run(['logs', 'live-kill', '--previous'])).stdout;
    expect(previous).toContain('pre-stop ran');
    expect(previous.indexOf('pre-stop ran')).toBeLessThan(previous.indexOf('app got TERM'));
    expect((await k.run(['delete', 'pod', 'live-kill', '--wait=true'])).code).toBe(0);
  });
});

describe('lifecycle hooks in the published-ports mode (Docker Desktop)', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster({ publishPorts: true });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a postStart httpGet reaches the pod through its published port', async () => {
    const answer = "printf 'HTTP/1.1 204 No Content\\r\\nConnection: close\\r\\n\\r\\n'";
    const applied = await cli(cluster, ['apply', '-f', '-'], {
      input: pod('hook-published', {
        initContainers: [sh('web', `while true; do ${answer} | nc -l -p 8081; done`, { restartPolicy: 'Always', startupProbe: { tcpSocket: { port: 8081 }, periodSeconds: 1 } })],
        containers: [sh('app', 'sleep 3600', { lifecycle: { postStart: { httpGet: { path: '/published', port: 8081 } } } })],
      }),
    });
    expect(applied.code).toBe(0);
    await until('Running', async () => {
      const p = JSON.parse((await cli(cluster, ['get', 'pod', 'hook-published', '-o', 'json'])).stdout) as Pod;
      return p.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
    }, 60_000);
    expect((await cli(cluster, ['logs', 'hook-published', '-c', 'web'])).stdout).toMatch(/^GET \/published HTTP\/1\.1\r?$/m);
  });
});
