// The library's waits: poll, and on timeout say what was seen last, so a failing test reads
// "timed out after 30000 ms waiting for service "web" to have 3 ready endpoints; last seen:
// ready=[web-1] notReady=[web-2, web-3]" instead of a bare timeout.
import type { Deployment, Endpoints, Pod } from '../kube/types.js';
import { isPodReady } from '../kube/pod.js';
import { APPS_DEFAULTS } from '../kube/defaults.js';
import { realNow, realSleep } from './real-timers.js';

export interface Observation {
  ok: boolean;
  /** one line for the timeout message */
  seen: string;
}

export class WaitTimeoutError extends Error {
  constructor(readonly what: string, readonly timeoutMs: number, readonly lastSeen: string) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${lastSeen}`);
    this.name = 'WaitTimeoutError';
  }
}

export async function waitUntil(what: string, check: () => Promise<Observation>, timeoutMs = 60_000, intervalMs = 100): Promise<void> {
  const deadline = realNow() + timeoutMs;
  let seen: string;
  for (;;) {
    try {
      const r = await check();
      seen = r.seen;
      if (r.ok) return;
    } catch (err) {
      seen = (err as Error).message;
    }
    if (realNow() >= deadline) throw new WaitTimeoutError(what, timeoutMs, seen);
    await realSleep(Math.min(intervalMs, Math.max(0, deadline - realNow())));
  }
}

export function describeDeployment(d: Deployment): Observation {
  const want = d.spec?.replicas ?? APPS_DEFAULTS.replicas;
  const s = d.status ?? {};
  const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  const ok = observed && (s.updatedReplicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.replicas ?? 0) === want;
  const seen = `replicas=${s.replicas ?? 0} updated=${s.updatedReplicas ?? 0} ready=${s.readyReplicas ?? 0} available=${s.availableReplicas ?? 0} (want ${want})`
    + (observed ? '' : ` generation ${d.metadata?.generation} not yet observed`);
  return { ok, seen };
}

export function describePod(p: Pod, wantReady: boolean): Observation {
  const ready = isPodReady(p);
  const cs = (p.status?.containerStatuses ?? []).map((c) => {
    const [state, detail] = Object.entries(c.state ?? {})[0] ?? ['unknown', {}];
    const reason = (detail as { reason?: string } | undefined)?.reason;
    return `${c.name}: ${state}${reason ? ` (${reason})` : ''} ready=${c.ready} restarts=${c.restartCount}`;
  });
  return { ok: ready === wantReady, seen: `phase=${p.status?.phase ?? 'Pending'} ready=${ready}${cs.length ? `; ${cs.join('; ')}` : ''}` };
}

export function describeEndpoints(ep: Endpoints | undefined, n: number): Observation {
  if (!ep) return { ok: n === 0, seen: 'no Endpoints object (does the Service exist?)' };
  const ready = (ep.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => a.targetRef?.name ?? a.ip);
  const notReady = (ep.subsets ?? []).flatMap((s) => s.notReadyAddresses ?? []).map((a) => a.targetRef?.name ?? a.ip);
  return { ok: ready.length === n, seen: `ready=[${ready.join(', ')}] notReady=[${notReady.join(', ')}]` };
}
