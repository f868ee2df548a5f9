// The control plane's side of the network agent (src/network-agent): a control connection it opens TO the
// agent (the agent's IP on Linux; its control port published on 127.0.0.1 in the published-ports mode),
// JSON lines, a full snapshot on connect and then the Services that changed, computed synchronously on
// every store or kubelet observation change, so a pod that turns unready gets no new connection as soon
// as the agent reads the line. Also: the pool of reverse tunnels that carry the `kubernetes` Service to
// the API on 127.0.0.1, the latest DNS snapshot, and the agent's open connections per pod (drained by
// the kubelet before SIGTERM, decision 043).
import * as net from 'node:net';
import type { Pod, Service } from '../../kube/types.js';
import type { Store } from '../../store/store.js';
import { withObservedStatus, type KubeletObservations } from '../../kube/observed.js';
import type { ClusterBlock } from '../../runtime/subnets.js';
import { agentServices, type AgentService } from './agent-services.js';
import { buildDnsSnapshot } from './dns-snapshot.js';

/** idle tunnels kept open into the agent */
const TUNNEL_POOL = 4;
const RECONNECT_MS = 300;

export interface AgentAddress {
  controlHost: string;
  controlPort: number;
  token: string;
  block: ClusterBlock;
}

export interface AgentLinkOptions {
  store: Store;
  observed: KubeletObservations;
  /** the API on the host's loopback, where tunnels lead */
  apiPort: number;
  log?: (line: string) => void;
}

export class AgentLink {
  private agent: AgentAddress | undefined;
  private socket: net.Socket | undefined;
  private connected = false;
  private stopped = false;
  private readonly sent = new Map<string, string>();
  private seq = 0;
  private unwatch: (() => void)[] = [];
  private readonly tunnels = new Set<net.Socket>();
  private readonly carried = new Set<net.Socket>();
  private idleTunnels = 0;
  private openByIp = new Map<string, number>();
  private readonly drainWaiters = new Set<() => void>();
  private dnsQueued = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly log: (line: string) => void;
  /** resolves on the first `synced` after a snapshot (tests, and the log) */
  private syncedWaiters: ((ok: boolean) => void)[] = [];
  synced = false;

  constructor(private readonly opts: AgentLinkOptions) {
    this.log = opts.log ?? (() => {});
  }

  /** Starts (or moves) the link to this agent. */
  attach(agent: AgentAddress): void {
    this.agent = agent;
    if (!this.unwatch.length) {
      this.unwatch.push(this.opts.store.watch({ kind: 'Service' }, () => this.sync()));
      this.unwatch.push(this.opts.store.watch({ kind: 'Pod' }, () => this.sync()));
      this.unwatch.push(this.opts.observed.onChange(() => this.sync()));
    }
    this.socket?.destroy();
    for (const t of this.tunnels) t.destroy();
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    for (const u of this.unwatch) u();
    this.unwatch = [];
    this.socket?.destroy();
    for (const t of [...this.tunnels, ...this.carried]) t.destroy();
  }

  /** Resolves true once the agent applied a snapshot, false after timeoutMs. */
  whenSynced(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.syncedWaiters.push((ok) => { clearTimeout(timer); resolve(ok); });
    });
  }

  /** Connections the agent relays now to the pod (by the IP the kubelet observed). */
  openConnections(podUid: string): number {
    const ip = this.opts.observed.status(podUid)?.podIP;
    return ip ? this.openByIp.get(ip) ?? 0 : 0;
  }

  drained(podUid: string, timeoutMs: number): Promise<number> {
    if (!this.openConnections(podUid) || timeoutMs <= 0) return Promise.resolve(this.openConnections(podUid));
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.openConnections(podUid)) return;
        done();
      };
      const done = (): void => { clearTimeout(timer); this.drainWaiters.delete(check); resolve(this.openConnections(podUid)); };
      const timer = setTimeout(done, timeoutMs);
      this.drainWaiters.add(check);
    });
  }

  private connect(): void {
    const agent = this.agent;
    if (!agent || this.stopped) return;
    this.connected = false;
    const socket = net.connect({ host: agent.controlHost, port: agent.controlPort, noDelay: true });
    this.socket = socket;
    socket.on('error', () => {});
    socket.on('connect', () => {
      if (this.socket !== socket) return;
      this.connected = true;
      socket.write(JSON.stringify({ token: agent.token, role: 'control' }) + '\n');
      this.sent.clear();
      this.sendSnapshot();
      this.fillTunnels();
    });
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try { this.onMessage(JSON.parse(line) as Record<string, unknown>); } catch { /* a torn line: ignored */ }
      }
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.connected = false;
      this.synced = false;
      if (!this.stopped) this.reconnectTimer = setTimeout(() => this.connect(), RECONNECT_MS);
    });
  }

  private onMessage(msg: Record<string, unknown>): void {
    if (msg['type'] === 'synced' && !this.synced) {
      this.synced = true;
      for (const w of this.syncedWaiters.splice(0)) w(true);
    } else if (msg['type'] === 'open' || msg['type'] === 'hello') {
      this.openByIp = new Map(Object.entries((msg['open'] ?? msg['counts'] ?? {}) as Record<string, number>));
      for (const check of [...this.drainWaiters]) check();
    } else if (msg['type'] === 'tunnels') {
      for (let i = 0; i < Number(msg['waiting'] ?? 1); i++) this.openTunnel();
    }
  }

  private desired(): AgentService[] {
    const store = this.opts.store;
    return agentServices(store.list<Service>('Service'), (ns) => withObservedStatus(store.list<Pod>('Pod', ns), this.opts.observed), this.agent!.block);
  }

  private send(msg: Record<string, unknown>): void {
    if (this.connected && this.socket && !this.socket.destroyed) this.socket.write(JSON.stringify({ ...msg, seq: ++this.seq }) + '\n');
  }

  private sendSnapshot(): void {
    const services = this.desired();
    for (const s of services) this.sent.set(s.key, JSON.stringify(s));
    this.send({ type: 'snapshot', services });
    this.queueDns();
  }

  /** The Services that changed since the last line (synchronously: no timer between a change and its line). */
  sync(): void {
    if (!this.connected || !this.agent) return;
    const services = this.desired();
    const keys = new Set<string>();
    for (const s of services) {
      keys.add(s.key);
      const json = JSON.stringify(s);
      if (this.sent.get(s.key) === json) continue;
      this.sent.set(s.key, json);
      this.send({ type: 'service', service: s });
    }
    for (const key of [...this.sent.keys()]) {
      if (keys.has(key)) continue;
      this.sent.delete(key);
      this.send({ type: 'delete', key });
    }
    this.queueDns();
  }

  private queueDns(): void {
    if (this.dnsQueued) return;
    this.dnsQueued = true;
    setTimeout(() => {
      this.dnsQueued = false;
      const store = this.opts.store;
      try {
        const pods = withObservedStatus(store.list<Pod>('Pod'), this.opts.observed);
        this.send({ type: 'dns', snapshot: buildDnsSnapshot(store.list<Service>('Service'), pods) });
      } catch (err) {
        this.log(`cluster DNS: snapshot not sent: ${(err as Error).message}`);
      }
    }, 20).unref();
  }

  private fillTunnels(): void {
    for (let i = this.idleTunnels; i < TUNNEL_POOL; i++) this.openTunnel();
  }

  private openTunnel(): void {
    const agent = this.agent;
    if (!agent || this.stopped || !this.connected) return;
    const tunnel = net.connect({ host: agent.controlHost, port: agent.controlPort, noDelay: true });
    this.tunnels.add(tunnel);
    this.idleTunnels++;
    let used = false;
    tunnel.on('error', () => {});
    tunnel.on('connect', () => tunnel.write(JSON.stringify({ token: agent.token, role: 'tunnel' }) + '\n'));
    tunnel.once('data', (first: Buffer) => {
      // the go byte: a pod connected to the kubernetes Service; the rest is the pod's first bytes
      used = true;
      this.idleTunnels--;
      this.tunnels.delete(tunnel);
      this.carried.add(tunnel);
      tunnel.pause();
      const api = net.connect({ host: '127.0.0.1', port: this.opts.apiPort, noDelay: true });
      api.on('error', () => tunnel.destroy());
      tunnel.on('error', () => api.destroy());
      api.on('close', () => tunnel.destroy());
      tunnel.on('close', () => { api.destroy(); this.carried.delete(tunnel); });
      if (first.length > 1) api.write(first.subarray(1));
      tunnel.pipe(api);
      api.pipe(tunnel);
      this.openTunnel();
    });
    tunnel.on('close', () => {
      if (used) return;
      this.idleTunnels--;
      this.tunnels.delete(tunnel);
      if (this.connected && !this.stopped) setTimeout(() => this.fillTunnels(), RECONNECT_MS).unref();
    });
  }
}
