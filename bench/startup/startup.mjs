// Start-up cost of a library cluster, as a test file pays it: startCluster() then stop(), N times, with
// the image present and no pods. Printed side by side with two baselines: a Docker network created and
// removed (what a cluster cost when each had its own network; now they share one), and a bare HTTPS
// server started and closed (each cluster serves its API over TLS). Then the cold case, as a fresh test process
// pays it: a child process imports the package, starts and stops one cluster (cold.mjs).
//   npm run build && node bench/startup/startup.mjs [N]
import { execFileSync } from 'node:child_process';
import * as https from 'node:https';
import * as os from 'node:os';
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

const docker = new Docker();
const { generateTls } = await import('../../dist/src/api/http/tls.js');
const tls = await generateTls();
const subjects = [
  { label: 'mini-kube startCluster() / stop()', start: () => startCluster(), stop: (c) => c.stop() },
  // the control plane on the caller's loop (decision 183's inProcess), as every cluster ran before it
  { label: 'startCluster({ inProcess: true })', start: () => startCluster({ inProcess: true }), stop: (c) => c.stop() },
  {
    label: 'baseline: docker network create / rm',
    start: () => docker.createNetwork({ Name: `mk-bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, Labels: { 'io.mini-kube.bench': 'true' } }),
    stop: (net) => net.remove(),
  },
  {
    label: 'baseline: https server listen / close',
    start: () => new Promise((resolve) => {
      const srv = https.createServer({ cert: tls.certPem, key: tls.keyPem });
      srv.listen(0, '127.0.0.1', () => resolve(srv));
    }),
    stop: (srv) => new Promise((resolve) => srv.close(() => resolve())),
  },
];

// Round robin, so a load change on the machine affects every subject alike; one warm-up each first
// (module loading and the first TLS/crypto initialisation are paid once per process: see "cold" below).
for (const s of subjects) await s.stop(await s.start());
const runs = subjects.map(() => ({ start: [], stop: [] }));
for (let i = 0; i < N; i++) {
  for (const [k, s] of subjects.entries()) {
    const [a, h] = await timed(s.start);
    const [b] = await timed(() => s.stop(h));
    runs[k].start.push(a);
    runs[k].stop.push(b);
  }
}

const f = (x) => x.toFixed(1).padStart(7);
console.log(`N=${N} runs each (after one warm-up), milliseconds, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}`);
console.log(`${'what'.padEnd(40)} ${'start p50'.padStart(9)} ${'p90'.padStart(7)} ${'stop p50'.padStart(9)} ${'p90'.padStart(7)} ${'total p50'.padStart(9)}`);
for (const [k, s] of subjects.entries()) {
  const a = stats(runs[k].start);
  const b = stats(runs[k].stop);
  console.log(`${s.label.padEnd(40)} ${f(a.median).padStart(9)} ${f(a.p90)} ${f(b.median).padStart(9)} ${f(b.p90)} ${f(a.median + b.median).padStart(9)}`);
}

// cold: a fresh process imports the package, starts one cluster and stops it; its own process and
// in-process alternated. A test file imports then does its own set-up: COLD_GAP_MS (default 300) of it
// between import and start, during which the spare control plane loads.
const modes = { 'own process': {}, 'in process': { IN_PROCESS: '1', MINI_KUBE_PREFORK: '0' } };
const cold = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
for (let i = 0; i < Math.min(N, 10); i++) {
  for (const [m, env] of Object.entries(modes)) {
    cold[m].push(JSON.parse(execFileSync(process.execPath, [new URL('./cold.mjs', import.meta.url).pathname], { encoding: 'utf8', env: { ...process.env, ...env } })));
  }
}
for (const m of Object.keys(modes)) {
  const coldStats = (k) => stats(cold[m].map((c) => c[k]));
  console.log(`\ncold, ${m}, in a fresh process (${cold[m].length} runs): import p50 ${f(coldStats('import').median)}  start p50 ${f(coldStats('start').median)} p90 ${f(coldStats('start').p90)}  stop p50 ${f(coldStats('stop').median)}  import+gap+start p50 ${f(coldStats('total').median)}`);
}
