// Pod status as the kubelet computes it (kubelet_pods.go): container states from the runtime's
// instances (newest = state, second newest = lastState), phase from the states, and the Ready /
// ContainersReady conditions from the probes' view of each container.
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../kube/types.js';
import type { ContainerInfo } from '../runtime/runtime.js';
import { podQOSClass } from '../kube/resources.js';
import { attemptOf, DOCKER_ID_PREFIX } from './container-names.js';

export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface ContainerView {
  name: string;
  image: string;
  /** newest first */
  instances: ContainerInfo[];
  /** a reason the newest instance is not running although it should (back-off, image pull error) */
  waiting?: WaitingReason;
  ready: boolean;
  started: boolean;
  /** restartCount carried over when instances vanished (removed behind our back, or after `down`) */
  restartFloor: number;
}

export function terminatedState(c: ContainerInfo): ContainerState {
  // the runtime's own message, then what the container left (toKubeContainerStatus joins them with ": ")
  const message = [c.error, c.terminationMessage].filter((m) => !!m).join(': ');
  return {
    terminated: {
      exitCode: c.exitCode,
      reason: c.oomKilled ? 'OOMKilled' : c.exitCode === 0 ? 'Completed' : 'Error',
      ...(message ? { message } : {}),
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      containerID: DOCKER_ID_PREFIX + c.id,
    },
  };
}

function stateOf(c: ContainerInfo | undefined, waiting: WaitingReason | undefined, notYet: string): ContainerState {
  if (c?.running) return { running: { startedAt: c.startedAt } };
  if (waiting) return { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
  if (c && c.finishedAt) return terminatedState(c);
  return { waiting: { reason: notYet } };
}

/**
 * A container's status. `notYet` is the waiting reason of a container not created yet: ContainerCreating,
 * or PodInitializing for the containers of a pod with init containers (convertToAPIContainerStatuses).
 */
export function containerStatusOf(v: ContainerView, notYet = 'ContainerCreating'): ContainerStatus {
  const [latest, previous] = v.instances;
  const state = stateOf(latest, v.waiting, notYet);
  // When the newest instance is waiting to be replaced, it is the one kubectl shows as Last State.
  const last = state.waiting && latest?.finishedAt ? latest : previous;
  const restartCount = Math.max(latest ? attemptOf(latest) : 0, v.restartFloor);
  return {
    name: v.name,
    image: v.image,
    imageID: latest ? `docker-pullable://${latest.image}` : '',
    ...(latest ? { containerID: DOCKER_ID_PREFIX + latest.id } : {}),
    state,
    lastState: last && last.finishedAt ? terminatedState(last) : {},
    ready: v.ready && !!latest?.running,
    restartCount,
    started: v.started && !!latest?.running,
  };
}

/** getPhase from kubelet_pods.go, for pods without init containers. */
export function podPhase(statuses: ContainerStatus[], restartPolicy: string): NonNullable<PodStatus['phase']> {
  let waiting = 0, running = 0, stopped = 0, succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(type: string, ok: boolean, previous: PodCondition[] | undefined, now: string, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const old = previous?.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: null as unknown as undefined,
    // The transition time moves only when the status flips; `describe` and readiness timing read it.
    lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now,
    ...(!ok && reason ? { reason } : {}),
    ...(!ok && message ? { message } : {}),
  };
}

/**
 * The init containers' side of getPhase: undefined once every one is complete; else Pending, or Failed
 * when one failed and the restart policy (Never) will not run it again. A sidecar never fails the pod.
 */
export function initPhase(inits: ContainerStatus[], specs: Container[], restartPolicy: string): 'Pending' | 'Failed' | undefined {
  if (inits.every((s, i) => initComplete(s, specs[i]))) return undefined;
  const failed = inits.some((s, i) => !isRestartable(specs[i]) && (s.state?.terminated?.exitCode ?? 0) !== 0);
  return failed && restartPolicy === 'Never' ? 'Failed' : 'Pending';
}

const isRestartable = (c: Container | undefined): boolean => c?.restartPolicy === 'Always';

/** An init container is complete once exited 0; a sidecar once running and started. */
function initComplete(s: ContainerStatus, spec: Container | undefined): boolean {
  return isRestartable(spec) ? !!s.state?.running && !!s.started : s.state?.terminated?.exitCode === 0;
}

export function computePodStatus(pod: Pod, views: ContainerView[], podIP: string | undefined, now: string, initViews: ContainerView[] = []): PodStatus {
  const hasInit = initViews.length > 0;
  const specs = pod.spec?.initContainers ?? [];
  const inits = initViews.map((v, i) => {
    const s = containerStatusOf(v, 'PodInitializing');
    // a classic init container is ready once it exited 0 (the prober manager's UpdatePodStatus)
    if (!isRestartable(specs[i])) s.ready = s.state?.terminated?.exitCode === 0;
    return s;
  });
  const statuses = views.map((v) => containerStatusOf(v, hasInit ? 'PodInitializing' : 'ContainerCreating'));
  const policy = pod.spec?.restartPolicy ?? 'Always';
  // Once an app container was created the pod stays initialized, whatever its sidecars do since.
  const appStarted = statuses.some((s) => !!s.containerID);
  const incomplete = appStarted ? [] : inits.filter((s, i) => !initComplete(s, specs[i])).map((s) => s.name);
  const phase = (appStarted ? undefined : initPhase(inits, specs, policy)) ?? podPhase(statuses, policy);
  const sidecars = inits.filter((_, i) => isRestartable(specs[i]));
  const unready = [...sidecars, ...statuses].filter((s) => !s.ready).map((s) => s.name);
  const prev = pod.status?.conditions;
  const allReady = unready.length === 0;
  // Succeeded/Failed pods are not ready, whatever the containers said last.
  const ready = allReady && phase !== 'Succeeded' && phase !== 'Failed';
  const notReadyMsg = `containers with unready status: [${unready.join(' ')}]`;
  const anyRunning = statuses.some((s) => s.state?.running);
  return {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', anyRunning || !!podIP, prev, now),
      condition('Initialized', incomplete.length === 0, prev, now, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
      condition('Ready', ready, prev, now, 'ContainersNotReady', notReadyMsg),
      condition('ContainersReady', ready, prev, now, 'ContainersNotReady', notReadyMsg),
      condition('PodScheduled', true, prev, now),
    ],
    hostIP: '127.0.0.1',
    hostIPs: [{ ip: '127.0.0.1' }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: pod.status?.startTime ?? now,
    ...(hasInit ? { initContainerStatuses: inits } : {}),
    containerStatuses: statuses,
    qosClass: podQOSClass(pod),
  };
}
