// Timeline of one Deployment's apply to N pods Running on an in-process library cluster: store events
// (Deployment, ReplicaSet, Pods), the runtime's calls (start -> end) and the engine's container events,
// in ms from the apply. Where the time goes between the controllers, the scheduler, the kubelet and the
// engine. The first round warms up (network agent, image) and is not printed.
//   npm run build && node bench/apply/trace-deployment.mjs [replicas=3] [rounds=2] [path/to/dist] [--summary] [--ready] [--fsync]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const nums = args.filter((a) => /^\d+$/.test(a)).map(Number);
const N = nums[0] ?? 3;
const ROUNDS = nums[1] ?? 2;
const dist = path.resolve(args.find((a) => !/^\d+$/.test(a) && !a.startsWith('--')) ?? path.join(path.dirname(new URL(import.meta.url).pathname), '../../dist'));
const SUMMARY = args.includes('--summary');
// --ready: the pods carry a 1 s HTTP readiness probe (bench/replicas-100's), and the wait is for all ready
const READY = args.includes('--ready');
const { startCluster } = await import(pathToFileURL(path.join(dist, 'src/lib/index.js')).href);
let t0 = 0;
let app = '';
const lines = [];
const home = mkdtempSync(path.join(tmpdir(), 'mk-trace-'));
// the control plane's log lines (a failed sync says why) go on the timeline
const cluster = await startCluster({ home, inProcess: true, log: (line) => { if (t0) lines.push([now(), `log ${line}`]); } });
const rt = cluster.controlPlane.runtime;
// --fsync: the store fsyncs as the daemon's does (`up -d`); a library cluster does not (decision 185)
if (args.includes('--fsync')) cluster.controlPlane.store.fsync = true;
const calls = new Map();
/** per milestone (sandbox create, app start, Running, ready, ...), the times it was reached, one per pod */
const milestones = new Map();
const milestone = (k, t) => { const xs = milestones.get(k) ?? []; xs.push(t); milestones.set(k, xs); };
const seen = new Set();
/** Warning events (a failed start, a timed-out engine call) by reason, during the round */
const warnings = new Map();
const now = () => performance.now() - t0;
for (const m of Object.getOwnPropertyNames(Object.getPrototypeOf(rt))) {
  if (m === 'constructor' || typeof rt[m] !== 'function') continue;
  const orig = rt[m];
  rt[m] = function (...a) {
    const t = t0 ? now() : null;
    const r = orig.apply(this, a);
    if (t !== null && r && typeof r.then === 'function') {
      r.then(() => { const d = now() - t; lines.push([t, `rt ${m} -> ${Math.round(now())} (${Math.round(d)})`]); const c = calls.get(m) ?? { n: 0, ms: 0, max: 0 }; c.n++; c.ms += d; c.max = Math.max(c.max, d); calls.set(m, c); }, () => {});
    }
    return r;
  };
}
const wallNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
let t0ns = 0n;
const ev = spawn('docker', ['events', '--format', '{{json .}}', '--filter', 'type=container']);
let buf = '';
ev.stdout.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const l = buf.slice(0, i); buf = buf.slice(i + 1);
    try {
      const e = JSON.parse(l);
      if (!t0ns) continue;
      const t = Number(BigInt(e.timeNano) - t0ns) / 1e6;
      const name = e.Actor.Attributes.name || '';
      // the engine is shared: only this round's pods (k8s_POD_<pod>_..., k8s_<container>_<pod>_...)
      if (!name.includes(`_${app}-`)) continue;
      lines.push([t, `docker ${e.Action} ${name.slice(0, 50)}`]);
      const kind = name.startsWith('k8s_POD_') ? 'sandbox' : name.startsWith('k8s_') ? 'app' : undefined;
      if (kind && ['create', 'start'].includes(e.Action)) milestone(`${kind} ${e.Action}`, t);
    } catch { /* not json */ }
  }
});
await new Promise((r) => setTimeout(r, 500));
const store = cluster.controlPlane.store;
for (let i = -1; i < ROUNDS; i++) {
  app = `tr${i + 1}`;
  // the warm-up round (the network agent, the images) is one pod
  const replicas = i < 0 ? 1 : N;
  lines.length = 0; calls.clear(); milestones.clear(); seen.clear(); warnings.clear();
  const stop = store.watch({}, (e) => {
    const o = e.object;
    if (t0 && o.kind === 'Event' && o.type === 'Warning' && e.type === 'ADDED') warnings.set(o.reason, (warnings.get(o.reason) ?? 0) + 1);
    if (!t0 || !['Pod', 'ReplicaSet', 'Deployment'].includes(o.kind)) return;
    if (o.kind === 'Pod' && o.metadata.labels?.app !== app) return;
    const s = o.kind === 'Pod' ? `node=${o.spec?.nodeName ?? '-'} phase=${o.status?.phase} cs=${(o.status?.containerStatuses ?? []).map((c) => Object.keys(c.state ?? {})[0] + (c.ready ? '+' : '')).join(',')} ip=${o.status?.podIP ?? ''}`
      : `replicas=${o.status?.replicas ?? '-'} ready=${o.status?.readyReplicas ?? '-'}`;
    lines.push([now(), `store ${e.type} ${o.kind} ${o.metadata.name.slice(-12)} ${s}`]);
    if (o.kind === 'Pod') {
      const once = (k) => { if (!seen.has(`${k}/${o.metadata.name}`)) { seen.add(`${k}/${o.metadata.name}`); milestone(k, now()); } };
      once('pod created');
      if (o.spec?.nodeName) once('pod bound');
      if (o.status?.phase === 'Running') once('pod Running');
      if (o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) once('pod Ready');
    }
  });
  let done; const running = new Promise((r) => (done = r));
  const stopR = store.watch({ kind: 'Pod' }, () => {
    const pods = store.list('Pod').filter((p) => p.metadata.labels?.app === app);
    const ok = (p) => (READY ? p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') : p.status?.phase === 'Running');
    if (pods.filter(ok).length === replicas) done();
  });
  const cpu0 = process.cpuUsage();
  t0 = performance.now(); t0ns = wallNs();
  await cluster.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app }, spec: { replicas, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'ondalk8s/healthcheck:v1', imagePullPolicy: 'IfNotPresent', ...(READY ? { ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: '/readiness', port: 8080 }, periodSeconds: 1 } } : {}) }] } } } });
  lines.push([now(), 'apply returned']);
  await running;
  const total = now();
  const cpu = process.cpuUsage(cpu0);
  lines.push([total, `ALL ${N} ${READY ? 'READY' : 'RUNNING'}`]);
  await new Promise((r) => setTimeout(r, 300));
  stop(); stopR();
  if (i >= 0) {
    console.log(`--- ${app}: ${N} ${READY ? 'ready' : 'Running'} at ${Math.round(total)} ms; this process (control plane + trace) used ${Math.round((cpu.user + cpu.system) / 1000)} ms of CPU meanwhile`);
    if (!SUMMARY) for (const [t, s] of lines.sort((a, b) => a[0] - b[0])) console.log(String(Math.round(t)).padStart(6), s);
    const pct = (xs, q) => Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]);
    for (const [k, xs] of milestones) console.log(`  ${k.padEnd(16)} n=${String(xs.length).padStart(3)} first ${pct(xs, 0)} p50 ${pct(xs, 0.5)} p90 ${pct(xs, 0.9)} last ${pct(xs, 1)} ms`);
    if (SUMMARY) for (const [t, l] of lines.filter(([, l]) => l.startsWith('log ')).slice(0, 20)) console.log(String(Math.round(t)).padStart(6), l);
    if (warnings.size) console.log('Warning events:', [...warnings].map(([r, n]) => `${r} x${n}`).join(', '));
    console.log('runtime calls (count, total ms, longest ms):', [...calls].map(([m, c]) => `${m} ${c.n} ${Math.round(c.ms)} ${Math.round(c.max)}`).join(', '));
  }
  t0 = 0; t0ns = 0n;
  await cluster.delete('Deployment', app);
  while (store.list('Pod').some((p) => p.metadata.labels?.app === app)) await new Promise((r) => setTimeout(r, 100));
}
ev.kill();
await cluster.stop();
rmSync(home, { recursive: true, force: true });
