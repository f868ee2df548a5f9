// The kubelet: makes the Docker containers match the Pods in the store, and writes back what it sees
// (Pod status, Events). Level-triggered: every sync of a pod lists that pod's containers on the engine
// (by label) and acts on the difference, so a restart of the control plane, a container killed behind
// its back or a lost event all converge to the same place. Syncs of one pod never overlap; different
// pods sync concurrently (pod-workers.ts).
//
// Decide, then act (README.md): each sync lists the engine, asks pod-actions.ts what to kill and start
// (pure), has sync-pod.ts carry it out, and writes the status (status-manager.ts). This file holds the
// triggers and the state those share; nothing here decides a container's fate.
//
// Trust: what the kubelet acts on comes from the engine (containers found by this cluster's label and the
// pod's uid) and from its own memory of what it observed (observed-pods.ts), never from the status in the
// store, which a client may write through pods/status. A status that differs from the observed one is
// written over at once (docs/decisions/070).
import type { ConfigMap, Pod, PodStatus, Secret, Service } from '../kube/types.js';
import { ephemeralContainersOf, isEphemeral, keptEphemeralStatuses } from './ephemeral-containers.js';
import { LABEL_PERSISTENT_VOLUME } from '../kube/storage.js';
import { claimLookupFrom } from '../kube/volume-binding.js';
import { claimMounts, type ClaimLookup, type ClaimMount } from './volume-claims.js';
import { SHARED_NETWORK_LABELS } from '../runtime/network.js';
import { AGENT_ROLE, LABEL_ROLE } from '../runtime/network-agent.js';
import { ProbeManager, type ProbeUpdate } from '../probes/manager.js';
import { NODE_NAME, recordEvent, type EventType } from '../store/events.js';
import { nodeOfContainer, nodeRuntime } from './node-runtime.js';
import type { ServiceAccountTokenSource } from '../kube/service-account-token.js';
import type { Store, Stored, WatchEvent } from '../store/store.js';
import {
  LABEL_CLUSTER, LABEL_CONTAINER, LABEL_POD_UID, LABEL_SANDBOX, type ContainerInfo, type Runtime,
} from '../runtime/runtime.js';
import * as os from 'node:os';
import * as path from 'node:path';
import { removePodVolumes } from './volumes.js';
import { PodVolumeManager, volumesRefer } from './volume-manager.js';
import { emptyDirOverLimit, sizeLimitedEmptyDirs } from './volume-usage.js';
import { Backoff } from './backoff.js';
import { containerIdOf, groupByContainer } from './container-names.js';
import { ImageManager } from './images.js';
import type { WaitingReason } from './pod-status.js';
import { EngineWatch } from './engine-watch.js';
import { markEngineUnreachable, ENGINE_CONDITION } from './engine-condition.js';
import type { ConnectionDrain } from './drain.js';
import { ObservedPods } from './observed-pods.js';
import { computePodActions, isSidecar } from './pod-actions.js';
import { removePodContainers, syncSandbox, type PodSandboxDeps } from './pod-sandbox.js';
import { nodeDns } from './node-dns.js';
import { computeSandboxActions, SANDBOX_KEY } from './sandbox-actions.js';
import { PodWorkers } from './pod-workers.js';
import { StatusManager, PUBLISHED_PORTS_ANNOTATION } from './status-manager.js';
import { SyncPod } from './sync-pod.js';
import { terminatePod, type TerminateDeps } from './terminate.js';
import { TerminationMessages } from './termination-message.js';

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
  /**
   * <home>/pods: the per-pod directories of configMap, secret, downwardAPI and projected volumes (the
   * runtime allows binds from here only); default: a directory of this cluster under the system's tmp
   */
  podsDir?: string;
  /** the API's TokenRequest issuer, for projected serviceAccountToken sources (kube/service-account-token.ts) */
  serviceAccountTokens?: ServiceAccountTokenSource;
  /**
   * the cluster DNS server's IPs, the pods' nameserver under ClusterFirst (none: they fall back to Default);
   * the control plane fills the network agent's address in once it has it
   */
  clusterDNS?: string[];
  /**
   * true while the cluster DNS is still coming (the network agent starting): a new ClusterFirst pod waits
   * for it, bounded, rather than falling back for its whole life. Absent: clusterDNS is final as given.
   */
  clusterDNSPending?: () => boolean;
  /** the cluster's DNS domain, 'cluster.local' */
  clusterDomain?: string;
  /** the node's resolv.conf, the base of dnsPolicy Default (the kubelet's resolvConf), /etc/resolv.conf */
  resolvConf?: string;
  /**
   * the node this kubelet runs (default NODE_NAME): it syncs only pods bound to it (spec.nodeName, which
   * the scheduler sets) and only containers labelled with it (node-runtime.ts)
   */
  nodeName?: string;
}

/** How soon a pod whose volumes failed to mount is tried again (the object may also appear before: its watch). */
const MOUNT_RETRY_MS = 5_000;
/** A pod waiting for its claims is looked at again this often (and at once when a claim changes). */
/**
 * How long a new ClusterFirst pod waits for the cluster DNS (the network agent starting, or its image being
 * built on a first run) before it falls back to the node's resolv.conf with MissingClusterDNS: a pod made
 * in a cluster's first seconds would otherwise keep a resolv.conf without the cluster's names for its life.
 */
const CLUSTER_DNS_WAIT_MS = 60_000;
const CLUSTER_DNS_POLL_MS = 250;
/** The eviction manager's monitoring interval (--eviction-monitoring-period, 10 s). */
const EVICTION_MONITOR_MS = 10_000;

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
  /** each pod's persistentVolumeClaim volumes as last mounted (mountClaims), for its containers' mounts */
  private readonly claimMountsOf = new Map<string, ReadonlyMap<string, ClaimMount>>();
  /** CrashLoopBackOff per pod, container and image (pod-actions.ts backoffKey) */
  private readonly backoff = new Backoff();
  private readonly workers: PodWorkers;
  private readonly status: StatusManager;
  private readonly syncer: SyncPod;
  /** the termination messages of exited containers, read once each */
  private readonly terminationMessages: TerminationMessages;
  private readonly volumes: PodVolumeManager;
  /** per pod uid: the renewal of its projected service-account tokens */
  private readonly renewals = new Map<string, NodeJS.Timeout>();
  /** per pod uid: why the kubelet evicted it (an emptyDir over its sizeLimit); its containers stay stopped */
  private readonly evicted = new Map<string, string>();
  private evictionTimer?: NodeJS.Timeout;
  /** uid -> namespace/name, so a DELETED pod can still be cleaned up by uid */
  private readonly known = new Map<string, { namespace: string; name: string }>();
  /** why a container is not running although it should (CrashLoopBackOff, ErrImagePull, ...), per uid/name */
  private readonly waiting = new Map<string, WaitingReason>();
  /** instances killed to be restarted (probe failure, definition changed): restarted whatever the policy says */
  private readonly killedToRestart = new Set<string>();
  /** last spec+deletion seen per uid, to skip re-syncs caused by our own status writes */
  private readonly seenSpec = new Map<string, string>();
  private unwatch?: () => void;
  private unwatchConfig?: () => void;
  private engine?: EngineWatch;
  /** the engine network exists and orphans were removed (redone when the engine comes back) */
  private prepared = false;
  private resyncTimer?: NodeJS.Timeout;
  private stopped = false;
  private engineUp = true;
  private readonly log: (line: string) => void;
  readonly nodeName: string;

  /** when this kubelet was made: the cluster DNS wait is counted from here */
  private readonly createdAt = performance.now();

  constructor(private readonly opts: KubeletOptions) {
    this.store = opts.store;
    this.nodeName = opts.nodeName ?? NODE_NAME;
    this.runtime = nodeRuntime(opts.runtime, this.nodeName);
    this.images = new ImageManager(this.runtime);
    this.terminationMessages = new TerminationMessages(this.runtime);
    this.log = opts.log ?? (() => {});
    this.observed = opts.observed ?? new ObservedPods();
    this.probes = new ProbeManager({
      runtime: this.runtime,
      // Probes read the container IDs, states and pod IP the kubelet observed, as the prober reads the
      // status manager's cache: an exec probe never runs in a container a client named in pods/status.
      getPod: (uid) => this.podAsObserved(uid),
      onUpdate: (u) => this.onProbeUpdate(u),
      recordEvent: (pod, containerName, type, reason, message) =>
        this.event(pod, type, reason, message, containerName),
      resolveAddress: opts.publishPorts ? (pod, container, port) => this.publishedTarget(pod, container.name, port) : undefined,
    });
    this.workers = new PodWorkers((uid, req) => this.syncPod(uid, req.cached), (uid, err) => this.onSyncError(uid, err));
    this.status = new StatusManager({
      store: this.store,
      observed: this.observed,
      probes: this.probes,
      waiting: this.waiting,
      podByUid: (uid) => this.podByUid(uid),
      engineReachable: () => this.engine?.isReachable !== false,
      evicted: (uid) => this.evicted.get(uid),
      readyTrace: () => this.probeTrace && ((podUid, containerName, ready) =>
        this.probeTrace?.({ kind: 'ready-written', podUid, containerName, ready, at: performance.now() })),
    });
    const configSource = {
      configMap: (ns: string, name: string) => this.store.get<ConfigMap>('ConfigMap', ns, name),
      secret: (ns: string, name: string) => this.store.get<Secret>('Secret', ns, name),
      services: () => this.store.list<Service>('Service'),
    };
    const podsDir = opts.podsDir ?? path.join(os.tmpdir(), `mini-kube-pods-${opts.clusterId}`);
    this.volumes = new PodVolumeManager({ podsDir, config: configSource, tokens: opts.serviceAccountTokens });
    this.syncer = new SyncPod({
      runtime: this.runtime,
      images: this.images,
      clusterId: opts.clusterId,
      network: opts.network,
      publishPorts: opts.publishPorts,
      backoff: this.backoff,
      configSource,
      podsDir,
      waiting: this.waiting,
      killedToRestart: this.killedToRestart,
      event: (pod, type, reason, message, name) => this.event(pod, type, reason, message, name),
      writeStatus: (uid, listed) => this.status.write(uid, listed),
      syncAfter: (uid, ms) => (ms <= 0 ? this.requestSync(uid) : this.workers.later(uid, ms)),
      onStopBegun: (podUid, containerName) => this.probeTrace?.({ kind: 'stop-begun', podUid, containerName, at: performance.now() }),
      podIP: (pod) => this.podIP(pod),
      resolveAddress: this.resolveAddress,
      claimMounts: (uid) => this.claimMountsOf.get(uid),
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
        // the engine is shared by every node's kubelet: another node's containers are not ours to sync
        if (nodeOfContainer(e.labels) !== this.nodeName) return;
        const uid = e.labels[LABEL_POD_UID];
        if (e.action === 'start') this.status.markStarted(e.containerId);
        if (uid && e.action === 'oom') this.status.markOomKilled(e.containerId);
        if (uid && e.action === 'die') this.status.markDied(uid, e.containerId, e.exitCode);
        if (uid && ['die', 'start', 'destroy', 'oom', 'stop', 'kill'].includes(e.action)) this.requestSync(uid);
      },
      onChange: (up) => this.onEngineChange(up),
      log: this.log,
    });
    this.engine.start();
    this.unwatch = this.store.watch({ kind: 'Pod' }, (e) => this.onPodEvent(e));
    // A pod waiting in CreateContainerConfigError starts as soon as what it refers to appears or changes.
    this.unwatchConfig = this.store.watch({}, (e) => {
      if (e.object.kind === 'ConfigMap' || e.object.kind === 'Secret') this.onConfigChange(e.object.kind, e.object.metadata.namespace, e.object.metadata.name);
      // a pod waiting for its claim (unschedulable, or its volume not mounted) goes on once the claim is bound
      if (e.object.kind === 'PersistentVolumeClaim') this.onClaimChange(e.object.metadata.namespace ?? 'default', e.object.metadata.name);
    });
    if (!this.prepared) void this.engine.check();
    this.resyncTimer = setInterval(() => this.resyncAll(), this.opts.resyncMs ?? 10_000);
    this.resyncTimer.unref();
    this.evictionTimer = setInterval(() => void this.checkEmptyDirUsage(), EVICTION_MONITOR_MS);
    this.evictionTimer.unref();
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
      for (const pod of this.ownPods()) this.markEngineDown(pod);
      return;
    }
    void (async () => {
      if (!this.prepared) await this.prepare().catch((err: Error) => this.log(`kubelet: ${err.message}`));
      for (const pod of this.ownPods()) {
        if (pod.status?.conditions?.some((c) => c.type === ENGINE_CONDITION && c.status === 'False')) {
          this.event(pod, 'Normal', 'ContainerRuntimeReachable', 'the Docker engine answers again');
        }
      }
      this.resyncAll();
    })();
  }

  /** The pod's ContainerRuntimeReachable=False condition and its event, once per outage. */
  private markEngineDown(pod: Stored<Pod>): void {
    if (markEngineUnreachable(this.store, pod)) {
      this.event(pod, 'Warning', 'ContainerRuntimeUnreachable',
        'the Docker engine does not answer; the pod\'s containers are left as they are until it does');
    }
  }

  /**
   * Syncs the pods of `namespace` whose containers wait for a ConfigMap or Secret, and those whose volumes
   * read the changed one: their files are written again at once (the kubelet's live update of mounted
   * ConfigMaps and Secrets, which takes up to its sync period plus its cache's TTL there).
   */
  private onConfigChange(kind: 'ConfigMap' | 'Secret', namespace: string | undefined, name: string): void {
    for (const pod of this.ownPods(namespace)) {
      const uid = pod.metadata.uid;
      if (volumesRefer(pod, kind, name) || [...this.waitingOf(uid).values()].some((w) => w.reason === 'CreateContainerConfigError')) this.requestSync(uid);
    }
  }

  /** Stops syncing; with removeContainers (mini-kube down) also stops and removes every container. */
  async stop(opts: { removeContainers: boolean }): Promise<void> {
    this.stopped = true;
    this.unwatch?.();
    this.unwatchConfig?.();
    this.engine?.stop();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const t of this.renewals.values()) clearTimeout(t);
    if (this.evictionTimer) clearInterval(this.evictionTimer);
    const inFlight = this.workers.stop();
    this.probes.stop();
    // A sync in flight may be creating a container right now: let it finish before listing, or that
    // container would outlive the cluster.
    await inFlight;
    if (!opts.removeContainers) return;
    const all = (await this.runtime.listContainers({ [LABEL_CLUSTER]: this.opts.clusterId }).catch(() => []))
      .filter((c) => nodeOfContainer(c.labels) === this.nodeName);
    await removePodContainers(this.runtime, all, 5);
    for (const uid of new Set(all.map((c) => c.labels[LABEL_POD_UID] ?? ''))) {
      if (uid) await this.runtime.removePodFiles?.(uid).catch((err: Error) => this.log(err.message));
    }
    // their emptyDir volumes go with them, as a pod made again starts with empty ones; the volumes behind
    // PersistentVolumes (no pod label) stay: their data outlives the control plane (`down --purge` removes them)
    await this.runtime.removeVolumes({ [LABEL_CLUSTER]: this.opts.clusterId }, LABEL_POD_UID).catch((err: Error) => this.log(err.message));
    for (const uid of this.volumes.podUids()) this.volumes.cleanup(uid);
    // Pods come back from scratch on the next `up`: their containers are gone on purpose. A pod that
    // finished (Succeeded/Failed) stays finished: a terminal phase is never left, so a Job's work is not
    // done twice.
    for (const pod of this.ownPods()) {
      this.observed.delete(pod.metadata.uid);
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      this.store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
        // ephemeral containers that ran are not run again (kubectl debug's containers end with the pod's)
        p.status = { phase: 'Pending', startTime: p.status?.startTime, ...keptEphemeralStatuses(p.status?.ephemeralContainerStatuses) };
      });
    }
  }

  get engineReachable(): boolean {
    return this.engineUp;
  }

  // ---- triggers ----

  /** The pods bound to this kubelet's node. */
  private ownPods(namespace?: string): Stored<Pod>[] {
    return this.store.list<Pod>('Pod', namespace).filter((p) => p.spec?.nodeName === this.nodeName);
  }

  private onPodEvent(e: WatchEvent): void {
    const pod = e.object as Stored<Pod>;
    const uid = pod.metadata.uid;
    // Only pods the scheduler bound to this node (the kubelet's fieldSelector spec.nodeName=<node>).
    if (pod.spec?.nodeName !== this.nodeName) return;
    if (e.type === 'DELETED') {
      this.seenSpec.delete(uid);
      this.requestSync(uid);
      return;
    }
    this.known.set(uid, { namespace: pod.metadata.namespace!, name: pod.metadata.name });
    // a postStart hook still running must not hold the pod's stop (its sync waits for the hook)
    if (pod.metadata.deletionTimestamp) this.syncer.abortHooks(uid);
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
    const listed = this.status.lastListed.get(u.podUid);
    const latest = listed ? groupByContainer(listed).get(u.containerName)?.[0] : undefined;
    const current = !!latest?.running && latest.id === u.containerId;
    // Readiness and startup success only change the status: regenerate it from the last listing now
    // (a listing costs a Docker round trip, hundreds of ms on a busy engine) as the kubelet's status
    // manager does. A container that died meanwhile has a 'die' event and a sync of its own coming.
    if (current && (u.type === 'readiness' || (u.type === 'startup' && u.result === 'success'))) {
      this.status.write(u.podUid, groupByContainer(listed!));
      // a sidecar that started lets the next init container (or the app) start
      if (u.type === 'startup' && this.isSidecarOf(u.podUid, u.containerName)) this.requestSync(u.podUid);
      return;
    }
    // A liveness/startup failure of the running container: kill it without listing first.
    this.requestSync(u.podUid, { cached: current && u.result === 'failure' });
  }

  private isSidecarOf(uid: string, name: string): boolean {
    return !!this.podByUid(uid)?.spec?.initContainers?.some((c) => c.name === name && isSidecar(c));
  }

  private resyncAll(): void {
    for (const uid of this.known.keys()) this.requestSync(uid);
  }

  /** Runs a sync of the pod now, or right after the one in progress. */
  requestSync(uid: string, opts: { cached?: boolean } = {}): void {
    if (this.stopped) return;
    this.workers.request(uid, opts);
  }

  private onSyncError(uid: string, err: Error): void {
    this.log(`sync of pod ${this.known.get(uid)?.name ?? uid} failed: ${err.message}`);
    // An engine that stopped answering is reported (and everything re-synced on its return) by the engine
    // watch; the pod is retried meanwhile either way.
    void this.engine?.check();
    this.workers.later(uid, 2000);
    // A pod synced while the engine is away (created then, or the engine was never there) says so as
    // the pods that existed when it went (decision 040), not as a FailedSync. Pinged here, not read from
    // the watch, whose answer may be a check still in flight.
    void this.runtime.ping().catch(() => false).then((up) => {
      if (this.stopped) return;
      if (up) return this.reportSyncFailure(uid, err.message);
      const pod = this.podByUid(uid);
      if (pod) this.markEngineDown(pod);
    });
  }

  /** True when the stored status is not the one this kubelet observed last (nothing observed: false). */
  private statusDiffers(uid: string, stored: PodStatus | undefined): boolean {
    const observed = this.observed.status(uid);
    return !!observed && JSON.stringify(stored) !== JSON.stringify(observed);
  }

  /** The pod's IP: its sandbox's as the engine shows it now (a hook may run before any status has it). */
  private async podIP(pod: Pod): Promise<string | undefined> {
    const uid = pod.metadata?.uid ?? '';
    const listed = await this.runtime.listContainers({ [LABEL_CLUSTER]: this.opts.clusterId, [LABEL_POD_UID]: uid }).catch(() => []);
    const sandbox = groupByContainer(listed).get(SANDBOX_KEY)?.[0];
    return (sandbox?.running && sandbox.ip) || this.observed.status(uid)?.podIP;
  }

  /**
   * Published-ports mode: where a hook reaches a pod's port; undefined: the pod IP as is. From a listing
   * made now: a postStart may run in the sync that created the sandbox, before any listing has it.
   */
  private get resolveAddress(): ((pod: Pod, container: { name: string }, port: number) => Promise<{ host: string; port: number }>) | undefined {
    if (!this.opts.publishPorts) return undefined;
    return async (pod, container, port) => {
      const listed = await this.runtime.listContainers({ [LABEL_CLUSTER]: this.opts.clusterId, [LABEL_POD_UID]: pod.metadata?.uid ?? '' });
      const host = groupByContainer(listed).get(SANDBOX_KEY)?.[0]?.publishedPorts[port];
      if (host === undefined) throw new Error(`port ${port} of container "${container.name}" is not published on 127.0.0.1`);
      return { host: '127.0.0.1', port: host };
    };
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
    return this.status.withDeaths(groupByContainer(listed)).get(containerName) ?? [];
  }

  /** The pod's running sandbox, where port-forward connects (its IP, or its published ports). */
  async sandboxOf(podUid: string): Promise<ContainerInfo | undefined> {
    const listed = await this.runtime.listContainers({ [LABEL_CLUSTER]: this.opts.clusterId, [LABEL_POD_UID]: podUid, [LABEL_SANDBOX]: 'true' });
    return listed.find((c) => c.running);
  }

  /** Published-ports mode: where a probe reaches a container port, from the engine's listing of that container. */
  private publishedTarget(pod: Pod, containerName: string, port: number): { host: string; port: number } {
    // the pod's ports are published by its sandbox, whose network namespace every container shares
    const sandbox = groupByContainer(this.status.lastListed.get(pod.metadata?.uid ?? '') ?? []).get(SANDBOX_KEY)?.[0];
    const host = sandbox?.publishedPorts[port];
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

  /**
   * One sync: list the pod's containers on the engine, then either forget the pod (gone), terminate it
   * (marked for deletion), or decide (pod-actions.ts) and act (sync-pod.ts), and write the status.
   */
  private async syncPod(uid: string, useLastListing = false): Promise<void> {
    const pod = this.podByUid(uid);
    const last = useLastListing ? this.status.lastListed.get(uid) : undefined;
    const containers = last ?? await this.listPod(uid);
    if (!last) this.status.lastListed.set(uid, containers);
    this.engineUp = true;
    if (!pod) return this.cleanupPod(uid, containers);
    if (pod.metadata.deletionTimestamp) return terminatePod(this.terminateDeps, pod, containers);
    // An eviction this kubelet wrote before a restart of the control plane still holds (nothing observed yet:
    // the stored status is the one it wrote, as shownStatus reads it).
    if (!this.observed.status(uid) && pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted') this.evicted.set(uid, pod.status.message ?? '');
    if (this.evicted.has(uid)) return this.syncEvicted(pod, containers);
    // A pod this kubelet wrote Succeeded or Failed before a restart of the control plane stays so (pod_workers:
    // a terminal phase is never left): with its containers gone (`down` removes them) it must not run again,
    // or a finished Job's work would be done twice. Only when nothing of it runs; otherwise the sync below.
    if (!this.observed.status(uid) && (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') && !containers.some((c) => c.running)) return;
    const unrunnable = podShapeProblem(pod);
    // no retry timer: only a new spec (which brings a sync of its own) can change this
    if (unrunnable) {
      if (this.lastSyncError.get(uid) !== unrunnable) this.log(`pod ${pod.metadata.namespace}/${pod.metadata.name} cannot be run: ${unrunnable}`);
      return this.reportSyncFailure(uid, unrunnable);
    }

    let byName = groupByContainer(containers);
    // The volumes first (WaitForAttachAndMount): a pod whose volume cannot be set up starts nothing.
    if (!(await this.mountClaims(pod)) || !(await this.mountVolumes(pod))) return this.status.write(uid, byName);
    // The sandbox first (kuberuntime_manager.go's SyncPod steps 2-4): a pod whose sandbox died is killed
    // and its containers restart in a new one, which they join.
    const apps = new Map([...byName].filter(([name]) => name !== SANDBOX_KEY));
    const sandboxActions = computeSandboxActions({ pod, sandboxes: byName.get(SANDBOX_KEY) ?? [], apps });
    if (sandboxActions.create && this.waitsForClusterDNS(pod)) {
      this.workers.later(uid, CLUSTER_DNS_POLL_MS);
      return this.status.write(uid, byName);
    }
    const { sandboxId, started, killed } = await syncSandbox(this.sandboxDeps, pod, sandboxActions);
    // Kills and removals change the instances the decision below reads; a new sandbox alone does not (the
    // listing after the starts brings it to the status).
    if (killed) {
      const listed = await this.listPod(uid);
      this.status.lastListed.set(uid, listed);
      byName = groupByContainer(listed);
    }
    const actions = computePodActions({
      pod,
      instances: byName,
      shown: this.shownStatus(pod),
      probeFailures: this.probeFailures(pod, byName),
      startedSidecars: this.startedSidecars(pod, byName),
      killedToRestart: this.killedToRestart,
      waiting: this.waitingOf(uid),
      backoff: this.backoff,
      now: Date.now(),
    });
    // no sandbox to join (a pod that never restarts, killed with its sandbox): nothing more is started
    if (sandboxId === undefined) actions.start = [];
    const changed = await this.syncer.execute(pod, actions, byName, sandboxId ?? '', started) || sandboxId !== sandboxActions.running?.id;
    await started;
    await this.removeExtraInstances(byName, pod);
    let fresh = byName;
    if (changed) {
      const listed = await this.listPod(uid);
      this.status.lastListed.set(uid, listed);
      fresh = groupByContainer(listed);
    }
    this.status.write(uid, fresh);
    this.lastSyncError.delete(uid);
  }

  /** The pod's containers on the engine, the exited ones with their termination message. */
  private async listPod(uid: string): Promise<ContainerInfo[]> {
    const listed = await this.runtime.listContainers({ [LABEL_CLUSTER]: this.opts.clusterId, [LABEL_POD_UID]: uid });
    return this.terminationMessages.annotate(listed);
  }

  /** A ClusterFirst pod whose sandbox would be made before the cluster DNS has an address: it waits, bounded. */
  private waitsForClusterDNS(pod: Pod): boolean {
    if (!this.opts.clusterDNSPending?.() || performance.now() - this.createdAt > CLUSTER_DNS_WAIT_MS) return false;
    const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
    return policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet';
  }

  private get claimLookup(): ClaimLookup {
    return claimLookupFrom(this.store);
  }




  /**
   * The pod's persistentVolumeClaim volumes (volume-claims.ts): each claim bound to a PV whose Docker
   * volume exists (made here for a PV written by hand). A claim not bound is the kubelet's FailedMount and a retry.
   */
  private async mountClaims(pod: Stored<Pod>): Promise<boolean> {
    const uid = pod.metadata.uid;
    if (!pod.spec?.volumes?.some((v) => v.persistentVolumeClaim)) return true;
    const result = claimMounts(pod, this.claimLookup);
    let failure: { volume: string; message: string } | undefined = result.ok ? undefined : result;
    if (result.ok) {
      for (const m of result.mounts.values()) {
        try {
          await this.runtime.ensureVolume(m.dockerVolume, { [LABEL_CLUSTER]: this.opts.clusterId, [LABEL_PERSISTENT_VOLUME]: m.pvName });
        } catch (err) {
          failure = { volume: m.pvName, message: (err as Error).message };
          break;
        }
      }
      if (!failure) this.claimMountsOf.set(uid, result.mounts);
    }
    if (!failure) return true;
    // mounted before (a running pod whose claim was deleted since): its volume stays mounted, as on a node
    if (this.claimMountsOf.has(uid)) return true;
    this.event(pod, 'Warning', 'FailedMount',
      `Unable to attach or mount volumes: unmounted volumes=[${failure.volume}], unattached volumes=[], failed to process volumes=[${failure.volume}]: ${failure.message}`);
    this.workers.later(uid, MOUNT_RETRY_MS);
    return false;
  }

  private onClaimChange(namespace: string, name: string): void {
    for (const pod of this.store.list<Pod>('Pod', namespace)) {
      if (pod.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === name)) this.requestSync(pod.metadata.uid);
    }
  }

  /**
   * Writes the pod's file volumes (volume-manager.ts). A failure is the kubelet's FailedMount event (counted
   * on each retry, as the kubelet repeats it) and a retry; false then. Tokens are renewed when due.
   */
  private async mountVolumes(pod: Stored<Pod>): Promise<boolean> {
    const uid = pod.metadata.uid;
    const result = await this.volumes.setUp(pod).catch((err: Error) => ({ ok: false as const, volume: '', message: err.message }));
    if (!result.ok) {
      this.event(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${result.volume}" : ${result.message}`);
      this.workers.later(uid, MOUNT_RETRY_MS);
      return false;
    }
    if (result.renewInMs !== undefined) {
      clearTimeout(this.renewals.get(uid));
      this.renewals.set(uid, setTimeout(() => { this.renewals.delete(uid); this.requestSync(uid); }, result.renewInMs).unref());
    }
    return true;
  }

  /**
   * The eviction manager's emptyDir check: a pod whose disk emptyDir exceeds its sizeLimit is evicted
   * (Evicted event, its containers killed at once, phase Failed with reason Evicted; never restarted).
   */
  private async checkEmptyDirUsage(): Promise<void> {
    for (const uid of this.known.keys()) {
      const pod = this.podByUid(uid);
      if (!pod || pod.metadata.deletionTimestamp || this.evicted.has(uid) || !sizeLimitedEmptyDirs(pod).length) continue;
      const sandbox = groupByContainer(this.status.lastListed.get(uid) ?? []).get(SANDBOX_KEY)?.[0];
      if (!sandbox?.running) continue;
      const message = await emptyDirOverLimit(this.runtime, sandbox.id, pod);
      if (!message || this.stopped) continue;
      this.evicted.set(uid, message);
      this.event(pod, 'Warning', 'Evicted', message);
      this.requestSync(uid);
    }
  }

  /** An evicted pod: every container stopped at once (grace 0, as the eviction manager kills), then its status. */
  private async syncEvicted(pod: Stored<Pod>, containers: ContainerInfo[]): Promise<void> {
    const running = containers.filter((c) => c.running);
    for (const c of running) {
      if (c.labels[LABEL_CONTAINER]) this.event(pod, 'Normal', 'Killing', `Stopping container ${c.labels[LABEL_CONTAINER]}`, c.labels[LABEL_CONTAINER]);
    }
    await removePodContainers({ stopContainer: (id, grace) => this.runtime.stopContainer(id, grace), removeContainer: async () => {} }, running, 0);
    const listed = running.length ? await this.runtime.listContainers({ [LABEL_CLUSTER]: this.opts.clusterId, [LABEL_POD_UID]: pod.metadata.uid }) : containers;
    this.status.lastListed.set(pod.metadata.uid, listed);
    this.status.write(pod.metadata.uid, groupByContainer(listed));
  }

  /** The probes' verdicts on each container's running instance (only failures matter to the decision). */
  private probeFailures(pod: Pod, byName: Map<string, ContainerInfo[]>): Map<string, 'liveness' | 'startup'> {
    const uid = pod.metadata!.uid!;
    const out = new Map<string, 'liveness' | 'startup'>();
    for (const c of [...pod.spec?.containers ?? [], ...(pod.spec?.initContainers ?? []).filter(isSidecar)]) {
      const latest = byName.get(c.name)?.[0];
      if (!latest?.running) continue;
      if (this.probes.livenessFailed(uid, c.name, latest.id)) out.set(c.name, 'liveness');
      else if (this.probes.startupFailed(uid, c.name, latest.id)) out.set(c.name, 'startup');
    }
    return out;
  }

  /** The sidecars whose running instance has started (the next init container may start). */
  private startedSidecars(pod: Pod, byName: Map<string, ContainerInfo[]>): Set<string> {
    const uid = pod.metadata!.uid!;
    const out = new Set<string>();
    for (const c of (pod.spec?.initContainers ?? []).filter(isSidecar)) {
      const latest = byName.get(c.name)?.[0];
      if (latest?.running && this.probes.isStarted(uid, c.name, latest.id)) out.add(c.name);
    }
    return out;
  }

  /** The waiting reasons of the pod's containers, by container name. */
  private waitingOf(uid: string): Map<string, WaitingReason> {
    const out = new Map<string, WaitingReason>();
    for (const [k, w] of this.waiting) if (k.startsWith(`${uid}/`)) out.set(k.slice(uid.length + 1), w);
    return out;
  }

  /** Keeps the newest instance and the one before it (for `logs --previous`); removes older ones. */
  private async removeExtraInstances(byName: Map<string, ContainerInfo[]>, pod: Stored<Pod>): Promise<void> {
    const names = new Set([...pod.spec?.containers ?? [], ...pod.spec?.initContainers ?? [], ...ephemeralContainersOf(pod)].map((c) => c.name));
    for (const [name, list] of byName) {
      // The newest sandbox is never extra: in this listing it may be one just created and not yet running
      // (its start is awaited after the listing), which a removal here would kill under its containers.
      // Dead sandboxes are sandbox-actions.ts's to remove.
      const extra = name === SANDBOX_KEY ? list.slice(1) : names.has(name) ? list.slice(2) : list;
      for (const c of extra) {
        if (c.running) continue;
        await this.runtime.removeContainer(c.id).catch(() => {});
        this.terminationMessages.forget([c.id]);
      }
    }
  }

  private get sandboxDeps(): PodSandboxDeps {
    return {
      runtime: this.runtime,
      clusterId: this.opts.clusterId,
      network: this.opts.network,
      publishPorts: this.opts.publishPorts,
      killedToRestart: this.killedToRestart,
      nodeDns: () => nodeDns(this.opts),
      event: (pod, type, reason, message, name) => this.event(pod, type, reason, message, name),
    };
  }

  private get terminateDeps(): TerminateDeps {
    return {
      runtime: this.runtime,
      podIP: (pod) => this.podIP(pod),
      resolveAddress: this.resolveAddress,
      connections: this.opts.connections,
      event: (pod, type, reason, message, name) => this.event(pod, type, reason, message, name),
      writeStatus: (uid, containers) => this.status.write(uid, groupByContainer(containers)),
      cleanup: (uid, containers) => this.cleanupPod(uid, containers),
      deletePod: (uid) => {
        const current = this.podByUid(uid);
        if (!current) return;
        try {
          this.store.delete('Pod', current.metadata.namespace, current.metadata.name);
        } catch { /* already gone */ }
      },
    };
  }

  private async cleanupPod(uid: string, containers: ContainerInfo[]): Promise<void> {
    await removePodContainers(this.runtime, containers, 2);
    this.terminationMessages.forget(containers.map((c) => c.id));
    await this.runtime.removePodFiles?.(uid).catch((err: Error) => this.log(err.message));
    // the pod is ending (deleted, or gone from the store): its emptyDir volumes go with its containers
    await removePodVolumes(this.runtime, this.opts.clusterId, uid).catch((err: Error) => this.log(err.message));
    if (!this.podByUid(uid)) {
      this.volumes.cleanup(uid);
      this.evicted.delete(uid);
      clearTimeout(this.renewals.get(uid));
      this.renewals.delete(uid);
      this.probes.removePod(uid);
      this.known.delete(uid);
      this.backoff.forgetPrefix(`${uid}/`);
      this.images.forgetPod(uid);
      this.lastSyncError.delete(uid);
      this.claimMountsOf.delete(uid);
      for (const k of this.waiting.keys()) if (k.startsWith(`${uid}/`)) this.waiting.delete(k);
      for (const c of containers) this.killedToRestart.delete(c.id);
      this.workers.forget(uid);
      this.status.forget(uid);
      this.observed.delete(uid);
    }
  }

  /** Containers of this cluster whose pod no longer exists (deleted while we were down). */
  private async removeOrphans(): Promise<void> {
    const uids = new Set(this.store.list<Pod>('Pod').map((p) => p.metadata.uid));
    const all = await this.runtime.listContainers({ [LABEL_CLUSTER]: this.opts.clusterId });
    // the cluster's network agent carries the cluster label but belongs to no pod (runtime/network-agent.ts)
    // (another node's containers are its kubelet's: a stopped node's stay as they are)
    const orphans = all.filter((c) => !uids.has(c.labels[LABEL_POD_UID] ?? '') && c.labels[LABEL_ROLE] !== AGENT_ROLE && nodeOfContainer(c.labels) === this.nodeName);
    for (const c of orphans) this.log(`removing container ${c.name}: its pod no longer exists`);
    await removePodContainers(this.runtime, orphans, 2);
    for (const uid of new Set(orphans.map((c) => c.labels[LABEL_POD_UID]!))) {
      await this.runtime.removePodFiles?.(uid).catch((err: Error) => this.log(err.message));
      await removePodVolumes(this.runtime, this.opts.clusterId, uid).catch((err: Error) => this.log(err.message));
    }
    // the file volumes of pods deleted while the control plane was down
    for (const uid of this.volumes.podUids()) if (!uids.has(uid)) this.volumes.cleanup(uid);
  }

  private event(pod: Pod, type: EventType, reason: string, message: string, containerName?: string): void {
    recordEvent(this.store, pod, type, reason, message, {
      source: { component: 'kubelet', host: this.nodeName },
      ...(containerName ? { fieldPath: `spec.${pod.spec?.initContainers?.some((c) => c.name === containerName) ? 'initContainers' : isEphemeral(pod, containerName) ? 'ephemeralContainers' : 'containers'}{${containerName}}` } : {}),
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
  // a spec holding only the nodeName the scheduler's binding wrote is the stored pod's missing spec
  const onlyBinding = spec !== null && typeof spec === 'object' && !Array.isArray(spec) && Object.keys(spec).every((k) => k === 'nodeName');
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec) || onlyBinding) return `the stored pod has no spec; ${fix}`;
  const containers: unknown = (spec as { containers?: unknown }).containers;
  if (!Array.isArray(containers) || containers.length === 0) return `the stored pod's spec.containers is not a list of containers; ${fix}`;
  const bad = containers.findIndex((c: unknown) => c === null || typeof c !== 'object' || typeof (c as { name?: unknown }).name !== 'string' || typeof (c as { image?: unknown }).image !== 'string');
  if (bad >= 0) return `the stored pod's spec.containers[${bad}] has no name or image; ${fix}`;
  return undefined;
}

export { containerIdOf, PUBLISHED_PORTS_ANNOTATION };
