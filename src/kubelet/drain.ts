// Connection draining before SIGTERM (docs/decisions/043): a pod being deleted has already left the
// Service's endpoints (the proxy gives it no new connection), so the kubelet waits for the proxied
// connections still open to it to finish before it stops the containers. Bounded by the grace period and
// by DRAIN_CAP_MS, so `delete pod` stays quick; with no open connection there is no wait at all.

/** What the kubelet needs from the service proxy; the control plane passes the proxy in. */
export interface ConnectionDrain {
  /** proxied connections open now to the pod */
  openConnections(podUid: string): number;
  /** resolves once none is open, or after timeoutMs, with the number still open */
  drained(podUid: string, timeoutMs: number): Promise<number>;
}

/**
 * At most this long. The sample app (node's http server) closes an idle keep-alive connection after
 * 5 s, so an idle browser connection is closed by the app itself within the bound.
 */
export const DRAIN_CAP_MS = 5000;

export interface DrainReport {
  /** open when the drain began */
  open: number;
  /** still open when it ended (cut by the stop) */
  left: number;
  waitedMs: number;
  boundMs: number;
}

/** Waits for the pod's proxied connections to close; says what it waits for and what it had to give up. */
export async function drainConnections(
  drain: ConnectionDrain | undefined, podUid: string, graceSeconds: number,
  say: (reason: string, message: string) => void,
  capMs = DRAIN_CAP_MS,
): Promise<DrainReport> {
  const boundMs = Math.min(capMs, Math.max(0, graceSeconds) * 1000);
  const open = drain?.openConnections(podUid) ?? 0;
  if (!drain || !open || !boundMs) return { open, left: open, waitedMs: 0, boundMs };
  say('Draining', `Waiting for ${plural(open)} through the Service proxy to close before stopping the containers (at most ${boundMs / 1000}s)`);
  const started = performance.now();
  const left = await drain.drained(podUid, boundMs);
  const waitedMs = Math.round(performance.now() - started);
  if (left) say('Draining', `${plural(left)} still open after ${boundMs / 1000}s (keep-alive clients): stopping the containers cuts them`);
  return { open, left, waitedMs, boundMs };
}

/** The grace the stop still gets after a drain took part of it, never under Kubernetes' 2 s minimum. */
export function graceAfterDrain(graceSeconds: number, waitedMs: number, minimumSeconds: number): number {
  if (graceSeconds <= 0) return 0;
  return Math.max(Math.min(graceSeconds, minimumSeconds), Math.ceil(graceSeconds - waitedMs / 1000));
}

function plural(n: number): string {
  return n === 1 ? '1 open connection' : `${n} open connections`;
}
