// Pod start as a user sees it: from the pod's create (through the API) to the kubelet reporting it Running,
// on one library cluster per build given (dist/ folders), in interleaved rounds so the builds share the
// machine's state: round after round, each build starts one pod, waits for Running, deletes it and waits
// until it is gone (so no teardown overlaps the next start). The first round warms up and is not counted.
// Compare this build with one without the sandbox (before commit f648d83) and with main's:
//   node bench/sandbox/pod-start.mjs [N] [path/to/dist ...]     (default: this worktree's dist/)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const N = Number(process.argv[2] ?? 10);
const dists = (process.argv.length > 3 ? process.argv.slice(3) : [path.join(path.dirname(new URL(import.meta.url).pathname), '../../dist')]).map((d) => path.resolve(d));

const runs = [];
for (const dist of dists) {
  const { startCluster } = await import(pathToFileURL(path.join(dist, 'src/lib/index.js')).href);
  // in process: the bench watches the store (cluster.controlPlane); older builds ignore the option
  const cluster = await startCluster({ home: mkdtempSync(path.join(tmpdir(), 'mk-bench-pod-start-')), inProcess: true });
  runs.push({ dist, cluster, times: [] });
}

function when(cluster, name, test) {
  return new Promise((resolve) => {
    const stop = cluster.controlPlane.store.watch({ kind: 'Pod' }, (e) => {
      if (e.object.metadata.name === name && test(e)) { stop(); resolve(); }
    });
  });
}

try {
  for (let i = -1; i < N; i++) {
    for (const run of runs) {
      const { cluster } = run;
      const name = `start-${i + 1}`;
      const running = when(cluster, name, (e) => e.object.status?.phase === 'Running');
      const t0 = performance.now();
      await cluster.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'ondalk8s/healthcheck:v1', imagePullPolicy: 'IfNotPresent' }] } });
      await running;
      if (i >= 0) run.times.push(performance.now() - t0);
      const gone = when(cluster, name, (e) => e.type === 'DELETED');
      await cluster.delete('Pod', name);
      await gone;
    }
  }
} finally {
  for (const run of runs) await run.cluster.stop();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(runs[0].times);
for (const run of runs) {
  const s = [...run.times].sort((a, b) => a - b);
  console.log(JSON.stringify({ dist: run.dist, n: N, medianMs: Math.round(median(s)), minMs: Math.round(s[0]), maxMs: Math.round(s[s.length - 1]), ratioToFirst: +(median(s) / base).toFixed(2) }));
}
