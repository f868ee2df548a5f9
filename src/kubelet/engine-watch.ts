// Watches the Docker engine for the kubelet: pings it on a short period and keeps the container event
// stream subscribed. The engine going away (stopped, restarted, socket gone) must never look like "every
// container vanished": the kubelet learns "down" from here and holds still until it is "up" again, then
// re-subscribes the event stream (a stream ends with the engine) and re-syncs every pod.
import type { Runtime, RuntimeEvent } from '../runtime/runtime.js';

export interface EngineWatchOptions {
  runtime: Runtime;
  labels: Record<string, string>;
  onEvent: (e: RuntimeEvent) => void;
  /** called on every change of reachability (never twice in a row with the same value) */
  onChange: (reachable: boolean) => void;
  log: (line: string) => void;
  /** ping period; short, since this is what makes recovery take "seconds" */
  periodMs?: number;
}

export class EngineWatch {
  private reachable = true;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private stopped = false;
  private checking = false;

  constructor(private readonly opts: EngineWatchOptions) {}

  get isReachable(): boolean {
    return this.reachable;
  }

  start(): void {
    this.subscribe();
    this.timer = setInterval(() => void this.check(), this.opts.periodMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /** Pings now (also called by the kubelet when an engine call failed) and reports a change. */
  async check(): Promise<boolean> {
    if (this.stopped || this.checking) return this.reachable;
    this.checking = true;
    try {
      const up = await this.opts.runtime.ping();
      if (!this.stopped && up !== this.reachable) {
        this.reachable = up;
        this.opts.log(up ? 'the Docker engine answers again: reconciling every pod' : 'the Docker engine does not answer: holding every pod as it is');
        // A stream that ended while the engine was away is re-opened from now on.
        if (up && !this.unsubscribe) this.subscribe();
        this.opts.onChange(up);
      }
      return up;
    } finally {
      this.checking = false;
    }
  }

  private subscribe(): void {
    if (this.stopped) return;
    this.unsubscribe = this.opts.runtime.events(this.opts.labels, this.opts.onEvent, (err) => {
      this.unsubscribe = undefined;
      if (this.stopped) return;
      this.opts.log(`docker events: ${err.message}`);
      // Re-subscribe soon if the engine still answers (a dropped stream); otherwise check() does it
      // once the engine is back. Events lost in between are covered by the re-sync on "up".
      setTimeout(() => {
        if (this.stopped || this.unsubscribe) return;
        void this.opts.runtime.ping().then((up) => {
          if (up && !this.stopped && !this.unsubscribe && this.reachable) this.subscribe();
        });
      }, 500).unref();
    });
  }
}
