// The kubelet's decisions as a table (TestComputePodActions): what the pod is, what the engine has, what
// the probes and the back-off say → what to kill, what to start, why the rest waits, when to look again.
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../src/kubelet/backoff.js';
import {
  backoffKey, computePodActions, graceLeft, runsPreStop, stopGrace, terminationPrerequisites, type PodActions, type PodActionsInput,
} from '../../../src/kubelet/pod-actions.js';
import type { WaitingReason } from '../../../src/kubelet/pod-status.js';
import type { Container, Pod, PodStatus } from '../../../src/kube/types.js';
import { LABEL_ATTEMPT, LABEL_CONTAINER, type ContainerInfo } from '../../../src/runtime/runtime.js';
import { LABEL_IMAGE } from '../../../src/kubelet/container-names.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const UID = 'uid-1';
const IMAGE = 'mini-kube/sample:1';
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString();

function pod(opts: { restartPolicy?: 'Always' | 'OnFailure' | 'Never'; image?: string; container?: Partial<Container>; grace?: number } = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: UID },
    spec: {
      restartPolicy: opts.restartPolicy ?? 'Always',
      ...(opts.grace !== undefined ? { terminationGracePeriodSeconds: opts.grace } : {}),
      containers: [{ name: 'c', image: opts.image ?? IMAGE, ...opts.container }],
    },
  };
}

function instance(attempt: number, state: 'running' | 'exited' | 'created', opts: { exitCode?: number; finished?: number; image?: string | null; id?: string } = {}): ContainerInfo {
  return {
    id: opts.id ?? `id${attempt}`,
    name: `k8s_c_p_default_${UID}_${attempt}`,
    image: IMAGE,
    labels: {
      [LABEL_CONTAINER]: 'c', [LABEL_ATTEMPT]: String(attempt),
      ...(opts.image === null ? {} : { [LABEL_IMAGE]: opts.image ?? IMAGE }),
    },
    status: state,
    running: state === 'running',
    exitCode: opts.exitCode ?? (state === 'exited' ? 137 : 0),
    oomKilled: false,
    error: '',
    startedAt: state === 'created' ? undefined : ago(60),
    finishedAt: state === 'exited' ? ago(opts.finished ?? 1) : undefined,
    publishedPorts: {},
  };
}

/** A back-off whose entry for the container is `ms`, last extended by an exit `lastExitAgo` seconds ago. */
function backoffAt(ms: number, lastExitAgo: number, image = IMAGE): Backoff {
  const b = new Backoff();
  const key = backoffKey(UID, { name: 'c', image });
  for (let step = 10_000; step <= ms; step *= 2) b.next(key, NOW - lastExitAgo * 1000);
  return b;
}

function decide(p: Pod, instances: ContainerInfo[], extra: Partial<PodActionsInput> = {}): PodActions {
  return computePodActions({
    pod: p,
    instances: new Map([['c', instances]]),
    probeFailures: new Map(),
    killedToRestart: new Set(),
    waiting: new Map(),
    backoff: new Backoff(),
    now: NOW,
    ...extra,
  });
}

const shownWith = (containerID: string, restartCount: number): PodStatus => ({
  containerStatuses: [{ name: 'c', image: IMAGE, imageID: '', containerID: `docker://${containerID}`, restartCount, ready: false, state: {} }],
});
const waitingAs = (reason: string): Map<string, WaitingReason> => new Map([['c', { reason }]]);

const podRef = `p_default(${UID})`;

describe('computePodActions', () => {
  const rows: { name: string; pod: Pod; instances: ContainerInfo[]; extra?: Partial<PodActionsInput>; want: PodActions }[] = [
    {
      name: 'first start: nothing on the engine yet',
      pod: pod(), instances: [],
      want: { kill: [], start: [{ name: 'c', attempt: 0 }], waiting: [] },
    },
    {
      name: 'running and healthy: nothing to do',
      pod: pod(), instances: [instance(0, 'running')],
      want: { kill: [], start: [], waiting: [] },
    },
    {
      name: 'liveness failure: kill with the probe grace, restart decided on the next look',
      pod: pod({ container: { livenessProbe: { exec: { command: ['true'] }, terminationGracePeriodSeconds: 3 } } }),
      instances: [instance(2, 'running')],
      extra: { probeFailures: new Map([['c', 'liveness']]) },
      want: {
        kill: [{ name: 'c', containerId: 'id2', reason: 'liveness', message: 'Container c failed liveness probe, will be restarted', graceSeconds: 3, restart: true }],
        start: [], waiting: [], lookAgainInMs: 0,
      },
    },
    {
      name: 'liveness failure, restartPolicy Never: kill without restart',
      pod: pod({ restartPolicy: 'Never', grace: 0 }), instances: [instance(0, 'running')],
      extra: { probeFailures: new Map([['c', 'liveness']]) },
      want: {
        kill: [{ name: 'c', containerId: 'id0', reason: 'liveness', message: 'Container c failed liveness probe', graceSeconds: 2, restart: false }],
        start: [], waiting: [], lookAgainInMs: 0,
      },
    },
    {
      name: 'startup failure: kill with the pod grace',
      pod: pod({ grace: 5 }), instances: [instance(0, 'running')],
      extra: { probeFailures: new Map([['c', 'startup']]) },
      want: {
        kill: [{ name: 'c', containerId: 'id0', reason: 'startup', message: 'Container c failed startup probe, will be restarted', graceSeconds: 5, restart: true }],
        start: [], waiting: [], lookAgainInMs: 0,
      },
    },
    {
      name: 'killed by liveness, first time: restarted at once, the back-off starts from this exit',
      pod: pod(), instances: [instance(0, 'exited', { finished: 1 })],
      extra: { killedToRestart: new Set(['id0']) },
      want: { kill: [], start: [{ name: 'c', attempt: 1, backoffFrom: NOW - 1000 }], waiting: [] },
    },
    {
      name: 'killed by liveness again inside the back-off: CrashLoopBackOff, look again when it runs out',
      pod: pod(), instances: [instance(1, 'exited', { finished: 1 }), instance(0, 'exited', { finished: 12 })],
      extra: { killedToRestart: new Set(['id1']), backoff: backoffAt(10_000, 12) },
      want: {
        kill: [], start: [],
        waiting: [{
          name: 'c',
          waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=c pod=${podRef}` },
          events: [{ type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container c in pod ${podRef}` }],
        }],
        lookAgainInMs: 9050,
      },
    },
    {
      name: 'exit inside a 40 s back-off, CrashLoopBackOff already shown: no second BackOff event',
      pod: pod(), instances: [instance(3, 'exited', { finished: 5 })],
      extra: { backoff: backoffAt(40_000, 30), waiting: waitingAs('CrashLoopBackOff') },
      want: {
        kill: [], start: [],
        waiting: [{ name: 'c', waiting: { reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=c pod=${podRef}` }, events: [] }],
        lookAgainInMs: 35_050,
      },
    },
    {
      name: 'exit outside the back-off: restart, one more back-off step',
      pod: pod(), instances: [instance(3, 'exited', { finished: 11 })],
      extra: { backoff: backoffAt(10_000, 30) },
      want: { kill: [], start: [{ name: 'c', attempt: 4, backoffFrom: NOW - 11_000 }], waiting: [] },
    },
    {
      name: 'exit after 10 minutes of running since the last back-off step: the back-off is forgotten, restart at once',
      pod: pod(), instances: [instance(5, 'exited', { finished: 1 })],
      extra: { backoff: backoffAt(160_000, 700) },
      want: { kill: [], start: [{ name: 'c', attempt: 6, backoffFrom: NOW - 1000 }], waiting: [] },
    },
    {
      name: 'restartPolicy Never: an exited container stays exited',
      pod: pod({ restartPolicy: 'Never' }), instances: [instance(0, 'exited', { exitCode: 1 })],
      want: { kill: [], start: [], waiting: [] },
    },
    {
      name: 'restartPolicy OnFailure, exit 0: done',
      pod: pod({ restartPolicy: 'OnFailure' }), instances: [instance(0, 'exited', { exitCode: 0 })],
      want: { kill: [], start: [], waiting: [] },
    },
    {
      name: 'restartPolicy OnFailure, exit 1: restart',
      pod: pod({ restartPolicy: 'OnFailure' }), instances: [instance(0, 'exited', { exitCode: 1 })],
      want: { kill: [], start: [{ name: 'c', attempt: 1, backoffFrom: NOW - 1000 }], waiting: [] },
    },
    {
      name: 'restartPolicy OnFailure, killed by liveness and exited 0 on SIGTERM: restart all the same',
      pod: pod({ restartPolicy: 'OnFailure' }), instances: [instance(0, 'exited', { exitCode: 0 })],
      extra: { killedToRestart: new Set(['id0']) },
      want: { kill: [], start: [{ name: 'c', attempt: 1, backoffFrom: NOW - 1000 }], waiting: [] },
    },
    {
      name: 'newest instance removed by hand inside a back-off: restarted at once, the count goes on',
      pod: pod(), instances: [instance(1, 'exited', { finished: 2 })],
      extra: { shown: shownWith('id2', 2), backoff: backoffAt(20_000, 2) },
      want: { kill: [], start: [{ name: 'c', attempt: 3 }], waiting: [] },
    },
    {
      name: 'every instance removed by hand: started again, counted as a restart',
      pod: pod(), instances: [],
      extra: { shown: shownWith('id0', 0) },
      want: { kill: [], start: [{ name: 'c', attempt: 1 }], waiting: [] },
    },
    {
      name: 'created but never started: start that instance',
      pod: pod(), instances: [instance(2, 'created')],
      want: { kill: [], start: [{ name: 'c', attempt: 2, existingId: 'id2' }], waiting: [] },
    },
    {
      name: 'image changed in the spec: kill with the pod grace, to be restarted',
      pod: pod({ image: 'mini-kube/sample:2', grace: 1 }), instances: [instance(0, 'running')],
      want: {
        kill: [{ name: 'c', containerId: 'id0', reason: 'definition-changed', message: 'Container c definition changed, will be restarted', graceSeconds: 2, restart: true }],
        start: [], waiting: [], lookAgainInMs: 0,
      },
    },
    {
      name: 'image changed, old instance killed: the new image starts at once, whatever the old image\'s back-off',
      pod: pod({ image: 'mini-kube/sample:2', restartPolicy: 'Never' }), instances: [instance(4, 'exited', { exitCode: 0 })],
      extra: { killedToRestart: new Set(['id4']), backoff: backoffAt(80_000, 1) },
      want: { kill: [], start: [{ name: 'c', attempt: 5, backoffFrom: NOW - 1000 }], waiting: [] },
    },
    {
      name: 'an instance made before the image label: never taken for a changed definition',
      pod: pod({ image: 'mini-kube/sample:2' }), instances: [instance(0, 'running', { image: null })],
      want: { kill: [], start: [], waiting: [] },
    },
    {
      name: 'invalid image: waits in InvalidImageName with the kubelet events, never started',
      pod: pod({ image: 'a/../../127.0.0.1:8080/x' }), instances: [],
      want: {
        kill: [], start: [],
        waiting: [{
          name: 'c',
          waiting: { reason: 'InvalidImageName', message: 'Failed to apply default image tag "a/../../127.0.0.1:8080/x": couldn\'t parse image name "a/../../127.0.0.1:8080/x": invalid reference format' },
          events: [
            { type: 'Warning', reason: 'InspectFailed', message: 'Failed to apply default image tag "a/../../127.0.0.1:8080/x": couldn\'t parse image name "a/../../127.0.0.1:8080/x": invalid reference format' },
            { type: 'Warning', reason: 'Failed', message: 'Error: InvalidImageName' },
          ],
        }],
      },
    },
    {
      name: 'invalid image already reported: the events are not repeated',
      pod: pod({ image: 'a//b' }), instances: [],
      extra: { waiting: waitingAs('InvalidImageName') },
      want: {
        kill: [], start: [],
        waiting: [{ name: 'c', waiting: { reason: 'InvalidImageName', message: expect.stringContaining('invalid reference format') as unknown as string }, events: [] }],
      },
    },
  ];

  for (const row of rows) {
    it(row.name, () => {
      expect(decide(row.pod, row.instances, row.extra)).toEqual(row.want);
    });
  }

  it('a container killed by liveness every ~10 s restarts at once, then after 10 s, 20 s, 40 s ... 5 min', () => {
    // The whole loop through the decision: kill (next look at once), exit, restart or wait.
    const backoff = new Backoff();
    const killed = new Set<string>();
    let t = NOW;
    let attempt = 0;
    const waits: number[] = [];
    for (let round = 0; round < 8; round++) {
      const p = pod();
      const running = { ...instance(attempt, 'running'), id: `id${attempt}` };
      const kill = computePodActions({
        pod: p, instances: new Map([['c', [running]]]), probeFailures: new Map([['c', 'liveness']]),
        killedToRestart: killed, waiting: new Map(), backoff, now: t,
      });
      expect(kill.kill).toHaveLength(1);
      killed.add(kill.kill[0]!.containerId);
      const exited = { ...running, running: false, status: 'exited' as const, finishedAt: new Date(t).toISOString() };
      let waited = 0;
      for (;;) {
        const next = computePodActions({
          pod: p, instances: new Map([['c', [exited]]]), probeFailures: new Map(),
          killedToRestart: killed, waiting: new Map(), backoff, now: t + waited,
        });
        if (next.start.length) {
          backoff.next(backoffKey(UID, p.spec!.containers[0]!), next.start[0]!.backoffFrom!);
          attempt = next.start[0]!.attempt;
          break;
        }
        expect(next.waiting[0]!.waiting.reason).toBe('CrashLoopBackOff');
        waited += next.lookAgainInMs!;
      }
      waits.push(Math.round(waited / 1000));
      // the new instance runs ~10 s (liveness fails it again)
      t += waited + 10_000;
    }
    expect(waits).toEqual([0, 10, 20, 40, 80, 160, 300, 300]);
    expect(attempt).toBe(8);
  });
});

// Init containers (computeInitContainerActions): one at a time, in order, each to exit 0 before the next;
// the app containers only after the last. A failed one restarts per the pod's restartPolicy.
describe('computePodActions: init containers', () => {
  const withInits = (restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always'): Pod => ({
    metadata: { name: 'p', namespace: 'default', uid: UID },
    spec: {
      restartPolicy,
      initContainers: [{ name: 'i1', image: IMAGE }, { name: 'i2', image: IMAGE }],
      containers: [{ name: 'c', image: IMAGE }],
    },
  });
  const named = (name: string, i: ContainerInfo): ContainerInfo => ({ ...i, id: `${name}-${i.id}`, labels: { ...i.labels, [LABEL_CONTAINER]: name } });
  const decideAll = (p: Pod, byName: Record<string, ContainerInfo[]>, extra: Partial<PodActionsInput> = {}): PodActions => computePodActions({
    pod: p, instances: new Map(Object.entries(byName)), probeFailures: new Map(), killedToRestart: new Set(),
    waiting: new Map(), backoff: new Backoff(), now: NOW, ...extra,
  });
  const initBackoff = (name: string): Backoff => {
    const b = new Backoff();
    b.next(backoffKey(UID, { name, image: IMAGE }), NOW - 1000);
    return b;
  };

  const rows: { name: string; pod: Pod; byName: Record<string, ContainerInfo[]>; extra?: Partial<PodActionsInput>; want: PodActions }[] = [
    {
      name: 'nothing on the engine: the first init container starts, alone',
      pod: withInits(), byName: {},
      want: { kill: [], start: [{ name: 'i1', attempt: 0 }], waiting: [] },
    },
    {
      name: 'the first init container runs: nothing else starts',
      pod: withInits(), byName: { i1: [named('i1', instance(0, 'running'))] },
      want: { kill: [], start: [], waiting: [] },
    },
    {
      name: 'the first exited 0: the second starts',
      pod: withInits(), byName: { i1: [named('i1', instance(0, 'exited', { exitCode: 0 }))] },
      want: { kill: [], start: [{ name: 'i2', attempt: 0 }], waiting: [] },
    },
    {
      name: 'every init container exited 0: the app containers start',
      pod: withInits(), byName: { i1: [named('i1', instance(0, 'exited', { exitCode: 0 }))], i2: [named('i2', instance(0, 'exited', { exitCode: 0 }))] },
      want: { kill: [], start: [{ name: 'c', attempt: 0 }], waiting: [] },
    },
    {
      name: 'an init container exited 0 and was removed since, as the status shows: not run again',
      pod: withInits(), byName: { i2: [named('i2', instance(0, 'exited', { exitCode: 0 }))] },
      extra: { shown: { initContainerStatuses: [{ name: 'i1', image: IMAGE, imageID: '', containerID: 'docker://i1-id0', restartCount: 0, ready: false, state: { terminated: { exitCode: 0 } } }] } },
      want: { kill: [], start: [{ name: 'c', attempt: 0 }], waiting: [] },
    },
    {
      name: 'a failed init container, restartPolicy Always: restarted (first restart at once), the next one waits',
      pod: withInits('Always'), byName: { i1: [named('i1', instance(0, 'exited', { exitCode: 1, finished: 1 }))] },
      want: { kill: [], start: [{ name: 'i1', attempt: 1, backoffFrom: NOW - 1000 }], waiting: [] },
    },
    {
      name: 'a failed init container, restartPolicy OnFailure, in back-off: Init:CrashLoopBackOff, nothing starts',
      pod: withInits('OnFailure'), byName: { i1: [named('i1', instance(1, 'exited', { exitCode: 1, finished: 1 }))] },
      extra: { backoff: initBackoff('i1') },
      want: {
        kill: [], start: [], lookAgainInMs: 9050,
        waiting: [{
          name: 'i1', waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=i1 pod=${podRef}` },
          events: [{ type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container i1 in pod ${podRef}` }],
        }],
      },
    },
    {
      name: 'a failed init container, restartPolicy Never: not restarted, the app containers never start (pod Failed)',
      pod: withInits('Never'), byName: { i1: [named('i1', instance(0, 'exited', { exitCode: 1 }))] },
      want: { kill: [], start: [], waiting: [] },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      expect(decideAll(row.pod, row.byName, row.extra)).toEqual(row.want);
    });
  }
});

// restartPolicy of the app containers: Always restarts any exit, OnFailure a non-zero one, Never none.
describe('computePodActions: restartPolicy', () => {
  const rows: { policy: 'Always' | 'OnFailure' | 'Never'; exitCode: number; restarts: boolean }[] = [
    { policy: 'Always', exitCode: 0, restarts: true },
    { policy: 'Always', exitCode: 1, restarts: true },
    { policy: 'OnFailure', exitCode: 0, restarts: false },
    { policy: 'OnFailure', exitCode: 1, restarts: true },
    { policy: 'Never', exitCode: 0, restarts: false },
    { policy: 'Never', exitCode: 1, restarts: false },
  ];
  for (const row of rows) {
    it(`${row.policy}, exit ${row.exitCode}: ${row.restarts ? 'restarted' : 'left exited'}`, () => {
      const got = decide(pod({ restartPolicy: row.policy }), [instance(0, 'exited', { exitCode: row.exitCode, finished: 1 })]);
      expect(got).toEqual({
        kill: [], waiting: [],
        start: row.restarts ? [{ name: 'c', attempt: 1, backoffFrom: NOW - 1000 }] : [],
      });
    });
  }
});

// Native sidecars (initContainers[].restartPolicy: Always): started in order like init containers, the
// next one starts once the sidecar has started (its startupProbe passed, or it has none); they keep
// running beside the app and are restarted whenever they exit, whatever the pod's restartPolicy.
describe('computePodActions: sidecars', () => {
  const withSidecar = (restartPolicy: 'Always' | 'Never' = 'Always'): Pod => ({
    metadata: { name: 'p', namespace: 'default', uid: UID },
    spec: {
      restartPolicy,
      initContainers: [{ name: 'side', image: IMAGE, restartPolicy: 'Always' }, { name: 'i2', image: IMAGE }],
      containers: [{ name: 'c', image: IMAGE }],
    },
  });
  const named = (name: string, i: ContainerInfo): ContainerInfo => ({ ...i, id: `${name}-${i.id}`, labels: { ...i.labels, [LABEL_CONTAINER]: name } });
  const decideAll = (p: Pod, byName: Record<string, ContainerInfo[]>, extra: Partial<PodActionsInput> = {}): PodActions => computePodActions({
    pod: p, instances: new Map(Object.entries(byName)), probeFailures: new Map(), killedToRestart: new Set(),
    waiting: new Map(), backoff: new Backoff(), now: NOW, ...extra,
  });
  const rows: { name: string; pod: Pod; byName: Record<string, ContainerInfo[]>; extra?: Partial<PodActionsInput>; want: PodActions }[] = [
    {
      name: 'nothing on the engine: the sidecar starts first, alone',
      pod: withSidecar(), byName: {},
      want: { kill: [], start: [{ name: 'side', attempt: 0 }], waiting: [] },
    },
    {
      name: 'the sidecar runs but has not started (startupProbe pending): the next init container waits',
      pod: withSidecar(), byName: { side: [named('side', instance(0, 'running'))] },
      want: { kill: [], start: [], waiting: [] },
    },
    {
      name: 'the sidecar started: the next init container starts, the sidecar keeps running',
      pod: withSidecar(), byName: { side: [named('side', instance(0, 'running'))] },
      extra: { startedSidecars: new Set(['side']) },
      want: { kill: [], start: [{ name: 'i2', attempt: 0 }], waiting: [] },
    },
    {
      name: 'the sidecar started and the init container exited 0: the app starts',
      pod: withSidecar(), byName: { side: [named('side', instance(0, 'running'))], i2: [named('i2', instance(0, 'exited', { exitCode: 0 }))] },
      extra: { startedSidecars: new Set(['side']) },
      want: { kill: [], start: [{ name: 'c', attempt: 0 }], waiting: [] },
    },
    {
      name: 'initialized, the sidecar exited 0 under restartPolicy Never: restarted anyway, the app left running',
      pod: withSidecar('Never'),
      byName: { side: [named('side', instance(0, 'exited', { exitCode: 0, finished: 1 }))], i2: [named('i2', instance(0, 'exited', { exitCode: 0 }))], c: [named('c', instance(0, 'running'))] },
      want: { kill: [], start: [{ name: 'side', attempt: 1, backoffFrom: NOW - 1000 }], waiting: [] },
    },
    {
      name: 'restartPolicy Never, the app exited: the pod is done, the running sidecar is stopped, not restarted',
      pod: withSidecar('Never'),
      byName: { side: [named('side', instance(0, 'running'))], i2: [named('i2', instance(0, 'exited', { exitCode: 0 }))], c: [named('c', instance(0, 'exited', { exitCode: 1 }))] },
      want: {
        kill: [{ name: 'side', containerId: 'side-id0', reason: 'pod-completed', message: 'Stopping container side', graceSeconds: 30, restart: false }],
        start: [], waiting: [],
      },
    },
    {
      name: 'restartPolicy Never, the app exited: two running sidecars are stopped in reverse order (the last declared first)',
      pod: {
        metadata: { name: 'p', namespace: 'default', uid: UID },
        spec: {
          restartPolicy: 'Never',
          initContainers: [{ name: 'side', image: IMAGE, restartPolicy: 'Always' }, { name: 'side2', image: IMAGE, restartPolicy: 'Always' }],
          containers: [{ name: 'c', image: IMAGE }],
        },
      },
      byName: { side: [named('side', instance(0, 'running'))], side2: [named('side2', instance(0, 'running'))], c: [named('c', instance(0, 'exited', { exitCode: 0 }))] },
      want: {
        kill: [
          { name: 'side2', containerId: 'side2-id0', reason: 'pod-completed', message: 'Stopping container side2', graceSeconds: 30, restart: false },
          { name: 'side', containerId: 'side-id0', reason: 'pod-completed', message: 'Stopping container side', graceSeconds: 30, restart: false },
        ],
        start: [], waiting: [],
      },
    },
    {
      name: 'restartPolicy Never, the app exited and the sidecar too: nothing restarts',
      pod: withSidecar('Never'),
      byName: { side: [named('side', instance(0, 'exited', { exitCode: 143 }))], i2: [named('i2', instance(0, 'exited', { exitCode: 0 }))], c: [named('c', instance(0, 'exited', { exitCode: 0 }))] },
      want: { kill: [], start: [], waiting: [] },
    },
    {
      name: 'a sidecar failing liveness is killed to be restarted whatever the pod policy',
      pod: withSidecar('Never'),
      byName: { side: [named('side', instance(0, 'running'))], i2: [named('i2', instance(0, 'exited', { exitCode: 0 }))], c: [named('c', instance(0, 'running'))] },
      extra: { probeFailures: new Map([['side', 'liveness' as const]]) },
      want: {
        kill: [{ name: 'side', containerId: 'side-id0', reason: 'liveness', message: 'Container side failed liveness probe, will be restarted', graceSeconds: 30, restart: true }],
        start: [], waiting: [], lookAgainInMs: 0,
      },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      expect(decideAll(row.pod, row.byName, row.extra)).toEqual(row.want);
    });
  }
});

describe('stopping a container: preStop and the grace period (killContainer)', () => {
  const rows: { name: string; grace: number; hookSeconds: number; left: number; stop: number }[] = [
    { name: 'a quick hook leaves the grace to the stop', grace: 30, hookSeconds: 0.4, left: 30, stop: 30 },
    { name: 'the hook\'s whole seconds count against the grace', grace: 30, hookSeconds: 5.9, left: 25, stop: 25 },
    { name: 'a hook that used the grace up: the stop still gets 2 s', grace: 3, hookSeconds: 3, left: 0, stop: 2 },
    { name: 'a hook cut at the grace period: 2 s', grace: 10, hookSeconds: 10.2, left: 0, stop: 2 },
    { name: 'a 1 s grace: 2 s for the stop', grace: 1, hookSeconds: 0, left: 1, stop: 2 },
  ];
  for (const row of rows) {
    it(row.name, () => {
      expect(graceLeft(row.grace, row.hookSeconds)).toBe(row.left);
      expect(stopGrace(graceLeft(row.grace, row.hookSeconds))).toBe(row.stop);
    });
  }

  it('the hook runs only when there is one and grace to run it in (not with --grace-period=0)', () => {
    const hooked: Container = { name: 'c', lifecycle: { preStop: { sleep: { seconds: 1 } } } };
    expect(runsPreStop(hooked, 30)).toBe(true);
    expect(runsPreStop(hooked, 0)).toBe(false);
    expect(runsPreStop({ name: 'c' }, 30)).toBe(false);
    expect(runsPreStop({ name: 'c', lifecycle: { postStart: { sleep: { seconds: 1 } } } }, 30)).toBe(false);
    expect(runsPreStop(undefined, 30)).toBe(false);
  });
});

describe('the order of a pod\'s stop: app containers, then native sidecars in reverse (terminationOrdering)', () => {
  const p: Pod = {
    metadata: { name: 'p', namespace: 'default', uid: UID },
    spec: {
      initContainers: [
        { name: 'init', image: IMAGE },
        { name: 'log', image: IMAGE, restartPolicy: 'Always' },
        { name: 'proxy', image: IMAGE, restartPolicy: 'Always' },
      ],
      containers: [{ name: 'a', image: IMAGE }, { name: 'b', image: IMAGE }],
    },
  };
  const rows: { name: string; running: string[]; waits: Record<string, string[]> }[] = [
    { name: 'no sidecar: nobody waits', running: ['a', 'b'], waits: { a: [], b: [] } },
    {
      name: 'two sidecars: the last declared waits for the apps, the first also for the last',
      running: ['a', 'b', 'log', 'proxy'],
      waits: { a: [], b: [], proxy: ['a', 'b'], log: ['a', 'b', 'proxy'] },
    },
    { name: 'an app already gone is not waited for', running: ['b', 'log', 'proxy'], waits: { b: [], proxy: ['b'], log: ['b', 'proxy'] } },
    { name: 'only sidecars left: reverse order among them', running: ['log', 'proxy'], waits: { proxy: [], log: ['proxy'] } },
  ];
  for (const row of rows) {
    it(row.name, () => {
      expect(Object.fromEntries(terminationPrerequisites(p, row.running))).toEqual(row.waits);
    });
  }
});

describe('computePodActions: ephemeral containers (kubectl debug)', () => {
  const debugPod = (): Pod => ({ ...pod(), spec: { ...pod().spec!, ephemeralContainers: [{ name: 'debugger', image: 'busybox', targetContainerName: 'c' }] } });
  const debugInstance = (state: 'running' | 'exited' | 'created'): ContainerInfo => ({
    ...instance(0, state, { id: 'dbg', exitCode: state === 'exited' ? 1 : 0 }), name: `k8s_debugger_p_default_${UID}_0`,
    labels: { [LABEL_CONTAINER]: 'debugger', [LABEL_ATTEMPT]: '0', [LABEL_IMAGE]: 'busybox' },
  });
  const decideDebug = (instances: Record<string, ContainerInfo[]>, extra: Partial<PodActionsInput> = {}): PodActions => computePodActions({
    pod: debugPod(), instances: new Map(Object.entries(instances)), probeFailures: new Map(), killedToRestart: new Set(),
    waiting: new Map(), backoff: new Backoff(), now: NOW, ...extra,
  });
  const rows: { name: string; instances: Record<string, ContainerInfo[]>; extra?: Partial<PodActionsInput>; want: PodActions }[] = [
    { name: 'added to a running pod: started (attempt 0)', instances: { c: [instance(0, 'running')] }, want: { kill: [], start: [{ name: 'debugger', attempt: 0 }], waiting: [] } },
    { name: 'running: left alone', instances: { c: [instance(0, 'running')], debugger: [debugInstance('running')] }, want: { kill: [], start: [], waiting: [] } },
    { name: 'exited (even with 1, restartPolicy Always): never restarted', instances: { c: [instance(0, 'running')], debugger: [debugInstance('exited')] }, want: { kill: [], start: [], waiting: [] } },
    {
      name: 'created but never started: started',
      instances: { c: [instance(0, 'running')], debugger: [{ ...debugInstance('created'), startedAt: undefined }] },
      want: { kill: [], start: [{ name: 'debugger', attempt: 0, existingId: 'dbg' }], waiting: [] },
    },
    {
      name: 'its instance removed by hand after it ran: not started again',
      instances: { c: [instance(0, 'running')] },
      extra: { shown: { ephemeralContainerStatuses: [{ name: 'debugger', image: 'busybox', imageID: '', containerID: 'docker://dbg', restartCount: 0, ready: false, state: {} }] } },
      want: { kill: [], start: [], waiting: [] },
    },
    {
      name: 'the stored status shows it ran (control plane restarted, its instance gone): not run again',
      instances: { c: [instance(0, 'running')] },
      extra: { pod: { ...debugPod(), status: { ephemeralContainerStatuses: [{ name: 'debugger', image: 'busybox', imageID: '', containerID: 'docker://dbg', restartCount: 0, ready: false, state: { terminated: { exitCode: 0 } } }] } } },
      want: { kill: [], start: [], waiting: [] },
    },
    { name: 'pod not initialized yet (nothing ran): waits for the pod', instances: {}, want: { kill: [], start: [{ name: 'c', attempt: 0 }], waiting: [] } },
  ];
  for (const row of rows) {
    it(row.name, () => {
      expect(decideDebug(row.instances, row.extra)).toEqual(row.want);
    });
  }
});
