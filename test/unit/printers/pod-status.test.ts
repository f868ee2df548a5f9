// Every rule of printPod's STATUS, READY and RESTARTS (k8s-semantics.md §4.3, printers.go).
import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod } from '../../../src/kube/types.js';
import { podReady, podRestartCount, podRestarts, podStatusReason } from '../../../src/printers/pod-status.js';

const now = new Date('2024-05-01T12:00:00Z');

function pod(opts: {
  containers?: string[];
  init?: { name: string; restartPolicy?: string }[];
  phase?: string;
  reason?: string;
  statuses?: ContainerStatus[];
  initStatuses?: ContainerStatus[];
  conditions?: { type: string; status: string; reason?: string }[];
  deleting?: boolean;
}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', ...(opts.deleting ? { deletionTimestamp: '2024-05-01T12:00:30Z' } : {}) },
    spec: {
      containers: (opts.containers ?? ['app']).map((name) => ({ name, image: 'busybox' })),
      ...(opts.init ? { initContainers: opts.init.map((c) => ({ image: 'busybox', ...c })) } : {}),
    },
    status: {
      phase: opts.phase ?? 'Running',
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.statuses ? { containerStatuses: opts.statuses } : {}),
      ...(opts.initStatuses ? { initContainerStatuses: opts.initStatuses } : {}),
      ...(opts.conditions ? { conditions: opts.conditions } : {}),
    },
  };
}

const base = { image: 'busybox', imageID: '', restartCount: 0, ready: false };
const running = (name: string, ready = true, extra: Partial<ContainerStatus> = {}): ContainerStatus =>
  ({ ...base, name, ready, started: true, state: { running: { startedAt: '2024-05-01T11:00:00Z' } }, ...extra });
const waiting = (name: string, reason: string, extra: Partial<ContainerStatus> = {}): ContainerStatus =>
  ({ ...base, name, state: { waiting: { reason } }, ...extra });
const terminated = (name: string, t: { exitCode: number; reason?: string; signal?: number }, extra: Partial<ContainerStatus> = {}): ContainerStatus =>
  ({ ...base, name, state: { terminated: t }, ...extra });

describe('STATUS from the phase and pod reason', () => {
  it('starts from the phase', () => {
    expect(podStatusReason(pod({ phase: 'Pending' }))).toBe('Pending');
  });
  it('uses status.reason over the phase (Evicted)', () => {
    expect(podStatusReason(pod({ phase: 'Failed', reason: 'Evicted' }))).toBe('Evicted');
  });
  it('shows SchedulingGated from the PodScheduled condition', () => {
    expect(podStatusReason(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }))).toBe('SchedulingGated');
  });
});

describe('STATUS from regular containers', () => {
  it('is the waiting reason (ContainerCreating, CrashLoopBackOff, ErrImagePull)', () => {
    expect(podStatusReason(pod({ phase: 'Pending', statuses: [waiting('app', 'ContainerCreating')] }))).toBe('ContainerCreating');
    expect(podStatusReason(pod({ statuses: [waiting('app', 'CrashLoopBackOff')] }))).toBe('CrashLoopBackOff');
    expect(podStatusReason(pod({ phase: 'Pending', statuses: [waiting('app', 'ErrImagePull')] }))).toBe('ErrImagePull');
  });
  it('is the terminated reason (Completed, Error, OOMKilled)', () => {
    expect(podStatusReason(pod({ phase: 'Succeeded', statuses: [terminated('app', { exitCode: 0, reason: 'Completed' })] }))).toBe('Completed');
    expect(podStatusReason(pod({ phase: 'Failed', statuses: [terminated('app', { exitCode: 1, reason: 'Error' })] }))).toBe('Error');
    expect(podStatusReason(pod({ statuses: [terminated('app', { exitCode: 137, reason: 'OOMKilled' })] }))).toBe('OOMKilled');
  });
  it('is Signal:N or ExitCode:N for a termination without a reason', () => {
    expect(podStatusReason(pod({ statuses: [terminated('app', { exitCode: 137, signal: 9 })] }))).toBe('Signal:9');
    expect(podStatusReason(pod({ statuses: [terminated('app', { exitCode: 2 })] }))).toBe('ExitCode:2');
  });
  it('keeps the phase while containers run', () => {
    expect(podStatusReason(pod({ statuses: [running('app')] }))).toBe('Running');
  });
  it('lets the first container win (containers are read last to first)', () => {
    const p = pod({ containers: ['a', 'b'], statuses: [waiting('a', 'ErrImagePull'), waiting('b', 'CrashLoopBackOff')] });
    expect(podStatusReason(p)).toBe('ErrImagePull');
  });
  it('turns Completed back into Running when another container runs and the pod is Ready', () => {
    const statuses = [terminated('a', { exitCode: 0, reason: 'Completed' }), running('b')];
    expect(podStatusReason(pod({ containers: ['a', 'b'], statuses, conditions: [{ type: 'Ready', status: 'True' }] }))).toBe('Running');
  });
  it('turns Completed into NotReady when another container runs but the pod is not Ready', () => {
    const statuses = [terminated('a', { exitCode: 0, reason: 'Completed' }), running('b')];
    expect(podStatusReason(pod({ containers: ['a', 'b'], statuses, conditions: [{ type: 'Ready', status: 'False' }] }))).toBe('NotReady');
  });
});

describe('STATUS from init containers', () => {
  const init = [{ name: 'i1' }, { name: 'i2' }];
  it('is Init:i/n while an init container has not finished', () => {
    expect(podStatusReason(pod({ phase: 'Pending', init, initStatuses: [waiting('i1', 'PodInitializing'), waiting('i2', 'PodInitializing')] }))).toBe('Init:0/2');
    const firstDone = [terminated('i1', { exitCode: 0, reason: 'Completed' }), running('i2', false)];
    expect(podStatusReason(pod({ phase: 'Pending', init, initStatuses: firstDone }))).toBe('Init:1/2');
  });
  it('is Init:<reason> for a failed or waiting init container', () => {
    expect(podStatusReason(pod({ init, initStatuses: [terminated('i1', { exitCode: 1, reason: 'Error' })] }))).toBe('Init:Error');
    expect(podStatusReason(pod({ init, initStatuses: [waiting('i1', 'CrashLoopBackOff')] }))).toBe('Init:CrashLoopBackOff');
  });
  it('is Init:Signal:N or Init:ExitCode:N without a reason', () => {
    expect(podStatusReason(pod({ init, initStatuses: [terminated('i1', { exitCode: 137, signal: 9 })] }))).toBe('Init:Signal:9');
    expect(podStatusReason(pod({ init, initStatuses: [terminated('i1', { exitCode: 3 })] }))).toBe('Init:ExitCode:3');
  });
  it('reads the regular containers once every init container exited 0', () => {
    const initStatuses = [terminated('i1', { exitCode: 0, reason: 'Completed' }), terminated('i2', { exitCode: 0, reason: 'Completed' })];
    expect(podStatusReason(pod({ init, initStatuses, statuses: [waiting('app', 'CrashLoopBackOff')] }))).toBe('CrashLoopBackOff');
  });
  it('counts a started sidecar (restartPolicy Always) in READY and its total', () => {
    const p = pod({ init: [{ name: 'side', restartPolicy: 'Always' }], initStatuses: [running('side')], statuses: [running('app')] });
    expect(podStatusReason(p)).toBe('Running');
    expect(podReady(p)).toBe('2/2');
  });
});

describe('STATUS while deleting', () => {
  it('is Terminating for a pod not yet terminal', () => {
    expect(podStatusReason(pod({ deleting: true, statuses: [running('app')] }))).toBe('Terminating');
  });
  it('keeps the reason of a pod that already finished', () => {
    expect(podStatusReason(pod({ deleting: true, phase: 'Succeeded', statuses: [terminated('app', { exitCode: 0, reason: 'Completed' })] }))).toBe('Completed');
  });
  it('is Unknown for a pod on a lost node', () => {
    expect(podStatusReason(pod({ deleting: true, reason: 'NodeLost' }))).toBe('Unknown');
  });
});

describe('READY', () => {
  it('counts containers that are ready and running', () => {
    const p = pod({ containers: ['a', 'b', 'c'], statuses: [running('a'), running('b', false), waiting('c', 'ContainerCreating')] });
    expect(podReady(p)).toBe('1/3');
  });
  it('is 0/n before any status', () => {
    expect(podReady(pod({ phase: 'Pending', containers: ['a', 'b'] }))).toBe('0/2');
  });
});

describe('RESTARTS', () => {
  it('is "0" without restarts', () => {
    expect(podRestarts(pod({ statuses: [running('app')] }), now)).toBe('0');
  });
  it('adds "(Xs ago)" from the newest lastState.terminated.finishedAt', () => {
    const statuses = [
      running('a', true, { restartCount: 1, lastState: { terminated: { exitCode: 137, reason: 'Error', finishedAt: '2024-05-01T11:50:00Z' } } }),
      waiting('b', 'CrashLoopBackOff', { restartCount: 2, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2024-05-01T11:59:18Z' } } }),
    ];
    const p = pod({ containers: ['a', 'b'], statuses });
    expect(podRestarts(p, now)).toBe('3 (42s ago)');
    expect(podRestartCount(p)).toBe(3);
  });
  it('is the bare number when no finish time is known', () => {
    expect(podRestarts(pod({ statuses: [running('app', true, { restartCount: 2 })] }), now)).toBe('2');
  });
  it('counts init container restarts while the pod initializes', () => {
    const p = pod({ phase: 'Pending', init: [{ name: 'i1' }], initStatuses: [waiting('i1', 'CrashLoopBackOff', { restartCount: 4 })], statuses: [waiting('app', 'PodInitializing')] });
    expect(podRestartCount(p)).toBe(4);
    expect(podStatusReason(p)).toBe('Init:CrashLoopBackOff');
  });
});
