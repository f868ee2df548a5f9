// The NodePort data path: one TCP listener per nodePort, each new connection sent to the next ready
// endpoint in round-robin order (layer 4, as kube-proxy balances connections, not requests). The
// backend list is recomputed synchronously on every Pod or Service change in the store, so a pod that
// turns unready gets no new connection from that moment; established connections are left alone.
import * as net from 'node:net';
import type { Pod, Service } from '../kube/types.js';
import type { Store, Stored } from '../store/store.js';
import { endpointsOf, type Endpoint } from './endpoint-view.js';
import { publishedAddress } from '../kubelet/kubelet.js';
import { ClientIpAffinity } from './affinity.js';
import { rejectWithoutEndpoints } from './no-endpoints.js';

export interface ProxyOptions {
  store: Store;
  /** address the listeners bind; 127.0.0.1 unless a teacher opens it to the class */
  address: string;
  /** reach pods through their published ports on 127.0.0.1 instead of their IPs */
  publishPorts: boolean;
  log?: (line: string) => void;
}

interface Backend {
  ep: Endpoint;
  host: string;
  port: number;
}

/** Per-listener state: which Service port it serves and where connections may go now. */
interface PortState {
  key: string;
  namespace: string;
  service: string;
  portName: string;
  nodePort: number;
  server: net.Server;
  ready: Backend[];
  /** serving-but-terminating endpoints, used only when none is ready (kube-proxy's fallback) */
  terminating: Backend[];
  matching: number;
  next: number;
  affinity?: ClientIpAffinity;
}

export interface ConnectionStats {
  /** open connections per pod name */
  active: Map<string, number>;
  /** connections accepted per pod name since start */
  total: Map<string, number>;
}

export class ServiceProxy {
  private readonly ports = new Map<number, PortState>();
  private unwatch: (() => void)[] = [];
  readonly stats: ConnectionStats = { active: new Map(), total: new Map() };
  private readonly log: (line: string) => void;

  constructor(private readonly opts: ProxyOptions) {
    this.log = opts.log ?? (() => {});
  }

  start(): void {
    this.unwatch.push(this.opts.store.watch({ kind: 'Service' }, () => this.syncServices()));
    this.unwatch.push(this.opts.store.watch({ kind: 'Pod' }, (e) => this.refreshFor(e.object as Stored<Pod>)));
    this.syncServices();
  }

  async stop(): Promise<void> {
    for (const u of this.unwatch) u();
    this.unwatch = [];
    await Promise.all([...this.ports.values()].map((p) => closeServer(p.server)));
    this.ports.clear();
  }

  /** The listener of a nodePort, for tests and the dashboard. */
  listening(nodePort: number): boolean {
    return this.ports.get(nodePort)?.server.listening ?? false;
  }

  /** Opens listeners for new nodePorts, closes those of deleted Services, refreshes every backend list. */
  private syncServices(): void {
    const wanted = new Map<number, { svc: Stored<Service>; portName: string }>();
    for (const svc of this.opts.store.list<Service>('Service')) {
      if (svc.spec?.type !== 'NodePort' && svc.spec?.type !== 'LoadBalancer') continue;
      for (const p of svc.spec.ports ?? []) if (p.nodePort) wanted.set(p.nodePort, { svc, portName: p.name ?? '' });
    }
    for (const [port, state] of this.ports) {
      const w = wanted.get(port);
      if (!w || state.key !== keyOf(w.svc) || state.portName !== w.portName) {
        void closeServer(state.server);
        this.ports.delete(port);
      }
    }
    for (const [port, { svc, portName }] of wanted) {
      let state = this.ports.get(port);
      if (!state) {
        state = this.listen(port, svc, portName);
        this.ports.set(port, state);
      }
      this.refresh(state, svc);
    }
  }

  private refreshFor(pod: Stored<Pod>): void {
    for (const state of this.ports.values()) {
      if (state.namespace !== pod.metadata.namespace) continue;
      const svc = this.opts.store.get<Service>('Service', state.namespace, state.service);
      if (svc) this.refresh(state, svc);
    }
  }

  private refresh(state: PortState, svc: Service): void {
    const eps = endpointsOf(svc, this.opts.store.list<Pod>('Pod', state.namespace));
    const backends = eps.flatMap((ep): Backend[] => {
      const target = ep.ports.get(state.portName);
      if (target === undefined) return [];
      const addr = this.opts.publishPorts ? publishedAddress(ep.pod, '', target) : { host: ep.ip, port: target };
      return [{ ep, host: addr.host, port: addr.port }];
    });
    state.matching = eps.length;
    state.ready = backends.filter((b) => b.ep.ready);
    state.terminating = backends.filter((b) => !b.ep.ready && b.ep.serving && b.ep.terminating);
    const affinity = svc.spec?.sessionAffinity === 'ClientIP';
    if (affinity && !state.affinity) {
      state.affinity = new ClientIpAffinity((svc.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) * 1000);
    } else if (!affinity) state.affinity = undefined;
  }

  private listen(nodePort: number, svc: Stored<Service>, portName: string): PortState {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true });
    const state: PortState = {
      key: keyOf(svc), namespace: svc.metadata.namespace!, service: svc.metadata.name, portName, nodePort,
      server, ready: [], terminating: [], matching: 0, next: 0,
    };
    server.on('connection', (client) => this.onConnection(state, client));
    server.on('error', (err) => this.log(`nodePort ${nodePort} (service ${state.service}): ${err.message}`));
    server.listen({ port: nodePort, host: this.opts.address }, () =>
      this.log(`service ${state.namespace}/${state.service} listening on ${this.opts.address}:${nodePort}`));
    return state;
  }

  /** Candidates in the order to try: round robin over ready ones, else the terminating fallback. */
  private candidates(state: PortState, clientIp: string): Backend[] {
    const pool = state.ready.length ? state.ready : state.terminating;
    if (!pool.length) return [];
    const pinned = state.affinity?.get(clientIp);
    const start = state.next % pool.length;
    state.next = (start + 1) % Math.max(pool.length, 1);
    const ordered = [...pool.slice(start), ...pool.slice(0, start)];
    if (pinned) {
      const i = ordered.findIndex((b) => b.ep.podUid === pinned);
      if (i > 0) ordered.unshift(...ordered.splice(i, 1));
    }
    return ordered;
  }

  private onConnection(state: PortState, client: net.Socket): void {
    client.on('error', () => client.destroy());
    const clientIp = client.remoteAddress ?? '';
    const tries = this.candidates(state, clientIp);
    if (!tries.length) {
      rejectWithoutEndpoints(client, state.service, state.namespace, state.matching, state.ready.length);
      return;
    }
    client.pause();
    const attempt = (i: number): void => {
      const b = tries[i];
      if (!b) {
        // Every endpoint refused before a byte went back: the client sees a clean close.
        rejectWithoutEndpoints(client, state.service, state.namespace, state.matching, 0);
        return;
      }
      const upstream = net.connect({ host: b.host, port: b.port, noDelay: true, allowHalfOpen: true });
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        state.affinity?.set(clientIp, b.ep.podUid);
        this.count(b.ep.podName, +1);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
        upstream.once('close', () => this.count(b.ep.podName, -1));
      });
      upstream.on('error', () => {
        if (!connected) {
          upstream.destroy();
          attempt(i + 1);
          return;
        }
        client.destroy();
      });
      client.once('close', () => { if (connected) upstream.destroy(); });
    };
    attempt(0);
  }

  private count(pod: string, delta: number): void {
    this.stats.active.set(pod, Math.max(0, (this.stats.active.get(pod) ?? 0) + delta));
    if (delta > 0) this.stats.total.set(pod, (this.stats.total.get(pod) ?? 0) + 1);
  }
}

function keyOf(svc: Stored<Service>): string {
  return `${svc.metadata.namespace}/${svc.metadata.name}/${svc.metadata.uid}`;
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
