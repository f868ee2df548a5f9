// Proxied connections open now, per pod: what the kubelet waits on before it sends SIGTERM to a pod
// that left the Service's endpoints (docs/decisions/043). A connection counts from the moment the proxy
// dials the pod until the upstream socket closes, so a request still being connected is waited for too.

export class OpenConnections {
  private readonly counts = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();

  open(podUid: string): void {
    this.counts.set(podUid, (this.counts.get(podUid) ?? 0) + 1);
  }

  close(podUid: string): void {
    const n = (this.counts.get(podUid) ?? 0) - 1;
    if (n > 0) {
      this.counts.set(podUid, n);
      return;
    }
    this.counts.delete(podUid);
    const waiting = this.waiters.get(podUid);
    this.waiters.delete(podUid);
    for (const wake of waiting ?? []) wake();
  }

  count(podUid: string): number {
    return this.counts.get(podUid) ?? 0;
  }

  /** Resolves when the pod has no open connection any more, or after timeoutMs: with the number still open. */
  drained(podUid: string, timeoutMs: number): Promise<number> {
    if (!this.count(podUid) || timeoutMs <= 0) return Promise.resolve(this.count(podUid));
    return new Promise((resolve) => {
      let set = this.waiters.get(podUid);
      if (!set) this.waiters.set(podUid, (set = new Set()));
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.get(podUid)?.delete(wake);
        resolve(this.count(podUid));
      };
      const timer = setTimeout(wake, timeoutMs);
      set.add(wake);
    });
  }
}
