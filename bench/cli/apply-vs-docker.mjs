// What the user waits for, from the command line: `mini-kube apply -f deploy.yaml` (a fresh process, as
// typed) until the API reports its 3 pods Running, against `docker run -d` x3 in parallel spawned by a
// shell (`bash -c '... & ... & ... & wait'`, the docker CLI as a user runs it; not from node, whose spawn
// of the docker CLI inflated the old baseline). Rounds alternate; medians and the ratio.
//   npm run build && node bench/cli/apply-vs-docker.mjs [rounds=5] [--bin path/to/bin/mini-kube.js]
// The poll for "3 Running" lists pods over the API every 20 ms from this process (not counted as CLI time).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const ROUNDS = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
const binArg = args.indexOf('--bin');
const BIN = binArg >= 0 ? path.resolve(args[binArg + 1]) : fileURLToPath(new URL('../../bin/mini-kube.js', import.meta.url));
const DIST = path.resolve(path.dirname(BIN), '../dist/src');
const { clientFor, runningState } = await import(path.join(DIST, 'client/connect.js'));
const IMAGE = 'ondalk8s/healthcheck:v1';
const LABEL = 'io.mini-kube.bench=cli-apply';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-bench-apply-'));
const env = { ...process.env, MINI_KUBE_HOME: home, NO_COLOR: '1' };
const mk = (a, opts = {}) => execFileSync(process.execPath, [BIN, ...a], { env, encoding: 'utf8', ...opts });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

mk(['up', '-d', '--no-kubeconfig']);
const client = clientFor(home, runningState(home));
const file = path.join(home, 'deploy.yaml');

async function miniKubeRound(i) {
  const app = `bench-${i}`;
  fs.writeFileSync(file, `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${app}}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec:\n      terminationGracePeriodSeconds: 1\n      containers:\n      - {name: app, image: "${IMAGE}", imagePullPolicy: IfNotPresent}\n`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'apply', '-f', file], { env, stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', r));
  for (;;) {
    const pods = (await client.list('Pod', { labelSelector: `app=${app}` })).items;
    if (pods.filter((p) => p.status?.phase === 'Running').length === 3) break;
    await sleep(20);
  }
  const ms = performance.now() - t0;
  await exited;
  await client.delete('Deployment', 'default', app);
  while ((await client.list('Pod', { labelSelector: `app=${app}` })).items.length) await sleep(200);
  return ms;
}

function dockerRound() {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `for i in 1 2 3; do docker run -d --label ${LABEL} ${IMAGE} >/dev/null & done; wait`]);
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`docker run: ${r.stderr}`);
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  return ms;
}

console.log(`apply (CLI) to 3 Running vs docker run -d x3 (shell): ${ROUNDS} rounds, node ${process.version}, load ${load()}`);
const mkTimes = [];
const dockerTimes = [];
try {
  mk(['build-sample-image']);
  await miniKubeRound('warm');
  dockerRound();
  for (let i = 0; i < ROUNDS; i++) {
    mkTimes.push(await miniKubeRound(i));
    dockerTimes.push(dockerRound());
    console.log(`round ${i + 1}: mini-kube ${mkTimes.at(-1).toFixed(0)} ms, docker ${dockerTimes.at(-1).toFixed(0)} ms`);
  }
  const m = median(mkTimes);
  const d = median(dockerTimes);
  console.log(`median: mini-kube apply -> 3 Running ${m.toFixed(0)} ms, docker run -d x3 ${d.toFixed(0)} ms: ${(m / d).toFixed(2)}x (load ${load()})`);
} finally {
  client.close();
  mk(['down', '--purge']);
  fs.rmSync(home, { recursive: true, force: true });
}
