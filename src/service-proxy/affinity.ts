// sessionAffinity: ClientIP — a client keeps going to the same pod until it has been idle for the
// timeout (kube-proxy's `-m recent --seconds <timeout>`).
export class ClientIpAffinity {
  private readonly pins = new Map<string, { podUid: string; at: number }>();

  constructor(private readonly timeoutMs: number) {}

  get(clientIp: string, now = Date.now()): string | undefined {
    const pin = this.pins.get(clientIp);
    if (!pin) return undefined;
    if (now - pin.at > this.timeoutMs) {
      this.pins.delete(clientIp);
      return undefined;
    }
    return pin.podUid;
  }

  set(clientIp: string, podUid: string, now = Date.now()): void {
    this.pins.set(clientIp, { podUid, at: now });
  }
}
