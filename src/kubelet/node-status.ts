// The kubelet's node registration and status (pkg/kubelet/kubelet_node_status.go): it creates the one Node
// (its name from src/kube/node.ts), fills capacity/allocatable from the engine's machine (cpu, memory) and
// the disk the engine keeps containers on, nodeInfo from the engine (OS image, kernel, docker://version),
// and the conditions. Ready turns False with KubeletNotReady while the Docker engine does not answer
// (decisions/040 keeps the pod condition too). Checked every 10 s (nodeStatusUpdateFrequency) and written
// when something changed or the last report is older than a minute (nodeStatusReportFrequency), so the
// heartbeat times move without a store write every 10 s. Only this module writes a Node's status: the API
// refuses a client's (api/registry/node-rules.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import { goArch, NODE_NAME, nodeLabels } from '../kube/node.js';
import type { Node, NodeCondition } from '../kube/types.js';
import type { EngineInfo, Runtime } from '../runtime/runtime.js';
import { timestamp, type Store } from '../store/store.js';
import { deepEqual } from '../kube/canonical-json.js';
import { recordEvent, type EventType } from '../store/events.js';
import { NodeLease } from './node-lease.js';

export const NODE_STATUS_UPDATE_MS = 10_000;
export const NODE_STATUS_REPORT_MS = 60_000;
/** Kubernetes' default --max-pods */
export const MAX_PODS = 110;

export interface NodeStatusOptions {
  store: Store;
  runtime: Runtime;
  /** what the API reports as its version (kubectl get nodes' VERSION column) */
  kubeletVersion: string;
  /** where to measure ephemeral-storage when the engine's root dir is not on this machine (Docker Desktop) */
  fallbackDir: string;
  log?: (line: string) => void;
  name?: string;
  /** labels beside the kubelet's own (--node-labels: zones, roles); the first node is the control plane */
  labels?: Record<string, string>;
  /** false for the second and later nodes: no node-role.kubernetes.io/control-plane label */
  controlPlane?: boolean;
  /** what this node reports as capacity instead of the whole machine (up --nodes N shares it, or set per node) */
  capacity?: NodeCapacity;
  /** the Lease's renewal period (10 s) */
  leaseRenewMs?: number;
}

/** A node's share of the machine: cpu and memory as quantities ("2", "1500m", "2Gi"). */
export interface NodeCapacity {
  cpu?: string;
  memory?: string;
  /** without cpu/memory: this fraction of the machine's (1/N for N nodes) */
  fraction?: number;
}

/** What the kubelet knows of its machine at one moment: the input of nodeStatus(). */
export interface NodeObservation {
  engineUp: boolean;
  engine?: EngineInfo;
  storageBytes: number;
  now: string;
}

const CONDITIONS: { type: string; ok: string; reason: string; message: string }[] = [
  { type: 'MemoryPressure', ok: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', ok: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', ok: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
];

/** The status the node should have, keeping transition times of conditions that did not change. Pure. */
export function nodeStatus(previous: Node['status'] | undefined, o: NodeObservation, kubeletVersion: string, name: string, share?: NodeCapacity): NonNullable<Node['status']> {
  const before = new Map((previous?.conditions ?? []).map((c) => [c.type, c]));
  const condition = (type: string, status: string, reason: string, message: string): NodeCondition => {
    const old = before.get(type);
    return {
      type, status, reason, message, lastHeartbeatTime: o.now,
      lastTransitionTime: old && old.status === status ? old.lastTransitionTime : o.now,
    };
  };
  const conditions = CONDITIONS.map((c) => condition(c.type, c.ok, c.reason, c.message));
  conditions.push(o.engineUp
    ? condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
    : condition('Ready', 'False', 'KubeletNotReady', 'container runtime is down: the Docker engine does not answer (pods are left as they are until it is back)'));
  const engine = o.engine;
  const oldInfo = previous?.nodeInfo;
  const fraction = share?.fraction ?? 1;
  const machineCpu = engine?.ncpu || os.cpus().length;
  const cpu = share?.cpu ?? (fraction === 1 ? String(machineCpu) : `${Math.floor(machineCpu * 1000 * fraction)}m`);
  const memory = share?.memory ?? `${Math.floor(((engine?.memTotalBytes || os.totalmem()) * fraction) / 1024)}Ki`;
  const capacity = {
    cpu, 'ephemeral-storage': `${Math.floor(o.storageBytes / 1024)}Ki`, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory, pods: String(MAX_PODS),
  };
  return {
    capacity,
    allocatable: { ...capacity },
    conditions,
    addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }],
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    nodeInfo: {
      machineID: readId('/etc/machine-id'),
      systemUUID: readId('/sys/class/dmi/id/product_uuid'),
      bootID: readId('/proc/sys/kernel/random/boot_id'),
      kernelVersion: engine?.kernelVersion ?? oldInfo?.kernelVersion ?? os.release(),
      osImage: engine?.operatingSystem ?? oldInfo?.osImage ?? '',
      containerRuntimeVersion: engine ? `docker://${engine.serverVersion}` : oldInfo?.containerRuntimeVersion ?? 'docker://unknown',
      kubeletVersion,
      kubeProxyVersion: kubeletVersion,
      operatingSystem: engine?.osType ?? oldInfo?.operatingSystem ?? 'linux',
      architecture: engine ? goArch(engine.architecture) : oldInfo?.architecture ?? goArch(),
    },
  };
}

function readId(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Whether the new status is worth a write: something besides heartbeat times changed, or the report is due. */
export function statusChanged(before: Node['status'] | undefined, after: Node['status'], now: number, reportMs = NODE_STATUS_REPORT_MS): boolean {
  if (!before) return true;
  const strip = (s: Node['status']) => ({ ...s, conditions: (s?.conditions ?? []).map(({ lastHeartbeatTime: _h, ...c }) => c) });
  if (!deepEqual(strip(before), strip(after))) return true;
  const last = Math.max(...(before.conditions ?? []).map((c) => Date.parse(c.lastHeartbeatTime ?? '') || 0), 0);
  return now - last >= reportMs;
}

export class NodeStatusManager {
  private timer?: NodeJS.Timeout;
  private unwatch?: () => void;
  private running?: Promise<void>;
  private stopped = false;
  readonly name: string;
  private readonly lease: NodeLease;

  constructor(private readonly opts: NodeStatusOptions) {
    this.name = opts.name ?? NODE_NAME;
    this.lease = new NodeLease(opts.store, this.name, () => opts.store.get<Node>('Node', undefined, this.name)?.metadata.uid, opts.leaseRenewMs, opts.log);
  }

  /** Registers the node (first status included) and keeps it current. */
  async start(): Promise<void> {
    this.event('Normal', 'Starting', 'Starting kubelet.');
    await this.update();
    this.lease.start();
    this.timer = setInterval(() => { void this.update(); }, NODE_STATUS_UPDATE_MS);
    this.timer.unref();
    // a client deleted the node: register it again at once, as a restarted kubelet would
    this.unwatch = this.opts.store.watch({ kind: 'Node', resourceVersion: this.opts.store.resourceVersion }, (e) => {
      if (e.type === 'DELETED' && e.object.metadata.name === this.name) setImmediate(() => { void this.update(); });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.lease.stop();
    if (this.timer) clearInterval(this.timer);
    this.unwatch?.();
    await this.running;
  }

  /** One check; concurrent calls share the one in flight. */
  update(): Promise<void> {
    this.running ??= this.check().finally(() => { this.running = undefined; });
    return this.running;
  }

  private event(type: EventType, reason: string, message: string): void {
    try {
      recordEvent(this.opts.store, nodeRef(this.name), type, reason, message, { source: { component: 'kubelet', host: this.name } });
    } catch {
      // an event is a report: never a reason for the status not to be written
    }
  }

  private async check(): Promise<void> {
    if (this.stopped) return;
    const engineUp = await this.opts.runtime.ping();
    const engine = engineUp ? await this.opts.runtime.info?.().catch(() => undefined) : undefined;
    const observation: NodeObservation = { engineUp, engine, storageBytes: storageBytes(engine?.dockerRootDir, this.opts.fallbackDir), now: timestamp() };
    if (this.stopped) return;
    const { store } = this.opts;
    const current = store.get<Node>('Node', undefined, this.name);
    const next = nodeStatus(current?.status, observation, this.opts.kubeletVersion, this.name, this.opts.capacity);
    try {
      if (!current) {
        store.create<Node>({
          apiVersion: 'v1', kind: 'Node',
          metadata: { name: this.name, labels: { ...nodeLabels(this.name, next.nodeInfo!.operatingSystem, next.nodeInfo!.architecture, this.opts.controlPlane ?? true), ...this.opts.labels }, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
          spec: {},
          status: next,
        });
        this.opts.log?.(`node ${this.name} registered`);
      } else if (statusChanged(current.status, next, Date.now())) {
        store.mutate<Node>('Node', undefined, this.name, (n) => { n.status = next; });
      }
      const ready = (st: Node['status']) => st?.conditions?.find((c) => c.type === 'Ready')?.status;
      if (ready(current?.status) !== ready(next)) {
        const ok = ready(next) === 'True';
        this.event(ok ? 'Normal' : 'Warning', ok ? 'NodeReady' : 'NodeNotReady', `Node ${this.name} status is now: ${ok ? 'NodeReady' : 'NodeNotReady'}`);
      }
    } catch (err) {
      this.opts.log?.(`node status: ${(err as Error).message}`);
    }
  }
}

/** The kubelet's events about its node name it with the node's name as uid, as the kubelet's nodeRef does. */
function nodeRef(name: string): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } };
}

/** The size of the file system that holds the engine's data (or, when that is not here, the home's). */
function storageBytes(engineRoot: string | undefined, fallback: string): number {
  for (const dir of [engineRoot, fallback]) {
    if (!dir) continue;
    try {
      const s = fs.statfsSync(dir);
      return s.blocks * s.bsize;
    } catch {
      // not on this machine (Docker Desktop's VM) or not readable: try the next
    }
  }
  return 0;
}
