// DNS lookup latency from inside a pod (issue #15: p99 < 5 ms, as CoreDNS's), through the cluster DNS the
// pod's resolv.conf names (the network agent's address, port 53), and the CPU it costs: the agent's
// container (which hosts the server) and this process (the library's control plane, which answers no
// lookup: it only sends the agent its snapshots) per 1000 lookups. A node program in the sample image
// resolves names one at a time with dns.Resolver (c-ares, as a program in a pod does), against the
// nameserver of /etc/resolv.conf: a Service's FQDN, its short name with the search path (`web`: ndots:5
// makes c-ares try web.default.svc.cluster.local first), and an unknown name (NXDOMAIN).
//   npm run build && node bench/dns/from-pod.mjs [lookups=3000] [rounds=3]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startCluster } from '../../dist/src/lib/index.js';
import { buildSampleImage } from '../../dist/src/runtime/sample-image.js';

const run = promisify(execFile);
const N = Number(process.argv[2] ?? 3000);
const ROUNDS = Number(process.argv[3] ?? 3);

const APP = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: asker}
spec:
  containers:
  - {name: c, image: ondalk8s/healthcheck:v1, imagePullPolicy: IfNotPresent, command: [sleep, "3600"]}
`;

// in the pod: N lookups of one name, one at a time; prints the latencies' percentiles in ms
const ASK = `const { Resolver } = require('dns').promises;
const [name, n, how] = process.argv.slice(1);
const ns = require('fs').readFileSync('/etc/resolv.conf', 'utf8').match(/^nameserver\\s+(\\S+)/m)[1];
const r = new Resolver({ timeout: 2000, tries: 2 }); r.setServers([ns]);
const ask = how === 'lookup' ? () => require('dns').promises.lookup(name, 4).catch((e) => e.code) : () => r.resolve4(name).catch((e) => e.code);
(async () => {
  for (let i = 0; i < 50; i++) await ask();
  const t = [];
  for (let i = 0; i < Number(n); i++) { const t0 = process.hrtime.bigint(); await ask(); t.push(Number(process.hrtime.bigint() - t0) / 1e6); }
  t.sort((a, b) => a - b);
  const at = (q) => t[Math.min(t.length - 1, Math.ceil(q * t.length) - 1)];
  console.log(JSON.stringify({ ns, p50: +at(0.5).toFixed(3), p99: +at(0.99).toFixed(3), max: +t[t.length - 1].toFixed(3), answer: JSON.stringify(await ask()) }));
})();`;

await buildSampleImage();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-bench-dns-pod-'));
const cluster = await startCluster({ home, inProcess: true }); // reads cluster.controlPlane
try {
  const agent = await cluster.controlPlane.network.ready;
  if (!agent) throw new Error('the network agent did not start');
  await cluster.apply(APP);
  await cluster.waitForPodReady('asker', { timeoutMs: 60_000 });
  const ticks = async (id) => (await run('docker', ['exec', id, 'sh', '-c', 'cat /proc/[0-9]*/stat'])).stdout.trim().split('\n')
    .map((l) => l.split(') ')[1].split(' ')).reduce((sum, f) => sum + Number(f[11]) + Number(f[12]), 0);
  const cases = [
    ['Service FQDN, resolve4', 'web.default.svc.cluster.local', 'resolve4'],
    ['short name via search path, getaddrinfo', 'web', 'lookup'],
    ['unknown name (NXDOMAIN), resolve4', 'nothing-here.default.svc.cluster.local', 'resolve4'],
  ];
  const rows = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, name, how] of cases) {
      const a0 = await ticks(agent.id);
      const c0 = process.cpuUsage();
      const out = JSON.parse((await cluster.exec('asker', ['node', '-e', ASK, '--', name, String(N), how])).stdout);
      const c1 = process.cpuUsage(c0);
      const a1 = await ticks(agent.id);
      rows.push({ round, label, ...out, agentCpuMsPer1000: +(((a1 - a0) * 10) / (N / 1000)).toFixed(1), controlPlaneCpuMsPer1000: +(((c1.user + c1.system) / 1000) / (N / 1000)).toFixed(1) });
    }
  }
  console.table(rows);
  console.log(JSON.stringify({ lookups: N, rounds: ROUNDS, loadAverage: os.loadavg().map((x) => +x.toFixed(1)) }));
} finally {
  await cluster.stop();
}
