// The control plane in one process: the store, the API server, the controllers, the kubelet and the
// service proxy, wired together. The CLI runs it in the foreground (`up`) or as a background daemon;
// the library starts one in-process per test cluster. Nothing here talks to Docker directly.
import * as fs from 'node:fs';
import { startApiServer, type ApiServer } from '../api/http/server.js';
import type { Kubelet } from '../kubelet/kubelet.js';
import { ObservedPods } from '../kubelet/observed-pods.js';
import { DockerRuntime } from '../runtime/docker.js';
import { networkName } from '../runtime/network.js';
import { LABEL_CLUSTER, type Runtime } from '../runtime/runtime.js';
import { DEFAULT_STORAGE_CLASS, defaultStorageClass, LABEL_PERSISTENT_VOLUME } from '../kube/storage.js';
import { startControllers } from '../controllers/controller-manager.js';
import { EndpointsController } from '../controllers/endpoint/endpoints-controller.js';
import { ServiceProxy } from '../service-proxy/proxy.js';
import { Store, type KubeObject } from '../store/store.js';
import { allocateServiceAddresses } from '../service-proxy/nodeport-allocator.js';
import { PortReservations } from '../service-proxy/port-reservations.js';
import type { Service } from '../kube/types.js';
import {
  clearState, homePaths, loadConfig, saveConfig, writeState, type ClusterConfig,
} from './home.js';
import { acquireLock, type Lock } from './lock.js';
import { kubeletStreams } from './kubelet-streams.js';
import type { ApiServerOptions } from '../api/http/server.js';
import type { ProbeHistory } from '../probes/history.js';
import type { ConnectionStats } from '../service-proxy/proxy.js';
import { startMemoryLog } from './memory-log.js';
import { clusterNetwork, kubernetesTlsNames, type ClusterNetwork } from './cluster-network.js';
import { podSecurityGate } from '../manifests/pod-gate.js';
import { DEFAULT_VERSION } from '../api/http/server.js';
import { nodeConfigs, SimulatedNodes, type NodeConfig } from './nodes.js';
import { registerNodeRoutes } from './node-routes.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { markPodNotReady } from './mark-not-ready.js';
import { admitPodServiceAccount } from '../kube/service-account.js';
import { addDefaultTolerations } from '../kube/taints.js';
import type { ServiceAccountTokenSource } from '../kube/service-account-token.js';
import type { ServiceAccount } from '../kube/types.js';
import { MetricsServer } from '../metrics/metrics-server.js';
import { KubeletResourceMetrics } from '../kubelet/resource-metrics.js';

export interface ControlPlaneOptions {
  home: string;
  /** API port; default: the one this home used before, else a free one */
  port?: number;
  allowPrivileged?: boolean;
  publishPorts?: boolean;
  log?: (line: string) => void;
  runtime?: Runtime;
  /** write control-plane.json so CLI clients find this process (false for in-process library use) */
  publishState?: boolean;
  /** the page for people to serve beside the API (src/dashboard's dashboardAddon); none without it */
  dashboard?: DashboardAddon;
  /** the kubelet's clusterDNS: the pods' nameserver under dnsPolicy ClusterFirst (none: they use Default) */
  clusterDNS?: string[];
  /** metrics-server's --metric-resolution and the HPA controller's --horizontal-pod-autoscaler-sync-period (ms; tests shorten them) */
  metricsResolutionMs?: number;
  hpaSyncPeriodMs?: number;
  /**
   * flush every store write to the disk (default true). Library test clusters turn it off: a write still
   * survives the process being killed (written and renamed), only not a power cut (decision 185).
   */
  fsync?: boolean;
  /** the simulated nodes (default: the home's, else one, mini-kube): a count or each node's name, labels, capacity */
  nodes?: number | NodeConfig[];
  /** the node-lifecycle controller's grace period (40 s) and monitor period (5 s), shorter in tests */
  nodeMonitorGraceMs?: number;
  nodeMonitorPeriodMs?: number;
  /** how often each kubelet renews its node Lease (10 s); shorter than the grace period above */
  nodeLeaseRenewMs?: number;
}

/** A running dashboard: where it listens and a fresh one-time login link. */
export interface Dashboard {
  port: number;
  loginUrl(): string;
  close(): Promise<void>;
}

/**
 * A front end run in the control plane's process (the dashboard). Front ends sit above the control plane
 * and it does not import them: the caller passes one in (docs/decisions/097).
 */
export interface DashboardAddon {
  /** the API route that hands out login links, behind the API's bearer check */
  registerLogin(app: Parameters<NonNullable<ApiServerOptions['extraRoutes']>>[0], loginUrl: () => string | undefined): void;
  start(parts: {
    store: Store;
    api: { url: string; token: string; caPem: string };
    history: ProbeHistory;
    stats: ConnectionStats;
    log: (line: string) => void;
  }): Promise<Dashboard>;
}

export interface ControlPlane {
  url: string;
  port: number;
  token: string;
  caPem: string;
  clusterId: string;
  config: ClusterConfig;
  store: Store;
  runtime: Runtime;
  /** the first node's kubelet */
  kubelet: Kubelet;
  /** every node's kubelet and status (node stop/start) */
  nodes: SimulatedNodes;
  scheduler: Scheduler;
  proxy: ServiceProxy;
  /** the network agent, ClusterIPs and the kubernetes Service (cluster-network.ts) */
  network: ClusterNetwork;
  /** metrics-server's storage behind metrics.k8s.io and the HPA (idle until asked: decision 220) */
  metrics: MetricsServer;
  /** the classroom page on 127.0.0.1 (src/dashboard); loginUrl() gives a one-time login link */
  dashboard?: Dashboard;
  /** stops everything; removeContainers for `down` (objects stay in the store either way) */
  stop(opts?: { removeContainers?: boolean }): Promise<void>;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const log = opts.log ?? (() => {});
  const paths = homePaths(opts.home);
  const config = loadConfig(opts.home);
  const lock: Lock = acquireLock(paths.lock);
  try {
    const allowPrivileged = opts.allowPrivileged ?? config.allowPrivileged ?? false;
    // The runtime refuses on its own what admission refuses (defence in depth: create-options.ts).
    // the kubelet's configMap/secret/downwardAPI/projected volume files: the one place binds may come from
    const podsDir = paths.pods;
    const runtime = opts.runtime ?? new DockerRuntime({ allowPrivileged, podFilesRoot: podsDir });
    runtime.allowPodFiles?.(podsDir);
    const publishPorts = opts.publishPorts ?? config.publishPorts ?? false;
    const store = new Store(paths.store, { fsync: opts.fsync ?? true });
    store.setWriteGuard(podSecurityGate({ allowPrivileged }));
    ensureDefaultNamespace(store);
    ensureDefaultStorageClass(store);
    let dashboard: Dashboard | undefined;
    const nodePortAddress = config.nodePortAddress ?? '127.0.0.1';
    const reservations = new PortReservations(nodePortAddress);
    // What the kubelet observes on the engine (pod IPs, readiness, published ports): the proxy and the
    // endpoints controller read it here, never from the pod status a client may write (decisions/070-071).
    const observed = new ObservedPods();
    // Made (not started) before the kubelet, which drains a deleted pod's proxied connections before SIGTERM.
    const proxy = new ServiceProxy({ store, address: nodePortAddress, publishPorts, log, reserved: reservations, observed });
    // The API's token issuer exists once the API server does; the kubelet asks only for running pods.
    let api: ApiServer | undefined;
    const serviceAccountTokens: ServiceAccountTokenSource = {
      requestToken: (req) => (api ? api.tokens.requestToken(req) : Promise.reject(new Error('the API server is not started yet'))),
    };
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
      observed, podsDir, serviceAccountTokens,
      // the agent's address once it runs (pods made before wait for it, bounded); a given list is final
      clusterDNS: opts.clusterDNS ?? network.clusterDNS,
      clusterDNSPending: opts.clusterDNS || !runtime.ensureNetworkAgent ? undefined : () => !agentSettled && network.clusterDNS.length === 0,
    }, { store, runtime, kubeletVersion: DEFAULT_VERSION.gitVersion, fallbackDir: opts.home, log, leaseRenewMs: opts.nodeLeaseRenewMs }, runtime, config.clusterId);
    const kubelet: Kubelet = nodes.first;
    // kube-scheduler binds what the kubelets run (each only its node's pods)
    const scheduler = new Scheduler({ store, log });
    scheduler.start();
    // The kubelet's start (Docker network, orphans) and the API server's (TLS) overlap: a test cluster
    // pays the longer of the two, not their sum (bench/startup).
    const kubeletStarted = (async () => {
      if (!(await runtime.ping())) {
        log('the Docker engine does not answer: pods will start once it does (see `mini-kube status`)');
      }
      // every node's kubelet, and its registration (docker info, 10-50 ms) beside it
      await nodes.startAll((err: Error) => log(`kubelet could not start cleanly: ${err.message}`));
    })();
    // metrics-server: idle (no timer, no storage) until the first metrics.k8s.io request (decision 220)
    const metrics = new MetricsServer({ source: new KubeletResourceMetrics(runtime, config.clusterId), resolutionMs: opts.metricsResolutionMs, log });
    const tlsNames = await kubernetesTlsNames(runtime, networkName(config.clusterId), log);
    api = await startWithPort(config, opts.port, (port) => startApiServer({
      tlsNames,
      store, home: opts.home, port, kubelet: kubeletStreams(kubelet, runtime, { publishPorts }), allowPrivileged,
      serviceAccountAdmission: true, podNetwork: { observed, publishPorts }, metrics,
      admission: {
        Service: async (obj, current) => allocateServiceAddresses(store, obj as Service, current as Service | undefined,
          reservations.probe, network.clusterIPs) as Promise<KubeObject>,
      },
      extraRoutes: (app) => {
        registerNodeRoutes(app, nodes);
        opts.dashboard?.registerLogin(app, () => dashboard?.loginUrl());
      },
    })).catch(async (err: unknown) => {
      await kubeletStarted;
      scheduler.stop();
      await nodes.stopAll(false);
      throw err;
    });
    if (config.apiPort !== api.port) {
      config.apiPort = api.port;
      saveConfig(opts.home, config);
    }
    log(`API server listening on ${api.url}`);
    // the agent starts beside the rest (after the kubelet's network); Services created meanwhile wait for it
    network.start(api.port, kubeletStarted);

    const lookupServiceAccount = (ns: string, name: string) => store.get<ServiceAccount>('ServiceAccount', ns, name);
    const clusterLabel = { [LABEL_CLUSTER]: config.clusterId };
    const controllers = startControllers(store, {
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
    await kubeletStarted;
    log(`kubelet running pods on Docker (cluster ${config.clusterId})`);
    const endpoints = new EndpointsController(store, observed);
    endpoints.start();
    proxy.start();
    // The dashboard is for people: if it cannot listen, the cluster still runs.
    dashboard = await opts.dashboard?.start({ store, api, history: kubelet.probes.history, stats: proxy.stats, log })
      .catch((err: Error) => { log(`dashboard could not start: ${err.message}`); return undefined; });

    if (opts.publishState !== false) {
      writeState(opts.home, {
        pid: process.pid, url: api.url, port: api.port, startedAt: new Date().toISOString(), clusterId: config.clusterId,
      });
    }

    const stopMemoryLog = startMemoryLog(log);
    let stopping: Promise<void> | undefined;
    const started = api;
    return {
      url: started.url, port: started.port, token: started.token, caPem: started.caPem, clusterId: config.clusterId, config,
      store, runtime, kubelet, nodes, scheduler, proxy, network, dashboard, metrics,
      stop(stopOpts = {}) {
        stopping ??= (async () => {
          stopMemoryLog();
          await dashboard?.close();
          controllers.stop();
          metrics.stop();
          scheduler.stop();
          endpoints.stop();
          await proxy.stop();
          await network.stop();
          reservations.close();
          await nodes.stopAll(stopOpts.removeContainers ?? false);
          await started.close();
          if (opts.publishState !== false) clearState(opts.home);
          lock.release();
        })();
        return stopping;
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** Keeps the port this home had (kubeconfigs point at it); falls back to a free one when it is taken. */
async function startWithPort(config: ClusterConfig, explicit: number | undefined, start: (port: number) => Promise<ApiServer>): Promise<ApiServer> {
  const wanted = explicit ?? config.apiPort;
  if (wanted) {
    try {
      return await start(wanted);
    } catch (err) {
      if (explicit !== undefined || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  return start(0);
}

function ensureDefaultNamespace(store: Store): void {
  // kube-node-lease: the kubelets' Leases are written before the API server's namespace controller runs
  for (const name of ['default', 'kube-system', 'kube-node-lease']) {
    if (!store.get('Namespace', undefined, name)) {
      store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    }
  }
}

/**
 * The default StorageClass `standard` (kube/storage.ts), as kind ships one: made at a start that finds no
 * StorageClass at all, so a cluster whose user replaced it with classes of their own keeps theirs.
 */
function ensureDefaultStorageClass(store: Store): void {
  if (store.list('StorageClass').length === 0 && !store.get('StorageClass', undefined, DEFAULT_STORAGE_CLASS)) store.create(defaultStorageClass());
}

/** Forgets every object of a home (down --purge); certificates and token stay so kubeconfigs keep working. */
export function purgeStore(home: string): void {
  fs.rmSync(homePaths(home).store, { recursive: true, force: true });
}
