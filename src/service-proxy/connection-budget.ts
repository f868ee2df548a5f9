// How many proxied connections the nodePort listeners hold at once, and for how long an idle one is kept.
// Every proxied connection costs the control plane two file descriptors (client and pod side), and the
// API, the store's writes and the engine socket share the same process limit: without a bound, a flood
// of idle connections to one nodePort took the descriptors the API needed (EMFILE; docs/decisions/082).
// kube-proxy's userspace mode had no such bound, but it ran apart from the apiserver; here one process
// does both, so the proxy takes at most half of what is left after a reserve for everything else.
import * as fs from 'node:fs';

export interface ConnectionLimits {
  /** proxied connections open at once on one nodePort (one Service port) */
  perPort: number;
  /** proxied connections open at once on all nodePorts together */
  total: number;
  /** a connection with no byte in either direction for this long is closed */
  idleMs: number;
}

/**
 * Closed after a minute without a byte either way: the idle timeout of the usual load balancers (AWS
 * ELB/ALB, nginx's proxy_read_timeout) and far above HTTP keep-alive idles (Node's 5 s). conntrack's
 * established timeout (5 days; kube-proxy sets 1 day) is for a kernel table, not for a descriptor held
 * by this process. Protocols that idle longer (WebSocket) ping well within a minute.
 */
export const IDLE_TIMEOUT_MS = 60_000;
/** Descriptors kept for the API, watches, the store, the engine and the listeners themselves. */
export const MIN_RESERVE = 512;
/** Enough for any classroom or test load; more open connections only cost memory. */
export const MAX_TOTAL = 8192;

/** The limits for a process allowed `nofile` descriptors (its RLIMIT_NOFILE soft limit). */
export function limitsFor(nofile: number): ConnectionLimits {
  const reserve = Math.max(MIN_RESERVE, Math.floor(nofile / 4));
  // Two descriptors per proxied connection.
  const total = Math.max(16, Math.min(MAX_TOTAL, Math.floor((nofile - reserve) / 2)));
  // One flooded Service port leaves the other half to the rest.
  const perPort = Math.max(8, Math.floor(total / 2));
  return { perPort, total, idleMs: IDLE_TIMEOUT_MS };
}

/**
 * This process's soft RLIMIT_NOFILE. Node raises the soft limit to the hard one at start, so this is
 * as many descriptors as the process can ever have; 1024 (the usual default) where it cannot be read.
 */
export function openFileLimit(): number {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER;
    const n = Number(soft);
    return Number.isFinite(n) && n > 0 ? n : 1024;
  } catch {
    return 1024;
  }
}

/** Counts proxied connections per nodePort; a connection is let in only while both caps have room. */
export class ConnectionBudget {
  private readonly perPort = new Map<number, number>();
  private open = 0;

  constructor(readonly limits: ConnectionLimits) {}

  /** Takes a slot for a new connection on `port`; 'port' or 'total' names the cap that is full. */
  take(port: number): true | 'port' | 'total' {
    const n = this.perPort.get(port) ?? 0;
    if (n >= this.limits.perPort) return 'port';
    if (this.open >= this.limits.total) return 'total';
    this.perPort.set(port, n + 1);
    this.open++;
    return true;
  }

  release(port: number): void {
    const n = (this.perPort.get(port) ?? 0) - 1;
    if (n > 0) this.perPort.set(port, n);
    else this.perPort.delete(port);
    this.open = Math.max(0, this.open - 1);
  }

  count(port?: number): number {
    return port === undefined ? this.open : this.perPort.get(port) ?? 0;
  }
}
