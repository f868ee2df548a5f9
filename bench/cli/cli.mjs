// What a user waits for at the prompt: `mini-kube get pods`, `describe pod`, `exec`, `logs` against a
// running cluster, side by side with `kubectl get pods` on the same cluster and `node -e 0` (the floor of
// any Node CLI). Every command is a fresh process, as typed; runs are interleaved (round robin) so a load
// change on the machine hits every subject alike. Medians, p90, and the ratio to kubectl.
// Then the control plane's start: `up -d` until the API answers, N times (down in between).
//   npm run build && node bench/cli/cli.mjs [N] [--bin path/to/bin/mini-kube.js] [--compare other/bin/mini-kube.js] [--skip-up | --only-up] [--cpu]
// Uses a home of its own (MINI_KUBE_HOME=/tmp/mk-bench-cli-*) and removes it (and its pod) at the end.
// The warm-up round also makes the V8 code cache of each build's CLI bundle (bin/compile-cache.js), as a
// user's first command of a build does.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 20);
const binArg = args.indexOf('--bin');
const BIN = binArg >= 0 ? path.resolve(args[binArg + 1]) : fileURLToPath(new URL('../../bin/mini-kube.js', import.meta.url));
// --compare OTHER_BIN: that build's `get pods` in the same rounds (before/after a change, same load)
const cmpArg = args.indexOf('--compare');
const COMPARE = cmpArg >= 0 ? path.resolve(args[cmpArg + 1]) : undefined;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-bench-cli-'));
const kubeconfig = path.join(home, 'kubeconfig');
const env = { ...process.env, MINI_KUBE_HOME: home, KUBECONFIG: kubeconfig, NO_COLOR: '1' };

function mk(cmdArgs, opts = {}) {
  return execFileSync(process.execPath, [BIN, ...cmdArgs], { env, encoding: 'utf8', ...opts });
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p90: at(0.9), min: s[0] };
}

// --cpu: also the CPU time of each process (user + system, `perf stat -e task-clock`), which a loaded
// machine disturbs far less than wall time; perf's own start is then in every wall figure alike.
const CPU = args.includes('--cpu');
const cpuTimes = new Map();

/** Wall time of one process, start to exit, as the shell sees it (and its CPU time with --cpu). */
function wall(cmd, cmdArgs, label) {
  const t0 = performance.now();
  const r = CPU
    ? spawnSync('perf', ['stat', '-x', ',', '-e', 'task-clock', cmd, ...cmdArgs], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
    : spawnSync(cmd, cmdArgs, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (CPU && label) {
    const m = /^([\d.]+),msec,task-clock/m.exec(r.stderr);
    if (!m) throw new Error(`perf stat gave no task-clock: ${r.stderr}`);
    cpuTimes.set(label, [...(cpuTimes.get(label) ?? []), Number(m[1])]);
  }
  return ms;
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`mini-kube CLI bench: ${BIN}, N=${N}, node ${process.version}, ${os.cpus().length} cores, load ${load()}`);

const onlyUp = args.includes('--only-up');
if (!onlyUp) mk(['up', '-d', '--no-kubeconfig']);
if (!onlyUp) mk(['kubeconfig', '--output', kubeconfig]);
if (!onlyUp) try {
  mk(['build-sample-image']);
  mk(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: bench}\nspec:\n  containers:\n  - {name: app, image: ondalk8s/healthcheck:v1, imagePullPolicy: IfNotPresent}\n' });
  for (let i = 0; i < 300 && !/Running/.test(mk(['get', 'pod', 'bench'])); i++) await new Promise((r) => setTimeout(r, 200));

  const subjects = [
    ['node -e 0 (floor)', process.execPath, ['-e', '0']],
    ['kubectl get pods', 'kubectl', ['get', 'pods']],
    ['mini-kube get pods', process.execPath, [BIN, 'get', 'pods']],
    ['mini-kube describe pod bench', process.execPath, [BIN, 'describe', 'pod', 'bench']],
    ['mini-kube exec bench -- true', process.execPath, [BIN, 'exec', 'bench', '--', 'true']],
    ['mini-kube logs bench', process.execPath, [BIN, 'logs', 'bench']],
    ['kubectl describe pod bench', 'kubectl', ['describe', 'pod', 'bench']],
    ['kubectl exec bench -- true', 'kubectl', ['exec', 'bench', '--', 'true']],
    ['kubectl logs bench', 'kubectl', ['logs', 'bench']],
    ...(COMPARE ? [
      ['compare: get pods', process.execPath, [COMPARE, 'get', 'pods']],
      ['compare: describe pod bench', process.execPath, [COMPARE, 'describe', 'pod', 'bench']],
      ['compare: exec bench -- true', process.execPath, [COMPARE, 'exec', 'bench', '--', 'true']],
      ['compare: logs bench', process.execPath, [COMPARE, 'logs', 'bench']],
    ] : []),
  ];
  const times = new Map(subjects.map(([label]) => [label, []]));
  for (const [, cmd, a] of subjects) wall(cmd, a); // warm-up: page cache, the API's TLS session
  for (let i = 0; i < N; i++) for (const [label, cmd, a] of subjects) times.get(label).push(wall(cmd, a, label));

  const kubectl = (label) => stats(times.get(label.replace(/^mini-kube/, 'kubectl'))).median;
  console.log(`\n${'command'.padEnd(32)} ${'median'.padStart(8)} ${'p90'.padStart(8)}   ratio to kubectl${CPU ? '   CPU median' : ''}`);
  for (const [label] of subjects) {
    const s = stats(times.get(label));
    const ratio = /^(mini-kube|compare:) /.test(label) ? `${(s.median / kubectl(label.replace(/^compare: /, 'mini-kube '))).toFixed(2)}x` : '';
    const cpu = CPU ? `${stats(cpuTimes.get(label)).median.toFixed(1).padStart(7)}ms` : '';
    console.log(`${label.padEnd(32)} ${s.median.toFixed(0).padStart(6)}ms ${s.p90.toFixed(0).padStart(6)}ms   ${ratio.padEnd(16)} ${cpu}`);
  }
  console.log(`load after: ${load()}`);
} finally {
  mk(['down', '--purge']);
}

if (!args.includes('--skip-up')) {
  // `up -d` until the API answers (up -d returns only then), on a home with no pods; with --compare, the
  // other build's `up -d` in the same rounds, on a home of its own.
  const builds = [['this build', BIN, home], ...(COMPARE ? [['compare', COMPARE, fs.mkdtempSync(path.join(os.tmpdir(), 'mk-bench-cli-cmp-'))]] : [])];
  const ups = new Map(builds.map(([label]) => [label, []]));
  for (let i = 0; i < Math.min(N, 10); i++) {
    for (const [label, bin, h] of builds) {
      const e = { ...env, MINI_KUBE_HOME: h };
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [bin, 'up', '-d', '--no-kubeconfig'], { env: e, stdio: 'ignore' });
      ups.get(label).push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`${label}: up -d exited ${r.status}`);
      execFileSync(process.execPath, [bin, 'down'], { env: e, stdio: 'ignore' });
    }
  }
  for (const [label, bin, h] of builds) {
    const s = stats(ups.get(label));
    console.log(`up -d until the API answers (${label}): median ${s.median.toFixed(0)}ms, p90 ${s.p90.toFixed(0)}ms (${ups.get(label).length} runs)`);
    execFileSync(process.execPath, [bin, 'down', '--purge'], { env: { ...env, MINI_KUBE_HOME: h }, stdio: 'ignore' });
    if (h !== home) fs.rmSync(h, { recursive: true, force: true });
  }
  console.log(`load ${load()}`);
}
fs.rmSync(home, { recursive: true, force: true });
