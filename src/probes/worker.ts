// pkg/kubelet/prober/worker.go: one worker per (pod, container, probe type), with its own ticker. A
// worker only ever awaits its own probe, so a slow handler delays nobody else's schedule.
//
// Go's loop is `for w.doProbe(ctx) { select { stopCh | ticker.C | manualTriggerCh } }`. Here:
// - the ticker is a fixed-rate interval; a tick that lands while a probe is in flight is kept (Go's
//   ticker channel holds one) and runs right after it, further ones are dropped;
// - a manual trigger likewise waits for the probe in flight, runs, and resets the ticker, so the next
//   periodic probe comes one full period after the manual one.
import type { Container, ContainerStatus, Pod, Probe } from '../kube/types.js';
import type { Clock, TimerHandle } from './clock.js';
import type { Prober } from './prober.js';
import type { ResultsCache } from './results.js';
import { parseContainerId } from '../kube/container-id.js';
import type { ProbeTimings } from './spec.js';
import { probeTimings } from './spec.js';
import type { ProbeResult, ProbeType } from './types.js';

/** What a worker needs from its manager. */
export interface WorkerHost {
  readonly clock: Clock;
  /** when the manager (the "kubelet") started: start jitter applies only within one period of it */
  readonly managerStartedAt: number;
  random(): number;
  getPod(uid: string): Pod | undefined;
  /** the manager's isContainerStarted, see doProbe step 9 */
  isStarted(podUid: string, status: ContainerStatus): boolean;
  readonly prober: Prober;
  /** called once when the worker stops or exits, after it cleaned up */
  onExit(worker: ProbeWorker): void;
  /** unexpected exceptions (the worker keeps going, like Go's HandleCrash) */
  onError(err: unknown): void;
}

/** newWorker's initialValue. */
const INITIAL_VALUE: Record<ProbeType, ProbeResult> = {
  readiness: 'failure', // not ready until the first success
  liveness: 'success',
  startup: 'unknown', // started=false until the startup probe succeeds
};

export interface WorkerState {
  containerId: string;
  onHold: boolean;
  lastResult: ProbeResult;
  resultRun: number;
  running: boolean;
}

export class ProbeWorker {
  readonly podUid: string;
  readonly timings: ProbeTimings;
  private containerId = '';
  private lastResult: ProbeResult = 'unknown';
  private resultRun = 0;
  private onHold = false;

  private stopped = false;
  private running = false;
  private tickPending = false;
  private manualPending = false;
  private jitterTimer: TimerHandle | undefined;
  private ticker: TimerHandle | undefined;

  constructor(
    private readonly host: WorkerHost,
    /** the pod as given to addPod; its spec (and this probe) is fixed for the worker's life */
    private readonly pod: Pod,
    readonly container: Container,
    readonly type: ProbeType,
    private readonly probe: Probe,
    private readonly results: ResultsCache,
  ) {
    this.podUid = pod.metadata?.uid ?? '';
    this.timings = probeTimings(probe);
  }

  get containerName(): string {
    return this.container.name;
  }

  get periodMs(): number {
    return this.timings.periodSeconds * 1000;
  }

  /** For tests and debugging. */
  get state(): WorkerState {
    return { containerId: this.containerId, onHold: this.onHold, lastResult: this.lastResult, resultRun: this.resultRun, running: this.running };
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** run(): jitter only if the manager started less than one period ago, then probe at once. */
  start(): void {
    const { clock } = this.host;
    if (this.periodMs > clock.now() - this.host.managerStartedAt) {
      // After a kubelet restart all workers start together; spread them over one period.
      const delay = this.host.random() * this.periodMs;
      this.jitterTimer = clock.setTimeout(() => {
        this.jitterTimer = undefined;
        this.beginTicking();
      }, delay);
      this.jitterTimer.unref?.();
    } else {
      this.beginTicking();
    }
  }

  /**
   * Non-blocking manual run (Go's manualTriggerCh, buffer 1). The run starts on a microtask, never
   * inside the caller's stack: the kubelet may be half-way through computing a status.
   */
  trigger(): void {
    if (this.stopped) return;
    this.manualPending = true;
    queueMicrotask(() => {
      if (this.stopped || !this.manualPending) return;
      if (this.running || this.jitterTimer !== undefined || this.ticker === undefined) return; // taken after the run in flight
      this.manualPending = false;
      this.resetTicker();
      void this.loop();
    });
  }

  /** Stops the worker; a probe in flight finishes but its result is discarded. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const { clock } = this.host;
    if (this.jitterTimer !== undefined) clock.clearTimeout(this.jitterTimer);
    if (this.ticker !== undefined) clock.clearInterval(this.ticker);
    this.jitterTimer = undefined;
    this.ticker = undefined;
    // Go's deferred clean-up in run(): forget this container's result, leave the manager.
    if (this.containerId) this.results.remove(this.containerId);
    this.host.onExit(this);
  }

  private beginTicking(): void {
    if (this.stopped) return;
    this.startTicker();
    // The first doProbe runs at once, but not inside addPod's stack (Go runs it on its own goroutine).
    queueMicrotask(() => {
      if (!this.stopped && !this.running) void this.loop();
    });
  }

  private startTicker(): void {
    this.ticker = this.host.clock.setInterval(() => this.onTick(), this.periodMs);
    this.ticker.unref?.();
  }

  private resetTicker(): void {
    if (this.ticker !== undefined) this.host.clock.clearInterval(this.ticker);
    this.startTicker();
  }

  private onTick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.tickPending = true;
      return;
    }
    void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      for (;;) {
        let keepGoing: boolean;
        try {
          keepGoing = await this.doProbe();
        } catch (err) {
          this.host.onError(err);
          keepGoing = true;
        }
        if (this.stopped) return;
        if (!keepGoing) {
          this.stop();
          return;
        }
        if (this.manualPending) {
          this.manualPending = false;
          this.resetTicker();
          continue;
        }
        if (this.tickPending) {
          this.tickPending = false;
          continue;
        }
        return;
      }
    } finally {
      this.running = false;
    }
  }

  /** parseContainerId and Date.parse of the status fields, remembered: they change once per container, not per tick */
  private rawId = '';
  private parsedId = '';
  private rawStartedAt: string | undefined;
  private parsedStartedAt = Number.NaN;

  private idOf(raw: string): string {
    if (raw !== this.rawId) {
      this.rawId = raw;
      this.parsedId = parseContainerId(raw);
    }
    return this.parsedId;
  }

  private startedAtOf(raw: string | undefined): number {
    if (raw !== this.rawStartedAt) {
      this.rawStartedAt = raw;
      this.parsedStartedAt = raw ? Date.parse(raw) : Number.NaN;
    }
    return this.parsedStartedAt;
  }

  private setResult(result: ProbeResult): void {
    this.results.set(this.containerId, result, this.podUid, this.container.name);
  }

  /** One iteration; false means the worker exits. Steps numbered as in k8s-semantics §2. */
  private async doProbe(): Promise<boolean> {
    const pod = this.host.getPod(this.podUid);
    // 1. No status yet: keep the worker, do nothing.
    if (!pod?.status) return true;
    // 2. Terminal phase: the worker exits.
    if (pod.status.phase === 'Failed' || pod.status.phase === 'Succeeded') return false;
    // 3. No container status or no container ID yet: wait for the next tick.
    const c = pod.status.containerStatuses?.find((s) => s.name === this.container.name) ??
      pod.status.initContainerStatuses?.find((s) => s.name === this.container.name);
    if (!c?.containerID) return true;
    const id = this.idOf(c.containerID);
    // 4. A new container (first start or a restart): fresh initial value, off hold.
    //    lastResult/resultRun are kept; going on hold zeroed resultRun for liveness and startup.
    if (this.containerId !== id) {
      if (this.containerId) this.results.remove(this.containerId);
      this.containerId = id;
      this.setResult(INITIAL_VALUE[this.type]);
      this.onHold = false;
    }
    // 5. On hold after a liveness failure or a decided startup probe, until a new container ID.
    if (this.onHold) return true;
    // 6. Not running: Failure; exit only when terminated for good (restartPolicy Never).
    const running = c.state?.running;
    if (!running) {
      this.setResult('failure');
      return !c.state?.terminated || (pod.spec?.restartPolicy ?? 'Always') !== 'Never';
    }
    // 7. Pod being deleted: liveness and startup report Success and exit, a quiet shutdown.
    //    Readiness keeps probing during termination.
    if (pod.metadata?.deletionTimestamp && (this.type === 'liveness' || this.type === 'startup')) {
      this.setResult('success');
      return false;
    }
    // 8. initialDelaySeconds from the container's startedAt, elapsed seconds truncated (int32(...Seconds())).
    const startedAt = this.startedAtOf(running.startedAt);
    const elapsedSeconds = Number.isNaN(startedAt) ? Number.POSITIVE_INFINITY : Math.trunc((this.host.clock.now() - startedAt) / 1000);
    if (elapsedSeconds < this.timings.initialDelaySeconds) return true;
    // 9. Startup gating: startup probes only until started; liveness and readiness only after.
    //    `started` is what the kubelet wrote from isStarted(); the manager's own answer is taken too,
    //    so readiness can run the moment startup succeeds, before the kubelet wrote the status.
    const started = c.started === true || this.host.isStarted(this.podUid, c);
    if (started ? this.type === 'startup' : this.type !== 'startup') return true;
    // 10. Probe; an error (after the prober's retries) is discarded, not counted.
    const { result, errored } = await this.host.prober.probe(this.type, this.probe, pod, this.container, id);
    if (this.stopped || errored) return true;
    // 11. Consecutive results against the thresholds; the cache publishes only changes.
    if (this.lastResult === result) {
      this.resultRun++;
    } else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    if ((result === 'failure' && this.resultRun < this.timings.failureThreshold) ||
      (result === 'success' && this.resultRun < this.timings.successThreshold)) {
      return true;
    }
    this.setResult(result);
    // 12. A liveness failure means a restart is coming: stop probing this container (#21751).
    //     A startup probe that reached either threshold has nothing left to say (#117153).
    if ((this.type === 'liveness' && result === 'failure') || this.type === 'startup') {
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }
}
