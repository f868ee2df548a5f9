// The NodePort data path: one TCP listener per nodePort, each new connection sent to the next ready
// endpoint in round-robin order (layer 4, as kube-proxy balances connections, not requests). The
// backend list is recomputed synchronously on every Pod or Service change in the store, so a pod that
// turns unready gets no new connection from that moment; established connections are left alone.
// Where a pod is (its IP, its published ports) and whether it is ready is what the kubelet observed,
// never the status a client may write; upstream-guard.ts checks every target again before dialling.
import * as net from 'node:net';
import type { Pod, Service } from '../kube/types.js';
import type { Store, Stored } from '../store/store.js';
import { endpointsOf, type AddressRule, type Endpoint } from '../kube/endpoints.js';
import { upstreamAddressProblem } from '../kube/host-addresses.js';
import { withObservedStatus, type KubeletObservations } from '../kube/observed.js';
import { guardedConnect, observedTargetCheck, type UpstreamConnect } from './upstream-guard.js';
import { ClientIpAffinity } from './affinity.js';
import * as http from 'node:http';
import { createHttpModeServer } from './http-mode.js';
import { noEndpointsMessage, reject503, rejectWithoutEndpoints } from './no-endpoints.js';
import { OpenConnections } from './open-connections.js';
import { PendingDials } from './pending-dials.js';
import { ConnectionBudget, limitsFor, openFileLimit, type ConnectionLimits } from './connection-budget.js';

/** bytes of a client's first flight kept for a retry on another endpoint */
const MAX_REPLAY = 64 * 1024;

export interface ProxyOptions {
  store: Store;
  /** address the listeners bind; 127.0.0.1 unless a teacher opens it to the class */
  address: string;
  /** reach pods through their published ports on 127.0.0.1 instead of their IPs */
  publishPorts: boolean;
  /** the kubelet's observations: pod IPs, readiness and published ports come from here only */
  observed: KubeletObservations;
  /**
   * which pod addresses may be endpoints; default Kubernetes' rule plus this host's addresses. Only tests
   * whose "pods" are servers on 127.0.0.x loosen it.
   */
  addressRule?: AddressRule;
  log?: (line: string) => void;
  /** listeners bound at admission (port-reservations.ts): taken over instead of binding again */
  reserved?: { take(port: number): net.Server | undefined };
  /** caps and idle timeout of proxied connections; default: sized from this process's descriptor limit */
  limits?: ConnectionLimits;
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
  /** 'http' for appProtocol http (per-request round robin), else layer 4 */
  mode: 'l4' | 'http';
  server: net.Server;
  /** HTTP mode: the http.Server the listener's connections are handed to */
  http?: http.Server;
  ready: Backend[];
  /** serving-but-terminating endpoints, used only when none is ready (kube-proxy's fallback) */
  terminating: Backend[];
  matching: number;
  next: number;
  affinity?: ClientIpAffinity;
  /** connects in flight, given up when their endpoint leaves the pool (pending-dials.ts) */
  dials: PendingDials;
}

export interface ConnectionStats {
  /** open connections per pod name */
  active: Map<string, number>;
  /** connections accepted per pod name since start */
  total: Map<string, number>;
  /** requests sent per pod name since start (ports in HTTP mode) */
  requests: Map<string, number>;
  /** performance.now() of the last connection (L4) or request (HTTP) sent to each pod (bench/proxy) */
  lastSent: Map<string, number>;
}

export class ServiceProxy {
  private readonly ports = new Map<number, PortState>();
  private unwatch: (() => void)[] = [];
  private readonly open = new Set<net.Socket>();
  readonly stats: ConnectionStats = { active: new Map(), total: new Map(), requests: new Map(), lastSent: new Map() };
  /** layer-4 connections open (dialing included) per pod uid: the kubelet drains on it before SIGTERM */
  private readonly connections = new OpenConnections();
  private readonly log: (line: string) => void;
  private readonly addressRule: AddressRule;
  /** proxied connections open per nodePort and in total, against their caps (connection-budget.ts) */
  private readonly budget: ConnectionBudget;
  /** when a full cap was last logged, per nodePort: a flood must not flood the log too */
  private readonly capLogged = new Map<number, number>();
  /** every connection to a pod goes through here */
  private readonly connect: UpstreamConnect;

  constructor(private readonly opts: ProxyOptions) {
    this.log = opts.log ?? (() => {});
    this.addressRule = opts.addressRule ?? upstreamAddressProblem;
    this.connect = guardedConnect(observedTargetCheck(opts.observed, opts.publishPorts, this.addressRule), this.log);
    this.budget = new ConnectionBudget(opts.limits ?? limitsFor(openFileLimit()));
  }

  /** The caps in force, for logs, tests and docs. */
  get limits(): ConnectionLimits {
    return this.budget.limits;
  }

  start(): void {
    const l = this.budget.limits;
    this.log(`service proxy: at most ${l.perPort} connections per nodePort and ${l.total} in all, idle ones closed after ${l.idleMs / 1000} s`);
    this.unwatch.push(this.opts.store.watch({ kind: 'Service' }, () => this.syncServices()));
    this.unwatch.push(this.opts.store.watch({ kind: 'Pod' }, (e) => this.refreshFor((e.object as Stored<Pod>).metadata.namespace)));
    this.unwatch.push(this.opts.observed.onChange((_uid, namespace) => this.refreshFor(namespace)));
    this.syncServices();
  }

  async stop(): Promise<void> {
    for (const u of this.unwatch) u();
    this.unwatch = [];
    for (const c of this.open) c.destroy();
    await Promise.all([...this.ports.values()].map((p) => {
      p.http?.closeAllConnections();
      p.http?.close();
      return closeServer(p.server);
    }));
    this.ports.clear();
  }

  /** Proxied layer-4 connections open now to a pod (dialing included). */
  openConnections(podUid: string): number {
    return this.connections.count(podUid);
  }

  /** Resolves once the pod has no open proxied connection, or after timeoutMs, with the number still open. */
  drained(podUid: string, timeoutMs: number): Promise<number> {
    return this.connections.drained(podUid, timeoutMs);
  }

  /** The listener of a nodePort, for tests and the dashboard. */
  listening(nodePort: number): boolean {
    return this.ports.get(nodePort)?.server.listening ?? false;
  }

  /** Opens listeners for new nodePorts, closes those of deleted Services, refreshes every backend list. */
  private syncServices(): void {
    const wanted = new Map<number, { svc: Stored<Service>; portName: string; mode: 'l4' | 'http' }>();
    for (const svc of this.opts.store.list<Service>('Service')) {
      if (svc.spec?.type !== 'NodePort' && svc.spec?.type !== 'LoadBalancer') continue;
      for (const p of svc.spec.ports ?? []) {
        if (p.nodePort) wanted.set(p.nodePort, { svc, portName: p.name ?? '', mode: p.appProtocol?.toLowerCase() === 'http' ? 'http' : 'l4' });
      }
    }
    for (const [port, state] of this.ports) {
      const w = wanted.get(port);
      if (!w || state.key !== keyOf(w.svc) || state.portName !== w.portName || state.mode !== w.mode) {
        state.http?.close();
        void closeServer(state.server);
        this.ports.delete(port);
      }
    }
    for (const [port, { svc, portName, mode }] of wanted) {
      let state = this.ports.get(port);
      if (!state) {
        state = this.listen(port, svc, portName, mode);
        this.ports.set(port, state);
      }
      this.refresh(state, svc);
    }
  }

  private refreshFor(namespace: string | undefined): void {
    for (const state of this.ports.values()) {
      if (state.namespace !== namespace) continue;
      const svc = this.opts.store.get<Service>('Service', state.namespace, state.service);
      if (svc) this.refresh(state, svc);
    }
  }

  private refresh(state: PortState, svc: Service): void {
    const pods = withObservedStatus(this.opts.store.list<Pod>('Pod', state.namespace), this.opts.observed);
    const eps = endpointsOf(svc, pods, this.addressRule);
    const backends = eps.flatMap((ep): Backend[] => {
      const target = ep.ports.get(state.portName);
      // A pod whose IP-holding container is dead is never dialled: Docker may have given the IP away.
      if (target === undefined || !ep.running) return [];
      if (!this.opts.publishPorts) return [{ ep, host: ep.ip, port: target }];
      // Published-ports mode: the host port the engine published, or no backend (never a guess).
      const published = this.opts.observed.publishedPorts(ep.podUid)?.[target];
      return published === undefined ? [] : [{ ep, host: '127.0.0.1', port: published }];
    });
    state.matching = eps.length;
    state.ready = backends.filter((b) => b.ep.ready);
    state.terminating = backends.filter((b) => !b.ep.ready && b.ep.serving && b.ep.terminating);
    state.dials.sweep((state.ready.length ? state.ready : state.terminating).map((b) => ({ podUid: b.ep.podUid, host: b.host, port: b.port })));
    const affinity = svc.spec?.sessionAffinity === 'ClientIP';
    if (affinity && !state.affinity) {
      state.affinity = new ClientIpAffinity((svc.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) * 1000);
    } else if (!affinity) state.affinity = undefined;
  }

  private listen(nodePort: number, svc: Stored<Service>, portName: string, mode: 'l4' | 'http'): PortState {
    const reserved = this.opts.reserved?.take(nodePort);
    const server = reserved ?? net.createServer({ allowHalfOpen: true, noDelay: true });
    const state: PortState = {
      key: keyOf(svc), namespace: svc.metadata.namespace!, service: svc.metadata.name, portName, nodePort, mode,
      server, ready: [], terminating: [], matching: 0, next: 0, dials: new PendingDials(),
    };
    if (mode === 'http') {
      // The listener stays a plain net.Server (it may be a reserved one); its sockets go to HTTP.
      const httpServer = createHttpModeServer({
        candidates: (ip) => this.candidates(state, ip).map((b) => ({ host: b.host, port: b.port, podName: b.ep.podName, podUid: b.ep.podUid })),
        noEndpoints: () => noEndpointsMessage(state.service, state.namespace, state.matching, state.ready.length),
        dials: state.dials,
        connect: this.connect,
        sent: (t, clientIp) => {
          state.affinity?.set(clientIp, t.podUid);
          this.stats.requests.set(t.podName, (this.stats.requests.get(t.podName) ?? 0) + 1);
          this.stats.lastSent.set(t.podName, performance.now());
        },
      });
      state.http = httpServer;
      server.on('connection', (client: net.Socket) => { if (this.admit(state, client)) httpServer.emit('connection', client); });
    } else {
      server.on('connection', (client: net.Socket) => { if (this.admit(state, client)) this.onConnection(state, client); });
    }
    server.on('error', (err) => this.log(`nodePort ${nodePort} (service ${state.service}): ${err.message}`));
    const listening = () => this.log(`service ${state.namespace}/${state.service} listening on ${this.opts.address}:${nodePort}`);
    if (reserved) listening();
    else server.listen({ port: nodePort, host: this.opts.address }, listening);
    return state;
  }

  /**
   * Lets a new connection in while both caps have room, and closes it once idle; over a cap it is reset
   * at once, so a flood costs a descriptor only for the instant of its accept.
   */
  private admit(state: PortState, client: net.Socket): boolean {
    const got = this.budget.take(state.nodePort);
    if (got !== true) {
      client.on('error', () => {});
      client.resetAndDestroy();
      const now = Date.now();
      if (now - (this.capLogged.get(state.nodePort) ?? 0) > 10_000) {
        this.capLogged.set(state.nodePort, now);
        const l = this.budget.limits;
        this.log(got === 'port'
          ? `nodePort ${state.nodePort} (service ${state.namespace}/${state.service}): ${l.perPort} connections open, the cap per Service port; new connections are refused until some close (docs/decisions/082)`
          : `nodePort ${state.nodePort} (service ${state.namespace}/${state.service}): ${l.total} proxied connections open on all nodePorts, the cap; new connections are refused until some close (docs/decisions/082)`);
      }
      return false;
    }
    client.once('close', () => this.budget.release(state.nodePort));
    // No byte either way for idleMs: the slot (and its two descriptors) goes back.
    client.setTimeout(this.budget.limits.idleMs, () => client.destroy());
    return true;
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
    // Tracked so stop() can end them: server.close() alone waits for every open connection.
    this.open.add(client);
    client.once('close', () => this.open.delete(client));
    const clientIp = client.remoteAddress ?? '';
    const tries = this.candidates(state, clientIp);
    if (!tries.length) {
      rejectWithoutEndpoints(client, state.service, state.namespace, state.matching, state.ready.length);
      return;
    }
    // What the client sent before the upstream answered, kept so that an endpoint that fails before its
    // first byte back (refused connect, or a pod killed mid-request) can be replaced by the next one
    // with the same bytes: the client never sees the failure. Bounded: past MAX_REPLAY no retry.
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    let replayable = true;
    let answered = false;
    let clientEnded = false;
    let upstream: net.Socket | undefined;
    let upstreamConnected = false;
    client.pause();
    client.on('data', (chunk: Buffer) => {
      if (!answered && replayable) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes > MAX_REPLAY) {
          replayable = false;
          pending.length = 0;
        }
      }
      if (upstream && upstreamConnected && !upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    client.on('end', () => {
      clientEnded = true;
      if (upstream && upstreamConnected) upstream.end();
    });
    client.on('close', () => upstream?.destroy());

    const attempt = (i: number): void => {
      const b = tries[i];
      if (!b || client.destroyed) {
        // Every endpoint failed before a byte went back.
        if (client.destroyed) return;
        // The client may not have been read yet (it stays paused until a connect succeeds).
        if (pending.length) reject503(client, pending[0], state.service, state.namespace, state.matching);
        else rejectWithoutEndpoints(client, state.service, state.namespace, state.matching, 0);
        return;
      }
      // The list was made at accept time; a retry may come later, when this pod has turned unready.
      if (i > 0 && !this.eligible(state, b)) return attempt(i + 1);
      this.stats.lastSent.set(b.ep.podName, performance.now());
      const up = this.connect({ podUid: b.ep.podUid, host: b.host, port: b.port }, { allowHalfOpen: true });
      // Open from the dial on: a pod being deleted is stopped only once this closes (or the drain bound).
      this.connections.open(b.ep.podUid);
      upstream = up;
      upstreamConnected = false;
      let failed = false;
      let counted = false;
      const fail = (): void => {
        if (failed) return;
        failed = true;
        up.destroy();
        if (answered) {
          client.destroy();
          return;
        }
        if (!replayable) {
          client.destroy();
          return;
        }
        client.pause();
        attempt(i + 1);
      };
      const settled = state.dials.add({ podUid: b.ep.podUid, host: b.host, port: b.port, abandon: fail });
      up.once('close', settled);
      up.once('connect', () => {
        settled();
        upstreamConnected = true;
        counted = true;
        state.affinity?.set(clientIp, b.ep.podUid);
        this.count(b.ep.podName, +1);
        for (const c of pending) up.write(c);
        if (clientEnded) up.end();
        client.resume();
      });
      up.on('data', (chunk: Buffer) => {
        if (!answered) {
          answered = true;
          pending.length = 0;
        }
        if (!client.write(chunk)) {
          up.pause();
          client.once('drain', () => up.resume());
        }
      });
      up.on('end', () => {
        if (answered) client.end();
        else fail();
      });
      up.on('error', fail);
      up.once('close', () => {
        this.connections.close(b.ep.podUid);
        if (counted) this.count(b.ep.podName, -1);
        counted = false;
        if (!answered && !failed && !client.destroyed) fail();
      });
    };
    attempt(0);
  }

  /** Still a place new connections may go: ready now, or the terminating fallback with none ready. */
  private eligible(state: PortState, b: Backend): boolean {
    // Same pod at the same address: a restarted container has a new IP, and the old one may be a stranger's.
    const same = (x: Backend): boolean => x.ep.podUid === b.ep.podUid && x.host === b.host && x.port === b.port;
    if (state.ready.some(same)) return true;
    return !state.ready.length && state.terminating.some(same);
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
