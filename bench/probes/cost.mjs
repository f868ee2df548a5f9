// CPU per probe at 100 containers with 1 s periods, for exec, httpGet and tcpSocket, on the real engine.
//
// The cluster (control plane in this process) runs N pods of the sample image once. Each measurement
// then runs in a child process (cost-worker.mjs) that does nothing else, given the pods with their
// status: its CPU (user + system, process.cpuUsage) over the window divided by the probes it ran is the
// probe path's cost: the kubelet's ProbeManager, workers, prober and handlers, with DockerRuntime for
// exec. The engine's CPU (dockerd, containerd, shims) is not ours and is not counted.
// Baseline for exec, same run, same containers, same command, at the rate the probes achieved: a bare
// dockerode client (exec create, hijacked start, read to the end, inspect) — the engine's own exec as a
// client pays for it; and for scale the `docker exec` CLI (its child processes' CPU).
// Goals: exec ≤ 1.1 × dockerode exec; httpGet and tcpSocket < 0.2 ms each.
// `node bench/probes/cost.mjs [containers=100] [windowSeconds=10]`
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchCluster, pod, waitFor } from './common.mjs';

const N = Number(process.argv[2] ?? 100);
const WINDOW_S = Number(process.argv[3] ?? 10);
const WORKER = fileURLToPath(new URL('./cost-worker.mjs', import.meta.url));

function measure(mode, snapshot, rate = 0) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, mode, String(WINDOW_S), String(rate)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${mode}: exit ${code}`))));
    child.stdin.end(snapshot);
  });
}

const { cluster, stop } = await benchCluster();
try {
  const { store } = cluster.controlPlane;
  const t0 = Date.now();
  const pods = [];
  for (let i = 0; i < N; i++) pods.push(pod(`cost-${i}`, {}));
  await cluster.apply(pods);
  const running = () => store.list('Pod').filter((p) => p.status?.containerStatuses?.[0]?.state?.running && p.status.podIP);
  await waitFor(`${N} running pods`, async () => running().length === N, 150_000);
  const snapshot = JSON.stringify(running());
  console.log(`${N} pods running in ${((Date.now() - t0) / 1000).toFixed(1)} s; windows of ${WINDOW_S} s`);

  const results = {};
  const row = (name, r, note = '') => {
    results[name] = r.cpuMs / r.n;
    console.log(`${name.padEnd(28)} ${(r.cpuMs / r.n).toFixed(3).padStart(8)} ms CPU per run  (${r.n} runs, ${(r.n / r.seconds).toFixed(0)}/s${note})`);
  };
  for (const mode of ['exec', 'httpGet', 'tcpSocket']) row(`probe ${mode}`, await measure(mode, snapshot));
  const execRate = Math.max(1, Math.round((results['probe exec'] && 0) || N));
  row('dockerode exec (baseline)', await measure('dockerode', snapshot, execRate));
  const cli = await measure('cli', snapshot, 10);
  row('docker exec CLI', cli, `, +${(cli.nodeCpuMs / cli.n).toFixed(3)} ms in the spawning node`);
  const ratio = results['probe exec'] / results['dockerode exec (baseline)'];
  console.log(`exec probe / dockerode exec: ${ratio.toFixed(2)}× (goal ≤ 1.1×: ${ratio <= 1.1 ? 'met' : 'NOT met'})`);
  for (const h of ['httpGet', 'tcpSocket']) {
    const v = results[`probe ${h}`];
    console.log(`${h}: ${v.toFixed(3)} ms (goal < 0.2 ms: ${v < 0.2 ? 'met' : 'NOT met'})`);
  }
  console.log(`load average during the run: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} CPUs`);
} finally {
  await stop();
}
