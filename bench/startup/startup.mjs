// Start-up cost of a library cluster, as a test file pays it: startCluster() then stop(), N times, with
// the image present and no pods. Printed side by side with two baselines that bound what is unavoidable:
// a Docker network created and removed (each cluster has its own network), and a bare HTTPS server
// started and closed (each cluster serves its API over TLS).
//   npm run build && node bench/startup/startup.mjs [N]
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { startCluster } from 'mini-kube';

const N = Number(process.argv[2] ?? 20);

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p90: at(0.9), min: s[0], max: s[s.length - 1] };
}

async function timed(fn) {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

async function measure(label, start, stop) {
  const starts = [];
  const stops = [];
  // one warm-up run: module loading and the first TLS/crypto initialisation are paid once per process
  await stop(await start());
  for (let i = 0; i < N; i++) {
    const [a, h] = await timed(start);
    const [b] = await timed(() => stop(h));
    starts.push(a);
    stops.push(b);
  }
  return { label, start: stats(starts), stop: stats(stops) };
}

const docker = new Docker();
const rows = [];
rows.push(await measure('mini-kube startCluster() / stop()', () => startCluster(), (c) => c.stop()));
rows.push(await measure('baseline: docker network create / rm', async () => {
  const net = await docker.createNetwork({ Name: `mk-bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, Labels: { 'io.mini-kube.bench': 'true' } });
  return net;
}, (net) => net.remove()));
const { generateTls } = await import('../../dist/src/api/tls.js');
const tls = await generateTls();
rows.push(await measure('baseline: https server listen / close', () => new Promise((resolve) => {
  const srv = https.createServer({ cert: tls.certPem, key: tls.keyPem });
  srv.listen(0, '127.0.0.1', () => resolve(srv));
}), (srv) => new Promise((resolve) => srv.close(() => resolve()))));

const f = (x) => x.toFixed(1).padStart(7);
console.log(`N=${N} runs each (after one warm-up), milliseconds, node ${process.version}`);
console.log(`${'what'.padEnd(40)} ${'start p50'.padStart(9)} ${'p90'.padStart(7)} ${'stop p50'.padStart(9)} ${'p90'.padStart(7)} ${'total p50'.padStart(9)}`);
for (const r of rows) {
  console.log(`${r.label.padEnd(40)} ${f(r.start.median).padStart(9)} ${f(r.start.p90)} ${f(r.stop.median).padStart(9)} ${f(r.stop.p90)} ${f(r.start.median + r.stop.median).padStart(9)}`);
}
