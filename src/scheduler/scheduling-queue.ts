// The scheduling queue (internal/queue/scheduling_queue.go), reduced to what one profile without
// priorities needs: activeQ (FIFO: pods to try now), backoffQ (pods that failed, waiting out their
// back-off: 1 s doubling to 10 s per attempt) and unschedulablePods (failed, waiting for the cluster to
// change: a node added or changed, a pod deleted or bound; or at most 5 minutes). Keys are pod uids.
export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** podMaxInUnschedulablePodsDuration */
  maxUnschedulableMs?: number;
  now?: () => number;
}

export class SchedulingQueue {
  private readonly active = new Set<string>();
  private readonly backoff = new Map<string, number>();
  private readonly unschedulable = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  private readonly now: () => number;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly maxUnschedulableMs: number;

  constructor(opts: QueueOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.initialMs = opts.initialBackoffMs ?? 1000;
    this.maxMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 300_000;
  }

  /** A new or changed pending pod: tried now (a change of the pod itself may make it schedulable). */
  add(key: string): void {
    if (this.backoff.has(key)) return;
    this.unschedulable.delete(key);
    this.active.add(key);
  }

  /** The pod was bound or deleted: forget it. */
  delete(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.attempts.delete(key);
  }

  /** The next pod to try, or undefined. Pods whose back-off ended move to activeQ first. */
  pop(): string | undefined {
    this.flushBackoff();
    const next = this.active.values().next();
    if (next.done) return undefined;
    this.active.delete(next.value);
    return next.value;
  }

  /** A failed attempt: the pod waits in unschedulablePods for a cluster event. */
  failed(key: string): void {
    this.attempts.set(key, (this.attempts.get(key) ?? 0) + 1);
    this.unschedulable.set(key, this.now());
  }

  /** The back-off of a pod after its attempts so far (calculateBackoffDuration). */
  backoffMs(key: string): number {
    const n = this.attempts.get(key) ?? 0;
    return n <= 0 ? 0 : Math.min(this.maxMs, this.initialMs * 2 ** (n - 1));
  }

  /** A cluster event that may make pods schedulable: every unschedulable pod to activeQ, or backoffQ if still backing off. */
  moveAllToActiveOrBackoff(): void {
    for (const [key, since] of this.unschedulable) {
      this.unschedulable.delete(key);
      const until = since + this.backoffMs(key);
      if (until > this.now()) this.backoff.set(key, until);
      else this.active.add(key);
    }
  }

  /** flushUnschedulablePodsLeftover: pods unschedulable longer than the maximum are retried anyway. */
  flushUnschedulable(): void {
    const now = this.now();
    for (const [key, since] of this.unschedulable) {
      if (now - since >= this.maxUnschedulableMs) {
        this.unschedulable.delete(key);
        this.active.add(key);
      }
    }
  }

  /** When the earliest back-off ends (ms from now), or undefined. */
  nextBackoffInMs(): number | undefined {
    let min: number | undefined;
    for (const until of this.backoff.values()) min = min === undefined ? until : Math.min(min, until);
    return min === undefined ? undefined : Math.max(0, min - this.now());
  }

  private flushBackoff(): void {
    const now = this.now();
    for (const [key, until] of this.backoff) {
      if (until <= now) {
        this.backoff.delete(key);
        this.active.add(key);
      }
    }
  }

  get sizes(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }
}
