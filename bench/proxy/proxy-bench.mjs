// bench/proxy: requests per second and p99 latency through a Service's nodePort (layer 4 and HTTP mode)
// against nginx round-robin over the same three pods, alternated in one run with wrk; the readiness
// probe's period under that load; and the time from a failing readiness result to the last new
// connection the proxy sends to that pod. Bounded (about 2 minutes) and self-cleaning (its own cluster
// and home, nginx in a temp dir, everything stopped in `finally`).
//
//   npm run build && npm run sample-image && node bench/proxy/proxy-bench.mjs [--rounds 3] [--seconds 5]
// Needs wrk and nginx on PATH (Debian: apt-get install -y wrk nginx).
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startCluster } from '../../dist/src/lib/index.js';
import { arg, freePort, median, run, startNginx, wrk } from './common.mjs';

const ROUNDS = arg('rounds', 3);
const SECONDS = arg('seconds', 5);
const CONNECTIONS = arg('connections', 32);
const SAMPLES = arg('samples', 12);

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bench
spec:
  replicas: 3
  selector:
    matchLabels:
      app: bench
  template:
    metadata:
      labels:
        app: bench
    spec:
      containers:
      - name: app
        image: ondalk8s/healthcheck:v1
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 8080
        readinessProbe:
          httpGet:
            path: /readiness
            port: 8080
          periodSeconds: 1
          failureThreshold: 1
---
apiVersion: v1
kind: Service
metadata:
  name: bench
spec:
  type: NodePort
  selector:
    app: bench
  ports:
  - name: tcp
    port: 80
    targetPort: 8080
  - name: http
    port: 81
    targetPort: 8080
    appProtocol: http
`;

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

const cluster = await startCluster({ inProcess: true }); // reads cluster.controlPlane
let nginx;
try {
  const cp = cluster.controlPlane;
  // Instrument the readiness probe: when each run starts and what it returned (a wrapper, no code change).
  const prober = cp.kubelet.probes.prober;
  const runs = new Map(); // podUid -> [performance.now() at start]
  const failures = []; // { podUid, at }
  const original = prober.probe.bind(prober);
  prober.probe = async (type, probe, pod, container, containerId) => {
    const started = performance.now();
    if (type === 'readiness') {
      const list = runs.get(pod.metadata.uid) ?? [];
      list.push(started);
      runs.set(pod.metadata.uid, list);
    }
    const result = await original(type, probe, pod, container, containerId);
    if (type === 'readiness' && result.result === 'failure') failures.push({ podUid: pod.metadata.uid, at: performance.now() });
    return result;
  };

  // When the kubelet's Ready=False reaches the store (the proxy's only input).
  // Transitions only: under heavy load a probe can time out once before `rm` lands, so a pod may flap
  // (False, True, False); the measure starts at its last transition to False.
  const unreadyWritten = []; // { podUid, at }
  const readyNow = new Map();
  cp.store.watch({ kind: 'Pod' }, (e) => {
    const ready = e.object.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const uid = e.object.metadata.uid;
    if (ready === readyNow.get(uid)) return;
    readyNow.set(uid, ready);
    if (ready === 'False') unreadyWritten.push({ podUid: uid, at: performance.now() });
  });

  await cluster.apply(MANIFEST);
  await cluster.waitForEndpoints('bench', 3, { timeoutMs: 60_000 });
  const pods = await cluster.pods('app=bench');
  const ips = pods.map((p) => p.status.podIP);
  const l4 = await cluster.serviceUrl('bench', { port: 'tcp' });
  const web = await cluster.serviceUrl('bench', { port: 'http' });
  const nginxPort = await freePort();
  nginx = await startNginx(ips.map((ip) => `${ip}:8080`), nginxPort);
  const targets = { nginx: `http://127.0.0.1:${nginxPort}/`, l4: `${l4}/`, http: `${web}/` };

  const maxDrift = (from, to) => {
    let worst = 0;
    for (const list of runs.values()) {
      const inside = list.filter((t) => t >= from && t <= to);
      for (let i = 1; i < inside.length; i++) worst = Math.max(worst, Math.abs(inside[i] - inside[i - 1] - 1000));
    }
    return worst;
  };

  console.log(`wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} rounds alternated; ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
  const results = { nginx: [], l4: [], http: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of ['nginx', 'l4', 'http']) {
      const from = performance.now();
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const w = await wrk(targets[name], { connections: CONNECTIONS, seconds: SECONDS });
      loop.disable();
      w.drift = maxDrift(from, performance.now());
      w.loopP99 = loop.percentile(99) / 1e6;
      results[name].push(w);
      console.log(`round ${r + 1} ${name.padEnd(5)} ${w.rps.toFixed(0).padStart(7)} req/s  p99 ${w.p99.toFixed(2)} ms  non-2xx ${w.errors} ${w.sock}  probe period drift max ${w.drift.toFixed(1)} ms  event-loop delay p99 ${w.loopP99.toFixed(1)} ms`);
    }
  }
  const base = median(results.nginx.map((w) => w.rps));
  const baseP99 = median(results.nginx.map((w) => w.p99));
  console.log('\nmedian of rounds:');
  console.log('mode   req/s    vs nginx  p99 ms  p99 - nginx  probe drift max');
  for (const name of ['nginx', 'l4', 'http']) {
    const rps = median(results[name].map((w) => w.rps));
    const p99 = median(results[name].map((w) => w.p99));
    const drift = Math.max(...results[name].map((w) => w.drift));
    console.log(`${name.padEnd(6)} ${rps.toFixed(0).padStart(6)}  ${(rps / base).toFixed(2).padStart(8)}  ${p99.toFixed(2).padStart(6)}  ${(p99 - baseP99).toFixed(2).padStart(11)}  ${drift.toFixed(1).padStart(9)} ms`);
  }

  // Readiness result -> last new connection to that pod, under load with a new connection per request.
  console.log(`\nreadiness failure -> last new connection to the pod (${SAMPLES} samples, wrk "Connection: close" on the L4 port)`);
  const load = spawn('wrk', ['-t1', '-c8', `-d${SAMPLES * 6}s`, '-H', 'Connection: close', targets.l4], { stdio: 'ignore' });
  const delays = [];
  const written = [];
  try {
    for (let i = 0; i < SAMPLES; i++) {
      const pod = pods[i % pods.length];
      const id = (await cluster.get('Pod', pod.metadata.name)).status.containerStatuses[0].containerID.replace('docker://', '');
      const seen = failures.length;
      await run('docker', ['exec', id, 'rm', '/tmp/healthcheck']);
      const deadline = Date.now() + 5000;
      while (!failures.slice(seen).some((f) => f.podUid === pod.metadata.uid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const failure = failures.slice(seen).find((f) => f.podUid === pod.metadata.uid);
      await new Promise((r) => setTimeout(r, 500));
      const w = unreadyWritten.filter((u) => u.podUid === pod.metadata.uid).at(-1);
      if (failure && w && readyNow.get(pod.metadata.uid) === 'False') {
        // the failing result that led to this last transition
        const f = failures.filter((x) => x.podUid === pod.metadata.uid && x.at <= w.at).at(-1) ?? failure;
        const last = cp.proxy.stats.lastSent.get(pod.metadata.name) ?? 0;
        delays.push(Math.max(0, last - f.at));
        written.push({ kubelet: w.at - f.at, proxy: Math.max(0, last - w.at) });
      }
      await run('docker', ['exec', id, 'touch', '/tmp/healthcheck']);
      await cluster.waitForEndpoints('bench', 3, { timeoutMs: 10_000 });
    }
  } finally {
    load.kill();
  }
  console.log(`samples ${delays.length}: p50 ${pct(delays, 50).toFixed(1)} ms, p99 ${pct(delays, 99).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms`);
  const k = written.map((x) => x.kubelet);
  const pr = written.map((x) => x.proxy);
  console.log(`  of which probe result -> Ready=False in the store (kubelet): p50 ${pct(k, 50).toFixed(1)} ms, p99 ${pct(k, 99).toFixed(1)} ms`);
  console.log(`  and Ready=False in the store -> last new connection (proxy): p50 ${pct(pr, 50).toFixed(1)} ms, p99 ${pct(pr, 99).toFixed(1)} ms`);
} finally {
  nginx?.stop();
  await cluster.stop();
}
