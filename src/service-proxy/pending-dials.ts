// Connects to pods that have not completed yet, so they can be abandoned when their endpoint leaves the
// pool. Every cluster on the machine shares one Docker network (docs/decisions/006) and Docker hands a
// dead container's IP to the next container that starts on it, from any cluster. A SYN sent to a pod that
// has just died goes unanswered and is retransmitted (1 s, 3 s, ...): if another container takes that IP
// meanwhile, the retransmitted SYN reaches it and the request goes to a stranger (a test saw HTTP 500s
// from another cluster's pod). So when the store says the pod is gone, dead, unready or moved, a connect
// still in flight to it is given up and the request goes to the next ready endpoint instead.

export interface Dial {
  podUid: string;
  host: string;
  port: number;
  /** gives the connect up; the caller moves on to its next endpoint */
  abandon(): void;
}

export class PendingDials {
  private readonly dials = new Set<Dial>();

  /** Tracks a connect until the returned function is called (on connect, error or close). */
  add(dial: Dial): () => void {
    this.dials.add(dial);
    return () => this.dials.delete(dial);
  }

  /** Abandons every connect whose pod and address are not among the endpoints new connections may use now. */
  sweep(usable: readonly { podUid: string; host: string; port: number }[]): void {
    if (!this.dials.size) return;
    for (const d of [...this.dials]) {
      if (usable.some((u) => u.podUid === d.podUid && u.host === d.host && u.port === d.port)) continue;
      this.dials.delete(d);
      d.abandon();
    }
  }

  get size(): number {
    return this.dials.size;
  }
}
