// The controllers' work queue, after client-go's: a key (namespace/name) waits at most once however many
// watch events name it, so bursts of changes coalesce into one reconcile that reads the store as it is
// then. A reconcile may ask to run again later (a time-based condition such as minReadySeconds); a
// failing one is retried with exponential back-off.

/** Reconciles one key; a returned number asks for another run after that many milliseconds. */
export type Reconcile = (key: string) => number | void | undefined;

const BASE_BACKOFF_MS = 5;
const MAX_BACKOFF_MS = 5_000;

export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private scheduled: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly reconcile: Reconcile,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.schedule();
  }

  /** Adds the key after `ms`; an earlier pending request for the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key);
    const at = Date.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    // A waiting requeue alone must not keep a CLI process alive.
    timer.unref();
    this.delayed.set(key, { at, timer });
  }

  get length(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.pending.clear();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    // Reconciling on a later turn keeps store writes out of watch callbacks (which run inside a write)
    // and lets the rest of the process (API, kubelet, tests) run between rounds.
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.drain();
    });
  }

  private drain(): void {
    // Only the keys waiting now: a key re-added by its own reconcile runs on the next turn, so a
    // controller that keeps changing its object cannot starve the event loop.
    for (const key of [...this.pending]) {
      if (this.stopped) return;
      // Removed before the run: a change made meanwhile is seen by this run (the store is synchronous).
      if (!this.pending.delete(key)) continue;
      try {
        const after = this.reconcile(key);
        this.failures.delete(key);
        if (typeof after === 'number') this.addAfter(key, after);
      } catch (err) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        const backoff = Math.min(BASE_BACKOFF_MS * 2 ** (n - 1), MAX_BACKOFF_MS);
        console.error(`${this.name}: reconciling ${key} failed (retry in ${backoff} ms): ${(err as Error).stack ?? String(err)}`);
        this.addAfter(key, backoff);
      }
    }
  }
}

/** "namespace/name", the key every controller queues. */
export function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
