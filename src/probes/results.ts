// pkg/kubelet/prober/results/results_manager.go: the latest result per container ID for one probe
// type. Set publishes an update only when the value is new or changed; Remove publishes nothing.
import type { ProbeResult, ProbeType } from './types.js';

export interface ProbeUpdate {
  podUid: string;
  containerName: string;
  /** the engine's container ID, without `docker://` */
  containerId: string;
  type: ProbeType;
  result: ProbeResult;
}

export class ResultsCache {
  private readonly cache = new Map<string, ProbeResult>();

  constructor(readonly type: ProbeType, private readonly publish: (update: ProbeUpdate) => void) {}

  get(containerId: string): ProbeResult | undefined {
    return this.cache.get(containerId);
  }

  set(containerId: string, result: ProbeResult, podUid: string, containerName: string): void {
    if (this.cache.get(containerId) === result) return;
    this.cache.set(containerId, result);
    this.publish({ podUid, containerName, containerId, type: this.type, result });
  }

  remove(containerId: string): void {
    this.cache.delete(containerId);
  }
}

