// CrashLoopBackOff arithmetic, as client-go's flowcontrol.Backoff used by the kubelet: the first restart
// is immediate, then 10 s doubling to 300 s; an entry unused for twice the maximum (10 minutes of
// running) is forgotten, so a container that ran fine for 10 minutes starts again from 10 s.
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  backoffMs: number;
  /** when the back-off was last extended (the finish time of the exit that caused it) */
  lastUpdate: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initialMs = INITIAL_BACKOFF_MS,
    private readonly maxMs = MAX_BACKOFF_MS,
  ) {}

  /** Current back-off for key, 0 when none. */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** True while `now - eventTime` is shorter than the key's back-off (and the entry has not expired). */
  isInBackOffSince(key: string, eventTime: number, now: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.hasExpired(e, eventTime)) return false;
    return now - eventTime < e.backoffMs;
  }

  /** Milliseconds left of the back-off that started at eventTime (0 when over). */
  remaining(key: string, eventTime: number, now: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.backoffMs - (now - eventTime));
  }

  /** Records one more restart: 10 s for a new or expired entry, otherwise double, capped. */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    if (!e || this.hasExpired(e, eventTime)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: eventTime });
      return;
    }
    e.backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
    e.lastUpdate = eventTime;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  private hasExpired(e: Entry, eventTime: number): boolean {
    return eventTime - e.lastUpdate > this.maxMs * 2;
  }
}

/** "5m0s" / "10s" as Go prints a time.Duration in the CrashLoopBackOff waiting message. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m < 60) return `${m}m${rest}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${rest}s`;
}
