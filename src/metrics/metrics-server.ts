// metrics-server in the control plane's process: scrapes the kubelet's resource metrics every resolution
// (15 s, metrics-server's default --metric-resolution) and serves rates from its storage. It costs nothing
// until somebody asks: the first request starts it (two readings a second apart, so that first `kubectl
// top` answers at once instead of after 15 s), and it stops and forgets everything after idleMs without a
// request (an HPA asks every 15 s and keeps it running). Decision 220.
import { MetricsStorage } from './storage.js';
import type { MetricsReader, NodeMetricsPoint, PodMetricsPoint, ResourceMetricsSource } from './types.js';

export interface MetricsServerOptions {
  source: ResourceMetricsSource;
  /** scrape period; default 15 s */
  resolutionMs?: number;
  /** the shortest first window, between the starts of the two readings the first request waits for; default 1 s */
  firstWindowMs?: number;
  /** stop after this long without a request; default 5 min */
  idleMs?: number;
  log?: (line: string) => void;
  now?: () => number;
}

export const DEFAULT_RESOLUTION_MS = 15_000;
export const DEFAULT_IDLE_MS = 300_000;

export class MetricsServer implements MetricsReader {
  private storage: MetricsStorage | undefined;
  private starting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastRequest = 0;
  private scraping: Promise<void> | undefined;
  /** scrapes done since the process started (tests and bench read it) */
  scrapes = 0;
  private readonly resolutionMs: number;
  private readonly firstWindowMs: number;
  private readonly idleMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: MetricsServerOptions) {
    this.resolutionMs = opts.resolutionMs ?? DEFAULT_RESOLUTION_MS;
    this.firstWindowMs = opts.firstWindowMs ?? 1000;
    this.idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
    this.now = opts.now ?? Date.now;
  }

  get running(): boolean {
    return this.storage !== undefined;
  }

  async podMetrics(): Promise<PodMetricsPoint[]> {
    await this.touch();
    return this.storage?.podMetrics() ?? [];
  }

  async nodeMetrics(): Promise<NodeMetricsPoint[]> {
    await this.touch();
    return this.storage?.nodeMetrics() ?? [];
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.storage = undefined;
    this.starting = undefined;
  }

  /** Every request waits for the start (its two readings), also one arriving while the start runs. */
  private async touch(): Promise<void> {
    this.lastRequest = this.now();
    this.starting ??= this.start();
    await this.starting;
  }

  private async start(): Promise<void> {
    const storage = new MetricsStorage();
    this.storage = storage;
    // the second reading a window after the first began: the engine's own answer takes up to a second
    const began = Date.now();
    await this.scrape(storage);
    const wait = this.firstWindowMs - (Date.now() - began);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await this.scrape(storage);
    if (this.storage !== storage) return; // stopped meanwhile
    this.timer = setInterval(() => { void this.tick(); }, this.resolutionMs);
    this.timer.unref();
  }

  /** The periodic work: a reading, or the stop after idleMs without a request. */
  async tick(): Promise<void> {
    const storage = this.storage;
    if (!storage) return;
    if (this.now() - this.lastRequest > this.idleMs) {
      this.opts.log?.('metrics: no request for a while, collector stopped');
      this.stop();
      return;
    }
    await this.scrape(storage);
  }

  private async scrape(storage: MetricsStorage): Promise<void> {
    if (this.scraping) return this.scraping; // a slow engine: never two scrapes at once
    this.scraping = (async () => {
      try {
        const s = await this.opts.source.scrape();
        this.scrapes++;
        if (this.storage === storage) storage.store(s);
      } catch (err) {
        this.opts.log?.(`metrics: scrape failed: ${(err as Error).message}`);
      } finally {
        this.scraping = undefined;
      }
    })();
    return this.scraping;
  }
}
