// Requests/s from a pod to a ClusterIP vs the same pod to the one endpoint directly (issue #15: >= 0.8x),
// and the network agent's memory. The ClusterIP is measured on both data paths (decision 162): the kernel's
// (a plain Service: DNAT in the agent) and the userspace relay's (the same pod behind a second Service with
// sessionAffinity: ClientIP, which the agent relays itself; with one endpoint the pin changes nothing). One cluster (the library, from dist/), one backend pod (the sample app)
// behind a ClusterIP Service, one loader pod running a keep-alive HTTP load written for node (the sample
// image has no wrk): `conns` connections, each sending its next request as soon as the last answer ends.
// The two targets alternate `rounds` times, so drift on the shared machine hits both alike.
//   npm run build && node bench/cluster-ip/cluster-ip-bench.mjs [--seconds 5] [--conns 8] [--rounds 3]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startCluster } from '../../dist/src/lib/index.js';
import { buildSampleImage } from '../../dist/src/runtime/sample-image.js';

const run = promisify(execFile);
const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const seconds = arg('seconds', 5);
const conns = arg('conns', 8);
const rounds = arg('rounds', 3);

const APP = `apiVersion: v1
kind: Pod
metadata: {name: backend, labels: {app: backend}}
spec:
  containers:
  - {name: app, image: ondalk8s/healthcheck:v1, imagePullPolicy: IfNotPresent, ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: backend-relay}
spec:
  selector: {app: backend}
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: loader}
spec:
  containers:
  - {name: c, image: ondalk8s/healthcheck:v1, imagePullPolicy: IfNotPresent, command: [sleep, "3600"]}
`;

const LOAD = `const http = require('http');
const [host, port, secs, conns] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(conns) });
let done = 0, errors = 0; const end = Date.now() + Number(secs) * 1000;
function one() {
  if (Date.now() >= end) return Promise.resolve();
  return new Promise((r) => {
    const req = http.get({ host, port: Number(port), path: '/', agent }, (res) => { res.resume(); res.on('end', () => { done++; r(); }); });
    req.on('error', () => { errors++; r(); });
  }).then(one);
}
Promise.all(Array.from({ length: Number(conns) }, one)).then(() => { console.log(JSON.stringify({ rps: done / Number(secs), errors })); agent.destroy(); });`;

await buildSampleImage();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-bench-cip-'));
const cluster = await startCluster({ home, inProcess: true }); // reads cluster.controlPlane
try {
  const agent = await cluster.controlPlane.network.ready;
  if (!agent) throw new Error('the network agent did not start');
  await cluster.apply(APP);
  await cluster.waitForEndpoints('backend', 1, { timeoutMs: 60_000 });
  await cluster.waitForEndpoints('backend-relay', 1, { timeoutMs: 60_000 });
  await cluster.waitForPodReady('loader', { timeoutMs: 60_000 });
  const clusterIP = (await cluster.get('Service', 'backend')).spec.clusterIP;
  const relayIP = (await cluster.get('Service', 'backend-relay')).spec.clusterIP;
  const podIP = (await cluster.get('Pod', 'backend')).status.podIP;
  const load = async (host, port) => JSON.parse((await cluster.exec('loader', ['node', '-e', LOAD, '--', host, String(port), String(seconds), String(conns)])).stdout);
  await load(clusterIP, 80); // warm-up (JIT, first connections)
  // CPU per request (load-independent): the agent's and the backend's container processes, from /proc
  const backendId = (await cluster.get('Pod', 'backend')).status.containerStatuses[0].containerID.replace(/^docker:\/\//, '');
  // every process of the container (the app may run under an init): utime + stime, in 1/100 s
  const ticks = async (id) => (await run('docker', ['exec', id, 'sh', '-c', 'cat /proc/[0-9]*/stat'])).stdout.trim().split('\n')
    .map((l) => l.split(') ')[1].split(' ')).reduce((sum, f) => sum + Number(f[11]) + Number(f[12]), 0);
  const cpu = { agent: 0, backend: 0, requests: 0 };
  const cpuRelay = { agent: 0, requests: 0 };
  const direct = [];
  const viaClusterIP = [];
  const viaRelay = [];
  for (let i = 0; i < rounds; i++) {
    direct.push(await load(podIP, 8080));
    const r0 = await ticks(agent.id);
    const rr = await load(relayIP, 80);
    cpuRelay.agent += (await ticks(agent.id)) - r0; cpuRelay.requests += rr.rps * seconds;
    viaRelay.push(rr);
    const [a0, b0] = [await ticks(agent.id), await ticks(backendId)];
    const r = await load(clusterIP, 80);
    const [a1, b1] = [await ticks(agent.id), await ticks(backendId)];
    cpu.agent += a1 - a0; cpu.backend += b1 - b0; cpu.requests += r.rps * seconds;
    viaClusterIP.push(r);
  }
  const usPerRequest = (t) => +((t * 10_000) / cpu.requests).toFixed(1);
  const median = (xs) => xs.map((x) => x.rps).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const { stdout } = await run('docker', ['exec', agent.id, 'cat', '/proc/1/status']);
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(stdout)[1]) / 1024;
  const stats = (await run('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', agent.id])).stdout.trim();
  console.log(JSON.stringify({
    seconds, conns, rounds, loadAverage: os.loadavg().map((x) => +x.toFixed(1)),
    direct: direct.map((x) => Math.round(x.rps)), clusterIP: viaClusterIP.map((x) => Math.round(x.rps)), relay: viaRelay.map((x) => Math.round(x.rps)),
    errors: [...direct, ...viaClusterIP, ...viaRelay].reduce((a, x) => a + x.errors, 0),
    medianDirect: Math.round(median(direct)), medianClusterIP: Math.round(median(viaClusterIP)), medianRelay: Math.round(median(viaRelay)),
    ratio: +(median(viaClusterIP) / median(direct)).toFixed(2),
    ratioRelay: +(median(viaRelay) / median(direct)).toFixed(2),
    pairwise: direct.map((d, i) => +(viaClusterIP[i].rps / d.rps).toFixed(2)),
    cpuUsPerRequest: { agent: usPerRequest(cpu.agent), backend: usPerRequest(cpu.backend), agentOnTheRelay: +((cpuRelay.agent * 10_000) / cpuRelay.requests).toFixed(1) },
    agentRssMb: +rssMb.toFixed(1), agentDockerStats: stats,
  }, null, 1));
} finally {
  await cluster.stop();
}
