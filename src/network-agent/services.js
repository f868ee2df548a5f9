// The data path: for every Service port, a listener on ClusterIP:port that relays each new TCP connection
// (or UDP flow) to an endpoint the Balancer picks. With no ready endpoint a TCP connection is reset at
// once (kube-proxy's REJECT), never left hanging. A port marked `tunnel` (the `kubernetes` Service) is
// carried to the API over a connection the control plane opened into the agent (tunnels.js), because the
// API listens only on the host's 127.0.0.1.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { Balancer } from './balancer.js';

/**
 * Bytes from one socket to the other with back-pressure, and the end passed on: what pipe() does, without
 * the stream machinery per chunk (the relay's CPU per request is what a ClusterIP costs over a direct
 * connection, bench/cluster-ip).
 */
function relay(from, to) {
  from.on('data', (chunk) => { if (!to.write(chunk)) from.pause(); });
  to.on('drain', () => from.resume());
  from.on('end', () => to.end());
}

/** a UDP flow with no packet either way for this long is forgotten */
const UDP_IDLE_MS = 30_000;

export class ServiceTable {
  /**
   * @param {{ addresses: import('./addresses.js').Addresses, tunnels: import('./tunnels.js').TunnelPool,
   *   log: (line: string) => void, onOpenChange: () => void, kernel?: import('./kernel-path.js').KernelPath }} deps
   */
  constructor(deps) {
    this.deps = deps;
    /** connections the kernel path carries, per endpoint IP (from conntrack), and until when to poll them */
    this.kernelOpen = {};
    this.pollUntil = 0;
    this.pollTimer = undefined;
    /** key "ip:port/proto" -> listener state */
    this.ports = new Map();
    /** Service key -> its port keys and IP */
    this.services = new Map();
    /** open relayed TCP connections per endpoint IP (what the kubelet drains before SIGTERM) */
    this.open = new Map();
  }

  /** Replaces the whole table (the snapshot sent on every new control connection). */
  async replaceAll(list) {
    const wanted = new Set(list.map((s) => s.key));
    for (const key of [...this.services.keys()]) if (!wanted.has(key)) await this.remove(key, false);
    for (const s of list) await this.upsert(s, false);
    await this.syncKernel();
  }

  /** @param {{key: string, ip: string, affinitySeconds?: number, ports: {port: number, protocol: string, tunnel?: boolean, backends: {ip: string, port: number}[]}[]}} svc */
  async upsert(svc, syncKernel = true) {
    const old = this.services.get(svc.key);
    if (old && old.ip !== svc.ip) await this.remove(svc.key, false);
    const keys = new Set();
    const affinityMs = (svc.affinitySeconds ?? 0) * 1000;
    // endpoints first, synchronously: a pod that turned unready gets no connection from here on
    for (const p of svc.ports) {
      const key = `${svc.ip}:${p.port}/${p.protocol}`;
      keys.add(key);
      const state = this.ports.get(key);
      if (state) {
        state.balancer.update(p.backends, affinityMs);
        state.tunnel = !!p.tunnel;
      }
    }
    for (const k of old?.keys ?? []) if (!keys.has(k)) this.closePort(k);
    this.services.set(svc.key, { ip: svc.ip, keys });
    const fresh = svc.ports.filter((p) => !this.ports.has(`${svc.ip}:${p.port}/${p.protocol}`));
    if (fresh.length) {
      await this.deps.addresses.ensure(svc.ip);
      for (const p of fresh) {
        const key = `${svc.ip}:${p.port}/${p.protocol}`;
        if (this.ports.has(key) || !this.services.get(svc.key)?.keys.has(key)) continue;
        // the listener is there for every port, kernel path or not: it resets a connection to a port
        // without a ready endpoint and carries what the kernel path leaves to it
        const state = { key, ip: svc.ip, port: p.port, protocol: p.protocol, tunnel: !!p.tunnel, balancer: new Balancer(p.backends, affinityMs), server: undefined };
        this.ports.set(key, state);
        if (p.protocol === 'UDP') this.listenUdp(state);
        else this.listenTcp(state);
      }
    }
    if (syncKernel) await this.syncKernel();
  }

  async remove(key, syncKernel = true) {
    const svc = this.services.get(key);
    if (!svc) return;
    this.services.delete(key);
    for (const k of svc.keys) this.closePort(k);
    if (syncKernel) await this.syncKernel();
    if (![...this.services.values()].some((s) => s.ip === svc.ip)) await this.deps.addresses.release(svc.ip);
  }

  /**
   * The ports the kernel path carries: TCP, not the API tunnel, no ClientIP affinity (the userspace
   * balancer keeps the pins), with a ready endpoint (without one the listener resets).
   */
  kernelPorts() {
    const out = [];
    for (const s of this.ports.values()) {
      if (s.protocol !== 'TCP' || s.tunnel || s.balancer.affinityMs > 0 || s.balancer.backends.length === 0) continue;
      out.push({ ip: s.ip, port: s.port, backends: s.balancer.backends });
    }
    return out;
  }

  /** Brings the kernel's rules to the table, then counts the connections still open to endpoints. */
  async syncKernel() {
    const kernel = this.deps.kernel;
    if (!kernel?.available) return;
    const t0 = performance.now();
    await kernel.sync(this.kernelPorts());
    const ms = performance.now() - t0;
    if (ms > 20) this.deps.log(`kernel rules in place after ${ms.toFixed(0)} ms (a busy machine)`);
    // an endpoint that left may still have connections (conntrack keeps them): counted for the drain
    this.pollUntil = Date.now() + 10_000;
    this.pollKernelOpen();
  }

  /** Reads conntrack now, then every 250 ms while connections are open or an endpoint left recently. */
  pollKernelOpen() {
    clearTimeout(this.pollTimer);
    const kernel = this.deps.kernel;
    const ips = new Set([...this.ports.values()].map((s) => s.ip));
    const counts = kernel?.available ? kernel.openCounts(ips) : {};
    if (JSON.stringify(counts) !== JSON.stringify(this.kernelOpen)) {
      this.kernelOpen = counts;
      this.deps.onOpenChange();
    }
    if (Object.keys(counts).length || Date.now() < this.pollUntil) {
      this.pollTimer = setTimeout(() => this.pollKernelOpen(), 250);
      this.pollTimer.unref?.();
    }
  }

  closePort(key) {
    const state = this.ports.get(key);
    if (!state) return;
    this.ports.delete(key);
    state.server?.close();
    for (const flow of state.flows?.values() ?? []) flow.close();
  }

  /** open connections per endpoint IP: the relay's and the kernel path's */
  openCounts() {
    const out = { ...this.kernelOpen };
    for (const [ip, n] of this.open) out[ip] = (out[ip] ?? 0) + n;
    return out;
  }

  listenTcp(state) {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.onTcp(state, client));
    server.on('error', (err) => this.deps.log(`listen ${state.key}: ${err.message}`));
    server.listen({ host: state.ip, port: state.port });
    state.server = server;
  }

  onTcp(state, client) {
    client.on('error', () => {});
    if (state.tunnel) { this.deps.tunnels.carry(client); return; }
    const target = state.balancer.pick(client.remoteAddress ?? '');
    if (!target) { client.resetAndDestroy(); return; }
    const upstream = net.connect({ host: target.ip, port: target.port, allowHalfOpen: true, noDelay: true });
    this.count(target.ip, +1);
    let counted = true;
    const done = () => { if (counted) { counted = false; this.count(target.ip, -1); } };
    upstream.on('error', () => { done(); client.resetAndDestroy(); });
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => { done(); client.destroy(); });
    client.on('close', () => upstream.destroy());
    relay(client, upstream);
    relay(upstream, client);
  }

  count(ip, delta) {
    const n = (this.open.get(ip) ?? 0) + delta;
    if (n > 0) this.open.set(ip, n); else this.open.delete(ip);
    this.deps.onOpenChange();
  }

  listenUdp(state) {
    const socket = dgram.createSocket('udp4');
    state.flows = new Map();
    socket.on('error', (err) => this.deps.log(`listen ${state.key}: ${err.message}`));
    socket.on('message', (msg, rinfo) => {
      const client = `${rinfo.address}:${rinfo.port}`;
      let flow = state.flows.get(client);
      if (!flow) {
        const target = state.balancer.pick(rinfo.address);
        if (!target) return; // UDP has no refusal the agent could send back from a ClusterIP
        const upstream = dgram.createSocket('udp4');
        let timer;
        const close = () => { clearTimeout(timer); state.flows.delete(client); upstream.close(); };
        const touch = () => { clearTimeout(timer); timer = setTimeout(close, UDP_IDLE_MS); };
        upstream.on('message', (reply) => { touch(); socket.send(reply, rinfo.port, rinfo.address); });
        upstream.on('error', close);
        upstream.connect(target.port, target.ip);
        flow = { upstream, touch, close, ready: new Promise((r) => upstream.once('connect', r)) };
        state.flows.set(client, flow);
      }
      flow.touch();
      const f = flow;
      void f.ready.then(() => { try { f.upstream.send(msg); } catch { /* closed meanwhile */ } });
    });
    socket.bind({ address: state.ip, port: state.port });
    state.server = socket;
  }
}
