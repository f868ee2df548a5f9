// The simulated nodes (issue #18): one kubelet and one node-status manager (Node object, heartbeats,
// Lease) per node, all in this process over the one Docker engine. The kubelets share the engine, the
// store and what they observed; each syncs only the pods bound to its node and labels its containers
// with the node's name, so `mini-kube node stop NAME` can silence a node (no heartbeat, no kubelet) and
// stop its containers as a power cut would, and `node start` bring it back.
import { Kubelet, type KubeletOptions } from '../kubelet/kubelet.js';
import { NodeStatusManager, type NodeCapacity, type NodeStatusOptions } from '../kubelet/node-status.js';
import { LABEL_NODE } from '../kubelet/node-runtime.js';
import { LABEL_CLUSTER, type Runtime } from '../runtime/runtime.js';
import { NODE_NAME, nodeNames } from '../kube/node.js';
import { StatusError } from '../kube/errors.js';

/** One node as `up --nodes/--node-labels/--node-capacity` or the library describes it. */
export interface NodeConfig {
  name: string;
  labels?: Record<string, string>;
  capacity?: NodeCapacity;
}

/** N nodes named mini-kube, mini-kube-m02, ...; each gets 1/N of the machine unless its capacity is set. */
export function nodeConfigs(nodes: number | NodeConfig[] | undefined): NodeConfig[] {
  if (Array.isArray(nodes) && nodes.length) return nodes;
  return nodeNames(typeof nodes === 'number' ? nodes : 1).map((name) => ({ name }));
}

interface RunningNode {
  config: NodeConfig;
  kubelet: Kubelet;
  status: NodeStatusManager;
  running: boolean;
}

export class SimulatedNodes {
  private readonly nodes = new Map<string, RunningNode>();

  constructor(
    configs: NodeConfig[],
    private readonly kubeletOptions: Omit<KubeletOptions, 'nodeName'>,
    private readonly statusOptions: Omit<NodeStatusOptions, 'name' | 'labels' | 'capacity' | 'controlPlane'>,
    private readonly runtime: Runtime,
    private readonly clusterId: string,
  ) {
    const n = configs.length;
    for (const config of configs) this.nodes.set(config.name, this.make(config, n));
  }

  private make(config: NodeConfig, count: number): RunningNode {
    const capacity = config.capacity?.cpu || config.capacity?.memory || count === 1 ? config.capacity : { fraction: 1 / count };
    return {
      config,
      kubelet: new Kubelet({ ...this.kubeletOptions, nodeName: config.name }),
      status: new NodeStatusManager({ ...this.statusOptions, name: config.name, labels: config.labels, capacity, controlPlane: config.name === NODE_NAME }),
      running: false,
    };
  }

  /** The first node's kubelet: logs, exec and port-forward ask it (it lists any pod's containers on the engine). */
  get first(): Kubelet {
    return this.nodes.values().next().value!.kubelet;
  }

  get names(): string[] {
    return [...this.nodes.keys()];
  }

  isRunning(name: string): boolean {
    return !!this.nodes.get(name)?.running;
  }

  /** Starts every kubelet (the first's start is the engine's preparation: network, orphans) and registers the nodes. */
  async startAll(onKubeletError: (err: Error) => void): Promise<void> {
    const [first, ...rest] = [...this.nodes.values()];
    const start = async (n: RunningNode) => {
      n.running = true;
      await Promise.all([n.kubelet.start().catch(onKubeletError), n.status.start()]);
    };
    // the first kubelet makes the shared network; the others find it there
    await start(first!);
    await Promise.all(rest.map(start));
  }

  async stopAll(removeContainers: boolean): Promise<void> {
    for (const n of this.nodes.values()) {
      await n.status.stop();
      // a stopped node's kubelet is stopped already; `down` still removes its containers
      if (n.running) await n.kubelet.stop({ removeContainers });
      else if (removeContainers) await this.make(n.config, 1).kubelet.stop({ removeContainers: true });
      n.running = false;
    }
  }

  /**
   * `mini-kube node stop NAME`: the kubelet and its heartbeats stop, and the node's containers are
   * stopped (as when a machine loses power). The Node and its pods stay in the store: the node-lifecycle
   * controller notices the silence after its grace period.
   */
  async stopNode(name: string): Promise<void> {
    const n = this.mustGet(name);
    if (!n.running) return;
    n.running = false;
    await n.status.stop();
    await n.kubelet.stop({ removeContainers: false });
    const containers = await this.runtime.listContainers({ [LABEL_CLUSTER]: this.clusterId, [LABEL_NODE]: name });
    // the first node's containers made before the node label existed carry none
    const unlabelled = name === NODE_NAME
      ? (await this.runtime.listContainers({ [LABEL_CLUSTER]: this.clusterId })).filter((c) => !c.labels[LABEL_NODE] && c.labels['io.mini-kube.pod-uid'])
      : [];
    await Promise.all([...containers, ...unlabelled].filter((c) => c.running).map((c) => this.runtime.stopContainer(c.id, 0).catch(() => {})));
  }

  /** `mini-kube node start NAME`: a fresh kubelet (as after a reboot) and node-status manager. */
  async startNode(name: string): Promise<void> {
    const n = this.mustGet(name);
    if (n.running) return;
    const fresh = this.make(n.config, this.nodes.size);
    this.nodes.set(name, fresh);
    fresh.running = true;
    await Promise.all([fresh.kubelet.start(), fresh.status.start()]);
  }

  private mustGet(name: string): RunningNode {
    const n = this.nodes.get(name);
    if (!n) throw new StatusError(404, 'NotFound', `node "${name}" is not one of this cluster's nodes (${this.names.join(', ')})`);
    return n;
  }
}
