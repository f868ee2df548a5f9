// HTTP mode's connections to pods: one undici Pool per endpoint (pod, address and port), keep-alive and
// one request at a time per connection. Each connect is registered with pending-dials while in flight, so
// a pod that leaves the pool mid-connect fails its queued requests (EABANDONED) and they go to the next
// endpoint. A pool that served nothing for a sweep period is closed: endpoints that left get no
// requests, so their pools and sockets go within two periods (docs/decisions/022).
import { createRequire } from 'node:module';
import * as net from 'node:net';
import type { Pool, buildConnector } from 'undici';
import type { PendingDials } from './pending-dials.js';
import type { UpstreamConnect } from './upstream-guard.js';

// undici adds about 20 MB of resident memory (all of fetch comes with it): it is loaded when a Service
// port first uses HTTP mode, not with the control plane (the idle footprint has a budget).
let poolClass: typeof Pool | undefined;
function PoolClass(): typeof Pool {
  return (poolClass ??= (createRequire(import.meta.url)('undici') as typeof import('undici')).Pool);
}

export interface Endpoint {
  host: string;
  port: number;
  podUid: string;
}

function abandoned(): Error {
  return Object.assign(new Error('the endpoint left the pool before the connection was made'), { code: 'EABANDONED' });
}

export class UpstreamPools {
  private readonly pools = new Map<string, { pool: Pool; used: boolean }>();
  private readonly timer: NodeJS.Timeout;

  /** sweepMs: a pool unused for this long (up to twice) is closed; connect: how a pod is dialled */
  constructor(
    private readonly dials?: Pick<PendingDials, 'add'>, sweepMs = 10_000,
    private readonly dial: UpstreamConnect = (t) => net.connect({ host: t.host, port: t.port, noDelay: true }),
  ) {
    this.timer = setInterval(() => this.sweep(), sweepMs).unref();
  }

  /** The pool for this endpoint, made on first use. */
  get(t: Endpoint): Pool {
    const key = `${t.podUid} ${t.host}:${t.port}`;
    let entry = this.pools.get(key);
    if (!entry) {
      entry = {
        pool: new (PoolClass())(`http://${t.host}:${t.port}`, {
          connections: 256,
          pipelining: 1,
          // A proxy does not time out a slow pod or a long stream: the client decides when to give up.
          headersTimeout: 0,
          bodyTimeout: 0,
          connect: (_opts, callback) => this.connect(t, callback),
        }),
        used: true,
      };
      this.pools.set(key, entry);
    }
    entry.used = true;
    return entry.pool;
  }

  /** undici's connect, by hand so the socket in flight can be given up (its connector returns nothing typed). */
  private connect(t: Endpoint, callback: buildConnector.Callback): void {
    // noDelay: a proxy forwards small writes that Nagle would hold for the peer's ACK.
    // The pool's origin is this endpoint: dialled as the endpoint says, not as undici parsed the URL.
    const socket = this.dial({ podUid: t.podUid, host: t.host, port: t.port });
    const settled = this.dials?.add({ podUid: t.podUid, host: t.host, port: t.port, abandon: () => socket.destroy(abandoned()) });
    const onError = (err: Error): void => {
      socket.off('connect', onConnect);
      settled?.();
      callback(err, null);
    };
    const onConnect = (): void => {
      socket.off('error', onError);
      settled?.();
      callback(null, socket);
    };
    socket.once('connect', onConnect);
    socket.once('error', onError);
  }

  get size(): number {
    return this.pools.size;
  }

  private sweep(): void {
    for (const [key, entry] of this.pools) {
      if (entry.used) {
        entry.used = false;
        continue;
      }
      this.pools.delete(key);
      // close() lets requests in flight finish, then ends the keep-alive sockets.
      entry.pool.close().catch(() => {});
    }
  }

  /** Ends every pool and its sockets at once (the Service's port is gone). */
  destroy(): void {
    clearInterval(this.timer);
    for (const { pool } of this.pools.values()) pool.destroy().catch(() => {});
    this.pools.clear();
  }
}
