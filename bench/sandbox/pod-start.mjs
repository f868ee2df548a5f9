// Pod start as a user sees it: from the pod's create (through the API) to the kubelet reporting it Running,
// N pods one after the other, on a library cluster built from the given dist/ (this worktree's by default).
// Run it on a build with the sandbox and on one without (e.g. main's) for the pod-level ratio:
//   node bench/sandbox/pod-start.mjs [N] [path/to/dist]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const N = Number(process.argv[2] ?? 10);
const dist = path.resolve(process.argv[3] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '../../dist'));
const { startCluster } = await import(pathToFileURL(path.join(dist, 'src/lib/index.js')).href);

const cluster = await startCluster({ home: mkdtempSync(path.join(tmpdir(), 'mk-bench-pod-start-')) });
const times = [];
try {
  for (let i = -1; i < N; i++) {
    const name = `start-${i + 1}`;
    const running = new Promise((resolve) => {
      const stop = cluster.controlPlane.store.watch({ kind: 'Pod' }, (e) => {
        if (e.object.metadata.name === name && e.object.status?.phase === 'Running') { stop(); resolve(); }
      });
    });
    const t0 = performance.now();
    await cluster.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'ondalk8s/healthcheck:v1', imagePullPolicy: 'IfNotPresent' }] } });
    await running;
    if (i >= 0) times.push(performance.now() - t0); // the first pod warms up, not counted
    await cluster.delete('Pod', name);
  }
} finally {
  await cluster.stop();
}
const s = [...times].sort((a, b) => a - b);
console.log(JSON.stringify({ dist, n: N, medianMs: Math.round(s[Math.floor(s.length / 2)]), minMs: Math.round(s[0]), maxMs: Math.round(s[s.length - 1]) }));
