// Shared by the probe benchmarks: a cluster of our own (temporary home, removed on stop) from the
// compiled library, percentiles, and CPU accounting. Run `npm run build` first: these import dist/.
import { startCluster } from '../../dist/src/lib/index.js';
import { buildSampleImage, SAMPLE_IMAGE } from '../../dist/src/runtime/sample-image.js';

export { SAMPLE_IMAGE };

export async function benchCluster() {
  await buildSampleImage();
  const cluster = await startCluster({ inProcess: true }); // reads cluster.controlPlane
  // Whatever happens (an exception, Ctrl-C), the containers go with the cluster.
  const stop = async () => { await cluster.stop().catch(() => {}); };
  process.once('SIGINT', () => { void stop().then(() => process.exit(130)); });
  return { cluster, stop };
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU (user + system) of this process in ms since `from` (a process.cpuUsage() value). */
export function cpuMsSince(from) {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

export async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function pod(name, container, spec = {}) {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels: { bench: 'probes' } },
    spec: { terminationGracePeriodSeconds: 2, ...spec, containers: [{ name: 'app', image: SAMPLE_IMAGE, imagePullPolicy: 'IfNotPresent', ...container }] },
  };
}
