// The kubelet's pod status with init containers and restart policies, read back through the STATUS and
// READY columns kubectl prints (printPod): the status is right when kubectl shows what Kubernetes shows.
import { describe, expect, it } from 'vitest';
import { computePodStatus, type ContainerView } from '../../../src/kubelet/pod-status.js';
import { podReady, podStatusReason } from '../../../src/printers/pod-status.js';
import type { Pod } from '../../../src/kube/types.js';
import { LABEL_ATTEMPT, LABEL_CONTAINER, type ContainerInfo } from '../../../src/runtime/runtime.js';

const NOW = '2026-01-01T00:10:00Z';
const IMAGE = 'mini-kube/sample:1';

function inst(name: string, state: 'running' | 'exited', exitCode = 0, attempt = 0): ContainerInfo {
  return {
    id: `${name}-${attempt}`, name: `k8s_${name}_p_default_u_${attempt}`, image: IMAGE,
    labels: { [LABEL_CONTAINER]: name, [LABEL_ATTEMPT]: String(attempt) },
    status: state, running: state === 'running', exitCode, oomKilled: false, error: '',
    startedAt: '2026-01-01T00:09:00Z', finishedAt: state === 'exited' ? '2026-01-01T00:09:30Z' : undefined, publishedPorts: {},
  };
}
function view(name: string, instances: ContainerInfo[], opts: { waiting?: string; ready?: boolean } = {}): ContainerView {
  const running = !!instances[0]?.running;
  return {
    name, image: IMAGE, instances, restartFloor: 0,
    ...(opts.waiting ? { waiting: { reason: opts.waiting } } : {}),
    started: running, ready: running && (opts.ready ?? true),
  };
}
function podOf(restartPolicy: 'Always' | 'OnFailure' | 'Never', inits: string[]): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: { restartPolicy, ...(inits.length ? { initContainers: inits.map((name) => ({ name, image: IMAGE })) } : {}), containers: [{ name: 'c', image: IMAGE }] },
  };
}
function shown(pod: Pod, views: ContainerView[], inits: ContainerView[] = []): { pod: Pod; phase: string; initialized: string; status: string; ready: string } {
  const status = computePodStatus(pod, views, '10.0.0.2', NOW, inits);
  const p = { ...pod, status };
  return {
    pod: p, phase: status.phase!, initialized: status.conditions!.find((c) => c.type === 'Initialized')!.status,
    status: podStatusReason(p), ready: podReady(p),
  };
}

describe('pod status with init containers', () => {
  it('the first of two init containers runs: Pending, not Initialized, Init:0/2, the app waits PodInitializing', () => {
    const got = shown(podOf('Always', ['i1', 'i2']), [view('c', [])], [view('i1', [inst('i1', 'running')]), view('i2', [])]);
    expect(got).toMatchObject({ phase: 'Pending', initialized: 'False', status: 'Init:0/2', ready: '0/1' });
    expect(got.pod.status!.containerStatuses![0]!.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(got.pod.status!.initContainerStatuses!.map((s) => s.name)).toEqual(['i1', 'i2']);
    expect(got.pod.status!.conditions!.find((c) => c.type === 'Initialized')).toMatchObject({
      reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [i1 i2]',
    });
  });

  it('the first done, the second runs: Init:1/2', () => {
    const got = shown(podOf('Always', ['i1', 'i2']), [view('c', [])], [view('i1', [inst('i1', 'exited', 0)]), view('i2', [inst('i2', 'running')])]);
    expect(got).toMatchObject({ phase: 'Pending', status: 'Init:1/2' });
  });

  it('every init container done, the app not created yet: Initialized, PodInitializing', () => {
    const got = shown(podOf('Always', ['i1']), [view('c', [])], [view('i1', [inst('i1', 'exited', 0)])]);
    expect(got).toMatchObject({ phase: 'Pending', initialized: 'True', status: 'PodInitializing' });
  });

  it('every init container done, the app running: Running 1/1', () => {
    const got = shown(podOf('Always', ['i1']), [view('c', [inst('c', 'running')])], [view('i1', [inst('i1', 'exited', 0)])]);
    expect(got).toMatchObject({ phase: 'Running', initialized: 'True', status: 'Running', ready: '1/1' });
  });

  it('an init container failed, restartPolicy Never: Failed, Init:Error', () => {
    const got = shown(podOf('Never', ['i1']), [view('c', [])], [view('i1', [inst('i1', 'exited', 1)])]);
    expect(got).toMatchObject({ phase: 'Failed', initialized: 'False', status: 'Init:Error' });
  });

  it('an init container failed, restartPolicy Always, in back-off: Pending, Init:CrashLoopBackOff', () => {
    const got = shown(podOf('Always', ['i1']), [view('c', [])], [view('i1', [inst('i1', 'exited', 1, 2)], { waiting: 'CrashLoopBackOff' })]);
    expect(got).toMatchObject({ phase: 'Pending', status: 'Init:CrashLoopBackOff' });
    expect(got.pod.status!.initContainerStatuses![0]).toMatchObject({ restartCount: 2, lastState: { terminated: { exitCode: 1, reason: 'Error' } } });
  });

  it('an init container failed and is being restarted (OnFailure): Init:Error until the new one runs', () => {
    const got = shown(podOf('OnFailure', ['i1']), [view('c', [])], [view('i1', [inst('i1', 'exited', 1)])]);
    expect(got).toMatchObject({ phase: 'Pending', status: 'Init:Error' });
  });

  it('a pod without init containers has no initContainerStatuses and waits ContainerCreating', () => {
    const got = shown(podOf('Always', []), [view('c', [])]);
    expect(got.pod.status!.initContainerStatuses).toBeUndefined();
    expect(got).toMatchObject({ initialized: 'True', status: 'ContainerCreating' });
  });
});

describe('pod status with restartPolicy Never and OnFailure', () => {
  it('Never, exit 0: Succeeded, Completed, 0/1', () => {
    const got = shown(podOf('Never', []), [view('c', [inst('c', 'exited', 0)])]);
    expect(got).toMatchObject({ phase: 'Succeeded', status: 'Completed', ready: '0/1' });
    expect(got.pod.status!.containerStatuses![0]!.state!.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });
  it('Never, exit 1: Failed, Error', () => {
    const got = shown(podOf('Never', []), [view('c', [inst('c', 'exited', 1)])]);
    expect(got).toMatchObject({ phase: 'Failed', status: 'Error' });
    expect(got.pod.status!.containerStatuses![0]!.state!.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  });
  it('OnFailure, exit 0: Succeeded, Completed', () => {
    expect(shown(podOf('OnFailure', []), [view('c', [inst('c', 'exited', 0)])])).toMatchObject({ phase: 'Succeeded', status: 'Completed' });
  });
  it('OnFailure, exit 1 (to be restarted): Running, Error', () => {
    expect(shown(podOf('OnFailure', []), [view('c', [inst('c', 'exited', 1)])])).toMatchObject({ phase: 'Running', status: 'Error' });
  });
});

describe('pod status with a sidecar', () => {
  const sidecarPod = (): Pod => ({
    metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: { restartPolicy: 'Always', initContainers: [{ name: 'side', image: IMAGE, restartPolicy: 'Always' }], containers: [{ name: 'c', image: IMAGE }] },
  });
  it('the sidecar started, the app not yet: Initialized, PodInitializing, READY counts the sidecar (1/2)', () => {
    const got = shown(sidecarPod(), [view('c', [])], [view('side', [inst('side', 'running')])]);
    expect(got).toMatchObject({ phase: 'Pending', initialized: 'True', status: 'PodInitializing', ready: '1/2' });
  });
  it('the sidecar and the app run: Running 2/2, Ready', () => {
    const got = shown(sidecarPod(), [view('c', [inst('c', 'running')])], [view('side', [inst('side', 'running')])]);
    expect(got).toMatchObject({ phase: 'Running', status: 'Running', ready: '2/2' });
    expect(got.pod.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('True');
  });
  it('the sidecar not ready: the pod is not Ready (1/2)', () => {
    const got = shown(sidecarPod(), [view('c', [inst('c', 'running')])], [view('side', [inst('side', 'running')], { ready: false })]);
    expect(got).toMatchObject({ ready: '1/2' });
    expect(got.pod.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', message: 'containers with unready status: [side]' });
  });
});
