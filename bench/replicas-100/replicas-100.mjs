// 100 replicas with 1 s HTTP readiness probes (issue 19): `mini-kube apply -f` (a fresh CLI process, as
// typed) until the Deployment reports 100 ready replicas, against 100 `docker run -d` of the same image in
// parallel from a shell (until every command returned, and until every container answers HTTP, for the
// record); then the control plane's CPU while the 100 pods are steady (every probe firing once a second),
// from /proc over a window. The two sides run one after the other (never 300 containers at once).
//   npm run build && node bench/replicas-100/replicas-100.mjs [replicas=100] [window=20] [--skip-docker] [--bin path/to/bin/mini-kube.js]
// (30 replicas is the lighter A/B: `... 30 10 --bin /work/main/bin/mini-kube.js`, then the same with this build's)
// Bounded: every wait has a deadline (the whole run stops itself within ~6 min); it removes what it made
// (its own home with `down --purge`, the baseline's containers by their label) also when it fails.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const nums = args.filter((a) => /^\d+$/.test(a)).map(Number);
const REPLICAS = nums[0] ?? 100;
const WINDOW_S = nums[1] ?? 20;
const binArg = args.indexOf('--bin');
const BIN = binArg >= 0 ? path.resolve(args[binArg + 1]) : fileURLToPath(new URL('../../bin/mini-kube.js', import.meta.url));
const DIST = path.resolve(path.dirname(BIN), '../dist/src');
const { clientFor, runningState } = await import(path.join(DIST, 'client/connect.js'));
const IMAGE = 'ondalk8s/healthcheck:v1';
const LABEL = `io.mini-kube.bench=replicas-100-${process.pid}`;
const DEADLINE_MS = 240_000;

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-bench-r100-'));
const env = { ...process.env, MINI_KUBE_HOME: home, NO_COLOR: '1' };
const mk = (a, opts = {}) => execFileSync(process.execPath, [BIN, ...a], { env, encoding: 'utf8', ...opts });
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** user+system CPU seconds of a process, from /proc/PID/stat (fields 14 and 15, in clock ticks). */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function removeBaseline() {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (let i = 0; i < ids.length; i += 50) execFileSync('docker', ['rm', '-f', ...ids.slice(i, i + 50)], { stdio: 'ignore' });
}

async function dockerBaseline() {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `for i in $(seq ${REPLICAS}); do docker run -d --label ${LABEL} ${IMAGE} >/dev/null & done; wait`], { timeout: DEADLINE_MS });
  const returned = performance.now() - t0;
  if (r.status !== 0) throw new Error(`docker run: ${r.status ?? r.signal} ${r.stderr}`);
  // when every container answers (what "ready" means on the mini-kube side), polled from here
  const ids = execFileSync('docker', ['ps', '-q', '--filter', `label=${LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const ips = execFileSync('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', ...ids], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const pending = new Set(ips);
  while (pending.size && performance.now() - t0 < DEADLINE_MS) {
    await Promise.all([...pending].map(async (ip) => {
      const ok = await fetch(`http://${ip}:8080/readiness`, { signal: AbortSignal.timeout(1000) }).then((x) => x.ok, () => false);
      if (ok) pending.delete(ip);
    }));
    if (pending.size) await sleep(100);
  }
  const answering = performance.now() - t0;
  if (pending.size) throw new Error(`${pending.size} baseline containers never answered`);
  return { returned, answering, containers: ids.length };
}

async function miniKube() {
  mk(['up', '-d', '--no-kubeconfig']);
  const state = runningState(home);
  const client = clientFor(home, state);
  try {
    // warm-up, as the engine is warm for the baseline: the first pod of a fresh control plane also waits
    // for the cluster's network agent and the pod network
    mk(['apply', '-f', '-'], { input: `apiVersion: v1\nkind: Pod\nmetadata: {name: warm}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - {name: app, image: "${IMAGE}", imagePullPolicy: IfNotPresent}\n` });
    for (const t0 = performance.now(); performance.now() - t0 < 60_000; await sleep(200)) {
      const p = await client.get('Pod', 'default', 'warm').catch(() => undefined);
      if (p?.status?.phase === 'Running') break;
    }
    await client.delete('Pod', 'default', 'warm').catch(() => {});
    const file = path.join(home, 'deploy.yaml');
    fs.writeFileSync(file, `apiVersion: apps/v1
kind: Deployment
metadata: {name: r100}
spec:
  replicas: ${REPLICAS}
  selector: {matchLabels: {app: r100}}
  template:
    metadata: {labels: {app: r100}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: "${IMAGE}"
        imagePullPolicy: IfNotPresent
        ports: [{containerPort: 8080}]
        readinessProbe:
          httpGet: {path: /readiness, port: 8080}
          periodSeconds: 1
`);
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, 'apply', '-f', file], { env, stdio: 'ignore' });
    let ready = 0;
    while (performance.now() - t0 < DEADLINE_MS) {
      const d = await client.get('Deployment', 'default', 'r100').catch(() => undefined);
      ready = d?.status?.readyReplicas ?? 0;
      if (ready === REPLICAS) break;
      await sleep(100);
    }
    const allReady = performance.now() - t0;
    await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
    if (ready !== REPLICAS) throw new Error(`only ${ready}/${REPLICAS} ready after ${s(allReady)}`);

    // steady state: every pod probed once a second; the control plane's CPU over the window
    await sleep(3000);
    const c0 = cpuSeconds(state.pid);
    const w0 = performance.now();
    await sleep(WINDOW_S * 1000);
    const cpu = (cpuSeconds(state.pid) - c0) / ((performance.now() - w0) / 1000);
    const rssMb = Number(fs.readFileSync(`/proc/${state.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
    return { allReady, cpu, rssMb };
  } finally {
    client.close();
  }
}

console.log(`replicas-100 bench: ${BIN}, ${REPLICAS} replicas, ${WINDOW_S} s CPU window, node ${process.version}, ${os.cpus().length} cores, load ${load()}`);
const watchdog = setTimeout(() => { console.error('bench: over its time budget, stopping'); cleanup(); process.exit(2); }, 6 * 60_000);
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  try { removeBaseline(); } catch { /* best effort */ }
  try { mk(['down', '--purge'], { stdio: 'ignore', timeout: 120_000 }); } catch { /* best effort */ }
  fs.rmSync(home, { recursive: true, force: true });
}
process.on('SIGINT', () => { cleanup(); process.exit(130); });
try {
  mk(['build-sample-image']);
  let docker;
  if (!args.includes('--skip-docker')) {
    docker = await dockerBaseline();
    console.log(`docker run -d x${REPLICAS} in parallel (bash): all returned ${s(docker.returned)}, all answering HTTP ${s(docker.answering)} (load ${load()})`);
    removeBaseline();
  }
  const m = await miniKube();
  console.log(`mini-kube apply -f until ${REPLICAS} ready (1 s HTTP readiness probes): ${s(m.allReady)} (load ${load()})`);
  if (docker) {
    console.log(`ratio to docker run -d (returned): ${(m.allReady / docker.returned).toFixed(2)}x (goal <= 1.3x); to all answering: ${(m.allReady / docker.answering).toFixed(2)}x`);
  }
  console.log(`control plane while steady: ${(m.cpu * 100).toFixed(1)} % of a core over ${WINDOW_S} s (goal < 10 %), RSS ${m.rssMb.toFixed(1)} MB`);
} finally {
  clearTimeout(watchdog);
  cleanup();
}
