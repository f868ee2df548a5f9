// The probe manager: pkg/kubelet/prober/prober_manager.go. The kubelet's only entry point to probes.
//
// ─── Contract with the kubelet (src/kubelet) ──────────────────────────────────────────────────────
//
// Construction: `new ProbeManager(deps)` once per kubelet. Its creation time is "kubelet start" for
//   the jitter rule: workers created within one period of it first wait a random 0..period.
//
// deps.getPod(uid) returns the newest pod. Workers read on every tick, per container status:
//   containerID ("docker://<id>"), state.running.startedAt (initialDelaySeconds counts from it),
//   state.terminated, started; and the pod's phase, deletionTimestamp, status.podIP. A pod without
//   status or a container without containerID is simply waited for.
//
// Lifecycle:
//   addPod(pod)                 when the pod is first synced, before its containers start. Idempotent:
//                               one worker per (container, probe type), for spec.containers and
//                               restartable init containers. The probe spec is fixed at that moment.
//   removePod(uid)              when the pod is gone (cleanupPods(desiredUids) for a full resync).
//   stopLivenessAndStartup(uid) optional, when killing the pod: readiness keeps running.
//   stop()                      on shutdown.
//
// Status (on every status generation, like UpdatePodStatus):
//   started = running && isStarted(uid, name, id)
//     startup result if there is one; false while a startup probe has not decided; true without one.
//   ready   = started && isReady(uid, name, id)
//     true if the readiness result is success or there is no readiness probe; otherwise false AND a
//     manual readiness run is triggered (on a microtask), so Ready need not wait a period.
//   updatePodStatus(pod, status) does both in place for all container and init-container statuses.
//
// Updates: deps.onUpdate(update) only when a cached result changes (results_manager), including the
//   initial value set for each new container ID: readiness 'failure', liveness 'success', startup
//   'unknown'. Reactions, as the real kubelet's syncLoopIteration:
//   - liveness 'failure' → sync the pod; if the container still runs and livenessFailed(uid, name, id):
//     Normal Killing livenessKillMessage(name, restartPolicy !== 'Never'), stop, restart.
//   - startup 'failure'  → the same with startupFailed(...) and startupKillMessage(...).
//   - startup / readiness, any → regenerate the status (started, ready, Ready/ContainersReady).
//   A stopped container also reads 'failure': act only on running ones, as computePodActions does.
//   The worker goes on hold after a liveness failure (and once startup decided) until the container
//   ID changes: the restarted container gets the initial values again.
//   On startup success the manager itself triggers that container's readiness worker.
//
// Events: deps.recordEvent(pod, containerName, 'Warning', 'Unhealthy' | 'ProbeWarning', message) on every
//   failure, warning, and error (after 3 immediate retries); texts from messages.ts. The kubelet makes
//   them Events with involvedObject.fieldPath `spec.containers{<name>}`.
//
// Addressing: network probes dial the pod IP unless deps.resolveAddress maps (pod, container, port)
//   elsewhere (sync or async). A target it moved is taken to sit behind Docker's userland proxy, which
//   accepts every connection: the dialer then waits ~100 ms for the hang-up that means "refused"
//   (in-pod-network.ts; set viaUserlandProxy: false to opt out). createPublishedPortResolver is a
//   ready-made hook; publish probePortsToPublish(container) too, as probes may use undeclared ports.
//
// Container IDs: every method accepts "docker://<id>" or the bare id; updates carry the bare id.
// ──────────────────────────────────────────────────────────────────────────────────────────────────
import type { Container, ContainerStatus, Pod, PodStatus, Probe } from '../kube/types.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { RecordProbeEvent } from './prober.js';
import { Prober } from './prober.js';
import type { ProbeUpdate } from './results.js';
import { parseContainerId } from '../kube/container-id.js';
import { ResultsCache } from './results.js';
import type { ProbeResult, ProbeType, ResolveAddress } from './types.js';
import { PROBE_TYPES } from './types.js';
import { ProbeWorker } from './worker.js';
import { ProbeHistory } from './history.js';

export type { ProbeUpdate } from './results.js';
export type { ProbeResult, ProbeType } from './types.js';

export interface ProbeManagerDeps {
  runtime: Pick<Runtime, 'exec'>;
  /** the newest view of the pod, with status.containerStatuses */
  getPod(uid: string): Pod | undefined;
  /** only on changes, like results_manager */
  onUpdate(update: ProbeUpdate): void;
  recordEvent: RecordProbeEvent;
  /** pod IP:port → where this host connects; default: the pod IP */
  resolveAddress?: ResolveAddress;
  /** settle window for connections through a userland proxy (published ports); default 100 ms */
  proxySettleMs?: number;
  /** injectable time for tests; default Date.now and the global timers */
  clock?: Clock;
  /** injectable randomness for the start jitter; default Math.random */
  random?: () => number;
  /** exceptions from callbacks or bugs; the workers keep going. Default: console.error */
  onError?(err: unknown): void;
}

const probeOf = (c: Container, type: ProbeType): Probe | undefined =>
  type === 'liveness' ? c.livenessProbe : type === 'readiness' ? c.readinessProbe : c.startupProbe;

const workerKey = (podUid: string, containerName: string, type: ProbeType): string =>
  `${podUid}/${containerName}/${type}`;

export class ProbeManager {
  private readonly workers = new Map<string, ProbeWorker>();
  private readonly results: Record<ProbeType, ResultsCache>;
  private readonly prober: Prober;
  private readonly clock: Clock;
  private readonly startedAt: number;
  /** recent raw outcomes, for display only (the dashboard) */
  readonly history = new ProbeHistory();

  constructor(private readonly deps: ProbeManagerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.prober = new Prober({
      runtime: deps.runtime,
      recordEvent: (...args) => this.guard(() => deps.recordEvent(...args)),
      resolveAddress: deps.resolveAddress,
      proxySettleMs: deps.proxySettleMs,
    });
    const publish = (u: ProbeUpdate): void => this.publish(u);
    this.results = {
      liveness: new ResultsCache('liveness', publish),
      readiness: new ResultsCache('readiness', publish),
      startup: new ResultsCache('startup', publish),
    };
  }

  /** Creates the workers of a pod's containers and sidecars that have probes. Idempotent. */
  addPod(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    const containers = [
      ...(pod.spec?.containers ?? []),
      // Restartable init containers (sidecars) are probed like regular containers.
      ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
    ];
    for (const container of containers) {
      for (const type of PROBE_TYPES) {
        const probe = probeOf(container, type);
        const key = workerKey(uid, container.name, type);
        if (!probe || this.workers.has(key)) continue;
        const worker = new ProbeWorker(this.workerHost(), pod, container, type, probe, this.results[type]);
        this.workers.set(key, worker);
        worker.start();
      }
    }
  }

  /** Stops every worker of the pod; probes in flight finish but are discarded. */
  removePod(podUid: string): void {
    for (const w of [...this.workers.values()]) if (w.podUid === podUid) w.stop();
  }

  /** During termination: liveness and startup stop, readiness keeps reporting. */
  stopLivenessAndStartup(podUid: string): void {
    for (const w of [...this.workers.values()]) {
      if (w.podUid === podUid && (w.type === 'liveness' || w.type === 'startup')) w.stop();
    }
  }

  /** Removes the workers of every pod not in `desiredPodUids`. */
  cleanupPods(desiredPodUids: Iterable<string>): void {
    const keep = new Set(desiredPodUids);
    for (const w of [...this.workers.values()]) if (!keep.has(w.podUid)) w.stop();
  }

  /**
   * manager.isContainerStarted for a *running* container (the caller checks running, as the kubelet
   * computes it anyway): the startup result if any; false while a startup probe has not decided;
   * true without a startup probe.
   */
  isStarted(podUid: string, containerName: string, containerId: string): boolean {
    const id = parseContainerId(containerId);
    const result = id ? this.results.startup.get(id) : undefined;
    if (result !== undefined) return result === 'success';
    return !this.workers.has(workerKey(podUid, containerName, 'startup'));
  }

  /**
   * The readiness part of UpdatePodStatus for a *running, started* container: true if the readiness
   * result is success or there is no readiness probe; otherwise false, and a manual readiness run is
   * triggered so the answer can change without waiting a period.
   */
  isReady(podUid: string, containerName: string, containerId: string): boolean {
    const id = parseContainerId(containerId);
    if (id && this.results.readiness.get(id) === 'success') return true;
    const worker = this.workers.get(workerKey(podUid, containerName, 'readiness'));
    if (!worker) return true; // no readiness probe: ready once running and started
    worker.trigger();
    return false;
  }

  /**
   * UpdatePodStatus: writes `started` and `ready` into the container statuses of `status` (default
   * pod.status), in place. Classic init containers are ready only once terminated with exit code 0.
   */
  updatePodStatus(pod: Pod, status: PodStatus | undefined = pod.status): void {
    const uid = pod.metadata?.uid ?? '';
    if (!status) return;
    for (const c of status.containerStatuses ?? []) this.updateContainerStatus(uid, c);
    for (const c of status.initContainerStatuses ?? []) {
      const spec = pod.spec?.initContainers?.find((ic) => ic.name === c.name);
      if (!spec) continue;
      if (spec.restartPolicy === 'Always') {
        this.updateContainerStatus(uid, c);
        continue;
      }
      c.started = this.containerStarted(uid, c);
      if (c.state?.terminated && c.state.terminated.exitCode === 0) c.ready = true;
    }
  }

  private updateContainerStatus(uid: string, c: ContainerStatus): void {
    const started = this.containerStarted(uid, c);
    c.started = started;
    // Not started: readiness is not even asked (and stays false).
    c.ready = started ? this.isReady(uid, c.name, c.containerID ?? '') : false;
  }

  /** isStarted plus the running check, from a container status. */
  private containerStarted(uid: string, c: ContainerStatus): boolean {
    return !!c.state?.running && this.isStarted(uid, c.name, c.containerID ?? '');
  }

  /** The cached result for a container, as the kubelet's computePodActions reads it. */
  getResult(type: ProbeType, containerId: string): ProbeResult | undefined {
    return this.results[type].get(parseContainerId(containerId));
  }

  /**
   * True when the liveness result of this container is failure: kill it if it is running. Results are
   * keyed by container ID (a restarted container starts afresh); pod and name are for symmetry.
   */
  livenessFailed(_podUid: string, _containerName: string, containerId: string): boolean {
    return this.getResult('liveness', containerId) === 'failure';
  }

  /** True when the startup result of this container is failure: kill it if it is running. */
  startupFailed(_podUid: string, _containerName: string, containerId: string): boolean {
    return this.getResult('startup', containerId) === 'failure';
  }

  hasWorker(podUid: string, containerName: string, type: ProbeType): boolean {
    return this.workers.has(workerKey(podUid, containerName, type));
  }

  /** A manual run of a readiness worker (isReady does this itself when the container is not ready). */
  triggerReadiness(podUid: string, containerName: string): void {
    this.workers.get(workerKey(podUid, containerName, 'readiness'))?.trigger();
  }

  /** Probes finished since the manager started (bench/probes). */
  get probesRun(): number {
    return this.prober.probesRun;
  }

  /** For tests and debugging. */
  worker(podUid: string, containerName: string, type: ProbeType): ProbeWorker | undefined {
    return this.workers.get(workerKey(podUid, containerName, type));
  }

  stop(): void {
    for (const w of [...this.workers.values()]) w.stop();
  }

  private publish(update: ProbeUpdate): void {
    this.guard(() => this.deps.onUpdate(update));
    // Startup success: readiness may run now instead of one readiness period later.
    if (update.type === 'startup' && update.result === 'success') {
      this.triggerReadiness(update.podUid, update.containerName);
    }
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.reportError(err);
    }
  }

  private reportError(err: unknown): void {
    if (this.deps.onError) this.deps.onError(err);
    else console.error('probe manager:', err);
  }

  private workerHost(): ConstructorParameters<typeof ProbeWorker>[0] {
    return {
      clock: this.clock,
      managerStartedAt: this.startedAt,
      random: this.deps.random ?? Math.random,
      getPod: (uid) => this.deps.getPod(uid),
      isStarted: (uid, status) => this.containerStarted(uid, status),
      prober: this.history.wrap(this.prober),
      onExit: (w) => {
        const key = workerKey(w.podUid, w.containerName, w.type);
        if (this.workers.get(key) === w) this.workers.delete(key);
      },
      onError: (err) => this.reportError(err),
    };
  }
}
