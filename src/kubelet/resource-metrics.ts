// The kubelet's resource metrics endpoint (/metrics/resource, which metrics-server scrapes): one reading
// of every running container of this cluster from the engine's stats (cAdvisor's role). Pods list their
// app containers only; the sandbox (pause) container is left out of PodMetrics as metrics-server leaves it
// out. The node is everything it runs, summed: all the cluster's containers (sandboxes and the network
// agent too) plus the control plane's own process (decision 221); its capacity is the engine's, so
// `kubectl top node` says how much of the machine the cluster uses, not what other programs do.
import { NODE_NAME } from '../kube/node.js';
import { LABEL_CLUSTER, LABEL_CONTAINER, LABEL_NAMESPACE, LABEL_POD, LABEL_POD_UID, LABEL_SANDBOX, type Runtime } from '../runtime/runtime.js';
import type { ContainerSample, PodSample, ResourceMetricsScrape, ResourceMetricsSource } from '../metrics/types.js';

/**
 * stats calls in flight at once. The engine answers a one-shot stats request at the next tick of its
 * once-a-second stats collector (measured: 20-1100 ms a request), so requests made together return
 * together: a scrape costs about one second of waiting whatever the number of containers, where 8 at a
 * time took 3 s for 21 containers (bench/metrics).
 */
const CONCURRENCY = 64;

export class KubeletResourceMetrics implements ResourceMetricsSource {
  constructor(private readonly runtime: Runtime, private readonly clusterId: string) {}

  async scrape(): Promise<ResourceMetricsScrape> {
    const statsOf = this.runtime.containerStats?.bind(this.runtime);
    if (!statsOf) throw new Error('this runtime reads no container stats');
    const running = (await this.runtime.listContainers({ [LABEL_CLUSTER]: this.clusterId })).filter((c) => c.running);
    const readings = await mapBounded(running, CONCURRENCY, (c) => statsOf(c.id).catch(() => undefined));
    const pods = new Map<string, PodSample>();
    const self = process.cpuUsage();
    const node = {
      name: NODE_NAME,
      cpuUsageNanoSeconds: (self.user + self.system) * 1000,
      memoryWorkingSetBytes: process.memoryUsage().rss,
      timestamp: Date.now(),
    };
    running.forEach((c, i) => {
      const s = readings[i];
      if (!s) return;
      node.cpuUsageNanoSeconds += s.cpuUsageNanoSeconds;
      node.memoryWorkingSetBytes += s.memoryWorkingSetBytes;
      const uid = c.labels[LABEL_POD_UID];
      const name = c.labels[LABEL_CONTAINER];
      if (!uid || !name || c.labels[LABEL_SANDBOX]) return;
      let pod = pods.get(uid);
      if (!pod) {
        pod = { namespace: c.labels[LABEL_NAMESPACE] ?? '', name: c.labels[LABEL_POD] ?? '', uid, containers: [] };
        pods.set(uid, pod);
      }
      const sample: ContainerSample = { name, ...s };
      pod.containers.push(sample);
    });
    return { node, pods: [...pods.values()] };
  }
}

async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
