// Lookup latency through the cluster DNS server vs the host's resolver, and the server's CPU per 1000
// lookups (docs/performance.md). node's dns.Resolver (c-ares) asks, one lookup at a time, as a program
// in a pod does; the server runs in a child process (bench/dns/server-child.mjs).
//   node bench/dns/lookup.mjs [lookups=5000] [external name=deb.debian.org]
import { fork } from 'node:child_process';
import { Resolver } from 'node:dns/promises';

const N = Number(process.argv[2] ?? 5000);
const EXTERNAL = process.argv[3] ?? 'deb.debian.org';

const child = fork(new URL('./server-child.mjs', import.meta.url));
process.on('exit', () => child.kill());
const ask = (msg) => new Promise((resolve) => { child.once('message', resolve); if (msg) child.send(msg); });
const { port } = await ask();

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A lookup until it settles: the addresses, or the resolver's error code (NXDOMAIN is an answer too). */
const settle = (resolver, name) => resolver.resolve4(name).then((a) => a.join(','), (e) => e.code);

async function measure(label, resolver, name) {
  const outcome = await settle(resolver, name); // warm: the cache of whoever answers
  const before = await ask('cpu');
  const times = [];
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await settle(resolver, name);
    times.push(performance.now() - t);
  }
  const wall = performance.now() - started;
  const after = await ask('cpu');
  times.sort((a, b) => a - b);
  const serverCpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
  return {
    label, name, outcome, n: N,
    p50: percentile(times, 50).toFixed(3), p99: percentile(times, 99).toFixed(3), max: times[times.length - 1].toFixed(3),
    lookupsPerSecond: Math.round(N / (wall / 1000)),
    serverCpuMsPer1000: label.startsWith('server') ? (serverCpuMs / (N / 1000)).toFixed(1) : '-',
  };
}

const server = new Resolver({ timeout: 2000, tries: 2 });
server.setServers([`127.0.0.1:${port}`]);
const host = new Resolver({ timeout: 2000, tries: 2 });
const rows = [];
rows.push(await measure('server, cluster name', server, 'svc42.ns2.svc.cluster.local'));
rows.push(await measure('server, cached external name', server, EXTERNAL));
rows.push(await measure("host's resolver, same external name", host, EXTERNAL));
console.table(rows);
const { stats } = await ask('cpu');
console.log('server stats', stats, 'host resolvers', host.getServers());
child.send('stop');
