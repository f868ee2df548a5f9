// mini-kube as a library for integration tests: an isolated cluster (its own home, labels, network and
// ports) started in-process, with apply, waits that say what they last saw, a Service's URL, exec, logs,
// events, and a stop that removes every container (`await using` works). It drives the same API client
// and apply code as the CLI; nothing here is a second implementation.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiClient } from '../client/api-client.js';
import { applyObject, type ApplyResult } from '../client/apply.js';
import { execInPod } from '../client/exec.js';
import { startControlPlane, type ControlPlane } from '../control-plane/control-plane.js';
import { networkName } from '../control-plane/home.js';
import { formatSelector } from '../kube/labels.js';
import type { Deployment, Endpoints, Event, Pod, Service } from '../kube/types.js';
import { parseManifests } from '../manifests/index.js';
import { LABEL_CLUSTER } from '../runtime/runtime.js';
import type { Kind } from '../store/kinds.js';
import type { KubeObject, Stored } from '../store/store.js';

export interface ClusterOptions {
  /** home directory; default: a new temporary one, removed on stop */
  home?: string;
  /** reach pods through published ports (as on Docker Desktop) instead of their IPs */
  publishPorts?: boolean;
  allowPrivileged?: boolean;
  /** control-plane log lines (default: silent) */
  log?: (line: string) => void;
}

export interface WaitOptions {
  timeoutMs?: number;
  namespace?: string;
}

export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class WaitTimeoutError extends Error {}

export class Cluster implements AsyncDisposable {
  readonly client: ApiClient;
  private stopped = false;

  private constructor(readonly home: string, readonly controlPlane: ControlPlane, private readonly ownsHome: boolean) {
    this.client = new ApiClient({ url: controlPlane.url, token: controlPlane.token, caPem: controlPlane.caPem });
  }

  static async start(opts: ClusterOptions = {}): Promise<Cluster> {
    const ownsHome = !opts.home;
    const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mini-kube-'));
    const cp = await startControlPlane({
      home, publishPorts: opts.publishPorts, allowPrivileged: opts.allowPrivileged, log: opts.log, publishState: !ownsHome,
    });
    return new Cluster(home, cp, ownsHome);
  }

  get url(): string {
    return this.controlPlane.url;
  }

  get clusterId(): string {
    return this.controlPlane.clusterId;
  }

  /** Applies YAML text (one or many documents) or objects; a document with an error applies nothing. */
  async apply(input: string | KubeObject | KubeObject[], opts: { source?: string; namespace?: string } = {}): Promise<ApplyResult[]> {
    const objects = typeof input === 'string'
      ? parseManifests(input, opts.source ?? '<yaml>').objects.map((m) => m.object)
      : Array.isArray(input) ? input : [input];
    const out: ApplyResult[] = [];
    for (const o of objects) out.push(await applyObject(this.client, o, opts.namespace));
    return out;
  }

  async applyFile(file: string, opts: { namespace?: string } = {}): Promise<ApplyResult[]> {
    return this.apply(fs.readFileSync(file, 'utf8'), { source: file, namespace: opts.namespace });
  }

  get<T extends KubeObject>(kind: Kind, name: string, namespace = 'default'): Promise<Stored<T>> {
    return this.client.get<T>(kind, namespace, name);
  }

  async list<T extends KubeObject>(kind: Kind, opts: { namespace?: string; labelSelector?: string } = {}): Promise<Stored<T>[]> {
    return (await this.client.list<T>(kind, opts)).items;
  }

  delete(kind: Kind, name: string, namespace = 'default'): Promise<void> {
    return this.client.delete(kind, namespace, name);
  }

  /** Pods of a Deployment (or any label selector), sorted by name, terminating ones left out. */
  async pods(selectorOrDeployment: string, namespace = 'default'): Promise<Stored<Pod>[]> {
    let selector = selectorOrDeployment;
    if (!selector.includes('=')) {
      const d = await this.client.get<Deployment>('Deployment', namespace, selectorOrDeployment);
      selector = formatSelector(d.spec?.selector);
    }
    const pods = await this.list<Pod>('Pod', { namespace, labelSelector: selector });
    return pods.filter((p) => !p.metadata.deletionTimestamp);
  }

  /** Waits until check returns true; on timeout the error says what `describe` returned last. */
  async waitFor(what: string, check: () => Promise<{ ok: boolean; seen: string }>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = 'nothing yet';
    while (Date.now() < deadline) {
      try {
        const r = await check();
        seen = r.seen;
        if (r.ok) return;
      } catch (err) {
        seen = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
  }

  /** Deployment Available: every desired replica updated and available. */
  waitForDeploymentAvailable(name: string, opts: WaitOptions = {}): Promise<void> {
    return this.waitFor(`deployment "${name}" to be available`, async () => {
      const d = await this.client.get<Deployment>('Deployment', opts.namespace ?? 'default', name);
      const want = d.spec?.replicas ?? 1;
      const s = d.status ?? {};
      const seen = `replicas=${s.replicas ?? 0} updated=${s.updatedReplicas ?? 0} ready=${s.readyReplicas ?? 0} available=${s.availableReplicas ?? 0} (want ${want})`;
      return { ok: (s.updatedReplicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.replicas ?? 0) === want, seen };
    }, opts.timeoutMs);
  }

  waitForPodReady(name: string, opts: WaitOptions & { ready?: boolean } = {}): Promise<void> {
    const want = opts.ready ?? true;
    return this.waitFor(`pod "${name}" to be ${want ? 'ready' : 'not ready'}`, async () => {
      const p = await this.client.get<Pod>('Pod', opts.namespace ?? 'default', name);
      const ready = p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      const cs = p.status?.containerStatuses?.map((c) => `${c.name}: ready=${c.ready} restarts=${c.restartCount} state=${Object.keys(c.state ?? {})[0]}`).join('; ');
      return { ok: ready === want, seen: `phase=${p.status?.phase} ready=${ready} ${cs ?? ''}` };
    }, opts.timeoutMs);
  }

  /** Waits until the Service has exactly n ready endpoint addresses. */
  waitForEndpoints(service: string, n: number, opts: WaitOptions = {}): Promise<void> {
    return this.waitFor(`service "${service}" to have ${n} ready endpoints`, async () => {
      const ep = await this.client.tryGet<Endpoints>('Endpoints', opts.namespace ?? 'default', service);
      const ready = (ep?.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => a.targetRef?.name ?? a.ip);
      const notReady = (ep?.subsets ?? []).flatMap((s) => s.notReadyAddresses ?? []).map((a) => a.targetRef?.name ?? a.ip);
      return { ok: ready.length === n, seen: `ready=[${ready.join(', ')}] notReady=[${notReady.join(', ')}]` };
    }, opts.timeoutMs);
  }

  /** http://127.0.0.1:<nodePort> of a NodePort or LoadBalancer Service (the port named, or the first). */
  async serviceUrl(name: string, opts: { port?: string | number; namespace?: string } = {}): Promise<string> {
    const svc = await this.client.get<Service>('Service', opts.namespace ?? 'default', name);
    const ports = svc.spec?.ports ?? [];
    const p = opts.port === undefined ? ports[0] : ports.find((x) => x.name === opts.port || x.port === opts.port);
    if (!p?.nodePort) throw new Error(`service "${name}" has no nodePort${opts.port !== undefined ? ` for port ${opts.port}` : ''} (type ${svc.spec?.type ?? 'ClusterIP'})`);
    const host = this.controlPlane.config.nodePortAddress && this.controlPlane.config.nodePortAddress !== '0.0.0.0'
      ? this.controlPlane.config.nodePortAddress : '127.0.0.1';
    return `http://${host}:${p.nodePort}`;
  }

  async exec(pod: string, command: string[], opts: { container?: string; namespace?: string } = {}): Promise<ExecOutput> {
    let stdout = '';
    let stderr = '';
    const exitCode = await execInPod(this.client, {
      namespace: opts.namespace ?? 'default', pod, container: opts.container, command, stdin: false, tty: false,
    }, { stdout: (d) => (stdout += d.toString()), stderr: (d) => (stderr += d.toString()) });
    return { exitCode, stdout, stderr };
  }

  async logs(pod: string, opts: { container?: string; previous?: boolean; namespace?: string } = {}): Promise<string> {
    const q = new URLSearchParams();
    if (opts.container) q.set('container', opts.container);
    if (opts.previous) q.set('previous', 'true');
    const res = await this.client.request<string>('GET', `${this.client.path('Pod', opts.namespace ?? 'default', pod, 'log')}${q.size ? `?${q}` : ''}`, undefined, { Accept: '*/*' });
    return String(res.body);
  }

  /** Events, optionally of one object (by name), oldest first. */
  async events(opts: { object?: string; namespace?: string } = {}): Promise<Stored<Event>[]> {
    const list = await this.client.list<Event>('Event', {
      namespace: opts.namespace ?? 'default',
      fieldSelector: opts.object ? `involvedObject.name=${opts.object}` : undefined,
    });
    return list.items.sort((a, b) => String(a.firstTimestamp).localeCompare(String(b.firstTimestamp)));
  }

  /** Stops the control plane and removes every container and the network of this cluster. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.client.close();
    await this.controlPlane.stop({ removeContainers: true });
    // Belt and braces: whatever is still labelled with this cluster goes, even after a failed test.
    const runtime = this.controlPlane.runtime;
    const left = await runtime.listContainers({ [LABEL_CLUSTER]: this.clusterId }).catch(() => []);
    await Promise.all(left.map((c) => runtime.removeContainer(c.id).catch(() => {})));
    await runtime.removeNetwork(networkName(this.clusterId)).catch(() => {});
    if (this.ownsHome) fs.rmSync(this.home, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** Starts an isolated cluster: `await using cluster = await startCluster()`. */
export function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  return Cluster.start(opts);
}
