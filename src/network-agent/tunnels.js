// Reverse tunnels to the API. The API listens only on the host's 127.0.0.1, which a container cannot
// reach (and in Docker Desktop's mode the host cannot reach the container either), so the control plane
// keeps a few connections open INTO the agent. A pod's connection to the `kubernetes` Service takes one:
// the agent writes one byte (the go signal) and pipes both ways; the control plane, seeing it, opens the
// API connection and another tunnel for the pool. A pod that finds the pool empty waits for the next one.

const GO = Buffer.from([1]);
/** a pod connection waits this long for a tunnel, then is reset */
const WAIT_MS = 10_000;

export class TunnelPool {
  constructor() {
    /** idle tunnels */
    this.idle = [];
    /** pod connections waiting for one */
    this.waiting = [];
    /** asks the control plane for more (set by the control connection) */
    this.want = () => {};
  }

  /** A tunnel the control plane opened (after its hello line). */
  add(tunnel) {
    tunnel.on('error', () => {});
    const drop = () => { this.idle = this.idle.filter((t) => t !== tunnel); };
    tunnel.once('close', drop);
    const waiter = this.waiting.shift();
    if (waiter) { tunnel.off('close', drop); clearTimeout(waiter.timer); this.join(waiter.client, tunnel); return; }
    this.idle.push(tunnel);
  }

  carry(client) {
    const tunnel = this.idle.shift();
    if (tunnel) { tunnel.removeAllListeners('close'); this.join(client, tunnel); return; }
    const waiter = { client, timer: setTimeout(() => { this.waiting = this.waiting.filter((w) => w !== waiter); client.resetAndDestroy(); }, WAIT_MS) };
    client.once('close', () => { clearTimeout(waiter.timer); this.waiting = this.waiting.filter((w) => w !== waiter); });
    this.waiting.push(waiter);
    this.want(this.waiting.length);
  }

  join(client, tunnel) {
    tunnel.write(GO);
    client.on('error', () => tunnel.destroy());
    tunnel.on('error', () => client.destroy());
    client.on('close', () => tunnel.destroy());
    tunnel.on('close', () => client.destroy());
    client.pipe(tunnel);
    tunnel.pipe(client);
  }
}
