// What the kubelet should do to a pod, decided without doing it: kuberuntime_manager.go's
// computePodActions. Pure: the pod, the instances the engine has of each container, the probes' verdicts,
// the back-off state and the time go in; the containers to kill (why, with what grace), the containers to
// start (which attempt), the reasons the others wait and when to look again come out. sync-pod.ts carries
// the actions out; test/unit/kubelet/pod-actions.test.ts is the table of decisions.
//
// One deliberate difference from computePodActions: a container killed here is restarted by the next
// decision (which sees it exited), not in the same pass. Every restart of an exited container therefore
// goes through the one back-off check (doBackOff), a liveness kill included (docs/decisions/090).
import { imageReferenceError, invalidImageNameMessage } from '../kube/image-reference.js';
import type { Container, ContainerStatus, Pod, PodStatus } from '../kube/types.js';
import type { ContainerInfo } from '../runtime/runtime.js';
import { livenessKillMessage, startupKillMessage } from '../probes/messages.js';
import { goDuration, type Backoff } from './backoff.js';
import { attemptOf, imageOf } from './container-names.js';
import type { WaitingReason } from './pod-status.js';

/** Kubernetes' minimumGracePeriodInSeconds for kills. */
export const MIN_GRACE_SECONDS = 2;

export type KillReason = 'liveness' | 'startup' | 'definition-changed' | 'pod-completed';

export interface PodActionsInput {
  pod: Pod;
  /** the engine's instances of each container, newest attempt first, deaths the engine reported applied */
  instances: ReadonlyMap<string, readonly ContainerInfo[]>;
  /** the status the kubelet showed last: an instance it showed that the engine no longer has was removed by hand */
  shown?: PodStatus;
  /** the probes' verdict on each container's running instance, when it failed liveness or startup */
  probeFailures: ReadonlyMap<string, 'liveness' | 'startup'>;
  /** sidecars (init containers with restartPolicy Always) whose running instance has started (startupProbe passed, or none) */
  startedSidecars?: ReadonlySet<string>;
  /** instances this kubelet killed meaning to restart them: restarted whatever their exit code and the policy */
  killedToRestart: ReadonlySet<string>;
  /** the reason each container waits today (to record an event only when a reason first appears) */
  waiting: ReadonlyMap<string, WaitingReason>;
  backoff: Pick<Backoff, 'get' | 'isInBackOffSince' | 'remaining'>;
  now: number;
}

export interface ContainerToKill {
  name: string;
  containerId: string;
  reason: KillReason;
  /** the Killing event's message */
  message: string;
  graceSeconds: number;
  /** the next decision restarts it (whatever its exit code and the restart policy) */
  restart: boolean;
}

export interface ContainerToStart {
  name: string;
  /** the attempt (restart count) the new instance carries in its name and labels */
  attempt: number;
  /** a created but never started instance: start it rather than create one */
  existingId?: string;
  /** extend the container's back-off from this exit (ms since epoch); unset for a first start */
  backoffFrom?: number;
}

export interface ContainerWaiting {
  name: string;
  waiting: WaitingReason;
  /** events to record, only when this reason first appears */
  events: { type: 'Normal' | 'Warning'; reason: string; message: string }[];
}

export interface PodActions {
  kill: ContainerToKill[];
  start: ContainerToStart[];
  waiting: ContainerWaiting[];
  /** sync again after this many ms (a back-off running out, a kill to follow with a restart) */
  lookAgainInMs?: number;
}

/** The back-off key: per pod, container and image, as the kubelet's getStackKey uses the container hash. */
export function backoffKey(podUid: string, c: Container): string {
  return `${podUid}/${c.name}/${c.image ?? ''}`;
}

export function computePodActions(input: PodActionsInput): PodActions {
  const out: PodActions = { kill: [], start: [], waiting: [] };
  const lookAgain = (ms: number): void => {
    out.lookAgainInMs = out.lookAgainInMs === undefined ? ms : Math.min(out.lookAgainInMs, ms);
  };
  // Init containers first, one at a time and in order (computeInitContainerActions): the next starts only
  // once the one before exited 0 (a sidecar: once it started), and the app containers only once all did.
  // Once the pod is initialized, a sidecar that exits is restarted without holding anything up.
  const initialized = isInitialized(input);
  const completed = initialized && appContainersCompleted(input);
  for (const c of input.pod.spec?.initContainers ?? []) {
    if (isSidecar(c) && completed) {
      // Every app container ended for good: the sidecars are stopped, not restarted, the last declared
      // first (the kubelet's termination ordering; the executor kills in list order, one after the other).
      const latest = input.instances.get(c.name)?.[0];
      if (latest?.running) out.kill.unshift(stopCompleted(input, c, latest));
      continue;
    }
    if (isSidecar(c)) {
      decideContainer(input, c, out, lookAgain);
      const latest = input.instances.get(c.name)?.[0];
      if (initialized || (latest?.running && input.startedSidecars?.has(c.name))) continue;
      return out;
    }
    if (initialized || initProgress(input, c) === 'done') continue;
    // a running one is left to exit (its die event syncs the pod again); a failed one restarts per policy
    decideContainer(input, c, out, lookAgain);
    return out;
  }
  for (const c of input.pod.spec?.containers ?? []) decideContainer(input, c, out, lookAgain);
  // Ephemeral containers (kubectl debug) join a running pod: started once, never restarted.
  if (initialized) for (const c of input.pod.spec?.ephemeralContainers ?? []) decideEphemeral(input, c as Container, out);
  return out;
}

/**
 * An ephemeral container is started when it has no instance yet (and never had one: its status would
 * show it), or when its instance was created but not started; one that ran is left as it ended.
 */
function decideEphemeral(input: PodActionsInput, c: Container, out: PodActions): void {
  const latest = input.instances.get(c.name)?.[0];
  if (latest) {
    if (latest.status === 'created' && !latest.startedAt) out.start.push({ name: c.name, attempt: attemptOf(latest), existingId: latest.id });
    return;
  }
  // It ran before (the status shown, or stored before a restart of the control plane or of the sandbox
  // shows an instance): it is not run again, as the kubelet never re-runs an ephemeral container.
  const ran = [input.shown, input.pod.status].some((st) => st?.ephemeralContainerStatuses?.some((s) => s.name === c.name && s.containerID));
  if (ran) return;
  const invalid = c.image !== undefined ? imageReferenceError(c.image) : undefined;
  if (invalid !== undefined) {
    const message = invalidImageNameMessage(c.image!, invalid);
    out.waiting.push(waitingWith(input, c.name, { reason: 'InvalidImageName', message }, [
      { type: 'Warning', reason: 'InspectFailed', message },
      { type: 'Warning', reason: 'Failed', message: 'Error: InvalidImageName' },
    ]));
    return;
  }
  out.start.push({ name: c.name, attempt: 0 });
}

/**
 * Every app container exited and will not be restarted (restartPolicy Never, or OnFailure with exit 0):
 * the pod is done, and its sidecars are stopped (computePodActions' "all regular containers terminated").
 */
function appContainersCompleted(input: PodActionsInput): boolean {
  const policy = input.pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return false;
  return (input.pod.spec?.containers ?? []).every((c) => {
    const latest = input.instances.get(c.name)?.[0];
    if (!latest || latest.running || !isExited(latest) || input.killedToRestart.has(latest.id)) return false;
    return policy === 'Never' || latest.exitCode === 0;
  });
}

function stopCompleted(input: PodActionsInput, c: Container, latest: ContainerInfo): ContainerToKill {
  return {
    name: c.name, containerId: latest.id, reason: 'pod-completed',
    // the kubelet's killContainer message when none is given
    message: `Stopping container ${c.name}`,
    graceSeconds: Math.max(MIN_GRACE_SECONDS, input.pod.spec?.terminationGracePeriodSeconds ?? 30),
    restart: false,
  };
}

/** podutil.IsRestartableInitContainer: a native sidecar. */
export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/**
 * The pod was initialized: an app container has an instance, or the status shows it so (the init
 * containers are not run again when their instances are removed, as the kubelet keeps a started pod's
 * sandbox initialized).
 */
function isInitialized(input: PodActionsInput): boolean {
  if ((input.pod.spec?.containers ?? []).some((c) => (input.instances.get(c.name)?.length ?? 0) > 0)) return true;
  return !!input.shown?.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True');
}

/** Whether an init container is done: exited 0, or shown so and its instance since removed. */
function initProgress(input: PodActionsInput, c: Container): 'done' | 'pending' {
  const latest = input.instances.get(c.name)?.[0];
  if (latest && !latest.running && isExited(latest)) return latest.exitCode === 0 ? 'done' : 'pending';
  const shown = shownStatusOf(input.shown, c.name);
  return !latest && shown?.state?.terminated?.exitCode === 0 ? 'done' : 'pending';
}

/** One container's decision: kill it (a probe, a changed definition), start it, or say why it waits. */
function decideContainer(input: PodActionsInput, c: Container, out: PodActions, lookAgain: (ms: number) => void): void {
  const instances = input.instances.get(c.name) ?? [];
  const latest = instances[0];
  if (latest?.running) {
    const kill = killOf(input, c, latest);
    if (kill) {
      out.kill.push(kill);
      // the restart, if any, is the next decision's, through the back-off
      lookAgain(0);
    }
    return;
  }
  const decision = latest && isExited(latest) ? exitedContainer(input, c, instances)
    : latest && latest.status === 'created' ? { start: { name: c.name, attempt: attemptOf(latest), existingId: latest.id } }
    : { start: { name: c.name, attempt: firstOrVanishedAttempt(input.shown, c.name) } };
  if (decision.wait) {
    out.waiting.push(decision.wait);
    if (decision.lookAgainInMs !== undefined) lookAgain(decision.lookAgainInMs);
  }
  if (decision.start) {
    // An image string the engine cannot parse never reaches it: the container waits until the spec changes.
    const invalid = c.image !== undefined && !decision.start.existingId ? imageReferenceError(c.image) : undefined;
    if (invalid !== undefined) {
      const message = invalidImageNameMessage(c.image!, invalid);
      out.waiting.push(waitingWith(input, c.name, { reason: 'InvalidImageName', message }, [
        { type: 'Warning', reason: 'InspectFailed', message },
        { type: 'Warning', reason: 'Failed', message: 'Error: InvalidImageName' },
      ]));
    } else {
      out.start.push(decision.start);
    }
  }
}

function killOf(input: PodActionsInput, c: Container, latest: ContainerInfo): ContainerToKill | undefined {
  const pod = input.pod;
  const policy = isSidecar(c) ? 'Always' : pod.spec?.restartPolicy ?? 'Always';
  const podGrace = pod.spec?.terminationGracePeriodSeconds ?? 30;
  const ran = imageOf(latest);
  // Only the image may change on a live pod; an instance made before the label existed is left alone.
  if (ran !== undefined && ran !== c.image) {
    return {
      name: c.name, containerId: latest.id, reason: 'definition-changed',
      message: `Container ${c.name} definition changed, will be restarted`,
      graceSeconds: Math.max(MIN_GRACE_SECONDS, podGrace), restart: true,
    };
  }
  const failed = input.probeFailures.get(c.name);
  if (!failed) return undefined;
  const restart = policy !== 'Never';
  const probe = failed === 'liveness' ? c.livenessProbe : c.startupProbe;
  return {
    name: c.name, containerId: latest.id, reason: failed,
    message: failed === 'liveness' ? livenessKillMessage(c.name, restart) : startupKillMessage(c.name, restart),
    graceSeconds: Math.max(MIN_GRACE_SECONDS, probe?.terminationGracePeriodSeconds ?? podGrace),
    restart,
  };
}

function isExited(c: ContainerInfo): boolean {
  return !!c.finishedAt || c.status === 'exited' || c.status === 'dead';
}

interface Decision {
  start?: ContainerToStart;
  wait?: ContainerWaiting;
  lookAgainInMs?: number;
}

/** The newest instance exited: restart it now, after its back-off, or never (the restart policy). */
function exitedContainer(input: PodActionsInput, c: Container, instances: readonly ContainerInfo[]): Decision {
  const latest = instances[0]!;
  // a sidecar restarts whatever the pod's policy
  const policy = isSidecar(c) ? 'Always' : input.pod.spec?.restartPolicy ?? 'Always';
  const restart = input.killedToRestart.has(latest.id)
    || policy === 'Always' || (policy === 'OnFailure' && latest.exitCode !== 0);
  if (!restart) return {};
  const uid = input.pod.metadata?.uid ?? '';
  // The newest instance was removed behind our back, leaving an older exited one here: that removal is a
  // crash found now, restarted at once as when no instance is left at all (docs/decisions/042). The older
  // exit's back-off was served by the restart that made the removed instance.
  if (shownInstanceVanished(input.shown, c.name, instances)) {
    return { start: { name: c.name, attempt: Math.max(attemptOf(latest), vanishedCount(input.shown, c.name, instances)) + 1 } };
  }
  const key = backoffKey(uid, c);
  const finished = latest.finishedAt ? Date.parse(latest.finishedAt) : input.now;
  if (input.backoff.isInBackOffSince(key, finished, input.now)) {
    const podRef = `${input.pod.metadata?.name}_${input.pod.metadata?.namespace}(${uid})`;
    return {
      wait: waitingWith(input, c.name, {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(input.backoff.get(key))} restarting failed container=${c.name} pod=${podRef}`,
      }, [{ type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${c.name} in pod ${podRef}` }]),
      lookAgainInMs: input.backoff.remaining(key, finished, input.now) + 50,
    };
  }
  return { start: { name: c.name, attempt: attemptOf(latest) + 1, backoffFrom: finished } };
}

/**
 * No instance at all: a first start, or every instance was removed behind our back, which counts as a
 * crash: the restart count goes on from what the status last showed.
 */
function firstOrVanishedAttempt(shown: PodStatus | undefined, name: string): number {
  const previous = shownStatusOf(shown, name);
  return previous?.containerID ? (previous.restartCount ?? 0) + 1 : previous?.restartCount ?? 0;
}

function waitingWith(input: PodActionsInput, name: string, waiting: WaitingReason, events: ContainerWaiting['events']): ContainerWaiting {
  const already = input.waiting.get(name)?.reason === waiting.reason;
  return { name, waiting, events: already ? [] : events };
}

/** True when the status shows an instance of the container that the engine no longer has. */
export function shownInstanceVanished(status: PodStatus | undefined, name: string, instances: readonly ContainerInfo[]): boolean {
  const shown = shownStatusOf(status, name);
  return !!shown?.containerID && !instances.some((i) => shown.containerID!.endsWith(i.id));
}

/** The restart count the status shows for a container whose shown instance no longer exists, else 0. */
function vanishedCount(status: PodStatus | undefined, name: string, instances: readonly ContainerInfo[]): number {
  if (!shownInstanceVanished(status, name, instances)) return 0;
  return shownStatusOf(status, name)?.restartCount ?? 0;
}

/** The status shown for a container, app or init (names are unique across both lists). */
function shownStatusOf(status: PodStatus | undefined, name: string): ContainerStatus | undefined {
  return [...status?.containerStatuses ?? [], ...status?.initContainerStatuses ?? []].find((s) => s.name === name);
}

// ---- stopping a container: the preStop hook's share of the grace period, and the order of a pod's stop ----

/**
 * The grace left after the preStop hook (or the wait for a sidecar's turn) took `spentSeconds` of it:
 * killContainer's arithmetic, in whole seconds as the kubelet counts them (truncated). May reach 0 or less.
 */
export function graceLeft(graceSeconds: number, spentSeconds: number): number {
  return graceSeconds - Math.floor(spentSeconds);
}

/** The stop's grace (SIGTERM → SIGKILL): whatever is left, but never under MIN_GRACE_SECONDS. */
export function stopGrace(graceLeftSeconds: number): number {
  return Math.max(MIN_GRACE_SECONDS, graceLeftSeconds);
}

/** killContainer runs the preStop hook only when there is a hook and grace left to run it in. */
export function runsPreStop(c: Container | undefined, graceSeconds: number): boolean {
  return !!c?.lifecycle?.preStop && graceSeconds > 0;
}

/**
 * The kubelet's terminationOrdering (1.29+, kuberuntime_termination_order.go): when a pod stops, every
 * container begins at once (its preStop hook runs), but a native sidecar receives SIGTERM only after
 * every app container and every sidecar declared after it have exited: the apps first, then the sidecars
 * in reverse order. Returns, per running container, the running containers it waits for.
 */
export function terminationPrerequisites(pod: Pod, running: readonly string[]): Map<string, string[]> {
  const isRunning = new Set(running);
  const apps = (pod.spec?.containers ?? []).map((c) => c.name).filter((n) => isRunning.has(n));
  const sidecars = (pod.spec?.initContainers ?? []).filter(isSidecar).map((c) => c.name).filter((n) => isRunning.has(n));
  const out = new Map<string, string[]>();
  for (const name of running) {
    const i = sidecars.indexOf(name);
    out.set(name, i < 0 ? [] : [...apps, ...sidecars.slice(i + 1)]);
  }
  return out;
}
