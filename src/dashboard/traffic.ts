// Requests per pod per second through the Service proxy, from its running counters (ServiceProxy.stats):
// sampled once a second here, on the server, so the page gets a number that falls to zero the moment a
// pod stops receiving traffic (and the browser polls nothing).
import type { ConnectionStats } from '../service-proxy/proxy.js';

/** Seconds the rate is averaged over: long enough to be steady, short enough to drop quickly. */
const WINDOW = 3;

export interface PodTraffic {
  /** connections (requests in HTTP mode) per second over the last few seconds */
  rate: number;
  /** connections open now */
  active: number;
  /** connections (requests in HTTP mode) since the control plane started */
  total: number;
}

export class TrafficMeter {
  private readonly samples: Map<string, number>[] = [];

  constructor(private readonly stats: ConnectionStats) {}

  /** Takes a sample; returns true when some figure changed. */
  sample(): boolean {
    const before = JSON.stringify(this.current());
    // In HTTP mode the proxy also counts requests (several per kept-alive connection): take the larger.
    const units = new Map(this.stats.total);
    for (const [pod, n] of this.stats.requests ?? []) units.set(pod, Math.max(n, units.get(pod) ?? 0));
    this.samples.push(units);
    if (this.samples.length > WINDOW + 1) this.samples.shift();
    return JSON.stringify(this.current()) !== before;
  }

  current(): Record<string, PodTraffic> {
    const out: Record<string, PodTraffic> = {};
    const newest = this.samples.at(-1);
    const oldest = this.samples[0];
    if (!newest || !oldest) return out;
    const span = Math.max(1, this.samples.length - 1);
    for (const [pod, total] of newest) {
      out[pod] = { rate: Math.round(((total - (oldest.get(pod) ?? 0)) / span) * 10) / 10, active: this.stats.active.get(pod) ?? 0, total };
    }
    return out;
  }
}
