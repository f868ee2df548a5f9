// The control plane in one process: the store, the API server, the controllers, the kubelet and the
// service proxy, wired together. The CLI runs it in the foreground (`up`) or as a background daemon;
// the library starts one in-process per test cluster. Nothing here talks to Docker directly.
import * as fs from 'node:fs';
import { startApiServer, type ApiServer } from '../api/http/server.js';
import type { Kubelet } from '../kubelet/kubelet.js';
import { ObservedPods } from '../kubelet/observed-pods.js';
import { networkName } from '../runtime/network.js';
import type { Runtime } from '../runtime/runtime.js';
import { DEFAULT_STORAGE_CLASS, defaultStorageClass } from '../kube/storage.js';
import { Store, type KubeObject } from '../store/store.js';
import { allocateServiceAddresses } from '../service-proxy/nodeport-allocator.js';
import type { Service } from '../kube/types.js';
import {
  clearState, homePaths, loadConfig, saveConfig, writeState, type ClusterConfig,
} from './home.js';
import { acquireLock, type Lock } from './lock.js';
import type { ApiServerOptions } from '../api/http/server.js';
import type { KubeletStreams } from '../api/streaming/kubelet-streams.js';
import type { ProbeHistory } from '../probes/history.js';
import type { ConnectionStats, ServiceProxy } from '../service-proxy/proxy.js';
import { startMemoryLog } from './memory-log.js';
import type { ClusterNetwork } from './cluster-network.js';
import { kubernetesTlsNames } from './kubernetes-tls-names.js';
import { podSecurityGate } from '../manifests/pod-gate.js';
import type { NodeConfig, SimulatedNodes } from './nodes.js';
import { registerNodeRoutes } from './node-routes.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { MetricsServer } from '../metrics/metrics-server.js';
import type { MetricsReader } from '../metrics/types.js';
import type { Components } from './components.js';

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
  /**
   * the API route that hands out login links, behind the API's bearer check; loginUrl resolves once the
   * dashboard listens (undefined when it could not), which may be after the API answers
   */
  registerLogin(app: Parameters<NonNullable<ApiServerOptions['extraRoutes']>>[0], loginUrl: () => Promise<string | undefined>): void;
  start(parts: {
    store: Store;
    api: { url: string; token: string; caPem: string };
    /** the kubelet's probe history and the proxy's counters, once they exist: the dashboard starts before them (decision 245) */
    sources: Promise<{ history: ProbeHistory; stats: ConnectionStats }>;
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
  let api: ApiServer | undefined;
  try {
    const allowPrivileged = opts.allowPrivileged ?? config.allowPrivileged ?? false;
    // the kubelet's configMap/secret/downwardAPI/projected volume files: the one place binds may come from
    const podsDir = paths.pods;
    // The engine's client is loaded first and asked for the shared network (the API certificate names
    // the kubernetes Service's address in it) while the API server's modules load. The runtime refuses
    // on its own what admission refuses (defence in depth: create-options.ts).
    const runtimeMade: Promise<Runtime> = opts.runtime
      ? Promise.resolve(opts.runtime)
      : import('../runtime/docker.js').then((m) => new m.DockerRuntime({ allowPrivileged, podFilesRoot: podsDir }));
    const tlsNames = runtimeMade.then((runtime) => {
      runtime.allowPodFiles?.(podsDir);
      return kubernetesTlsNames(runtime, networkName(config.clusterId), log);
    });
    tlsNames.catch(() => {});
    const publishPorts = opts.publishPorts ?? config.publishPorts ?? false;
    const store = new Store(paths.store, { fsync: opts.fsync ?? true });
    store.setWriteGuard(podSecurityGate({ allowPrivileged }));
    ensureDefaultNamespace(store);
    ensureDefaultStorageClass(store);
    // What the kubelet observes on the engine (pod IPs, readiness, published ports): the proxy and the
    // endpoints controller read it here, never from the pod status a client may write (decisions/070-071).
    const observed = new ObservedPods();

    // The API answers before the other components run (decision 245): what it asks of them waits until
    // they exist, writes wait until the controllers run, the dashboard's login link until it listens.
    const made = settleable<Components>();
    const controllersRunning = settleable<void>();
    const dashboardSettled = settleable<Dashboard | undefined>();
    const components = made.promise;
    api = await startWithPort(config, opts.port, async (port) => startApiServer({
      tlsNames: await tlsNames,
      store, home: opts.home, port, kubelet: kubeletStreamsWhenMade(components), allowPrivileged,
      serviceAccountAdmission: true, podNetwork: { observed, publishPorts }, metrics: metricsWhenMade(components),
      writesAfter: controllersRunning.promise,
      admission: {
        Service: async (obj, current) => {
          const c = await components;
          return allocateServiceAddresses(store, obj as Service, current as Service | undefined, c.reservations.probe, c.network.clusterIPs) as Promise<KubeObject>;
        },
      },
      extraRoutes: (app) => {
        registerNodeRoutes(app, components.then((c) => c.nodes));
        opts.dashboard?.registerLogin(app, async () => (await dashboardSettled.promise)?.loginUrl());
      },
    }));
    if (config.apiPort !== api.port) {
      config.apiPort = api.port;
      saveConfig(opts.home, config);
    }
    log(`API server listening on ${api.url}`);
    // `up -d` returns once this file names a process whose API answers
    if (opts.publishState !== false) {
      writeState(opts.home, {
        pid: process.pid, url: api.url, port: api.port, startedAt: new Date().toISOString(), clusterId: config.clusterId,
      });
    }

    const started = api;
    // The dashboard first (`up -d` prints its login link), fed by the kubelet and the proxy once they exist.
    // It is for people: if it cannot listen, the cluster still runs.
    const dashboardStarting = (opts.dashboard?.start({
      store, api: started, log, sources: components.then((c) => ({ history: c.kubelet.probes.history, stats: c.proxy.stats })),
    }) ?? Promise.resolve(undefined)).catch((err: Error) => { log(`dashboard could not start: ${err.message}`); return undefined; });
    void dashboardStarting.then(dashboardSettled.resolve);
    const parts = await (async () => {
      // after the dashboard listens: loading components.ts holds the event loop for a while, and `up -d`
      // is waiting for the dashboard's login link meanwhile
      await dashboardStarting;
      const { startComponents } = await import('./components.js');
      return startComponents({
        home: opts.home, config, store, runtime: await runtimeMade, observed, api: started, podsDir, publishPorts, log,
        clusterDNS: opts.clusterDNS, nodes: opts.nodes,
        metricsResolutionMs: opts.metricsResolutionMs, hpaSyncPeriodMs: opts.hpaSyncPeriodMs,
        nodeMonitorGraceMs: opts.nodeMonitorGraceMs, nodeMonitorPeriodMs: opts.nodeMonitorPeriodMs, nodeLeaseRenewMs: opts.nodeLeaseRenewMs,
      }, { made: made.resolve, controllersRunning: controllersRunning.resolve });
    })().catch(async (err: unknown) => {
      // requests waiting on the components fail instead of hanging; the state goes with the process
      made.reject(err);
      controllersRunning.reject(err);
      await (await dashboardStarting)?.close();
      throw err;
    });
    const dashboard = await dashboardStarting;

    const stopMemoryLog = startMemoryLog(log);
    let stopping: Promise<void> | undefined;
    return {
      url: started.url, port: started.port, token: started.token, caPem: started.caPem, clusterId: config.clusterId, config,
      store, runtime: await runtimeMade, kubelet: parts.kubelet, nodes: parts.nodes, scheduler: parts.scheduler, proxy: parts.proxy,
      network: parts.network, dashboard, metrics: parts.metrics,
      stop(stopOpts = {}) {
        stopping ??= (async () => {
          stopMemoryLog();
          await dashboard?.close();
          await parts.stop(stopOpts.removeContainers ?? false);
          await started.close();
          if (opts.publishState !== false) clearState(opts.home);
          lock.release();
        })();
        return stopping;
      },
    };
  } catch (err) {
    if (api) {
      await api.close();
      if (opts.publishState !== false) clearState(opts.home);
    }
    lock.release();
    throw err;
  }
}

/**
 * Loads what a start loads after the API listens (the components, the engine's client, the API's
 * handlers), without starting anything: for a process that waits to be asked for a cluster (the library's
 * spare, decision 183), so that its start does not pay the loading.
 */
export async function preloadControlPlane(): Promise<void> {
  await Promise.all([import('./components.js'), import('../runtime/docker.js'), import('../api/http/resource-handlers.js')]);
}

/** A promise with its settle functions, for what the API waits on while the components start. */
function settleable<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (err: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {}); // a failed start is reported by startControlPlane, not as an unhandled rejection
  return { promise, resolve, reject };
}

/** The kubelet's logs, exec, attach and port-forward for the API, once the kubelets exist. */
function kubeletStreamsWhenMade(components: Promise<Components>): KubeletStreams {
  const streams = () => components.then((c) => c.streams);
  return {
    instances: async (podUid, containerName) => (await streams()).instances(podUid, containerName),
    logs: async (containerId, o) => (await streams()).logs(containerId, o),
    exec: async (containerId, command, o) => (await streams()).exec(containerId, command, o),
    attach: async (containerId, o) => (await streams()).attach(containerId, o),
    dialPod: async (podUid, port) => (await streams()).dialPod(podUid, port),
  };
}

/** metrics.k8s.io for the API, once metrics-server exists (it stays idle until asked: decision 220). */
function metricsWhenMade(components: Promise<Components>): MetricsReader {
  return {
    podMetrics: async () => (await components).metrics.podMetrics(),
    nodeMetrics: async () => (await components).metrics.nodeMetrics(),
  };
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
