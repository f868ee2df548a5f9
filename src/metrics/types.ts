// What metrics-server scrapes from each kubelet (its /metrics/resource endpoint) and what it serves as
// metrics.k8s.io: cumulative counters in, rates and working sets out. The kubelet implements
// ResourceMetricsSource; the control plane passes it to the MetricsServer (docs/metrics.md).

/** One container's counters at one instant. */
export interface ContainerSample {
  name: string;
  /** cumulative CPU time, nanoseconds */
  cpuUsageNanoSeconds: number;
  memoryWorkingSetBytes: number;
  /** milliseconds since the epoch */
  timestamp: number;
}

/** A pod's app containers (the sandbox is not one: it is not in PodMetrics, as with metrics-server). */
export interface PodSample {
  namespace: string;
  name: string;
  uid: string;
  containers: ContainerSample[];
}

/** Everything the node runs, summed (decision 221): the cluster's containers and the control plane. */
export interface NodeSample {
  name: string;
  cpuUsageNanoSeconds: number;
  memoryWorkingSetBytes: number;
  timestamp: number;
}

export interface ResourceMetricsScrape {
  node: NodeSample;
  pods: PodSample[];
}

/** The kubelet's resource metrics endpoint, as an interface (metrics-server scrapes it). */
export interface ResourceMetricsSource {
  scrape(): Promise<ResourceMetricsScrape>;
}

/** A usage over a window: what PodMetrics and NodeMetrics carry. */
export interface Usage {
  /** CPU rate in nanocores (1e9 = one core) */
  cpuNanoCores: number;
  memoryBytes: number;
}

export interface ContainerMetrics {
  name: string;
  usage: Usage;
}

export interface PodMetricsPoint {
  namespace: string;
  name: string;
  uid: string;
  /** the later reading of the window, ms since the epoch */
  timestamp: number;
  windowMs: number;
  containers: ContainerMetrics[];
}

export interface NodeMetricsPoint {
  name: string;
  timestamp: number;
  windowMs: number;
  usage: Usage;
}

/** What the API and the HPA controller read (metrics-server's storage). */
export interface MetricsReader {
  /** pods with metrics (two readings of every container); starts the collector when it sleeps */
  podMetrics(): Promise<PodMetricsPoint[]>;
  nodeMetrics(): Promise<NodeMetricsPoint[]>;
}
