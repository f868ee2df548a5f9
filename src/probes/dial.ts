// TCP dialing shared by the network handlers: one deadline for the whole probe, Go's net.Dial error
// texts (`dial tcp 10.1.2.3:81: connect: connection refused`), and the optional detour through a
// published port (in-pod-network.ts) while every text still names the address Kubernetes would dial.
import net from 'node:net';
import { joinHostPort } from './go-format.js';
import { DEFAULT_PROXY_SETTLE_MS, settleThroughUserlandProxy } from './in-pod-network.js';
import type { DialTarget, Target } from './types.js';

/**
 * The probe's timeoutSeconds as one deadline shared by dial, TLS, request and body. A timer and a
 * listener list rather than an AbortController: probes make one per run, up to hundreds a second, and
 * an AbortSignal's EventTarget (option validation, listener wrappers) was a visible share of a probe's
 * CPU in bench/probes' profiles.
 */
export class Deadline {
  private readonly at: number;
  private readonly timer: ReturnType<typeof setTimeout>;
  private listeners: Array<() => void> = [];
  private passed = false;

  constructor(readonly timeoutMs: number) {
    this.at = Date.now() + timeoutMs;
    this.timer = setTimeout(() => this.expire(), timeoutMs);
    this.timer.unref();
  }

  remaining(): number {
    return Math.max(0, this.at - Date.now());
  }

  get expired(): boolean {
    return this.passed;
  }

  /**
   * Calls `fn` once when the deadline passes (check `expired` first: a passed deadline calls nothing
   * more). Returns the function that takes it back.
   */
  onExpire(fn: () => void): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.listeners = [];
  }

  private expire(): void {
    this.passed = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const fn of listeners) fn();
  }
}

export class DialError extends Error {
  constructor(message: string, readonly timedOut: boolean) {
    super(message);
    this.name = 'DialError';
  }
}

export interface DialRequest {
  /** what Kubernetes would dial; named in error texts */
  address: Target;
  /** where to connect instead (a published port); defaults to `address` */
  connectTo?: DialTarget;
  deadline: Deadline;
  proxySettleMs?: number;
}

/** Go's syscall error strings for the errno values a connect can fail with. */
const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ETIMEDOUT: 'connection timed out',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EPIPE: 'broken pipe',
};

export function goErrnoText(err: NodeJS.ErrnoException): string {
  return (err.code && ERRNO_TEXT[err.code]) ?? err.message;
}

/** A connect error: node adds the address and port it tried. */
type NetError = NodeJS.ErrnoException & { address?: string; port?: number };

function firstError(err: unknown): NetError {
  // Node 20's happy-eyeballs dial reports every attempt in an AggregateError.
  if (err instanceof AggregateError && err.errors.length > 0) return firstError(err.errors[0]);
  return err instanceof Error ? (err as NetError) : new Error(String(err));
}

/** `dial tcp <addr>: connect: connection refused`, as Go's net.OpError prints it. */
export function goDialErrorText(address: Target, raw: unknown, direct: boolean): string {
  const err = firstError(raw);
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return `dial tcp: lookup ${address.host}: ${err.code === 'ENOTFOUND' ? 'no such host' : 'server misbehaving'}`;
  }
  // Go names the resolved IP it dialed; node tells us which one when it connected itself.
  const host = direct && err.address ? err.address : address.host;
  const port = direct && err.port ? err.port : address.port;
  return `dial tcp ${joinHostPort(host, port)}: connect: ${goErrnoText(err)}`;
}

/**
 * Connects, or rejects with a DialError carrying Go's text. The socket comes back with no listeners of
 * ours except a no-op 'error' one (the caller attaches its own), in the stream's initial mode.
 */
export function dialTcp(req: DialRequest): Promise<net.Socket> {
  const { address, deadline } = req;
  const to: DialTarget = req.connectTo ?? address;
  const label = joinHostPort(address.host, address.port);
  const timeoutError = (): DialError => new DialError(`dial tcp ${label}: i/o timeout`, true);
  return new Promise((resolve, reject) => {
    if (deadline.expired) {
      reject(timeoutError());
      return;
    }
    const socket = net.connect({ host: to.host, port: to.port });
    const ignore = (): void => {};
    let settled = false;
    const fail = (e: DialError): void => {
      if (settled) return;
      settled = true;
      offExpire();
      socket.on('error', ignore);
      socket.destroy();
      reject(e);
    };
    const offExpire = deadline.onExpire(() => fail(timeoutError()));
    const onError = (err: Error): void => fail(new DialError(goDialErrorText(address, err, to === address), false));
    socket.once('error', onError);
    socket.once('connect', () => {
      // From here on a reset is the proxy's way of saying "refused" (or the caller's business).
      socket.off('error', onError);
      socket.on('error', ignore);
      const done = (): void => {
        if (settled) return;
        settled = true;
        offExpire();
        resolve(socket);
      };
      if (!to.viaUserlandProxy) {
        done();
        return;
      }
      const settleMs = Math.min(req.proxySettleMs ?? DEFAULT_PROXY_SETTLE_MS, deadline.remaining());
      void settleThroughUserlandProxy(socket, settleMs).then((verdict) => {
        if (verdict === 'refused') fail(new DialError(`dial tcp ${label}: connect: connection refused`, false));
        else done();
      });
    });
  });
}
