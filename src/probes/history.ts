// The last few raw probe outcomes per container and probe type, for people to look at (the dashboard's
// green/red ticks). Not part of the kubelet's decisions: those use the thresholds in worker.ts. Kept
// apart so the probing code stays a transcription of the kubelet; the manager wraps its prober with it.
import type { Container, Pod, Probe } from '../kube/types.js';
import type { Prober } from './prober.js';
import type { ProbeResult, ProbeType } from './types.js';

export interface ProbeTick {
  /** ms since the epoch */
  at: number;
  result: ProbeResult;
}

/** How many outcomes each (pod, container, probe type) keeps. */
export const HISTORY_LENGTH = 20;

export class ProbeHistory {
  /** pod UID → "container/type" → ticks (by pod, so a page of many pods reads each pod's own only) */
  private readonly rings = new Map<string, Map<string, ProbeTick[]>>();
  private readonly listeners = new Set<(podUid: string) => void>();

  record(podUid: string, container: string, type: ProbeType, result: ProbeResult, at = Date.now()): void {
    let pod = this.rings.get(podUid);
    if (!pod) this.rings.set(podUid, (pod = new Map()));
    const key = `${container}/${type}`;
    let ring = pod.get(key);
    if (!ring) pod.set(key, (ring = []));
    ring.push({ at, result });
    if (ring.length > HISTORY_LENGTH) ring.shift();
    if (this.listeners.size > 0) for (const l of this.listeners) l(podUid);
  }

  /** container → probe type → ticks, oldest first */
  forPod(podUid: string): Record<string, Partial<Record<ProbeType, ProbeTick[]>>> {
    const out: Record<string, Partial<Record<ProbeType, ProbeTick[]>>> = {};
    for (const [key, ring] of this.rings.get(podUid) ?? []) {
      const [container, type] = key.split('/') as [string, ProbeType];
      (out[container] ??= {})[type] = [...ring];
    }
    return out;
  }

  /** Forgets pods that are gone, so the map does not grow with every pod ever run. */
  retain(podUids: Set<string>): void {
    for (const uid of [...this.rings.keys()]) if (!podUids.has(uid)) this.rings.delete(uid);
  }

  onRecord(listener: (podUid: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A prober that records every decided outcome (errors are not outcomes: the worker discards them too). */
  wrap(prober: Prober): Prober {
    const probe = async (type: ProbeType, spec: Probe, pod: Pod, container: Container, containerId: string) => {
      const out = await prober.probe(type, spec, pod, container, containerId);
      if (!out.errored && pod.metadata?.uid) this.record(pod.metadata.uid, container.name, type, out.result);
      return out;
    };
    return Object.assign(Object.create(prober) as Prober, { probe });
  }
}
