// What one dashboard push costs the control plane: computing the state document (snapshot) and its size,
// for 3, 30 and 100 pods with probe history, against a baseline of serializing the raw Pod list (what a
// client listing pods would get). Runs from dist: `npm run build && node bench/dashboard/snapshot.mjs`.
import { Store } from '../../dist/src/store/store.js';
import { ProbeHistory } from '../../dist/src/probes/history.js';
import { snapshot } from '../../dist/src/dashboard/snapshot.js';

function fill(n) {
  const store = new Store();
  const history = new ProbeHistory();
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  for (let i = 0; i < n; i++) {
    const pod = store.create({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `web-${i}`, namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'ondalk8s/healthcheck:v1', readinessProbe: { httpGet: { path: '/readiness', port: 8080 }, periodSeconds: 1 } }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: { startedAt: new Date().toISOString() } } }] },
    });
    for (let k = 0; k < 20; k++) history.record(pod.metadata.uid, 'c', 'readiness', k % 7 ? 'success' : 'failure');
    store.create({ apiVersion: 'v1', kind: 'Event', metadata: { name: `web-${i}.1`, namespace: 'default' }, involvedObject: { kind: 'Pod', name: `web-${i}` }, reason: 'Started', message: 'Started container c', type: 'Normal', count: 1, lastTimestamp: new Date().toISOString() });
  }
  return { store, history };
}

function time(fn, iterations) {
  for (let i = 0; i < 20; i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / iterations;
}

console.log('pods  snapshot+JSON ms  bytes   | baseline: raw pod list JSON ms  bytes');
for (const n of [3, 30, 100]) {
  const { store, history } = fill(n);
  let bytes = 0;
  let baseBytes = 0;
  const ms = time(() => { bytes = JSON.stringify(snapshot(store, history, {})).length; }, 200);
  const base = time(() => { baseBytes = JSON.stringify(store.list('Pod')).length; }, 200);
  console.log(`${String(n).padStart(4)}  ${ms.toFixed(3).padStart(16)}  ${String(bytes).padStart(6)}   | ${base.toFixed(3).padStart(30)}  ${String(baseBytes).padStart(6)}`);
}
