// mini-kube's network agent: one container per cluster on the shared Docker network, doing what
// kube-proxy and CoreDNS do for that cluster. It holds the cluster's ClusterIPs as addresses of its eth0
// and relays their connections to ready endpoints (services.js); it hosts the cluster DNS (dns-hook.js).
// The control plane connects TO it (control port, token in the first line) and sends JSON lines: a full
// snapshot on connect, then deltas. Self-contained on purpose: node built-ins, dns-packet and the files of
// this folder only (eslint.config.js enforces it), so the image is the host's node, busybox and this folder.
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import { Addresses } from './addresses.js';
import { dnsSnapshot, setDnsSnapshot } from './dns-hook.js';
import { createDnsServer } from './dns/server.js';
import { readJsonLines, writeJsonLine } from './json-lines.js';
import { KernelPath } from './kernel-path.js';
import { ServiceTable } from './services.js';
import { TunnelPool } from './tunnels.js';

const token = process.env.MINI_KUBE_AGENT_TOKEN ?? '';
const controlPort = Number(process.env.MINI_KUBE_AGENT_PORT ?? 7946);
const log = (line) => console.log(`${new Date().toISOString()} ${line}`);

if (!token) {
  console.error('MINI_KUBE_AGENT_TOKEN is not set: refusing to run an unauthenticated control port');
  process.exit(2);
}

const tunnels = new TunnelPool();
const kernel = new KernelPath(log);
// before the control port opens: the first snapshot already finds the chains
await kernel.init();
let control;
let countsQueued = false;
const table = new ServiceTable({
  addresses: new Addresses(),
  tunnels,
  kernel,
  log,
  // open connections per endpoint, coalesced per tick: the kubelet drains on them before SIGTERM
  onOpenChange: () => {
    if (countsQueued) return;
    countsQueued = true;
    setImmediate(() => { countsQueued = false; if (control) writeJsonLine(control, { type: 'open', counts: table.openCounts() }); });
  },
});
tunnels.want = (waiting) => { if (control) writeJsonLine(control, { type: 'tunnels', waiting }); };

// Updates are applied in order, one at a time (each may add an address first).
let applying = Promise.resolve();
function apply(fn) {
  applying = applying.then(fn).catch((err) => log(`update failed: ${err.message}`));
  return applying;
}

function onControl(socket) {
  if (control && control !== socket) control.destroy(); // a restarted control plane replaces the old one
  control = socket;
  socket.on('close', () => { if (control === socket) control = undefined; });
  readJsonLines(socket, (msg) => {
    switch (msg.type) {
      case 'snapshot': void apply(async () => { await table.replaceAll(msg.services ?? []); writeJsonLine(socket, { type: 'synced', seq: msg.seq }); }); break;
      // the table at once, in order; the kernel's rules after it, outside the queue, so that an update
      // arriving while a restore runs is not queued behind it but folded into the next restore
      case 'service': void apply(() => table.upsert(msg.service, false)).then(() => table.syncKernel()).then(() => writeJsonLine(socket, { type: 'synced', seq: msg.seq })); break;
      case 'delete': void apply(() => table.remove(msg.key, false)).then(() => table.syncKernel()).then(() => writeJsonLine(socket, { type: 'synced', seq: msg.seq })); break;
      case 'dns': setDnsSnapshot(msg.snapshot); break;
      case 'ping': writeJsonLine(socket, { type: 'pong' }); break;
      default: break;
    }
  });
  table.pollKernelOpen(); // the kernel path's counts as they are now (a control plane adopting the agent drains on them)
  writeJsonLine(socket, { type: 'hello', pid: process.pid, open: table.openCounts() });
}

/** The first line of every connection says who it is: {"token": ..., "role": "control" | "tunnel"}. */
function onConnection(socket) {
  socket.on('error', () => {});
  socket.setNoDelay(true);
  let head = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), 10_000);
  const onData = (chunk) => {
    head = Buffer.concat([head, chunk]);
    const nl = head.indexOf(10);
    if (nl < 0) { if (head.length > 4096) socket.destroy(); return; }
    socket.off('data', onData);
    clearTimeout(timer);
    let hello;
    try { hello = JSON.parse(head.subarray(0, nl).toString('utf8')); } catch { socket.destroy(); return; }
    if (hello.token !== token) { socket.destroy(); return; }
    const rest = head.subarray(nl + 1);
    if (rest.length) socket.unshift(rest);
    if (hello.role === 'control') onControl(socket);
    else if (hello.role === 'tunnel') { socket.pause(); tunnels.add(socket); }
    else socket.destroy();
  };
  socket.on('data', onData);
}

const server = net.createServer({ allowHalfOpen: false, noDelay: true }, onConnection);
server.listen({ port: controlPort, host: '0.0.0.0' }, () => log(`network agent: control port ${controlPort}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));

// Cluster DNS (src/dns, copied into /agent/dns when the image is built) on the agent's own address, port 53:
// the pods' nameserver (the kubelet's clusterDNS). Not on 0.0.0.0, so a Service may still use port 53 on
// its ClusterIP. Names outside cluster.local go to the resolvers Docker gave this container (its embedded
// DNS, which forwards to the host's).
const EMPTY_SNAPSHOT = { clusterDomain: 'cluster.local', services: [], pods: [] };
const ownAddress = (os.networkInterfaces().eth0 ?? []).find((a) => a.family === 'IPv4' && !a.internal)?.address;
function upstreams() {
  try {
    const found = readFileSync('/etc/resolv.conf', 'utf8').split('\n')
      .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1]).filter((x) => x);
    return found.length ? found : ['127.0.0.11'];
  } catch {
    return ['127.0.0.11'];
  }
}
if (ownAddress) {
  createDnsServer({ host: ownAddress, port: 53, snapshot: () => dnsSnapshot() ?? EMPTY_SNAPSHOT, upstream: upstreams() })
    .then(() => log(`network agent: cluster DNS on ${ownAddress}:53`), (err) => log(`cluster DNS failed to start: ${err.message}`));
} else {
  log('cluster DNS not started: the agent has no IPv4 address on eth0');
}
