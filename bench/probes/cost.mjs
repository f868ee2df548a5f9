// CPU per probe with 1 s periods, for exec, httpGet and tcpSocket, on the real engine.
//
// The cluster (control plane in this process) runs N pods of the sample image once. Each measurement
// then runs in a child process (cost-worker.mjs) that does nothing else, given the pods with their
// status: its CPU (user + system, process.cpuUsage) over the window divided by the runs it finished is
// the path's cost. For probes: the kubelet's ProbeManager, workers, prober and handlers, with
// DockerRuntime for exec. The engine's CPU (dockerd, containerd, shims) is not ours and is not counted.
//
// Like with like, in the same run, alternating (A B A B) so that a change of load hits both sides:
// - exec probes vs the same command through a bare dockerode client (exec create, hijacked start, read
//   to the end, exec inspect: the exec probe's engine work) at the rate the probes achieved, over the
//   same containers. The engine sustains only so many execs per second (measured first, printed): at
//   more probes per second than that they queue past their timeout and the comparison would be of
//   timeouts, so exec runs on as many containers as half that rate (the reason is printed), and a last
//   row shows exec at all N containers for the record.
// - tcpSocket and httpGet probes at N containers vs node's own net.connect + destroy and http.get at
//   the same rate: what any node client pays for that connection on this machine.
// - what a node process pays here just to wake up N times a second (a timer, nothing else);
// - for scale, the `docker exec` CLI (its child processes' CPU).
// Goals: exec ≤ 1.1 × dockerode exec; httpGet and tcpSocket < 0.2 ms each.
// `node bench/probes/cost.mjs [containers=100] [windowSeconds=10]` (~5 min)
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchCluster, pod, waitFor } from './common.mjs';

const N = Number(process.argv[2] ?? 100);
const WINDOW_S = Number(process.argv[3] ?? 10);
const WORKER = fileURLToPath(new URL('./cost-worker.mjs', import.meta.url));
const load1 = () => os.loadavg()[0].toFixed(1);

function measure(mode, snapshot, containers, rate = 0) {
  const load = load1();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, mode, String(WINDOW_S), String(containers), String(rate)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve({ ...JSON.parse(out), load }) : reject(new Error(`${mode}: exit ${code}`))));
    child.stdin.end(snapshot);
  });
}

const perRun = (r) => r.cpuMs / r.n;
const rateOf = (r) => r.n / r.seconds;
function row(name, r, note = '') {
  const lat = Number.isFinite(r.p50) ? `, latency p50 ${r.p50.toFixed(0)} / p99 ${r.p99.toFixed(0)} ms` : '';
  const to = r.timeouts ? `, ${r.timeouts} timed out` : '';
  console.log(`${name.padEnd(30)} ${perRun(r).toFixed(3).padStart(8)} ms CPU per run  (${r.n} runs on ${r.containers} containers, ${rateOf(r).toFixed(0)}/s${lat}${to}${note}; load ${r.load})`);
}
/** CPU per run over several windows: total CPU ÷ total runs. */
const pooled = (rs) => rs.reduce((a, r) => a + r.cpuMs, 0) / rs.reduce((a, r) => a + r.n, 0);

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
  console.log(`${N} pods running in ${((Date.now() - t0) / 1000).toFixed(1)} s; windows of ${WINDOW_S} s; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);

  const capacity = await measure('capacity', snapshot, N);
  const M = Math.max(1, Math.min(N, Math.floor(capacity.rate / 2)));
  console.log(`engine: ${capacity.rate.toFixed(1)} execs/s sustained (16 in a closed loop, load ${capacity.load}); ` +
    (M < N ? `exec compared on ${M} containers (${M} probes/s, half that): ${N} probes/s would queue past their timeout` : `exec compared on all ${N} containers`));

  const execs = [];
  const bases = [];
  for (let round = 0; round < 2; round++) {
    const e = await measure('exec', snapshot, M);
    row('probe exec', e);
    const b = await measure('dockerode', snapshot, M, Math.max(1, Math.round(rateOf(e))));
    row('dockerode exec (baseline)', b);
    execs.push(e);
    bases.push(b);
  }
  const net = { tcpSocket: [[], []], httpGet: [[], []] };
  for (let round = 0; round < 2; round++) {
    for (const [h, bare] of [['tcpSocket', 'net-connect'], ['httpGet', 'http-get']]) {
      const p = await measure(h, snapshot, N);
      row(`probe ${h}`, p);
      const b = await measure(bare, snapshot, N, Math.max(1, Math.round(rateOf(p))));
      row(`node ${bare} (same rate)`, b);
      net[h][0].push(p);
      net[h][1].push(b);
    }
  }
  row('node timer wakeup alone', await measure('wakeup', snapshot, N, N), ' (the floor of any event-driven client at this rate)');
  const cli = await measure('cli', snapshot, M, Math.min(10, M));
  row('docker exec CLI', cli, `, +${(cli.nodeCpuMs / cli.n).toFixed(3)} ms in the spawning node`);
  if (M < N) row(`probe exec, all ${N} (overload)`, await measure('exec', snapshot, N));

  console.log('');
  const ratio = pooled(execs) / pooled(bases);
  console.log(`exec probe ${pooled(execs).toFixed(3)} ms / dockerode exec ${pooled(bases).toFixed(3)} ms = ${ratio.toFixed(2)}× (goal ≤ 1.1×: ${ratio <= 1.1 ? 'met' : 'NOT met'})`);
  for (const h of ['httpGet', 'tcpSocket']) {
    const v = pooled(net[h][0]);
    const b = pooled(net[h][1]);
    console.log(`${h}: ${v.toFixed(3)} ms (goal < 0.2 ms: ${v < 0.2 ? 'met' : 'NOT met'}); node's own connection here ${b.toFixed(3)} ms, the probe path adds ${(v - b).toFixed(3)} ms`);
  }
  console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
} finally {
  await stop();
}
