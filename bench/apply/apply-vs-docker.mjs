// Benchmark: `apply` of a Deployment -> all replicas Running, against `docker run -d` of the same
// containers in parallel, alternated in one run (image present, control plane up).
// Run: npm run build && node bench/apply/apply-vs-docker.mjs [replicas=3] [rounds=5]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startCluster } from '../../dist/src/lib/index.js';
import { buildSampleImage } from '../../dist/src/runtime/sample-image.js';

const run = promisify(execFile);
const replicas = Number(process.argv[2] ?? 3);
const rounds = Number(process.argv[3] ?? 5);
const IMAGE = 'ondalk8s/healthcheck:v1';

function deployment(name) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: IMAGE, imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

async function timeMiniKube(cluster, name) {
  const store = cluster.controlPlane.store;
  const start = performance.now();
  const done = new Promise((resolve) => {
    const check = () => {
      const pods = store.list('Pod').filter((p) => p.metadata.labels?.app === name);
      const running = pods.filter((p) => p.status?.containerStatuses?.[0]?.state?.running);
      if (running.length === replicas) { unwatch(); resolve(performance.now() - start); }
    };
    const unwatch = store.watch({ kind: 'Pod' }, check);
  });
  await cluster.apply(deployment(name));
  const ms = await done;
  await cluster.delete('Deployment', name);
  await cluster.waitFor('pods gone', async () => ({ ok: (await cluster.list('Pod')).length === 0, seen: '' }), 60_000);
  return ms;
}

async function timeDocker(network, round) {
  const names = Array.from({ length: replicas }, (_, i) => `mk-bench-${process.pid}-${round}-${i}`);
  const start = performance.now();
  await Promise.all(names.map((n) => run('docker', ['run', '-d', '--init', '--name', n, '--hostname', n, '--network', network,
    '--label', 'io.mini-kube.bench=true', IMAGE])));
  const ms = performance.now() - start;
  await run('docker', ['rm', '-f', ...names]);
  return ms;
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

await buildSampleImage();
const cluster = await startCluster({ inProcess: true }); // reads cluster.controlPlane
const network = 'mini-kube'; // the network every cluster shares (docs/decisions/006)
const mk = [];
const dk = [];
try {
  // one warm-up of each, not counted
  await timeMiniKube(cluster, 'warmup');
  await timeDocker(network, 'w');
  for (let r = 0; r < rounds; r++) {
    mk.push(await timeMiniKube(cluster, `bench${r}`));
    dk.push(await timeDocker(network, r));
  }
} finally {
  await cluster.stop();
}
const m = median(mk);
const d = median(dk);
console.log(`replicas=${replicas} rounds=${rounds}`);
console.log(`mini-kube apply -> all Running: median ${m.toFixed(0)} ms  (runs: ${mk.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`docker run -d x${replicas} in parallel: median ${d.toFixed(0)} ms  (runs: ${dk.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`ratio: ${(m / d).toFixed(2)} (goal <= 1.5)`);
