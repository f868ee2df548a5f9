// What the user waits for, from the command line: `mini-kube apply -f deploy.yaml` (a fresh process, as
// typed) until the API reports its 3 pods Running, against `docker run -d` x3 in parallel spawned by a
// shell (`bash -c '... & ... & ... & wait'`, the docker CLI as a user runs it; not from node, whose spawn
// of the docker CLI inflated the old baseline). Rounds alternate; medians and the ratio.
//   npm run build && node bench/cli/apply-vs-docker.mjs [rounds=5] [--replicas 3] [--bin path/to/bin/mini-kube.js ...]
// Several --bin (this build and main's, say): each gets a cluster of its own, up at the same time, and the
// rounds alternate build A, build B, ..., docker, so every subject sees the same load. The clusters idle
// while the others run (their kubelets resync every 10 s, a few engine list calls).
// The poll for "N Running" lists pods over the API every 20 ms from this process (not counted as CLI time);
// "pods seen" is the first poll that lists the Deployment's pods: the CLI's own start and its request,
// plus the controllers (a few ms in-process), as a split of the total.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const ROUNDS = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--replicas') ?? 5);
const repArg = args.indexOf('--replicas');
const REPLICAS = repArg >= 0 ? Number(args[repArg + 1]) : 3;
const bins = args.flatMap((a, i) => (a === '--bin' ? [path.resolve(args[i + 1])] : []));
if (!bins.length) bins.push(fileURLToPath(new URL('../../bin/mini-kube.js', import.meta.url)));
const IMAGE = 'ondalk8s/healthcheck:v1';
const LABEL = `io.mini-kube.bench=cli-apply-${process.pid}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const subjects = [];
async function upCluster(bin) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-bench-apply-'));
  const env = { ...process.env, MINI_KUBE_HOME: home, NO_COLOR: '1' };
  const mk = (a, opts = {}) => execFileSync(process.execPath, [bin, ...a], { env, encoding: 'utf8', ...opts });
  const subject = { bin, home, env, mk, times: [], seen: [] };
  subjects.push(subject);
  mk(['up', '-d', '--no-kubeconfig']);
  const dist = path.resolve(path.dirname(bin), '../dist/src');
  const { clientFor, runningState } = await import(path.join(dist, 'client/connect.js'));
  subject.client = clientFor(home, runningState(home));
  return subject;
}

async function miniKubeRound(s, i) {
  const app = `bench-${i}`;
  const file = path.join(s.home, 'deploy.yaml');
  fs.writeFileSync(file, `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${app}}\nspec:\n  replicas: ${REPLICAS}\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec:\n      terminationGracePeriodSeconds: 1\n      containers:\n      - {name: app, image: "${IMAGE}", imagePullPolicy: IfNotPresent}\n`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [s.bin, 'apply', '-f', file], { env: s.env, stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', r));
  let seen;
  for (;;) {
    const pods = (await s.client.list('Pod', { labelSelector: `app=${app}` })).items;
    if (pods.length && seen === undefined) seen = performance.now() - t0;
    if (pods.filter((p) => p.status?.phase === 'Running').length === REPLICAS) break;
    await sleep(20);
  }
  const ms = performance.now() - t0;
  await exited;
  await s.client.delete('Deployment', 'default', app);
  while ((await s.client.list('Pod', { labelSelector: `app=${app}` })).items.length) await sleep(200);
  return { ms, seen };
}

function dockerRound() {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `for i in $(seq ${REPLICAS}); do docker run -d --label ${LABEL} ${IMAGE} >/dev/null & done; wait`]);
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`docker run: ${r.stderr}`);
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  return ms;
}

console.log(`apply (CLI) to ${REPLICAS} Running vs docker run -d x${REPLICAS} (shell): ${ROUNDS} rounds, ${bins.length} build(s), node ${process.version}, load ${load()}`);
const dockerTimes = [];
try {
  for (const bin of bins) await upCluster(bin);
  subjects[0].mk(['build-sample-image']);
  for (const s of subjects) await miniKubeRound(s, 'warm');
  dockerRound();
  for (let i = 0; i < ROUNDS; i++) {
    // the order of the builds turns each round, so none always runs right after the docker baseline
    const order = subjects.map((_, k) => subjects[(k + i) % subjects.length]);
    const parts = [];
    for (const s of order) {
      const r = await miniKubeRound(s, i);
      s.times.push(r.ms);
      s.seen.push(r.seen);
      parts.push(`${subjects.indexOf(s) === 0 ? 'A' : String.fromCharCode(65 + subjects.indexOf(s))} ${r.ms.toFixed(0)} ms (pods seen ${r.seen.toFixed(0)})`);
    }
    dockerTimes.push(dockerRound());
    console.log(`round ${i + 1}: ${parts.join(', ')}, docker ${dockerTimes.at(-1).toFixed(0)} ms`);
  }
  const d = median(dockerTimes);
  subjects.forEach((s, k) => {
    const m = median(s.times);
    console.log(`${String.fromCharCode(65 + k)} ${s.bin}: median apply -> ${REPLICAS} Running ${m.toFixed(0)} ms (pods seen ${median(s.seen).toFixed(0)} ms), docker run -d x${REPLICAS} ${d.toFixed(0)} ms: ${(m / d).toFixed(2)}x`);
  });
  console.log(`(load ${load()})`);
} finally {
  for (const s of subjects) {
    s.client?.close();
    try { s.mk(['down', '--purge'], { stdio: 'ignore' }); } catch { /* best effort */ }
    fs.rmSync(s.home, { recursive: true, force: true });
  }
}
