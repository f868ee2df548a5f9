// Everything of the control plane but the store and the API server: the kubelets (one per simulated
// node), kube-scheduler, the controllers, the service proxy and the endpoints controller, the cluster
// network (agent, ClusterIPs) and metrics-server. control-plane.ts loads this module once
// the API listens, as a real apiserver answers before the kubelet registers its node (decision 245): what
// a client sends meanwhile is stored, and each component finds it when it starts (they all replay the
// store).
import type { ApiServer } from '../api/http/server.js';
import { DEFAULT_VERSION } from '../api/http/server.js';
import type { Kubelet } from '../kubelet/kubelet.js';
import type { ObservedPods } from '../kubelet/observed-pods.js';
import { networkName } from '../runtime/network.js';
import { LABEL_CLUSTER, type Runtime } from '../runtime/runtime.js';
import { LABEL_PERSISTENT_VOLUME } from '../kube/storage.js';
import { startControllers, type RunningControllers } from '../controllers/controller-manager.js';
import { EndpointsController } from '../controllers/endpoint/endpoints-controller.js';
import { ServiceProxy } from '../service-proxy/proxy.js';
import type { Store } from '../store/store.js';
import { PortReservations } from '../service-proxy/port-reservations.js';
import type { ClusterConfig } from './home.js';
import { clusterNetwork, type ClusterNetwork } from './cluster-network.js';
import { nodeConfigs, SimulatedNodes, type NodeConfig } from './nodes.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { markPodNotReady } from './mark-not-ready.js';
import { admitPodServiceAccount } from '../kube/service-account.js';
import { addDefaultTolerations } from '../kube/taints.js';
import type { ServiceAccount } from '../kube/types.js';
import { MetricsServer } from '../metrics/metrics-server.js';
import { KubeletResourceMetrics } from '../kubelet/resource-metrics.js';
import { kubeletStreams } from './kubelet-streams.js';
import type { KubeletStreams } from '../api/streaming/kubelet-streams.js';

export interface ComponentOptions {
  home: string;
  config: ClusterConfig;
  store: Store;
  runtime: Runtime;
  observed: ObservedPods;
  api: ApiServer;
  podsDir: string;
  publishPorts: boolean;
  log: (line: string) => void;
  clusterDNS?: string[];
  nodes?: number | NodeConfig[];
  metricsResolutionMs?: number;
  hpaSyncPeriodMs?: number;
  nodeMonitorGraceMs?: number;
  nodeMonitorPeriodMs?: number;
  nodeLeaseRenewMs?: number;
}

/** What the API server asks of the components (through control-plane.ts's adapters) as soon as they exist. */
export interface Components {
  kubelet: Kubelet;
  nodes: SimulatedNodes;
  scheduler: Scheduler;
  proxy: ServiceProxy;
  network: ClusterNetwork;
  metrics: MetricsServer;
  reservations: PortReservations;
  streams: KubeletStreams;
}

export interface StartedComponents extends Components {
  stop(removeContainers: boolean): Promise<void>;
}

export interface StartHooks {
  /** the components exist (not yet started): the API's kubelet streams, Service admission and node routes may use them */
  made(c: Components): void;
  /** the controllers run and have had one turn: the API lets writes through */
  controllersRunning(): void;
}

export async function startComponents(opts: ComponentOptions, hooks: StartHooks): Promise<StartedComponents> {
  const { store, runtime, observed, api, config, publishPorts, log } = opts;
  const nodePortAddress = config.nodePortAddress ?? '127.0.0.1';
  const reservations = new PortReservations(nodePortAddress);
  // Made (not started) before the kubelet, which drains a deleted pod's proxied connections before SIGTERM.
  const proxy = new ServiceProxy({ store, address: nodePortAddress, publishPorts, log, reserved: reservations, observed });
  const network = clusterNetwork({
    store, runtime, observed, home: opts.home, config, network: networkName(config.clusterId), publishPorts, log,
  });
  // the agent started, or failed to (it is retried; pods no longer wait for it meanwhile)
  let agentSettled = false;
  void network.ready.then(() => { agentSettled = true; });
  const nodes = new SimulatedNodes(nodeConfigs(opts.nodes ?? config.nodes), {
    store, runtime, clusterId: config.clusterId, network: networkName(config.clusterId), publishPorts, log,
    // a deleted pod is drained of the connections through the nodePort proxy and through the agent
    connections: {
      openConnections: (uid) => proxy.openConnections(uid) + network.connections.openConnections(uid),
      drained: async (uid, ms) => (await Promise.all([proxy.drained(uid, ms), network.connections.drained(uid, ms)])).reduce((a, b) => a + b, 0),
    },
    observed, podsDir: opts.podsDir, serviceAccountTokens: { requestToken: (req) => api.tokens.requestToken(req) },
    // the agent's address once it runs (pods made before wait for it, bounded); a given list is final
    clusterDNS: opts.clusterDNS ?? network.clusterDNS,
    clusterDNSPending: opts.clusterDNS || !runtime.ensureNetworkAgent ? undefined : () => !agentSettled && network.clusterDNS.length === 0,
  }, { store, runtime, kubeletVersion: DEFAULT_VERSION.gitVersion, fallbackDir: opts.home, log, leaseRenewMs: opts.nodeLeaseRenewMs }, runtime, config.clusterId);
  const kubelet: Kubelet = nodes.first;
  // metrics-server: idle (no timer, no storage) until the first metrics.k8s.io request (decision 220)
  const metrics = new MetricsServer({ source: new KubeletResourceMetrics(runtime, config.clusterId), resolutionMs: opts.metricsResolutionMs, log });
  // kube-scheduler binds what the kubelets run (each only its node's pods)
  const scheduler = new Scheduler({ store, log });
  const streams = kubeletStreams(kubelet, runtime, { publishPorts });
  hooks.made({ kubelet, nodes, scheduler, proxy, network, metrics, reservations, streams });

  let controllers: RunningControllers | undefined;
  let endpoints: EndpointsController | undefined;
  const stop = async (removeContainers: boolean) => {
    controllers?.stop();
    metrics.stop();
    scheduler.stop();
    endpoints?.stop();
    await proxy.stop();
    await network.stop();
    reservations.close();
    await nodes.stopAll(removeContainers);
  };
  try {
    scheduler.start();
    const kubeletStarted = (async () => {
      if (!(await runtime.ping())) {
        log('the Docker engine does not answer: pods will start once it does (see `mini-kube status`)');
      }
      // every node's kubelet, and its registration (docker info, 10-50 ms) beside it
      await nodes.startAll((err: Error) => log(`kubelet could not start cleanly: ${err.message}`));
    })();
    // the agent starts beside the rest (after the kubelet's network); Services created meanwhile wait for it
    network.start(api.port, kubeletStarted);

    const lookupServiceAccount = (ns: string, name: string) => store.get<ServiceAccount>('ServiceAccount', ns, name);
    const clusterLabel = { [LABEL_CLUSTER]: config.clusterId };
    controllers = startControllers(store, {
      caPem: api.caPem,
      admitPod: (pod) => { addDefaultTolerations(pod); admitPodServiceAccount(pod, lookupServiceAccount); },
      nodeLifecycle: { gracePeriodMs: opts.nodeMonitorGraceMs, monitorPeriodMs: opts.nodeMonitorPeriodMs, markPodNotReady: (pod) => markPodNotReady(observed, pod) },
      metrics, hpaSyncPeriodMs: opts.hpaSyncPeriodMs,
      storage: {
        clusterId: config.clusterId,
        backend: {
          create: (volumeName, pvName) => runtime.ensureVolume(volumeName, { ...clusterLabel, [LABEL_PERSISTENT_VOLUME]: pvName }),
          remove: async (pvName) => { await runtime.removeVolumes({ ...clusterLabel, [LABEL_PERSISTENT_VOLUME]: pvName }); },
        },
      },
    });
    // Their work queues run on setImmediate: after one turn every namespace has its ServiceAccount, which
    // the API's pod admission looks up (a pod created sooner would be refused, as on a cluster whose
    // controller-manager is not up yet).
    void new Promise((r) => setImmediate(r)).then(() => hooks.controllersRunning());
    await kubeletStarted;
    log(`kubelet running pods on Docker (cluster ${config.clusterId})`);
    endpoints = new EndpointsController(store, observed);
    endpoints.start();
    proxy.start();
  } catch (err) {
    await stop(false).catch(() => {});
    throw err;
  }
  return { kubelet, nodes, scheduler, proxy, network, metrics, reservations, streams, stop };
}
