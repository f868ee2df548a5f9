// The scheduler without containers (issue #18's dry bench): P pending pods on N simulated nodes (Node
// objects in an in-memory store, no kubelet), bound by the real Scheduler (src/scheduler/scheduler.ts:
// watch, queue, filters, scores, the binding write and its Scheduled event). Reports pods bound per
// second and the cost per pod per node, for P = 100/1000/2000 x N = 5/10/20, plain pods and pods with a
// topology-spread constraint (ScheduleAnyway over hostnames, which counts the matching pods per domain).
// Also the decision alone (schedulePod over a snapshot, no store). Runs from dist:
//   npx tsc -p tsconfig.json && node bench/scheduler/scheduler.mjs
import { Store } from '../../dist/src/store/store.js';
import { Scheduler } from '../../dist/src/scheduler/scheduler.js';
import { snapshotOf, addPod } from '../../dist/src/scheduler/framework.js';
import { schedulePod } from '../../dist/src/scheduler/schedule-one.js';

const node = (i) => ({
  apiVersion: 'v1', kind: 'Node',
  metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': `z${i % 3}` } },
  spec: {},
  // room for every pod of the largest run: the bench measures decisions, not refusals
  status: { allocatable: { cpu: '256', memory: '1024Gi', pods: '5000' }, conditions: [{ type: 'Ready', status: 'True' }] },
});

const pod = (i, spread) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: `p-${i}`, namespace: 'default', labels: { app: 'bench' } },
  spec: {
    containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
    ...(spread ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'bench' } } }] } : {}),
  },
  status: { phase: 'Pending' },
});

async function full(pods, nodes, spread) {
  const store = new Store(undefined, { fsync: false });
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  for (let i = 0; i < nodes; i++) store.create(node(i));
  const scheduler = new Scheduler({ store });
  for (let i = 0; i < pods; i++) store.create(pod(i, spread));
  const t0 = performance.now();
  scheduler.start();
  while (scheduler.bindings < pods) await new Promise((r) => setTimeout(r, 1));
  const ms = performance.now() - t0;
  scheduler.stop();
  const perNode = new Map();
  for (const p of store.list('Pod')) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  return { ms, spreadMax: Math.max(...perNode.values()), spreadMin: Math.min(...perNode.values()) };
}

function decisions(pods, nodes, spread) {
  const snap = snapshotOf(Array.from({ length: nodes }, (_, i) => node(i)), []);
  const list = Array.from({ length: pods }, (_, i) => ({ ...pod(i, spread), metadata: { ...pod(i, spread).metadata, uid: `u${i}` } }));
  const t0 = performance.now();
  for (const p of list) {
    const r = schedulePod(p, snap);
    addPod(snap.byName.get(r.node), { ...p, spec: { ...p.spec, nodeName: r.node } });
  }
  return performance.now() - t0;
}

const rows = [];
for (const spread of [false, true]) {
  for (const pods of [100, 1000, 2000]) {
    for (const nodes of [5, 10, 20]) {
      await full(Math.min(pods, 100), nodes, spread); // warm-up
      const f = await full(pods, nodes, spread);
      const d = decisions(pods, nodes, spread);
      rows.push({
        pods: spread ? `${pods} (spread)` : String(pods), nodes,
        'bound/s': Math.round(pods / (f.ms / 1000)),
        'ms total': Math.round(f.ms),
        'µs/pod': Math.round((f.ms * 1000) / pods),
        'µs/(pod·node)': +((f.ms * 1000) / pods / nodes).toFixed(1),
        'decide µs/pod': Math.round((d * 1000) / pods),
        'pods/node min-max': `${f.spreadMin}-${f.spreadMax}`,
      });
    }
  }
}
console.table(rows);
