// Benchmark: what metrics.k8s.io costs (docs/metrics.md). A control plane of its own with N idle pods:
// resident memory and CPU share at rest before anyone asked for metrics, the first and a later
// `mini-kube top pod`, one scrape of the engine's stats for every container, and memory and CPU while
// the collector runs (a reading every 15 s).
// Run: npm run build && node bench/metrics/metrics.mjs [pods=10] [windowSeconds=30]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerRuntime } from '../../dist/src/runtime/docker.js';
import { KubeletResourceMetrics } from '../../dist/src/kubelet/resource-metrics.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'bin/mini-kube.js');
const pods = Number(process.argv[2] ?? 10);
const windowS = Number(process.argv[3] ?? 30);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-metrics-'));
const env = { ...process.env, MINI_KUBE_HOME: home };
const mk = (...args) => execFileSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function procStat(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const rss = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
  return { ticks: Number(stat[11]) + Number(stat[12]), rssMb: rss / 1024 };
}
async function window(pid) {
  const a = procStat(pid);
  await sleep(windowS * 1000);
  const b = procStat(pid);
  return { rssMb: b.rssMb, cpuPct: ((b.ticks - a.ticks) / 100 / windowS) * 100 };
}
function timed(fn) {
  const t0 = process.hrtime.bigint();
  const out = fn();
  return { out, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

try {
  mk('up', '-d', '--no-kubeconfig');
  const { pid, clusterId } = JSON.parse(fs.readFileSync(path.join(home, 'control-plane.json'), 'utf8'));
  const manifest = Array.from({ length: pods }, (_, i) => `apiVersion: v1
kind: Pod
metadata: {name: idle-${i}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - {name: main, image: ondalk8s/healthcheck:v1, command: ["sh", "-c", "sleep 3600"]}
`).join('---\n');
  const file = path.join(home, 'pods.yaml');
  fs.writeFileSync(file, manifest);
  mk('apply', '-f', file);
  for (let t = Date.now(); Date.now() - t < 120_000 && (mk('get', 'pod').match(/ Running /g) ?? []).length < pods;) await sleep(500);
  await sleep(5000);

  const idle = await window(pid);
  const first = timed(() => mk('top', 'pod'));
  const later = timed(() => mk('top', 'pod'));

  const runtime = new DockerRuntime();
  const source = new KubeletResourceMetrics(runtime, clusterId);
  await source.scrape(); // warm the inspect cache as the running kubelet has it
  const times = [];
  let containers = 0;
  for (let i = 0; i < 10; i++) {
    const t0 = process.hrtime.bigint();
    const s = await source.scrape();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    containers = s.pods.reduce((n, p) => n + p.containers.length, 0);
  }
  times.sort((a, b) => a - b);

  // keep the collector asked for during the window (an HPA reads every 15 s)
  const keepAsking = setInterval(() => { try { mk('top', 'node'); } catch { /* measured anyway */ } }, 15_000);
  const busy = await window(pid);
  clearInterval(keepAsking);

  console.log(`pods: ${pods} (${containers} app containers + sandboxes), engine ${os.cpus().length} CPUs, window ${windowS} s`);
  console.log(`control plane before any metrics request:  RSS ${idle.rssMb.toFixed(1)} MB, CPU ${idle.cpuPct.toFixed(2)} % of a core`);
  console.log(`first mini-kube top pod (collector start): ${first.ms.toFixed(0)} ms`);
  console.log(`later mini-kube top pod:                   ${later.ms.toFixed(0)} ms`);
  console.log(`one scrape of every container (median, max of 10): ${times[5].toFixed(0)} ms, ${times[9].toFixed(0)} ms`);
  console.log(`control plane with the collector running: RSS ${busy.rssMb.toFixed(1)} MB, CPU ${busy.cpuPct.toFixed(2)} % of a core`);
} finally {
  try { mk('down'); } catch { /* already down */ }
  fs.rmSync(home, { recursive: true, force: true });
}
