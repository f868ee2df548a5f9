// The executor carries the decision out in its numbered steps, in order, on a recording runtime: the
// status is written before a container is created, kills come with their event and grace, and a restart
// takes one back-off step.
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../src/kubelet/backoff.js';
import { ImageManager } from '../../../src/kubelet/images.js';
import { backoffKey, type PodActions } from '../../../src/kubelet/pod-actions.js';
import type { WaitingReason } from '../../../src/kubelet/pod-status.js';
import { SyncPod } from '../../../src/kubelet/sync-pod.js';
import type { ConfigMap, Pod } from '../../../src/kube/types.js';
import type { Stored } from '../../../src/store/store.js';
import type { ContainerInfo, CreateContainerSpec, Runtime } from '../../../src/runtime/runtime.js';

const pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '1', creationTimestamp: '' },
  spec: { containers: [{ name: 'c', image: 'img:1' }] },
} as Stored<Pod>;

function setup(opts: { startFails?: boolean; configMaps?: Record<string, ConfigMap>; execExit?: number } = {}) {
  const log: string[] = [];
  const runtime = {
    imageExists: async () => { log.push('imageExists'); return true; },
    createContainer: async (spec: CreateContainerSpec) => { log.push(`create ${spec.name} image=${spec.labels['io.mini-kube.container-image']} in=${spec.sandboxId}`); return 'new-id'; },
    startContainer: async (id: string) => {
      log.push(`start ${id}`);
      if (opts.startFails) throw new Error('port is already allocated');
    },
    stopContainer: async (id: string, grace: number) => { log.push(`stop ${id} grace=${grace}`); },
    exec: async (id: string, cmd: string[]) => {
      log.push(`exec ${id} ${cmd.join(' ')}`);
      // stdout then stderr in output; stderr alone too, as the runtime keeps it
      return { exitCode: opts.execExit ?? 0, output: Buffer.from(opts.execExit ? 'out\nno such file\n' : ''), stderr: Buffer.from(opts.execExit ? 'no such file\n' : ''), timedOut: false };
    },
  } as unknown as Runtime;
  const waiting = new Map<string, WaitingReason>();
  const killedToRestart = new Set<string>();
  const backoff = new Backoff();
  const syncer = new SyncPod({
    runtime, images: new ImageManager(runtime), clusterId: 'cl', network: 'net', publishPorts: false,
    backoff, waiting, killedToRestart,
    configSource: { configMap: (_ns, name) => opts.configMaps?.[name], secret: () => undefined },
    event: (_pod, type, reason, message) => log.push(`event ${type} ${reason}: ${message}`),
    writeStatus: (uid) => log.push(`status ${uid} waiting=${waiting.get('u1/c')?.reason ?? '-'}`),
    syncAfter: (uid, ms) => log.push(`look again ${uid} in ${ms}`),
    podIP: async () => '10.0.0.9',
  });
  return { log, syncer, waiting, killedToRestart, backoff };
}

const none: PodActions = { kill: [], start: [], waiting: [] };

describe('SyncPod (the executor)', () => {
  it('a first start: the status first (ContainerCreating), then image, create with the image label in the pod\'s sandbox, start', async () => {
    const { log, syncer, waiting } = setup();
    const changed = await syncer.execute(pod, { ...none, start: [{ name: 'c', attempt: 0 }] }, new Map(), 'sandbox-id');
    expect(changed).toBe(true);
    expect(log).toEqual([
      'status u1 waiting=-',
      'imageExists',
      'event Normal Pulled: Container image "img:1" already present on machine',
      'create k8s_c_p_default_u1_0 image=img:1 in=sandbox-id',
      'event Normal Created: Created container: c',
      'start new-id',
      'event Normal Started: Started container c',
    ]);
    expect(waiting.size).toBe(0);
  });

  it('a missing ConfigMap: CreateContainerConfigError with the kubelet\'s message, no container made', async () => {
    const { log, syncer, waiting } = setup();
    const withRef = { ...pod, spec: { containers: [{ name: 'c', image: 'img:1', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'x', key: 'k' } } }] }] } } as Stored<Pod>;
    await syncer.execute(withRef, { ...none, start: [{ name: 'c', attempt: 0 }] }, new Map(), 'sandbox-id');
    expect(log.filter((l) => l.startsWith('create'))).toEqual([]);
    expect(log).toContain('event Warning Failed: Error: configmap "x" not found');
    expect(waiting.get('u1/c')).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "x" not found' });
  });

  it('a kill: Killing event, stop with the decided grace, remembered for the restart, look again at once', async () => {
    const { log, syncer, killedToRestart } = setup();
    const running = { id: 'old', running: true, labels: {} } as ContainerInfo;
    await syncer.execute(pod, {
      ...none,
      kill: [{ name: 'c', containerId: 'old', reason: 'liveness', message: 'Container c failed liveness probe, will be restarted', graceSeconds: 3, restart: true }],
      lookAgainInMs: 0,
    }, new Map([['c', [running]]]), 'sandbox-id');
    expect(log).toEqual([
      'event Normal Killing: Container c failed liveness probe, will be restarted',
      'stop old grace=3',
      'look again u1 in 0',
    ]);
    expect([...killedToRestart]).toEqual(['old']);
  });

  it('a restart after an exit takes one back-off step and writes no early status (the exit shows meanwhile)', async () => {
    const { log, syncer, backoff, killedToRestart } = setup();
    killedToRestart.add('old');
    const exited = { id: 'old', running: false, status: 'exited', labels: {} } as unknown as ContainerInfo;
    await syncer.execute(pod, { ...none, start: [{ name: 'c', attempt: 1, backoffFrom: 5000 }] }, new Map([['c', [exited]]]), 'sandbox-id');
    expect(backoff.get(backoffKey('u1', pod.spec!.containers[0]!))).toBe(10_000);
    expect(log.some((l) => l.startsWith('status'))).toBe(false);
    expect(killedToRestart.size).toBe(0);
  });

  it('a waiting reason: set, its events recorded, the next look planned', async () => {
    const { log, syncer, waiting } = setup();
    await syncer.execute(pod, {
      ...none,
      waiting: [{ name: 'c', waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' }, events: [{ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container c' }] }],
      lookAgainInMs: 9050,
    }, new Map(), 'sandbox-id');
    expect(waiting.get('u1/c')).toEqual({ reason: 'CrashLoopBackOff', message: 'back-off 10s' });
    expect(log).toEqual(['event Warning BackOff: Back-off restarting failed container c', 'look again u1 in 9050']);
  });

  it('a start the engine refuses: RunContainerError, the Failed event, a retry in 10 s', async () => {
    const { log, syncer, waiting } = setup({ startFails: true });
    await syncer.execute(pod, { ...none, start: [{ name: 'c', attempt: 0 }] }, new Map(), 'sandbox-id');
    expect(waiting.get('u1/c')).toEqual({ reason: 'RunContainerError', message: 'port is already allocated' });
    expect(log.slice(-2)).toEqual(['event Warning Failed: Error: port is already allocated', 'look again u1 in 10000']);
  });

  it('postStart (exec) runs right after the start, before the sync ends; success changes nothing else', async () => {
    const { log, syncer, waiting } = setup();
    const hooked = { ...pod, spec: { containers: [{ name: 'c', image: 'img:1', lifecycle: { postStart: { exec: { command: ['sh', '-c', 'touch /ready'] } } } }] } } as Stored<Pod>;
    await syncer.execute(hooked, { ...none, start: [{ name: 'c', attempt: 0 }] }, new Map(), 'sandbox-id');
    expect(log.slice(-2)).toEqual(['event Normal Started: Started container c', 'exec new-id sh -c touch /ready']);
    expect(waiting.size).toBe(0);
  });

  it('a failed postStart: FailedPostStartHook with the kubelet\'s message, Killing "FailedPostStartHook" (preStop first), PostStartHookError', async () => {
    const { log, syncer, waiting } = setup({ execExit: 1 });
    const hooked = {
      ...pod,
      spec: {
        terminationGracePeriodSeconds: 7,
        containers: [{ name: 'c', image: 'img:1', lifecycle: { postStart: { exec: { command: ['cat', '/nope'] } }, preStop: { exec: { command: ['sh', '-c', 'echo bye'] } } } }],
      },
    } as Stored<Pod>;
    await syncer.execute(hooked, { ...none, start: [{ name: 'c', attempt: 0 }] }, new Map(), 'sandbox-id');
    const message = 'Exec lifecycle hook ([cat /nope]) for Container "c" in Pod "p_default(u1)" failed - error: command \'cat /nope\' exited with 1: no such file\n, message: "out\\nno such file\\n"';
    expect(log.slice(log.indexOf('event Normal Started: Started container c'))).toEqual([
      'event Normal Started: Started container c',
      'exec new-id cat /nope',
      `event Warning FailedPostStartHook: ${message}`,
      'event Normal Killing: FailedPostStartHook',
      // the preStop hook fails too (same fake exec): its event, and the kill goes on with the grace left
      'exec new-id sh -c echo bye',
      expect.stringMatching(/^event Warning FailedPreStopHook: Exec lifecycle hook \(\[sh -c echo bye\]\)/),
      'stop new-id grace=7',
      'look again u1 in 0',
    ]);
    expect(waiting.get('u1/c')).toEqual({ reason: 'PostStartHookError', message });
  });

  it('a kill runs the preStop hook (sleep 0) before the stop; the grace left goes to the stop', async () => {
    const { log, syncer } = setup();
    const hooked = { ...pod, spec: { containers: [{ name: 'c', image: 'img:1', lifecycle: { preStop: { sleep: { seconds: 0 } } } }] } } as Stored<Pod>;
    await syncer.execute(hooked, {
      ...none,
      kill: [{ name: 'c', containerId: 'old', reason: 'liveness', message: 'Container c failed liveness probe, will be restarted', graceSeconds: 5, restart: true }],
    }, new Map([['c', [{ id: 'old', running: true, labels: {} } as ContainerInfo]]]), 'sandbox-id');
    expect(log).toEqual(['event Normal Killing: Container c failed liveness probe, will be restarted', 'stop old grace=5']);
  });
});
