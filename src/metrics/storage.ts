// metrics-server's storage (pkg/storage): the last two readings of every container and of the node, and
// the rates between them. A container appears once it has two readings with time and CPU moving forward;
// a pod appears only when every one of its containers does (pod_metrics.go drops a pod with a container
// missing). A restarted container (counter went back) starts over.
import type { ContainerSample, NodeMetricsPoint, NodeSample, PodMetricsPoint, ResourceMetricsScrape, Usage } from './types.js';

interface Pair<T> { prev?: T; last: T }

export class MetricsStorage {
  private pods = new Map<string, { namespace: string; name: string; uid: string; containers: Map<string, Pair<ContainerSample>> }>();
  private node: Pair<NodeSample> | undefined;

  store(scrape: ResourceMetricsScrape): void {
    const next = new Map<string, { namespace: string; name: string; uid: string; containers: Map<string, Pair<ContainerSample>> }>();
    for (const p of scrape.pods) {
      const old = this.pods.get(p.uid);
      const containers = new Map<string, Pair<ContainerSample>>();
      for (const c of p.containers) {
        const before = old?.containers.get(c.name)?.last;
        containers.set(c.name, { prev: before && before.timestamp < c.timestamp ? before : undefined, last: c });
      }
      next.set(p.uid, { namespace: p.namespace, name: p.name, uid: p.uid, containers });
    }
    this.pods = next;
    const before = this.node?.last;
    this.node = { prev: before && before.timestamp < scrape.node.timestamp ? before : undefined, last: scrape.node };
  }

  podMetrics(): PodMetricsPoint[] {
    const out: PodMetricsPoint[] = [];
    for (const p of this.pods.values()) {
      const containers: PodMetricsPoint['containers'] = [];
      let timestamp = 0;
      let windowMs = 0;
      for (const [name, pair] of p.containers) {
        const usage = rate(pair);
        if (!usage) break;
        containers.push({ name, usage });
        timestamp = Math.max(timestamp, pair.last.timestamp);
        windowMs = Math.max(windowMs, pair.last.timestamp - pair.prev!.timestamp);
      }
      if (containers.length === 0 || containers.length !== p.containers.size) continue;
      out.push({ namespace: p.namespace, name: p.name, uid: p.uid, timestamp, windowMs, containers });
    }
    return out;
  }

  nodeMetrics(): NodeMetricsPoint[] {
    const usage = this.node && rate(this.node);
    if (!this.node || !usage) return [];
    return [{ name: this.node.last.name, timestamp: this.node.last.timestamp, windowMs: this.node.last.timestamp - this.node.prev!.timestamp, usage }];
  }
}

/** The CPU rate between two readings and the later working set; none when the counter went back. */
export function rate(pair: Pair<{ cpuUsageNanoSeconds: number; memoryWorkingSetBytes: number; timestamp: number }>): Usage | undefined {
  const { prev, last } = pair;
  if (!prev || last.timestamp <= prev.timestamp || last.cpuUsageNanoSeconds < prev.cpuUsageNanoSeconds) return undefined;
  const cpuNanoCores = Math.round(((last.cpuUsageNanoSeconds - prev.cpuUsageNanoSeconds) * 1000) / (last.timestamp - prev.timestamp));
  return { cpuNanoCores, memoryBytes: last.memoryWorkingSetBytes };
}
