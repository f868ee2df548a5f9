// mini-kube as a library for integration tests: an isolated cluster (its own home, labels and
// ports) started in-process, with apply, waits that say what they last saw, a Service's URL, exec, logs,
// events, and a stop that removes every container (`await using` works). It drives the same API client,
// apply, manifest reading, logs and lookups (src/client) as the CLI; nothing here is a second implementation.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiClient } from '../client/api-client.js';
import { applyObject, type ApplyResult } from '../client/apply.js';
import { execInPod } from '../client/exec.js';
import { readLogs } from '../client/logs.js';
import { readManifestPaths } from '../client/manifests.js';
import { eventsFor, podsBySelector, podsOf, sortEvents } from '../client/objects.js';
import type { ControlPlane, ControlPlaneOptions } from '../control-plane/control-plane.js';
import { loadConfig } from '../control-plane/home.js';
import type {
  ConfigMap, ControllerRevision, CronJob, DaemonSet, Deployment, Endpoints, Event, HorizontalPodAutoscaler, Job, Lease, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, PodDisruptionBudget,
  ReplicaSet, Secret, Service, ServiceAccount, StatefulSet, StorageClass,
} from '../kube/types.js';
import { formatSelector } from '../kube/labels.js';
import { entryForHome, kubeconfigFor, renderKubeconfig } from '../control-plane/kubeconfig.js';
import { parseManifests } from '../manifests/index.js';
import type { Kind } from '../kube/kinds.js';
import type { KubeObject, Stored } from '../store/store.js';
import { ClusterProcess, dropSpare, prefork } from './cluster-process.js';
import { forget, guard, register, unregister } from './reaper.js';
import { rememberTls, seedTls } from './tls-cache.js';
import { describeDeployment, describeEndpoints, describePod, waitUntil, type Observation } from './waits.js';

export interface ClusterOptions {
  /** home directory; default: a new temporary one, removed on stop */
  home?: string;
  /**
   * reach pods through ports published on 127.0.0.1 instead of their container IPs; default: off on
   * Linux, on elsewhere (Docker Desktop cannot route to container IPs)
   */
  publishPorts?: boolean;
  /** admit privileged containers and host namespaces (off, as in the CLI) */
  allowPrivileged?: boolean;
  /** control-plane log lines (default: silent) */
  log?: (line: string) => void;
  /** the kubelet's clusterDNS, the pods' nameserver under dnsPolicy ClusterFirst (default: none, Default's) */
  clusterDNS?: string[];
  /** simulated nodes: a count (mini-kube, mini-kube-m02, ...) or each node's name, labels and capacity */
  nodes?: ControlPlaneOptions['nodes'];
  /** the node-lifecycle controller's grace period (40 s) and monitor period (5 s): shorter for tests */
  nodeMonitorGraceMs?: number;
  nodeMonitorPeriodMs?: number;
  /** each node's Lease renewal (10 s): keep it well under nodeMonitorGraceMs */
  nodeLeaseRenewMs?: number;
  /** metrics-server's scrape period and the HPA controller's sync period, ms (default 15 s each; tests shorten them) */
  metricsResolutionMs?: number;
  hpaSyncPeriodMs?: number;
  /**
   * run the control plane on the caller's own event loop (the library before decision 183), which makes
   * `cluster.controlPlane` (the store, kubelet, proxy objects) reachable for white-box tests of mini-kube
   * itself. Then a blocked loop (execFileSync) or faked timers starve the cluster. Default: its own process.
   */
  inProcess?: boolean;
}

/** What a Cluster runs on: the control plane in its own process (default) or in the caller's. */
interface Backend {
  url: string;
  token: string;
  caPem: string;
  clusterId: string;
  nodePortAddress?: string;
  controlPlane?: ControlPlane;
  kill(podUid: string, container: string, signal: string): Promise<string>;
  stop(): Promise<void>;
}

export interface WaitOptions {
  /** default 60 000 ms */
  timeoutMs?: number;
  namespace?: string;
}

export interface ApplyOptions {
  namespace?: string;
  /** refuse what a current real cluster refuses (legacy apiVersions, unknown fields), as `apply --strict` */
  strict?: boolean;
}

/** The object type of each kind, so `get('Pod', name)` is a Stored<Pod> without naming the type. */
export interface KindTypes {
  Pod: Pod;
  Service: Service;
  Endpoints: Endpoints;
  Event: Event;
  Deployment: Deployment;
  ReplicaSet: ReplicaSet;
  Namespace: Namespace;
  ConfigMap: ConfigMap;
  Secret: Secret;
  ServiceAccount: ServiceAccount;
  Node: Node;
  Job: Job;
  CronJob: CronJob;
  DaemonSet: DaemonSet;
  PersistentVolumeClaim: PersistentVolumeClaim;
  PersistentVolume: PersistentVolume;
  StorageClass: StorageClass;
  StatefulSet: StatefulSet;
  ControllerRevision: ControllerRevision;
  HorizontalPodAutoscaler: HorizontalPodAutoscaler;
  Lease: Lease;
  PodDisruptionBudget: PodDisruptionBudget;
}

/**
 * Where a call looks: `{ namespace }` (default "default"), as every other option of the library. A bare
 * string is still read as the namespace, for code written before the options object.
 */
export type NamespaceOptions = { namespace?: string } | string;

function namespaceOf(opts: NamespaceOptions | undefined): string {
  return (typeof opts === 'string' ? opts : opts?.namespace) ?? 'default';
}

export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class Cluster implements AsyncDisposable {
  readonly client: ApiClient;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly home: string,
    private readonly backend: Backend,
    private readonly ownsHome: boolean,
  ) {
    this.client = new ApiClient({ url: backend.url, token: backend.token, caPem: backend.caPem });
  }

  static async start(opts: ClusterOptions = {}): Promise<Cluster> {
    const ownsHome = !opts.home;
    const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mini-kube-'));
    // Known before anything runs, so the safety nets can name what to remove.
    const { clusterId } = loadConfig(home);
    const entry = { clusterId, pid: process.pid, home: ownsHome ? home : undefined };
    register(entry);
    let proc: ClusterProcess | undefined;
    guard(entry, () => proc?.killNow());
    // A fresh home (temporary, or a new directory the caller made, as the test harness does) takes the
    // user's shared TLS identity instead of generating one (decision 062; the explicit-home case: 183).
    const fresh = ownsHome || !fs.existsSync(path.join(home, 'ca.crt'));
    if (fresh) seedTls(home);
    const options = {
      publishPorts: opts.publishPorts ?? process.platform !== 'linux',
      allowPrivileged: opts.allowPrivileged,
      clusterDNS: opts.clusterDNS,
      metricsResolutionMs: opts.metricsResolutionMs,
      hpaSyncPeriodMs: opts.hpaSyncPeriodMs,
      nodes: opts.nodes,
      nodeMonitorGraceMs: opts.nodeMonitorGraceMs,
      nodeMonitorPeriodMs: opts.nodeMonitorPeriodMs,
      nodeLeaseRenewMs: opts.nodeLeaseRenewMs,
      // A home the caller chose is one the CLI may be pointed at (MINI_KUBE_HOME): let it find us.
      publishState: !ownsHome,
      // a test cluster's objects need to survive its process (they do: written and renamed), not a
      // power cut: no fsync per write (decision 185)
      fsync: false,
    };
    let backend: Backend;
    try {
      if (opts.inProcess) {
        dropSpare();
        backend = await startInProcess(home, { ...options, ownsHome, log: opts.log });
      } else {
        proc = await ClusterProcess.start({ home, ownsHome, clusterId, options: { ...options, log: !!opts.log } }, opts.log);
        const p = proc;
        backend = {
          ...p.started,
          kill: (uid, container, signal) => p.kill(uid, container, signal),
          stop: () => p.stop(),
        };
      }
    } catch (err) {
      forget(clusterId);
      unregister(clusterId);
      if (ownsHome) fs.rmSync(home, { recursive: true, force: true });
      throw err;
    }
    // also when seeded: the API server regenerates an identity that lacks a name it now needs (the
    // kubernetes Service's addresses), and the next clusters should get that one
    if (fresh) rememberTls(home);
    return new Cluster(home, backend, ownsHome);
  }

  get url(): string {
    return this.backend.url;
  }

  /**
   * The control plane's objects (store, kubelet, proxy ...), for white-box tests of mini-kube itself: only
   * with `startCluster({ inProcess: true })`. A cluster in its own process is reached through its API.
   */
  get controlPlane(): ControlPlane {
    if (!this.backend.controlPlane) {
      throw new Error('cluster.controlPlane exists only for startCluster({ inProcess: true }): this cluster\'s control plane runs in its own process; use its API (cluster.client, kubeconfig())');
    }
    return this.backend.controlPlane;
  }

  /** `mini-kube node stop NAME`: the node's kubelet and heartbeats stop, its containers stop. */
  stopNode(name: string): Promise<void> {
    return this.controlPlane.nodes.stopNode(name);
  }

  /** `mini-kube node start NAME`: the node's kubelet runs again. */
  startNode(name: string): Promise<void> {
    return this.controlPlane.nodes.startNode(name);
  }

  /** The value of the io.mini-kube.cluster label on every container of this cluster. */
  get clusterId(): string {
    return this.backend.clusterId;
  }

  /** Applies YAML text (one or many documents) or objects; a document with an error applies nothing. */
  async apply(input: string | KubeObject | KubeObject[], opts: ApplyOptions & { source?: string } = {}): Promise<ApplyResult[]> {
    const objects = typeof input === 'string'
      ? parseManifests(input, opts.source ?? '<yaml>', { strict: opts.strict }).objects.map((m) => m.object)
      : Array.isArray(input) ? input : [input];
    return this.applyAll(objects, opts.namespace);
  }

  /** Applies manifest files or directories (their .yaml/.yml/.json files), as `mini-kube apply -f`. */
  async applyFile(paths: string | string[], opts: ApplyOptions = {}): Promise<ApplyResult[]> {
    const manifests = readManifestPaths(Array.isArray(paths) ? paths : [paths], { strict: opts.strict });
    return this.applyAll(manifests.map((m) => m.object), opts.namespace);
  }

  private async applyAll(objects: KubeObject[], namespace: string | undefined): Promise<ApplyResult[]> {
    const out: ApplyResult[] = [];
    for (const o of objects) out.push(await applyObject(this.client, o, namespace));
    return out;
  }

  /**
   * One object, typed by its kind (`get('Deployment', 'web')` is a Stored<Deployment>); an explicit type
   * (`get<MyPod>('Pod', ...)`) still wins. Throws StatusError (reason NotFound) when it does not exist.
   */
  get<T extends KubeObject = never, K extends Kind = Kind>(kind: K, name: string, opts: NamespaceOptions = {}): Promise<Stored<[T] extends [never] ? KindTypes[K] : T>> {
    return this.client.get(kind, namespaceOf(opts), name);
  }

  async list<T extends KubeObject = never, K extends Kind = Kind>(kind: K, opts: { namespace?: string; labelSelector?: string } = {}): Promise<Stored<[T] extends [never] ? KindTypes[K] : T>[]> {
    return (await this.client.list(kind, opts)).items as Stored<[T] extends [never] ? KindTypes[K] : T>[];
  }

  delete(kind: Kind, name: string, opts: NamespaceOptions = {}): Promise<void> {
    return this.client.delete(kind, namespaceOf(opts), name);
  }

  /** Pods of a Deployment (by name) or of a label selector ("app=web"), sorted by name, terminating ones left out. */
  pods(deploymentOrSelector: string, opts: NamespaceOptions = {}): Promise<Stored<Pod>[]> {
    const namespace = namespaceOf(opts);
    return deploymentOrSelector.includes('=')
      ? podsBySelector(this.client, namespace, deploymentOrSelector)
      : podsOf(this.client, 'Deployment', namespace, deploymentOrSelector);
  }

  /**
   * A kubeconfig (YAML text) for this cluster: server, CA and token, context current. Write it to a file
   * for kubectl (`--kubeconfig FILE`) or load it into client-node (`kc.loadFromString(cluster.kubeconfig())`).
   */
  kubeconfig(): string {
    return renderKubeconfig(kubeconfigFor(entryForHome(this.home, this.url)));
  }

  /**
   * Kills a pod's container (its running instance; the first container unless named) with SIGKILL (or
   * `signal`), as `docker kill` or an OOM kill would: for fault tests. The kubelet sees it die and applies the pod's
   * restartPolicy (a restart with RESTARTS + 1 and the back-off, as on Kubernetes). Returns the killed
   * container's id.
   */
  async killContainer(pod: string, opts: { container?: string; namespace?: string; signal?: string } = {}): Promise<string> {
    const p = await this.client.get<Pod>('Pod', opts.namespace ?? 'default', pod);
    const name = opts.container ?? p.spec?.containers?.[0]?.name;
    if (!name) throw new Error(`pod "${pod}" has no containers`);
    // the engine's kill (a stop would send SIGTERM first, which the app may handle and exit 0 on)
    return this.backend.kill(p.metadata.uid, name, opts.signal ?? 'SIGKILL').catch((err: Error) => {
      throw new Error(err.message.includes('is not running') ? `container "${name}" of pod "${pod}" is not running` : err.message);
    });
  }

  /** Polls check every 100 ms until it reports ok; on timeout the error says what it saw last. */
  waitFor(what: string, check: () => Promise<Observation>, timeoutMs = 60_000): Promise<void> {
    return waitUntil(what, check, timeoutMs);
  }

  /** Every desired replica updated, available, and no old ones left (`kubectl rollout status`). */
  waitForDeploymentAvailable(name: string, opts: WaitOptions = {}): Promise<void> {
    const namespace = opts.namespace ?? 'default';
    return this.waitFor(`deployment "${name}" to be available`, async () => {
      const d = await this.client.get<Deployment>('Deployment', namespace, name);
      const seen = describeDeployment(d);
      // not yet: why, from its pods (ImagePullBackOff, CrashLoopBackOff, a failing probe ...)
      return seen.ok ? seen : { ok: false, seen: `${seen.seen}${await this.whyPods(namespace, formatSelector(d.spec?.selector))}` };
    }, opts.timeoutMs);
  }

  /** The pod's Ready condition is True (ready: false waits for False, e.g. after a readiness probe fails). */
  waitForPodReady(name: string, opts: WaitOptions & { ready?: boolean } = {}): Promise<void> {
    const want = opts.ready ?? true;
    return this.waitFor(`pod "${name}" to be ${want ? 'ready' : 'not ready'}`, async () =>
      describePod(await this.client.get<Pod>('Pod', opts.namespace ?? 'default', name), want), opts.timeoutMs);
  }

  /** The Service has exactly n ready endpoint addresses (what its nodePort balances over). */
  waitForEndpoints(service: string, n: number, opts: WaitOptions = {}): Promise<void> {
    const namespace = opts.namespace ?? 'default';
    return this.waitFor(`service "${service}" to have ${n} ready endpoints`, async () => {
      const seen = describeEndpoints(await this.client.tryGet<Endpoints>('Endpoints', namespace, service), n);
      return seen.ok ? seen : { ok: false, seen: `${seen.seen}${await this.podsBehind(service, namespace)}` };
    }, opts.timeoutMs);
  }

  /** "; pods: web-1 Pending (Failed: network not found)": why endpoints are missing, for a timeout message. */
  private async podsBehind(service: string, namespace: string): Promise<string> {
    const svc = await this.client.tryGet<Service>('Service', namespace, service);
    const selector = Object.entries(svc?.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    return selector ? this.whyPods(namespace, selector) : '';
  }

  /**
   * "; pods: web-1 Pending waiting ImagePullBackOff (Warning Failed: ...)": each pod's phase, the reason its
   * containers wait or were last terminated, and its last Warning event.
   */
  private async whyPods(namespace: string, selector: string): Promise<string> {
    if (!selector) return '';
    const pods = await podsBySelector(this.client, namespace, selector);
    if (!pods.length) return `; no pods match ${selector}`;
    const warnings = (await this.client.list<Event>('Event', { namespace, fieldSelector: 'type=Warning' })).items;
    return `; pods: ${pods.map((p) => {
      const last = sortEvents(warnings.filter((e) => e.involvedObject?.uid === p.metadata.uid)).at(-1);
      const reasons = [...new Set((p.status?.containerStatuses ?? [])
        .map((c) => c.state?.waiting?.reason ?? (c.state?.running ? undefined : c.lastState?.terminated?.reason))
        .filter((r): r is string => !!r))];
      return `${p.metadata.name} ${p.status?.phase ?? 'Pending'}${reasons.length ? ` ${reasons.join(',')}` : ''}${last ? ` (${last.reason}: ${last.message})` : ''}`;
    }).join(', ')}`;
  }

  /** http://127.0.0.1:<nodePort> of a NodePort or LoadBalancer Service (the port named or numbered, or the first). */
  async serviceUrl(name: string, opts: { port?: string | number; namespace?: string } = {}): Promise<string> {
    const svc = await this.client.get<Service>('Service', opts.namespace ?? 'default', name);
    const ports = svc.spec?.ports ?? [];
    const p = opts.port === undefined ? ports[0] : ports.find((x) => x.name === opts.port || x.port === opts.port);
    if (!p?.nodePort) throw new Error(`service "${name}" has no nodePort${opts.port !== undefined ? ` for port ${opts.port}` : ''} (type ${svc.spec?.type ?? 'ClusterIP'})`);
    const address = this.backend.nodePortAddress;
    const host = address && address !== '0.0.0.0' ? address : '127.0.0.1';
    return `http://${host}:${p.nodePort}`;
  }

  /** Runs a command in a pod's container (the first unless named), as `mini-kube exec POD -- CMD`. */
  async exec(pod: string, command: string[], opts: { container?: string; namespace?: string } = {}): Promise<ExecOutput> {
    let stdout = '';
    let stderr = '';
    const exitCode = await execInPod(this.client, {
      namespace: opts.namespace ?? 'default', pod, container: opts.container, command, stdin: false, tty: false,
    }, { stdout: (d) => (stdout += d.toString()), stderr: (d) => (stderr += d.toString()) });
    return { exitCode, stdout, stderr };
  }

  /** A container's log, as `mini-kube logs POD [-c C] [-p] [--tail N]`. */
  logs(pod: string, opts: { container?: string; previous?: boolean; tailLines?: number; namespace?: string } = {}): Promise<string> {
    return readLogs(this.client, opts.namespace ?? 'default', pod, opts);
  }

  /**
   * Events, oldest first: all of the namespace, those of any object with that name (object: 'web-1',
   * also after it is gone), or those of one live object ({ kind: 'Deployment', name: 'web' }, as describe).
   */
  async events(opts: { object?: string | { kind: Kind; name: string }; namespace?: string } = {}): Promise<Stored<Event>[]> {
    const namespace = opts.namespace ?? 'default';
    if (typeof opts.object === 'object') {
      return eventsFor(this.client, await this.client.get(opts.object.kind, namespace, opts.object.name), { withKind: true });
    }
    const fieldSelector = opts.object !== undefined ? `involvedObject.name=${opts.object}` : undefined;
    return sortEvents((await this.client.list<Event>('Event', { namespace, fieldSelector })).items);
  }

  /** Stops the control plane and removes every container of this cluster (idempotent). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.client.close();
      try {
        await this.backend.stop();
      } finally {
        if (this.ownsHome) fs.rmSync(this.home, { recursive: true, force: true });
        unregister(this.clusterId);
        forget(this.clusterId);
      }
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** The control plane on the caller's event loop (`inProcess: true`), loaded only then. */
async function startInProcess(home: string, o: {
  publishPorts: boolean; allowPrivileged?: boolean; clusterDNS?: string[]; metricsResolutionMs?: number; hpaSyncPeriodMs?: number; publishState: boolean; fsync: boolean; ownsHome: boolean;
  nodes?: ControlPlaneOptions['nodes']; nodeMonitorGraceMs?: number; nodeMonitorPeriodMs?: number; nodeLeaseRenewMs?: number;
  log?: (line: string) => void;
}): Promise<Backend> {
  const [{ startControlPlane }, { dashboardAddon }, { networkName, SHARED_NETWORK_LABELS }, { createDockerClient }, { reapAbandoned, removeClusterResources }] = await Promise.all([
    import('../control-plane/control-plane.js'), import('../dashboard/addon.js'), import('../runtime/network.js'),
    import('../runtime/docker-client.js'), import('./reaper.js'),
  ]);
  const cp = await startControlPlane({ home, ...o, dashboard: dashboardAddon });
  // The CLI's control plane waits for an engine that is not ready yet; a test wants to know now. The
  // kubelet made the network already (an inspect when it exists); if it could not, say why and stop.
  try {
    await cp.runtime.ensureNetwork(networkName(cp.clusterId), SHARED_NETWORK_LABELS);
  } catch (err) {
    await cp.stop({ removeContainers: true }).catch(() => {});
    throw new Error(`mini-kube: the cluster cannot run pods: ${(err as Error).message}`, { cause: err });
  }
  // Leftovers of test processes that were killed: removed in the background, never blocking this start.
  const reaping = reapAbandoned(cp.runtime).catch(() => []);
  return {
    url: cp.url, token: cp.token, caPem: cp.caPem, clusterId: cp.clusterId, nodePortAddress: cp.config.nodePortAddress,
    controlPlane: cp,
    async kill(uid, container, signal) {
      const running = (await cp.kubelet.instances(uid, container)).find((c) => c.running);
      if (!running) throw new Error(`container "${container}" is not running`);
      await createDockerClient().getContainer(running.id).kill({ signal });
      return running.id;
    },
    async stop() {
      try {
        await cp.stop({ removeContainers: true });
      } finally {
        // Belt and braces: whatever still carries this cluster's label goes, whatever happened above.
        await removeClusterResources(cp.runtime, cp.clusterId, { volumes: o.ownsHome });
        await reaping;
      }
    },
  };
}

// The first cluster of a process need not wait for a control plane to load: one is loading from the
// moment the library is (MINI_KUBE_PREFORK=0 turns this off).
if (process.env['MINI_KUBE_PREFORK'] !== '0') prefork();

/** Starts an isolated cluster: `await using cluster = await startCluster()`. */
export function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  return Cluster.start(opts);
}
