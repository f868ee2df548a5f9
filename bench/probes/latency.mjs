// From the probe result that crosses a threshold to its effect, on the real engine:
//   readiness: the result published by the probe manager → the container's `ready` written in the store;
//   liveness:  the failure published → the stop of the container begun.
// The kubelet's probeTrace hook stamps both ends with performance.now(). Goal: p99 < 50 ms.
//
// Load: 20 pods whose readiness flips every 2 s (exec, 1 s period, threshold 1) and 10 pods whose
// liveness fails 2 s into each instance (exec `false`, threshold 1): a steady stream of crossings and
// kills, all with their exec probes in flight. `node bench/probes/latency.mjs [seconds=30]`.
import { benchCluster, percentile, pod, sleep, waitFor } from './common.mjs';

const SECONDS = Number(process.argv[2] ?? 30);
const { cluster, stop } = await benchCluster();
try {
  const kubelet = cluster.controlPlane.kubelet;
  const trace = [];
  let measuring = false;
  kubelet.probeTrace = (e) => { if (measuring) trace.push(e); };

  const pods = [];
  for (let i = 0; i < 20; i++) {
    pods.push(pod(`flip-${i}`, {
      readinessProbe: { exec: { command: ['sh', '-c', 'test $(( $(date +%s) / 2 % 2 )) -eq 0'] }, periodSeconds: 1, failureThreshold: 1, timeoutSeconds: 5 },
    }));
  }
  for (let i = 0; i < 10; i++) {
    pods.push(pod(`kill-${i}`, {
      livenessProbe: { exec: { command: ['false'] }, initialDelaySeconds: 2, periodSeconds: 1, failureThreshold: 1, timeoutSeconds: 5 },
    }));
  }
  await cluster.apply(pods);
  await waitFor('30 running pods', async () => {
    const list = await cluster.list('Pod');
    return list.filter((p) => p.status?.containerStatuses?.[0]?.state?.running).length === 30;
  }, 90_000);
  await sleep(3_000);
  measuring = true;
  await sleep(SECONDS * 1000);
  measuring = false;

  const ready = [];
  const stops = [];
  let unmatched = 0;
  trace.forEach((e, i) => {
    if (e.kind !== 'result') return;
    const same = (f) => f.podUid === e.podUid && f.containerName === e.containerName;
    if (e.type === 'readiness') {
      const want = e.result === 'success';
      const effect = trace.slice(i + 1).find((f) => f.kind === 'ready-written' && same(f));
      if (effect && effect.ready === want) ready.push(effect.at - e.at);
      else unmatched++;
    } else if (e.type === 'liveness' && e.result === 'failure') {
      const effect = trace.slice(i + 1).find((f) => f.kind === 'stop-begun' && same(f));
      if (effect) stops.push(effect.at - e.at);
      else unmatched++;
    }
  });
  const line = (name, xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const f = (x) => x.toFixed(1).padStart(7);
    console.log(`${name.padEnd(34)} n=${String(s.length).padStart(4)}  p50 ${f(percentile(s, 50))} ms  p99 ${f(percentile(s, 99))} ms  max ${f(s.at(-1) ?? NaN)} ms`);
  };
  console.log(`threshold → effect over ${SECONDS} s (20 readiness-flipping pods, 10 liveness-killed pods)`);
  line('readiness result → Ready written', ready);
  line('liveness failure → stop begun', stops);
  line('both', [...ready, ...stops]);
  console.log(`results without their effect in the window: ${unmatched} (a crossing at the window's end, or superseded)`);
  const all = [...ready, ...stops].sort((a, b) => a - b);
  console.log(`goal p99 < 50 ms: ${percentile(all, 99) < 50 ? 'met' : 'NOT met'}`);
} finally {
  await stop();
}
