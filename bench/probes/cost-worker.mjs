// One measurement of cost.mjs, in a process of its own so that its CPU is the measured path's and
// nothing else's (the control plane, the API server and the kubelet live in the parent). Reads the pods
// (with their status) as JSON on stdin, uses the first `containers` of them, prints one JSON object.
//   node cost-worker.mjs <mode> <seconds> <containers> [rate]
//   exec | httpGet | tcpSocket: the kubelet's ProbeManager + DockerRuntime, one readiness probe per
//     container, 1 s period; CPU over the window ÷ probes finished in it (Prober.probesRun);
//   dockerode: the exec probe's engine work through a bare dockerode client — exec create, hijacked
//     start, read to the end, exec inspect for the exit code — paced at `rate`/s;
//   net-connect | http-get: node's own net.connect + destroy / http.get (no agent, Connection: close,
//     body read) to the same pod port at `rate`/s: what any node client pays for the same connection;
//   wakeup: nothing but waking up at `rate`/s (a timer each): the floor of anything event-driven here;
//   cli: `docker exec` processes at `rate`/s (their CPU from /proc/self/stat cutime+cstime);
//   capacity: DockerRuntime.exec in a closed loop of 16 for `seconds`: the execs/s the engine sustains.
// Paced modes count only the runs that finished (and wait for the last ones, their CPU included).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import Docker from 'dockerode';
import { ProbeManager } from '../../dist/src/probes/manager.js';
import { DockerRuntime } from '../../dist/src/runtime/docker.js';

const [mode, secondsArg, containersArg, rateArg] = process.argv.slice(2);
const SECONDS = Number(secondsArg);
const RATE = Number(rateArg ?? 0);
const EXEC_CMD = ['cat', 'tmp/healthcheck'];
const PORT = 8080;
const ACTIONS = {
  exec: { exec: { command: EXEC_CMD } },
  httpGet: { httpGet: { path: '/readiness', port: PORT } },
  tcpSocket: { tcpSocket: { port: PORT } },
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cpuMs = (from) => { const d = process.cpuUsage(from); return (d.user + d.system) / 1000; };
const pods = JSON.parse(readFileSync(0, 'utf8')).slice(0, Number(containersArg));
const ids = pods.map((p) => p.status.containerStatuses[0].containerID.replace('docker://', ''));
const ips = pods.map((p) => p.status.podIP);
const out = (o) => process.stdout.write(JSON.stringify({ ...o, seconds: SECONDS, containers: pods.length }));
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN; };

if (ACTIONS[mode]) {
  const byUid = new Map(pods.map((p) => [p.metadata.uid, p]));
  const runtime = new DockerRuntime();
  // exec latencies and timeouts, to tell a probe that kept up from one that queued behind the engine
  const latencies = [];
  let timeouts = 0;
  let measuring = false;
  const timedRuntime = {
    exec: async (...args) => {
      const t = performance.now();
      const r = await runtime.exec(...args);
      if (measuring) { latencies.push(performance.now() - t); if (r.timedOut) timeouts++; }
      return r;
    },
  };
  const mgr = new ProbeManager({
    runtime: mode === 'exec' ? timedRuntime : runtime, getPod: (uid) => byUid.get(uid), onUpdate: () => {}, recordEvent: () => {},
    onError: (err) => console.error(err),
  });
  for (const p of pods) {
    const withProbe = structuredClone(p);
    withProbe.spec.containers[0].readinessProbe = { ...ACTIONS[mode], periodSeconds: 1, timeoutSeconds: 5 };
    mgr.addPod(withProbe);
  }
  await sleep(2_500); // the start jitter spreads the first probes over a period; settle first
  const n0 = mgr.probesRun;
  measuring = true;
  const cpu = process.cpuUsage();
  await sleep(SECONDS * 1000);
  const used = cpuMs(cpu);
  measuring = false;
  const n = mgr.probesRun - n0;
  out({ cpuMs: used, n, ...(mode === 'exec' ? { timeouts, p50: pct(latencies, 50), p99: pct(latencies, 99) } : {}) });
  mgr.stop();
  await sleep(500);
  process.exit(0);
}

// Paced runs: `rate` per second, round robin over the containers, for SECONDS; waits for the
// stragglers. Counts and times finished runs only.
async function paced(fn, rate) {
  let n = 0;
  const latencies = [];
  const inflight = new Set();
  const start = Date.now();
  for (let k = 0; k < rate * SECONDS; k++) {
    const at = start + (k * 1000) / rate;
    if (at > Date.now()) await sleep(at - Date.now());
    const t = performance.now();
    const p = fn(k % pods.length).then(() => { n++; latencies.push(performance.now() - t); }, () => {}).finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  return { n, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

if (mode === 'dockerode') {
  const docker = new Docker();
  const plainExec = async (i) => {
    const exec = await docker.getContainer(ids[i]).exec({ Cmd: EXEC_CMD, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    await new Promise((resolve) => {
      stream.on('data', () => {});
      stream.once('end', resolve); stream.once('close', resolve); stream.on('error', resolve);
    });
    stream.destroy();
    const { ExitCode } = await exec.inspect();
    if (ExitCode !== 0) throw new Error(`exit ${ExitCode}`);
  };
  const cpu = process.cpuUsage();
  const r = await paced(plainExec, RATE);
  out({ cpuMs: cpuMs(cpu), ...r });
} else if (mode === 'net-connect') {
  const connect = (i) => new Promise((resolve, reject) => {
    const s = net.connect({ host: ips[i], port: PORT });
    s.once('connect', () => { s.destroy(); resolve(); });
    s.once('error', reject);
  });
  const cpu = process.cpuUsage();
  const r = await paced(connect, RATE);
  out({ cpuMs: cpuMs(cpu), ...r });
} else if (mode === 'http-get') {
  const get = (i) => new Promise((resolve, reject) => {
    const req = http.get({ host: ips[i], port: PORT, path: '/readiness', agent: false, headers: { 'User-Agent': 'kube-probe/1.32', Accept: '*/*', Connection: 'close' } }, (res) => {
      res.resume();
      res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.once('error', reject);
  });
  const cpu = process.cpuUsage();
  const r = await paced(get, RATE);
  out({ cpuMs: cpuMs(cpu), ...r });
} else if (mode === 'wakeup') {
  const cpu = process.cpuUsage();
  const r = await paced(async () => {}, RATE);
  out({ cpuMs: cpuMs(cpu), ...r });
} else if (mode === 'cli') {
  const ticks = () => { const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' '); return Number(f[13]) + Number(f[14]); };
  const before = ticks();
  const cpu = process.cpuUsage();
  const r = await paced((i) => new Promise((resolve, reject) => execFile('docker', ['exec', ids[i], ...EXEC_CMD], (err) => (err ? reject(err) : resolve()))), RATE);
  // USER_HZ is 100 on Linux: ticks of 10 ms.
  out({ cpuMs: (ticks() - before) * 10, nodeCpuMs: cpuMs(cpu), ...r });
} else if (mode === 'capacity') {
  const runtime = new DockerRuntime();
  let n = 0;
  let k = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (Date.now() < end) {
      await runtime.exec(ids[k++ % ids.length], EXEC_CMD, { timeoutMs: 30_000 }).then(() => n++, () => {});
    }
  }));
  out({ rate: n / SECONDS, n });
} else if (!ACTIONS[mode]) {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
