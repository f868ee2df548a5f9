// Carries out what pod-actions.ts decided, in numbered steps as kuberuntime_manager.go's SyncPod:
//   1. record why containers wait (CrashLoopBackOff, InvalidImageName) and its events, once per reason;
//   2. kill the containers to kill (Killing event, preStop hook, stop with the grace left: kill-container.ts);
//   3. write the status first when a container is about to be created (ContainerCreating while the
//      image is checked or pulled and the container created, as the kubelet shows it);
//   4. start the containers to start: image, create, start (a back-off step is taken for a restart), then
//      the postStart hook: the sync (and so the status: ContainerCreating) waits for it; a failed hook is the
//      FailedPostStartHook event, the container is killed and restarted per restartPolicy (back-off);
//   5. plan the next look (a back-off running out; at once after a kill, whose restart is decided then).
// Nothing here decides: every branch is an action the decision named, or an engine error reported.
import type { Container, Pod } from '../kube/types.js';
import type { EventType } from '../store/events.js';
import type { Stored } from '../store/store.js';
import type { ContainerInfo, CreateContainerSpec, Runtime } from '../runtime/runtime.js';
import type { Backoff } from './backoff.js';
import { containerLabels, dockerContainerName } from './container-names.js';
import { containerEnv, needsPodIP, type ConfigSource } from './env.js';
import { cgroupResources } from '../kube/resources.js';
import { containerSecurity, needsImageUser, verifyRunAsNonRoot } from './security-context.js';
import type { ImageManager } from './images.js';
import { killContainer } from './kill-container.js';
import { LABEL_TERMINATION_MESSAGE_PATH, terminationLabels } from './termination-message.js';
import { runLifecycleHandler } from './lifecycle-hooks.js';
import { backoffKey, isSidecar, type PodActions } from './pod-actions.js';
import type { ResolveAddress } from '../probes/types.js';
import { ensurePodVolumes, mountsOf } from './volumes.js';
import type { ClaimMount } from './volume-claims.js';
import type { WaitingReason } from './pod-status.js';
import { ephemeralContainersOf, pidTargetOf } from './ephemeral-containers.js';

export interface SyncPodDeps {
  runtime: Runtime;
  images: ImageManager;
  clusterId: string;
  network: string;
  publishPorts: boolean;
  backoff: Backoff;
  /** the ConfigMaps and Secrets env and envFrom refer to */
  configSource: ConfigSource;
  /** <home>/pods, where the file volumes the containers bind live (volume-manager.ts); the kubelet sets it */
  podsDir?: string;
  /** why a container is not running although it should, per `${uid}/${name}`; read by the status */
  waiting: Map<string, WaitingReason>;
  /** instances killed to be restarted (the next decision restarts them whatever the policy) */
  killedToRestart: Set<string>;
  event(pod: Pod, type: EventType, reason: string, message: string, containerName?: string): void;
  /** writes the pod's status from the instances listed (step 3) */
  writeStatus(uid: string, listed: Map<string, ContainerInfo[]>): void;
  /** sync the pod again after ms (0: right after this sync) */
  syncAfter(uid: string, ms: number): void;
  /** bench/probes: a probe-failed container's stop begins */
  onStopBegun?(podUid: string, containerName: string): void;
  /** the pod's IP (its sandbox's): the default host of an httpGet hook */
  podIP(pod: Pod): Promise<string | undefined>;
  /** published-ports mode: where this host reaches a pod's port */
  resolveAddress?: ResolveAddress;
  /** the pod's persistentVolumeClaim volumes as the volume manager resolved them (volume-claims.ts) */
  claimMounts?(uid: string): ReadonlyMap<string, ClaimMount> | undefined;
}

/** The waiting reason of a container whose postStart hook failed (the kubelet's ErrPostStartHook). */
export const POST_START_HOOK_ERROR = 'PostStartHookError';

/** Retry of a failed create or start, as the kubelet's resync of a pod whose sync failed. */
const RETRY_FAILED_START_MS = 10_000;

export class SyncPod {
  /** postStart hooks running, per pod uid: a pod marked for deletion ends them (abortHooks) */
  private readonly hooks = new Map<string, Set<AbortController>>();

  constructor(private readonly deps: SyncPodDeps) {}

  /** The pod is being deleted: its running postStart hooks give up, so its sync (and its stop) goes on. */
  abortHooks(uid: string): void {
    for (const a of this.hooks.get(uid) ?? []) a.abort();
  }

  /** Carries the actions out; true when it created, started or stopped something (the caller lists again). */
  async execute(pod: Stored<Pod>, actions: PodActions, byName: Map<string, ContainerInfo[]>, sandboxId: string, sandboxStarted: Promise<void> = Promise.resolve()): Promise<boolean> {
    const d = this.deps;
    const uid = pod.metadata.uid;
    const containers = new Map([...pod.spec?.initContainers ?? [], ...pod.spec?.containers ?? [], ...ephemeralContainersOf(pod)].map((c) => [c.name, c]));

    // 1. Why containers wait. A running container waits for nothing.
    for (const [name, list] of byName) if (list[0]?.running) d.waiting.delete(`${uid}/${name}`);
    for (const w of actions.waiting) {
      d.waiting.set(`${uid}/${w.name}`, w.waiting);
      for (const e of w.events) d.event(pod, e.type, e.reason, e.message, w.name);
    }

    // 2. Kills.
    for (const k of actions.kill) {
      if (k.reason === 'liveness' || k.reason === 'startup') d.onStopBegun?.(uid, k.name);
      if (k.restart) d.killedToRestart.add(k.containerId);
      await killContainer(d, pod, { spec: containers.get(k.name), name: k.name, containerId: k.containerId, graceSeconds: k.graceSeconds, message: k.message });
    }

    // 3. The status first, while containers are created.
    const creating = actions.start.some((s) => !byName.get(s.name)?.length && !d.waiting.has(`${uid}/${s.name}`));
    if (creating) d.writeStatus(uid, byName);

    // 4. Starts.
    for (const s of actions.start) {
      const c = containers.get(s.name);
      if (!c) continue;
      for (const i of byName.get(s.name) ?? []) d.killedToRestart.delete(i.id);
      if (s.existingId) {
        // Created but never started (a crash of ours between create and start): start it now, hook included.
        const started = await d.runtime.startContainer(s.existingId).then(() => true, (err: Error) => { this.failed(pod, c, 'RunContainerError', err); return false; });
        if (started && c.lifecycle?.postStart) await this.postStart(pod, c, s.existingId);
        continue;
      }
      if (s.backoffFrom !== undefined) d.backoff.next(backoffKey(uid, c), s.backoffFrom);
      await this.startContainer(pod, c, s.attempt, sandboxId, sandboxStarted, pidTargetOf(pod, c, byName));
    }

    // 5. The next look.
    if (actions.lookAgainInMs !== undefined) d.syncAfter(uid, actions.lookAgainInMs);
    return actions.kill.length > 0 || actions.start.length > 0;
  }

  private async startContainer(pod: Stored<Pod>, c: Container, attempt: number, sandboxId: string, sandboxStarted: Promise<void>, pidTargetId?: string): Promise<void> {
    const d = this.deps;
    const uid = pod.metadata.uid;
    const key = `${uid}/${c.name}`;
    const image = await d.images.ensure(pod, c, (type, reason, message) => d.event(pod, type, reason, message, c.name));
    if (!image.ok) {
      d.waiting.set(key, { reason: image.reason, message: image.message });
      // nothing changes for these until the pod is replaced: no retry timer
      if (image.reason !== 'ErrImageNeverPull' && image.reason !== 'InvalidImageName') d.syncAfter(uid, Math.max(1000, d.images.retryInMs(pod, c.image!)));
      if (image.reason === 'ErrImagePull') {
        // Kubernetes shows ErrImagePull once, then ImagePullBackOff while waiting for the next pull.
        setTimeout(() => {
          if (d.waiting.get(key)?.reason === 'ErrImagePull') {
            d.waiting.set(key, { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}": ErrImagePull: ${image.message}` });
            d.syncAfter(uid, 0);
          }
        }, 1000).unref();
      }
      return;
    }
    // generateContainerConfig: a missing ConfigMap/Secret (or key) stops here, retried on their watch.
    // status.podIP is the sandbox's address, known once the sandbox runs.
    const podIP = needsPodIP(c) ? await sandboxStarted.then(() => d.runtime.inspectContainer(sandboxId)).then((i) => i?.ip, () => undefined) : undefined;
    const env = containerEnv(pod, c, d.configSource, { podIP });
    if (!env.ok) return this.failed(pod, c, 'CreateContainerConfigError', new Error(env.message));
    const mounts = mountsOf(pod, c, d.podsDir ?? '', env.env, d.claimMounts?.(pod.metadata.uid));
    if (!mounts.ok) return this.failed(pod, c, 'CreateContainerConfigError', new Error(mounts.message));
    for (const w of env.warnings) d.event(pod, 'Warning', 'InvalidEnvironmentVariableNames', w);
    // runAsNonRoot is verified against the image's user before the container is made (security-context.ts)
    const imageUser = needsImageUser(pod, c) ? await d.runtime.imageUser?.(c.image!).catch(() => '') ?? '' : '';
    const nonRoot = verifyRunAsNonRoot(pod, c, imageUser);
    if (nonRoot) return this.failed(pod, c, 'CreateContainerConfigError', new Error(nonRoot));
    const spec: CreateContainerSpec = {
      name: dockerContainerName(pod, c.name, attempt),
      image: c.image!,
      command: c.command,
      args: c.args,
      env: env.env,
      workingDir: c.workingDir,
      hostname: pod.spec?.hostname || pod.metadata.name,
      labels: { ...containerLabels(d.clusterId, pod, c.name, attempt, c.image), ...terminationLabels(c) },
      // the pod's ports are the sandbox's (pod-sandbox.ts), whose network namespace this container joins
      ports: [],
      network: d.network,
      publishPorts: d.publishPorts,
      resources: cgroupResources(c),
      security: containerSecurity(pod, c, imageUser),
      mounts: mounts.mounts,
      sandboxId,
      ...(pidTargetId ? { pidTargetId } : {}),
      terminationMessagePath: terminationLabels(c)[LABEL_TERMINATION_MESSAGE_PATH],
      terminal: { stdin: c.stdin === true, stdinOnce: c.stdinOnce === true, tty: c.tty === true },
    };
    let id: string;
    try {
      await ensurePodVolumes(d.runtime, d.clusterId, pod);
      id = await d.runtime.createContainer(spec);
    } catch (err) {
      return this.failed(pod, c, 'CreateContainerError', err as Error);
    }
    d.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, c.name);
    // a container starts in a running sandbox only; a sandbox that fails to start fails the sync
    await sandboxStarted;
    try {
      await d.runtime.startContainer(id);
    } catch (err) {
      return this.failed(pod, c, 'RunContainerError', err as Error);
    }
    d.waiting.delete(key);
    d.event(pod, 'Normal', 'Started', `Started container ${c.name}`, c.name);
    if (c.lifecycle?.postStart) await this.postStart(pod, c, id);
  }

  /**
   * startContainer's step 4: the postStart hook, right after the start. On failure the kubelet records
   * FailedPostStartHook, kills the container (its preStop runs, with the pod's grace) and shows
   * PostStartHookError until the next decision restarts it per restartPolicy, through the back-off.
   */
  private async postStart(pod: Stored<Pod>, c: Container, id: string): Promise<void> {
    const d = this.deps;
    const uid = pod.metadata.uid;
    const abort = new AbortController();
    const running = this.hooks.get(uid) ?? new Set();
    this.hooks.set(uid, running.add(abort));
    let result;
    try {
      result = await runLifecycleHandler(d, pod, c, id, c.lifecycle!.postStart!, abort.signal);
    } finally {
      running.delete(abort);
      if (!running.size) this.hooks.delete(uid);
    }
    if (result.ok) return;
    d.event(pod, 'Warning', 'FailedPostStartHook', result.message, c.name);
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    await killContainer(d, pod, { spec: c, name: c.name, containerId: id, graceSeconds: grace, message: 'FailedPostStartHook' });
    // shown until the restart, for a container that will be restarted (the kubelet's reason cache); one
    // that will not (restartPolicy Never) shows its termination
    const policy = isSidecar(c) ? 'Always' : pod.spec?.restartPolicy ?? 'Always';
    if (policy !== 'Never') d.waiting.set(`${uid}/${c.name}`, { reason: POST_START_HOOK_ERROR, message: result.message });
    // the next decision sees it exited and restarts it per restartPolicy (a back-off step)
    d.syncAfter(uid, 0);
  }

  private failed(pod: Stored<Pod>, c: Container, reason: string, err: Error): void {
    this.deps.waiting.set(`${pod.metadata.uid}/${c.name}`, { reason, message: err.message });
    this.deps.event(pod, 'Warning', 'Failed', `Error: ${err.message}`, c.name);
    this.deps.syncAfter(pod.metadata.uid, RETRY_FAILED_START_MS);
  }
}
