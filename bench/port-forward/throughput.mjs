// Port-forward throughput against a direct connection to the pod: a pod serves a byte source (the client
// asks for N bytes) and a byte sink (answers the count once the client half-closes); each path moves
// MIB MiB down and up, ROUNDS interleaved rounds, medians. Paths: the pod IP directly (Linux), kubectl 1.32
// (SPDY in a WebSocket), Debian's kubectl 1.20 (SPDY) and `mini-kube port-forward` (WebSocket channels).
//   node bench/port-forward/throughput.mjs [MIB=64] [ROUNDS=3]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const MIB = Number(process.argv[2] ?? 64);
const ROUNDS = Number(process.argv[3] ?? 3);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { startCluster } = await import(path.join(root, 'dist/src/lib/index.js'));
const KUBECTL_120 = process.env.KUBECTL_120 ?? '/opt/kubectl-1.20/usr/bin/kubectl';

const SERVER = `
const net = require('net');
net.createServer((s) => {            // source: reads "N\\n", writes N bytes, ends
  let head = '';
  s.on('data', function first(c) {
    head += c; const i = head.indexOf('\\n'); if (i < 0) return;
    s.removeListener('data', first);
    let left = Number(head.slice(0, i)); const buf = Buffer.alloc(1 << 16, 120);
    const pump = () => { while (left > 0) { const n = Math.min(left, buf.length); left -= n; if (!s.write(n === buf.length ? buf : buf.subarray(0, n))) return s.once('drain', pump); } s.end(); };
    pump();
  });
}).listen(9001);
net.createServer((s) => {            // sink: counts until the client half-closes, answers the count
  let n = 0; s.on('data', (c) => { n += c.length; }); s.on('end', () => s.end(String(n)));
}).listen(9002);
`;

function download(port, bytes) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let got = 0;
    const t0 = performance.now();
    s.on('connect', () => s.write(`${bytes}\n`));
    s.on('data', (c) => { got += c.length; if (got >= bytes) { s.destroy(); resolve(performance.now() - t0); } });
    s.on('error', reject);
    s.on('close', () => { if (got < bytes) reject(new Error(`download: ${got} of ${bytes} bytes`)); });
  });
}

function upload(port, bytes, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    const buf = Buffer.alloc(1 << 16, 121);
    let left = bytes;
    let answer = '';
    const t0 = performance.now();
    const pump = () => {
      while (left > 0) { const n = Math.min(left, buf.length); left -= n; if (!s.write(n === buf.length ? buf : buf.subarray(0, n))) return s.once('drain', pump); }
      s.end();
    };
    s.on('connect', pump);
    s.on('data', (c) => { answer += c; });
    s.on('end', () => (Number(answer) === bytes ? resolve(performance.now() - t0) : reject(new Error(`upload: the pod got ${answer}`))));
    s.on('error', reject);
  });
}

async function forwarder(argv, env) {
  const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const ports = {};
  for (let i = 0; i < 300 && Object.keys(ports).length < 2; i++) {
    await new Promise((r) => setTimeout(r, 100));
    for (const m of out.matchAll(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g)) ports[m[2]] = Number(m[1]);
  }
  if (Object.keys(ports).length < 2) throw new Error(`${argv[0]} did not start: ${out}`);
  return { down: ports[9001], up: ports[9002], stop: () => child.kill('SIGTERM') };
}

const home = mkdtempSync(path.join(tmpdir(), 'mk-bench-pf-'));
const cluster = await startCluster({ home });
const paths = {};
try {
  await cluster.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bytes' }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'bytes', image: 'ondalk8s/healthcheck:v1', command: ['node', '-e', SERVER] }] } });
  let pod;
  for (let i = 0; i < 600; i++) {
    pod = await cluster.client.get('Pod', 'default', 'bytes');
    if (pod.status?.phase === 'Running' && pod.status.podIP) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 500)); // the servers listen
  const dir = mkdtempSync(path.join(tmpdir(), 'mk-bench-pf-kubectl-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, execFileSync(process.execPath, [path.join(root, 'bin/mini-kube.js'), 'kubeconfig'], { env: { ...process.env, MINI_KUBE_HOME: home } }));
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, MINI_KUBE_HOME: home };
  const ip = pod.status.podIP;
  paths.direct = { down: 9001, up: 9002, host: ip, stop: () => {} };
  paths['kubectl 1.32'] = await forwarder(['kubectl', 'port-forward', 'pod/bytes', ':9001', ':9002'], env);
  if (existsSync(KUBECTL_120)) paths['kubectl 1.20'] = await forwarder([KUBECTL_120, 'port-forward', 'pod/bytes', ':9001', ':9002'], env);
  paths['mini-kube'] = await forwarder([process.execPath, path.join(root, 'bin/mini-kube.js'), 'port-forward', 'pod/bytes', ':9001', ':9002'], env);

  const bytes = MIB * 1024 * 1024;
  const times = Object.fromEntries(Object.keys(paths).map((k) => [k, { down: [], up: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, p] of Object.entries(paths)) {
      const host = p.host ?? '127.0.0.1';
      const label = (err) => { throw new Error(`${name}: ${err.message}`); };
      times[name].down.push(await (host === '127.0.0.1' ? download(p.down, bytes) : downloadFrom(host, p.down, bytes)).catch(label));
      times[name].up.push(await upload(p.up, bytes, host).catch(label));
    }
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const mbps = (ms) => Math.round((MIB / (ms / 1000)) * 10) / 10;
  const result = {};
  for (const [name, t] of Object.entries(times)) {
    result[name] = { downMiBps: mbps(median(t.down)), upMiBps: mbps(median(t.up)) };
  }
  for (const name of Object.keys(result)) {
    result[name].downVsDirect = Math.round((result[name].downMiBps / result.direct.downMiBps) * 100) / 100;
    result[name].upVsDirect = Math.round((result[name].upMiBps / result.direct.upMiBps) * 100) / 100;
  }
  console.log(JSON.stringify({ mib: MIB, rounds: ROUNDS, result }, null, 1));
} finally {
  for (const p of Object.values(paths)) p.stop();
  await cluster.stop();
}

function downloadFrom(host, port, bytes) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    let got = 0;
    const t0 = performance.now();
    s.on('connect', () => s.write(`${bytes}\n`));
    s.on('data', (c) => { got += c.length; if (got >= bytes) { s.destroy(); resolve(performance.now() - t0); } });
    s.on('error', reject);
  });
}
