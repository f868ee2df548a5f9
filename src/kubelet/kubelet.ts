// The kubelet: makes the Docker containers match the Pods in the store, and writes back what it sees
// (Pod status, Events). Level-triggered: every sync of a pod lists that pod's containers on the engine
// (by label) and acts on the difference, so a restart of the control plane, a container killed behind
// its back or a lost event all converge to the same place. Syncs of one pod never overlap; different
// pods sync concurrently.
//
// Trust: what the kubelet acts on comes from the engine (containers found by this cluster's label and the
// pod's uid) and from its own memory of what it observed (observed-pods.ts), never from the status in the
// store, which a client may write through pods/status. A status that differs from the observed one is
// written over at once (docs/decisions/070).
import type { Container, Pod, PodStatus } from '../kube/types.js';
import { SHARED_NETWORK_LABELS } from '../runtime/network.js';
import { ProbeManager, type ProbeUpdate } from '../probes/manager.js';
import { livenessKillMessage, startupKillMessage } from '../probes/messages.js';
import { probePortsToPublish } from '../probes/in-pod-network.js';
import { KUBELET, NODE_NAME, recordEvent, type EventType } from '../store/events.js';
import { timestamp, type Store, type Stored, type WatchEvent } from '../store/store.js';
import {
  LABEL_CLUSTER, LABEL_CONTAINER, LABEL_POD_UID, type ContainerInfo, type CreateContainerSpec, type Runtime,
} from '../runtime/runtime.js';
import { removeContainers } from '../runtime/remove-containers.js';
import { Backoff, goDuration } from './backoff.js';
import {
  attemptOf, containerIdOf, containerLabels, dockerContainerName, groupByContainer,
} from './container-names.js';
import { ImageManager } from './images.js';
import { computePodStatus, type ContainerView, type WaitingReason } from './pod-status.js';
import { staticEnv } from './env.js';
import { EngineWatch } from './engine-watch.js';
import { markEngineUnreachable, ENGINE_CONDITION } from './engine-condition.js';
import { drainConnections, graceAfterDrain, type ConnectionDrain } from './drain.js';
import { ObservedPods } from './observed-pods.js';

export interface KubeletOptions {
  store: Store;
  runtime: Runtime;
  clusterId: string;
  network: string;
  /** reach containers through ports published on 127.0.0.1 (Docker Desktop), not by IP */
  publishPorts: boolean;
  log?: (line: string) => void;
  /** how often every pod is re-synced even without a trigger */
  resyncMs?: number;
  /** the service proxy's open connections: a deleted pod is drained before SIGTERM (docs/decisions/043) */
  connections?: ConnectionDrain;
  /** where the kubelet records what it observed; the control plane shares it with the service proxy */
  observed?: ObservedPods;
}

/**
 * Timestamps (performance.now()) of a probe result crossing its threshold and of the effects it
 * causes, for bench/probes: 'result' when the probe manager publishes a changed result, 'ready-written'
 * when a container's `ready` changes in the store, 'stop-begun' when a probe-failed container's stop starts.
 */
export interface ProbeTraceEvent {
  kind: 'result' | 'ready-written' | 'stop-begun';
  podUid: string;
  containerName: string;
  at: number;
  /** for 'result': the probe type and result; for 'ready-written': the new readiness */
  type?: string;
  result?: string;
  ready?: boolean;
}

/** Kubernetes' minimumGracePeriodInSeconds for kills. */
const MIN_GRACE_SECONDS = 2;

interface PodWorker {
  running: boolean;
  /** the sync loop in flight, awaited by stop() */
  done?: Promise<void>;
  again: boolean;
  /** the next sync may act on the containers listed last (a probe kill must not wait for a listing) */
  cached?: boolean;
  timer?: NodeJS.Timeout;
}

export class Kubelet {
  readonly probes: ProbeManager;
  /** the status and published ports the kubelet observed per pod uid: the one copy anything acts on */
  readonly observed: ObservedPods;
  /** optional instrumentation (bench/probes); unset in normal runs */
  probeTrace?: (e: ProbeTraceEvent) => void;
  private readonly store: Store;
  private readonly runtime: Runtime;
  private readonly images: ImageManager;
  /** the last sync failure reported per pod uid, so a retry loop does not repeat its event */
  private readonly lastSyncError = new Map<string, string>();
  private readonly backoff = new Backoff();
  private readonly workers = new Map<string, PodWorker>();
  /** uid -> namespace/name, so a DELETED pod can still be cleaned up by uid */
  private readonly known = new Map<string, { namespace: string; name: string }>();
  /** why a container is not running although it should (CrashLoopBackOff, ErrImagePull, ...) */
  private readonly waiting = new Map<string, WaitingReason>();
  /** last spec+deletion seen per uid, to skip re-syncs caused by our own status writes */
  private readonly seenSpec = new Map<string, string>();
  /** the engine's containers of each pod as the last sync listed them (probe fast paths) */
  private readonly lastListed = new Map<string, ContainerInfo[]>();
  /** containers whose 'die' event came (id -> when, exit code): a listing begun before must not revive them */
  private readonly died = new Map<string, { at: number; exitCode?: number }>();
  private unwatch?: () => void;
  private engine?: EngineWatch;
  /** the engine network exists and orphans were removed (redone when the engine comes back) */
  private prepared = false;
  private resyncTimer?: NodeJS.Timeout;
  private stopped = false;
  private engineUp = true;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: KubeletOptions) {
    this.store = opts.store;
    this.runtime = opts.runtime;
    this.images = new ImageManager(opts.runtime);
    this.log = opts.log ?? (() => {});
    this.observed = opts.observed ?? new ObservedPods();
    this.probes = new ProbeManager({
      runtime: opts.runtime,
      // Probes read the container IDs, states and pod IP the kubelet observed, as the prober reads the
      // status manager's cache: an exec probe never runs in a container a client named in pods/status.
      getPod: (uid) => this.podAsObserved(uid),
      onUpdate: (u) => this.onProbeUpdate(u),
      recordEvent: (pod, containerName, type, reason, message) =>
        this.event(pod, type, reason, message, containerName),
      resolveAddress: opts.publishPorts ? (pod, container, port) => this.publishedTarget(pod, container.name, port) : undefined,
    });
  }

  async start(): Promise<void> {
    // Everything that needs the engine may fail here (engine down at start): the watch, the re-sync and
    // the engine watch still start, and the engine-side preparation is redone once the engine answers.
    await this.prepare().catch((err: Error) => this.log(`kubelet: the Docker engine is not ready: ${err.message}`));
    this.engine = new EngineWatch({
      runtime: this.runtime,
      labels: { [LABEL_CLUSTER]: this.opts.clusterId },
      onEvent: (e) => {
        const uid = e.labels[LABEL_POD_UID];
        if (e.action === 'start') this.died.delete(e.containerId);
        if (uid && e.action === 'die') this.markDied(uid, e.containerId, e.exitCode);
        if (uid && ['die', 'start', 'destroy', 'oom', 'stop', 'kill'].includes(e.action)) this.requestSync(uid);
      },
      onChange: (up) => this.onEngineChange(up),
      log: this.log,
    });
    this.engine.start();
    this.unwatch = this.store.watch({ kind: 'Pod' }, (e) => this.onPodEvent(e));
    if (!this.prepared) void this.engine.check();
    this.resyncTimer = setInterval(() => this.resyncAll(), this.opts.resyncMs ?? 10_000);
    this.resyncTimer.unref();
  }

  private async prepare(): Promise<void> {
    await this.runtime.ensureNetwork(this.opts.network, SHARED_NETWORK_LABELS);
    await this.removeOrphans();
    this.prepared = true;
  }

  /** Engine gone: say so on every pod (condition + event) and touch nothing. Back: reconcile all. */
  private onEngineChange(up: boolean): void {
    this.engineUp = up;
    if (!up) {
      for (const pod of this.store.list<Pod>('Pod')) {
        if (markEngineUnreachable(this.store, pod)) {
          this.event(pod, 'Warning', 'ContainerRuntimeUnreachable',
            'the Docker engine does not answer; the pod\'s containers are left as they are until it does');
        }
      }
      return;
    }
    void (async () => {
      if (!this.prepared) await this.prepare().catch((err: Error) => this.log(`kubelet: ${err.message}`));
      for (const pod of this.store.list<Pod>('Pod')) {
        if (pod.status?.conditions?.some((c) => c.type === ENGINE_CONDITION && c.status === 'False')) {
          this.event(pod, 'Normal', 'ContainerRuntimeReachable', 'the Docker engine answers again');
        }
      }
      this.resyncAll();
    })();
  }

  /** Stops syncing; with removeContainers (mini-kube down) also stops and removes every container. */
  async stop(opts: { removeContainers: boolean }): Promise<void> {
    this.stopped = true;
    this.unwatch?.();
    this.engine?.stop();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const w of this.workers.values()) if (w.timer) clearTimeout(w.timer);
    this.probes.stop();
    // A sync in flight may be creating a container right now: let it finish before listing, or that
    // container would outlive the cluster.
    await Promise.all([...this.workers.values()].map((w) => w.done));
    if (!opts.removeContainers) return;
    const all = await this.runtime.listContainers({ [LABEL_CLUSTER]: this.opts.clusterId }).catch(() => []);
    await removeContainers(this.runtime, all, 5);
    // Pods come back from scratch on the next `up`: their containers are gone on purpose.
    for (const pod of this.store.list<Pod>('Pod')) {
      this.observed.delete(pod.metadata.uid);
      this.store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
        p.status = { phase: 'Pending', startTime: p.status?.startTime };
      });
    }
  }

  get engineReachable(): boolean {
    return this.engineUp;
  }

  // ---- triggers ----

  private onPodEvent(e: WatchEvent): void {
    const pod = e.object as Stored<Pod>;
    const uid = pod.metadata.uid;
    if (e.type === 'DELETED') {
      this.seenSpec.delete(uid);
      this.requestSync(uid);
      return;
    }
    this.known.set(uid, { namespace: pod.metadata.namespace!, name: pod.metadata.name });
    const specKey = JSON.stringify([pod.spec, pod.metadata.deletionTimestamp ?? null, pod.status?.phase === undefined]);
    if (this.seenSpec.get(uid) === specKey) {
      // Someone else wrote the status (a client through pods/status): sync, which lists the engine and
      // writes the observed status back. Not while the engine is away (its condition is ours too).
      if (this.statusDiffers(uid, pod.status) && this.engine?.isReachable !== false) this.requestSync(uid);
      return;
    }
    this.seenSpec.set(uid, specKey);
    this.probes.addPod(pod);
    this.requestSync(uid);
  }

  private onProbeUpdate(u: ProbeUpdate): void {
    this.probeTrace?.({ kind: 'result', podUid: u.podUid, containerName: u.containerName, type: u.type, result: u.result, at: performance.now() });
    const listed = this.lastListed.get(u.podUid);
    const latest = listed ? groupByContainer(listed).get(u.containerName)?.[0] : undefined;
    const current = !!latest?.running && latest.id === u.containerId;
    // Readiness and startup success only change the status: regenerate it from the last listing now
    // (a listing costs a Docker round trip, hundreds of ms on a busy engine) as the kubelet's status
    // manager does. A container that died meanwhile has a 'die' event and a sync of its own coming.
    if (current && (u.type === 'readiness' || (u.type === 'startup' && u.result === 'success'))) {
      this.writeStatus(u.podUid, groupByContainer(listed!));
      return;
    }
    // A liveness/startup failure of the running container: kill it without listing first.
    this.requestSync(u.podUid, { cached: current && u.result === 'failure' });
  }

  private resyncAll(): void {
    for (const uid of this.known.keys()) this.requestSync(uid);
  }

  /** Runs a sync of the pod now, or right after the one in progress. */
  requestSync(uid: string, opts: { cached?: boolean } = {}): void {
    if (this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { running: false, again: false };
      this.workers.set(uid, w);
    }
    if (opts.cached) w.cached = true;
    if (w.running) {
      w.again = true;
      return;
    }
    w.running = true;
    w.done = (async () => {
      try {
        do {
          w.again = false;
          const cached = !!w.cached;
          w.cached = false;
          await this.syncPod(uid, cached).catch((err: Error) => this.onSyncError(uid, err));
        } while (w.again && !this.stopped);
      } finally {
        w.running = false;
      }
    })();
  }

  private syncLater(uid: string, ms: number): void {
    const w = this.workers.get(uid);
    if (!w || this.stopped) return;
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(() => { w.timer = undefined; this.requestSync(uid); }, ms);
    w.timer.unref();
  }

  private onSyncError(uid: string, err: Error): void {
    this.log(`sync of pod ${this.known.get(uid)?.name ?? uid} failed: ${err.message}`);
    this.reportSyncFailure(uid, err.message);
    // An engine that stopped answering is reported (and everything re-synced on its return) by the engine
    // watch; the pod is retried meanwhile either way.
    void this.engine?.check();
    this.syncLater(uid, 2000);
  }

  /** True when the stored status is not the one this kubelet observed last (nothing observed: false). */
  private statusDiffers(uid: string, stored: PodStatus | undefined): boolean {
    const observed = this.observed.status(uid);
    return !!observed && JSON.stringify(stored) !== JSON.stringify(observed);
  }

  /** The pod with the status the kubelet observed (none before the first sync), for the probes. */
  private podAsObserved(uid: string): Pod | undefined {
    const pod = this.podByUid(uid);
    if (!pod) return undefined;
    const { status: _stored, ...rest } = pod;
    const status = this.observed.status(uid);
    return status ? { ...rest, status } : rest;
  }

  /** What the kubelet showed last: its own observation, else (just started) the stored status it wrote before. */
  private shownStatus(pod: Stored<Pod>): PodStatus | undefined {
    return this.observed.status(pod.metadata.uid) ?? pod.status;
  }

  /**
   * The pod's instances of one container on the engine, newest first, found by this cluster's label and
   * the pod's uid: what `logs` and `exec` act on (the API server asks here, never the pod's status).
   */
  async instances(podUid: string, containerName: string): Promise<ContainerInfo[]> {
    const listed = await this.runtime.listContainers({
      [LABEL_CLUSTER]: this.opts.clusterId, [LABEL_POD_UID]: podUid, [LABEL_CONTAINER]: containerName,
    });
    return this.withDeaths(groupByContainer(listed)).get(containerName) ?? [];
  }

  /** Published-ports mode: where a probe reaches a container port, from the engine's listing of that container. */
  private publishedTarget(pod: Pod, containerName: string, port: number): { host: string; port: number } {
    const latest = groupByContainer(this.lastListed.get(pod.metadata?.uid ?? '') ?? []).get(containerName)?.[0];
    const host = latest?.publishedPorts[port];
    if (host === undefined) throw new Error(`port ${port} of container "${containerName}" is not published on 127.0.0.1`);
    return { host: '127.0.0.1', port: host };
  }

  /**
   * A failed sync reported on the pod as the kubelet's FailedSync event, once per distinct failure (not on
   * every retry): a stored pod this kubelet cannot run says why where the user looks.
   */
  private reportSyncFailure(uid: string, message: string): void {
    const pod = this.podByUid(uid);
    if (!pod || this.lastSyncError.get(uid) === message) return;
    this.lastSyncError.set(uid, message);
    try {
      this.event(pod, 'Warning', 'FailedSync', `error syncing pod: ${message}`);
    } catch { /* the event is best effort; the log line stands */ }
  }

  private podByUid(uid: string): Stored<Pod> | undefined {
    const k = this.known.get(uid);
    if (!k) return undefined;
    const pod = this.store.get<Pod>('Pod', k.namespace, k.name);
    return pod && pod.metadata.uid === uid ? pod : undefined;
  }

  // ---- the sync ----

  private async syncPod(uid: string, useLastListing = false): Promise<void> {
    const pod = this.podByUid(uid);
    const last = useLastListing ? this.lastListed.get(uid) : undefined;
    const containers = last ?? await this.runtime.listContainers({ [LABEL_CLUSTER]: this.opts.clusterId, [LABEL_POD_UID]: uid });
    if (!last) this.lastListed.set(uid, containers);
    this.engineUp = true;
    if (!pod) return this.cleanupPod(uid, containers);
    if (pod.metadata.deletionTimestamp) return this.terminatePod(pod, containers);
    const unrunnable = podShapeProblem(pod);
    // no retry timer: only a new spec (which brings a sync of its own) can change this
    if (unrunnable) {
      if (this.lastSyncError.get(uid) !== unrunnable) this.log(`pod ${pod.metadata.namespace}/${pod.metadata.name} cannot be run: ${unrunnable}`);
      return this.reportSyncFailure(uid, unrunnable);
    }

    if (!pod.spec?.nodeName) this.bind(pod);
    const byName = groupByContainer(containers);
    let changed = false;
    for (const c of pod.spec?.containers ?? []) {
      const instances = byName.get(c.name) ?? [];
      changed = (await this.syncContainer(pod, c, instances)) || changed;
    }
    await this.removeExtraInstances(byName, pod);
    let fresh = byName;
    if (changed) {
      const listed = await this.runtime.listContainers({ [LABEL_CLUSTER]: this.opts.clusterId, [LABEL_POD_UID]: uid });
      this.lastListed.set(uid, listed);
      fresh = groupByContainer(listed);
    }
    this.writeStatus(uid, fresh);
    this.lastSyncError.delete(uid);
  }

  /** Returns true when it created, started or stopped something. */
  private async syncContainer(pod: Stored<Pod>, c: Container, instances: ContainerInfo[]): Promise<boolean> {
    const uid = pod.metadata.uid;
    const key = `${uid}/${c.name}`;
    const latest = instances[0];
    const policy = pod.spec?.restartPolicy ?? 'Always';

    if (latest?.running) {
      this.waiting.delete(key);
      const liveness = this.probes.livenessFailed(uid, c.name, latest.id);
      const startup = !liveness && this.probes.startupFailed(uid, c.name, latest.id);
      if (!liveness && !startup) return false;
      const restart = policy !== 'Never';
      const message = liveness ? livenessKillMessage(c.name, restart) : startupKillMessage(c.name, restart);
      const probe = liveness ? c.livenessProbe : c.startupProbe;
      const grace = Math.max(MIN_GRACE_SECONDS,
        probe?.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30);
      this.event(pod, 'Normal', 'Killing', message, c.name);
      this.probeTrace?.({ kind: 'stop-begun', podUid: uid, containerName: c.name, at: performance.now() });
      await this.runtime.stopContainer(latest.id, grace);
      // The kill and the restart happen in one sync, as in the kubelet: no back-off for this restart.
      if (!restart) return true;
      await this.startContainer(pod, c, attemptOf(latest) + 1);
      return true;
    }

    if (latest && (latest.finishedAt || latest.status === 'exited' || latest.status === 'dead')) {
      const shouldRestart = policy === 'Always' || (policy === 'OnFailure' && latest.exitCode !== 0);
      if (!shouldRestart) return false;
      // The newest instance was removed behind our back, leaving an older exited one here: that removal
      // is a crash found now, restarted at once as when no instance is left at all. The older exit's
      // back-off was served by the restart that made the removed instance; judging the restart by it
      // would hold the pod (and show the older instance with its count) until that back-off ran out.
      if (shownInstanceVanished(this.shownStatus(pod), c.name, instances)) {
        await this.startContainer(pod, c, Math.max(attemptOf(latest), vanishedCount(this.shownStatus(pod), c.name, instances)) + 1);
        return true;
      }
      const finished = latest.finishedAt ? Date.parse(latest.finishedAt) : Date.now();
      const now = Date.now();
      if (this.backoff.isInBackOffSince(key, finished, now)) {
        const backoff = this.backoff.get(key);
        const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${uid})`;
        const wasWaiting = this.waiting.get(key)?.reason === 'CrashLoopBackOff';
        this.waiting.set(key, {
          reason: 'CrashLoopBackOff',
          message: `back-off ${goDuration(backoff)} restarting failed container=${c.name} pod=${podRef}`,
        });
        if (!wasWaiting) this.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podRef}`, c.name);
        this.syncLater(uid, this.backoff.remaining(key, finished, now) + 50);
        return false;
      }
      this.backoff.next(key, finished);
      // The newest instance may have been removed behind our back, leaving an older exited one here:
      // that removal was a crash too, so count on from what the status last showed.
      await this.startContainer(pod, c, Math.max(attemptOf(latest), vanishedCount(this.shownStatus(pod), c.name, instances)) + 1);
      return true;
    }

    if (latest && latest.status === 'created') {
      // Created but never started (a crash of ours between create and start): start it now.
      await this.runtime.startContainer(latest.id).catch((err: Error) => this.failed(pod, c, 'RunContainerError', err));
      return true;
    }

    // No instance at all: first start, or the container vanished (removed behind our back) which
    // counts as a crash: the restart count goes on from what the status last showed.
    const previous = this.shownStatus(pod)?.containerStatuses?.find((s) => s.name === c.name);
    const vanished = !!previous?.containerID;
    const attempt = vanished ? (previous!.restartCount ?? 0) + 1 : previous?.restartCount ?? 0;
    await this.startContainer(pod, c, attempt);
    return true;
  }

  private async startContainer(pod: Stored<Pod>, c: Container, attempt: number): Promise<void> {
    const uid = pod.metadata.uid;
    const key = `${uid}/${c.name}`;
    const image = await this.images.ensure(pod, c, (type, reason, message) => this.event(pod, type, reason, message, c.name));
    if (!image.ok) {
      this.waiting.set(key, { reason: image.reason, message: image.message });
      // nothing changes for these until the pod is replaced: no retry timer
      if (image.reason !== 'ErrImageNeverPull' && image.reason !== 'InvalidImageName') this.syncLater(uid, Math.max(1000, this.images.retryInMs(pod, c.image!)));
      if (image.reason === 'ErrImagePull') {
        // Kubernetes shows ErrImagePull once, then ImagePullBackOff while waiting for the next pull.
        setTimeout(() => {
          if (this.waiting.get(key)?.reason === 'ErrImagePull') {
            this.waiting.set(key, { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}": ErrImagePull: ${image.message}` });
            this.requestSync(uid);
          }
        }, 1000).unref();
      }
      return;
    }
    const spec: CreateContainerSpec = {
      name: dockerContainerName(pod, c.name, attempt),
      image: c.image!,
      command: c.command,
      args: c.args,
      env: staticEnv(pod, c),
      workingDir: c.workingDir,
      hostname: pod.metadata.name,
      labels: containerLabels(this.opts.clusterId, pod, c.name, attempt),
      ports: [
        ...(c.ports ?? []).map((p) => ({
          containerPort: p.containerPort,
          protocol: (p.protocol ?? 'TCP') as 'TCP',
          ...(p.hostPort ? { hostPort: p.hostPort } : {}),
        })),
        // Probes may dial ports the container never declared; in the published-ports mode those
        // must be published too, or the probe could not reach them at all.
        ...(this.opts.publishPorts ? probePortsToPublish(c) : [])
          .filter((port) => !(c.ports ?? []).some((p) => p.containerPort === port && (p.protocol ?? 'TCP') === 'TCP'))
          .map((port) => ({ containerPort: port, protocol: 'TCP' as const })),
      ],
      network: this.opts.network,
      publishPorts: this.opts.publishPorts,
    };
    let id: string;
    try {
      id = await this.runtime.createContainer(spec).catch(async (err: Error) => {
        // The shared network was removed behind our back (docker network prune): make it again, once.
        if (!/network .*not found/i.test(err.message)) throw err;
        await this.runtime.ensureNetwork(this.opts.network, SHARED_NETWORK_LABELS);
        return this.runtime.createContainer(spec);
      });
    } catch (err) {
      return this.failed(pod, c, 'CreateContainerError', err as Error);
    }
    this.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, c.name);
    try {
      await this.runtime.startContainer(id);
    } catch (err) {
      return this.failed(pod, c, 'RunContainerError', err as Error);
    }
    this.waiting.delete(key);
    this.event(pod, 'Normal', 'Started', `Started container ${c.name}`, c.name);
  }

  private failed(pod: Stored<Pod>, c: Container, reason: string, err: Error): void {
    const key = `${pod.metadata.uid}/${c.name}`;
    this.waiting.set(key, { reason, message: err.message });
    this.event(pod, 'Warning', 'Failed', `Error: ${err.message}`, c.name);
    this.syncLater(pod.metadata.uid, 10_000);
  }

  /** Keeps the newest instance and the one before it (for `logs --previous`); removes older ones. */
  private async removeExtraInstances(byName: Map<string, ContainerInfo[]>, pod: Stored<Pod>): Promise<void> {
    const names = new Set((pod.spec?.containers ?? []).map((c) => c.name));
    for (const [name, list] of byName) {
      const extra = names.has(name) ? list.slice(2) : list;
      for (const c of extra) {
        if (c.running) continue;
        await this.runtime.removeContainer(c.id).catch(() => {});
      }
    }
  }

  /**
   * A container's 'die' event: the pod's status says so at once, before the listing and the restart (the
   * kubelet too writes the status before acting). Right after this event the engine frees the container's
   * IP for the next container of any cluster on the shared network (docs/decisions/023): the service proxy
   * must stop dialling it now, not a container creation later.
   */
  private markDied(uid: string, containerId: string, exitCode?: number): void {
    const now = Date.now();
    for (const [id, d] of this.died) if (now - d.at > 60_000) this.died.delete(id);
    this.died.set(containerId, { at: now, exitCode });
    const listed = this.lastListed.get(uid);
    if (listed?.some((c) => c.id === containerId && c.running)) this.writeStatus(uid, groupByContainer(listed));
  }

  /** The instances as listed, less those whose death the engine has reported since. */
  private withDeaths(byName: Map<string, ContainerInfo[]>): Map<string, ContainerInfo[]> {
    if (!this.died.size) return byName;
    const out = new Map<string, ContainerInfo[]>();
    for (const [name, list] of byName) {
      out.set(name, list.map((c) => {
        const d = c.running ? this.died.get(c.id) : undefined;
        if (!d) return c;
        return { ...c, running: false, status: 'exited', exitCode: d.exitCode ?? c.exitCode, finishedAt: c.finishedAt ?? new Date(d.at).toISOString() };
      }));
    }
    return out;
  }

  private writeStatus(uid: string, listed: Map<string, ContainerInfo[]>): void {
    const pod = this.podByUid(uid);
    if (!pod) return;
    const byName = this.withDeaths(listed);
    const shown = this.shownStatus(pod);
    const views: ContainerView[] = (pod.spec?.containers ?? []).map((c) => {
      const instances = byName.get(c.name) ?? [];
      const latest = instances[0];
      const id = latest?.id ?? '';
      const running = !!latest?.running;
      const prev = shown?.containerStatuses?.find((s) => s.name === c.name);
      return {
        name: c.name,
        image: c.image!,
        instances,
        waiting: running ? undefined : this.waiting.get(`${uid}/${c.name}`),
        started: running && this.probes.isStarted(uid, c.name, id),
        ready: running && this.probes.isStarted(uid, c.name, id) && this.probes.isReady(uid, c.name, id),
        // the count never goes back: kept when the instance the status shows is gone (removed by hand)
        restartFloor: instances.length && !shownInstanceVanished(shown, c.name, instances) ? 0 : prev?.restartCount ?? 0,
      };
    });
    const first = byName.get(pod.spec?.containers?.[0]?.name ?? '')?.[0];
    // The IP the first container has on the engine; while it is down, the one this kubelet saw last (the
    // proxy does not dial it, docs/decisions/023). Never an IP that only the stored status names.
    const podIP = (first?.running && first.ip) || this.observed.status(uid)?.podIP;
    const status = computePodStatus({ ...pod, status: shown }, views, podIP, timestamp());
    // A sync that read the engine just before it went away must not wipe the "engine unreachable" mark.
    const engineMark = this.engine?.isReachable === false && pod.status?.conditions?.find((x) => x.type === ENGINE_CONDITION);
    if (engineMark) status.conditions = [...(status.conditions ?? []), engineMark];
    const published = first?.running && Object.keys(first.publishedPorts).length ? JSON.stringify(first.publishedPorts) : undefined;
    // Observed first: a reader woken by the store write below already finds it.
    this.observed.set(uid, {
      namespace: pod.metadata.namespace!, name: pod.metadata.name, status,
      ...(first?.running ? { publishedPorts: { ...first.publishedPorts } } : {}),
    });
    this.store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
      if (p.metadata.uid !== uid) return false;
      const sameStatus = JSON.stringify(p.status) === JSON.stringify(status);
      const annotations = p.metadata.annotations ?? {};
      // The annotation reports the published ports to people and tests; nothing reads it to dial.
      const samePorts = annotations[PUBLISHED_PORTS_ANNOTATION] === published || published === undefined;
      if (sameStatus && samePorts) return false;
      const before = p.status?.containerStatuses;
      p.status = status;
      if (this.probeTrace) {
        for (const cs of status.containerStatuses ?? []) {
          const old = before?.find((b) => b.name === cs.name);
          if (!!old?.ready !== !!cs.ready) this.probeTrace({ kind: 'ready-written', podUid: uid, containerName: cs.name, ready: !!cs.ready, at: performance.now() });
        }
      }
      if (!samePorts && published) p.metadata.annotations = { ...annotations, [PUBLISHED_PORTS_ANNOTATION]: published };
    });
  }

  private bind(pod: Stored<Pod>): void {
    this.store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
      if (p.spec!.nodeName) return false;
      p.spec!.nodeName = NODE_NAME;
    });
    recordEvent(this.store, pod, 'Normal', 'Scheduled',
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${NODE_NAME}`,
      { source: { component: 'default-scheduler' } });
  }

  /** Graceful deletion: stop every container with the pod's grace period, then remove the pod. */
  private async terminatePod(pod: Stored<Pod>, containers: ContainerInfo[]): Promise<void> {
    let grace = Math.max(0, pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30);
    this.writeStatus(pod.metadata.uid, groupByContainer(containers));
    const running = containers.filter((c) => c.running);
    if (running.length) {
      // The pod left the endpoints when it was marked: let the requests the proxy already sent it finish.
      const drain = await drainConnections(this.opts.connections, pod.metadata.uid, grace,
        (reason, message) => this.event(pod, 'Normal', reason, message));
      grace = graceAfterDrain(grace, drain.waitedMs, MIN_GRACE_SECONDS);
    }
    await Promise.all(running.map(async (c) => {
      const name = c.labels['io.mini-kube.container-name'] ?? '';
      this.event(pod, 'Normal', 'Killing', `Stopping container ${name}`, name);
      await this.runtime.stopContainer(c.id, grace);
    }));
    await this.cleanupPod(pod.metadata.uid, containers);
    const current = this.podByUid(pod.metadata.uid);
    if (current) {
      try {
        this.store.delete('Pod', current.metadata.namespace, current.metadata.name);
      } catch { /* already gone */ }
    }
  }

  private async cleanupPod(uid: string, containers: ContainerInfo[]): Promise<void> {
    await removeContainers(this.runtime, containers, 2);
    if (!this.podByUid(uid)) {
      this.probes.removePod(uid);
      this.known.delete(uid);
      this.backoff.forgetPrefix(`${uid}/`);
      this.images.forgetPod(uid);
      this.lastSyncError.delete(uid);
      for (const k of this.waiting.keys()) if (k.startsWith(`${uid}/`)) this.waiting.delete(k);
      const w = this.workers.get(uid);
      if (w?.timer) clearTimeout(w.timer);
      this.workers.delete(uid);
      this.lastListed.delete(uid);
      this.observed.delete(uid);
    }
  }

  /** Containers of this cluster whose pod no longer exists (deleted while we were down). */
  private async removeOrphans(): Promise<void> {
    const uids = new Set(this.store.list<Pod>('Pod').map((p) => p.metadata.uid));
    const all = await this.runtime.listContainers({ [LABEL_CLUSTER]: this.opts.clusterId });
    const orphans = all.filter((c) => !uids.has(c.labels[LABEL_POD_UID] ?? ''));
    for (const c of orphans) this.log(`removing container ${c.name}: its pod no longer exists`);
    await removeContainers(this.runtime, orphans, 2);
  }

  private event(pod: Pod, type: EventType, reason: string, message: string, containerName?: string): void {
    recordEvent(this.store, pod, type, reason, message, {
      source: KUBELET,
      ...(containerName ? { fieldPath: `spec.containers{${containerName}}` } : {}),
    });
  }
}

/**
 * Why a stored pod cannot be run at all (admission never lets such a pod in; an older version or a hand
 * edit of the store can), or undefined. Reported as FailedSync on the pod; the rest of the node runs.
 */
function podShapeProblem(pod: Pod): string | undefined {
  const spec: unknown = pod.spec;
  const fix = 'delete the pod and create it again';
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return `the stored pod has no spec; ${fix}`;
  const containers: unknown = (spec as { containers?: unknown }).containers;
  if (!Array.isArray(containers) || containers.length === 0) return `the stored pod's spec.containers is not a list of containers; ${fix}`;
  const bad = containers.findIndex((c: unknown) => c === null || typeof c !== 'object' || typeof (c as { name?: unknown }).name !== 'string' || typeof (c as { image?: unknown }).image !== 'string');
  if (bad >= 0) return `the stored pod's spec.containers[${bad}] has no name or image; ${fix}`;
  return undefined;
}

/** True when the status shows an instance of the container that the engine no longer has. */
function shownInstanceVanished(status: PodStatus | undefined, name: string, instances: ContainerInfo[]): boolean {
  const shown = status?.containerStatuses?.find((s) => s.name === name);
  return !!shown?.containerID && !instances.some((i) => shown.containerID!.endsWith(i.id));
}

/** The restart count the status shows for a container whose shown instance no longer exists, else 0. */
function vanishedCount(status: PodStatus | undefined, name: string, instances: ContainerInfo[]): number {
  if (!shownInstanceVanished(status, name, instances)) return 0;
  return status?.containerStatuses?.find((s) => s.name === name)?.restartCount ?? 0;
}

/** The host ports of the pod's first container, as a report (`get pod -o yaml`); never read to dial. */
export const PUBLISHED_PORTS_ANNOTATION = 'mini-kube.io/published-ports';

export { containerIdOf };
