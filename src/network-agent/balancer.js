// Which endpoint a new connection to a Service port goes to: round robin over the ready endpoints, or the
// endpoint a client was pinned to (sessionAffinity: ClientIP) while it is still ready and the pin has not
// been idle for the Service's timeoutSeconds (kube-proxy's `-m recent --seconds`). Pure: no sockets.

export class Balancer {
  /** @param {{ip: string, port: number}[]} backends @param {number} [affinityMs] */
  constructor(backends = [], affinityMs = 0) {
    this.backends = backends;
    this.affinityMs = affinityMs;
    this.next = 0;
    /** @type {Map<string, {ip: string, port: number, at: number}>} */
    this.pins = new Map();
  }

  /** New endpoints (a delta from the control plane); pins to endpoints that left are dropped. */
  update(backends, affinityMs = this.affinityMs) {
    this.backends = backends;
    if (affinityMs !== this.affinityMs) this.pins.clear();
    this.affinityMs = affinityMs;
    const live = new Set(backends.map((b) => `${b.ip}:${b.port}`));
    for (const [client, pin] of this.pins) if (!live.has(`${pin.ip}:${pin.port}`)) this.pins.delete(client);
  }

  /** The endpoint for a new connection from clientIp, or undefined when none is ready. */
  pick(clientIp, now = Date.now()) {
    if (this.backends.length === 0) return undefined;
    if (this.affinityMs > 0) {
      const pin = this.pins.get(clientIp);
      if (pin && now - pin.at <= this.affinityMs) {
        pin.at = now;
        return { ip: pin.ip, port: pin.port };
      }
    }
    const b = this.backends[this.next % this.backends.length];
    this.next = (this.next + 1) % this.backends.length;
    if (this.affinityMs > 0) this.pins.set(clientIp, { ip: b.ip, port: b.port, at: now });
    return b;
  }
}
