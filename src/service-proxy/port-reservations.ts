// NodePorts held from the moment admission picks them until the proxy serves them. Probing a port
// (bind, close) and binding it again later leaves a gap in which another process (a parallel test file
// with its own cluster) can probe the same port free and take it: one of the two Services would then
// have a nodePort nobody serves. Here the probe's listener is kept open and handed to the proxy, so the
// operating system itself makes the choice collision-proof across processes.
import * as net from 'node:net';
import type { PortProbe } from './nodeport-allocator.js';

export class PortReservations {
  private readonly held = new Map<number, { server: net.Server; timer: NodeJS.Timeout }>();

  /** @param holdMs how long a port the proxy never takes (a failed create) stays bound */
  constructor(private readonly address: string, private readonly holdMs = 30_000) {}

  /** A PortProbe that binds the port and keeps it: true means this process now holds it. */
  readonly probe: PortProbe = (port) => new Promise((resolve) => {
    // Held but not yet served: another Service being admitted right now has it.
    if (this.held.has(port)) return resolve(false);
    const server = net.createServer({ allowHalfOpen: true, noDelay: true });
    server.once('error', () => resolve(false));
    server.listen({ port, host: this.address, exclusive: true }, () => {
      const timer = setTimeout(() => this.release(port), this.holdMs);
      timer.unref();
      this.held.set(port, { server, timer });
      resolve(true);
    });
  });

  /** The listening server of a held port, now the caller's; undefined when the port is not held. */
  take(port: number): net.Server | undefined {
    const h = this.held.get(port);
    if (!h) return undefined;
    clearTimeout(h.timer);
    this.held.delete(port);
    return h.server;
  }

  release(port: number): void {
    this.take(port)?.close();
  }

  close(): void {
    for (const port of [...this.held.keys()]) this.release(port);
  }
}
