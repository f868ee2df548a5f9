// One cold run, as a fresh test process pays it: import the package, start a cluster, stop it.
// Prints one JSON line; startup.mjs runs this N times in child processes.
import { performance } from 'node:perf_hooks';
const t0 = performance.now();
const { startCluster } = await import('mini-kube');
const t1 = performance.now();
await new Promise((r) => setTimeout(r, Number(process.env.COLD_GAP_MS ?? 300)));
const t1b = performance.now();
const cluster = await startCluster({ inProcess: !!process.env.IN_PROCESS });
const t2 = performance.now();
await cluster.stop();
const t3 = performance.now();
console.log(JSON.stringify({ import: t1 - t0, start: t2 - t1b, stop: t3 - t2, total: t2 - t0 }));
