// One serialized worker per pod: pod_workers.go. Syncs of one pod never overlap (a trigger during a sync
// runs one more sync right after it, however many triggers came); different pods sync concurrently.
// A worker may also be asked to look again later (a back-off running out, a retry after a failure).

export interface SyncRequest {
  /** the sync may act on the containers listed last (a probe kill must not wait for a listing) */
  cached: boolean;
}

interface Worker {
  running: boolean;
  /** the sync loop in flight, awaited by stop() */
  done?: Promise<void>;
  again: boolean;
  cached: boolean;
  timer?: NodeJS.Timeout;
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private stopped = false;

  /** sync(uid) resolves when the sync is over; a rejection goes to onError, and the worker goes on. */
  constructor(
    private readonly sync: (uid: string, req: SyncRequest) => Promise<void>,
    private readonly onError: (uid: string, err: Error) => void,
  ) {}

  /** Runs a sync of the pod now, or right after the one in progress. */
  request(uid: string, opts: { cached?: boolean } = {}): void {
    if (this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { running: false, again: false, cached: false };
      this.workers.set(uid, w);
    }
    if (opts.cached) w.cached = true;
    if (w.running) {
      w.again = true;
      return;
    }
    w.running = true;
    const worker = w;
    w.done = (async () => {
      try {
        do {
          worker.again = false;
          const cached = worker.cached;
          worker.cached = false;
          await this.sync(uid, { cached }).catch((err: Error) => this.onError(uid, err));
        } while (worker.again && !this.stopped);
      } finally {
        worker.running = false;
      }
    })();
  }

  /** Syncs the pod after ms, replacing an earlier "later" of the same pod. */
  later(uid: string, ms: number): void {
    const w = this.workers.get(uid);
    if (!w || this.stopped) return;
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(() => { w.timer = undefined; this.request(uid); }, ms);
    w.timer.unref();
  }

  /** The pod is gone: no more syncs of it are planned. */
  forget(uid: string): void {
    const w = this.workers.get(uid);
    if (w?.timer) clearTimeout(w.timer);
    this.workers.delete(uid);
  }

  /** No new syncs; resolves when the ones in flight are over (one may be creating a container right now). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.workers.values()) if (w.timer) clearTimeout(w.timer);
    await Promise.all([...this.workers.values()].map((w) => w.done));
  }
}
