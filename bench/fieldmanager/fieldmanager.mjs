// The field manager's cost per write (docs/server-side-apply.md): an Update (kubectl patch of a
// Deployment's image) and a server-side Apply of the same Deployment, on the built dist/.
//   npm run build && node bench/fieldmanager/fieldmanager.mjs
import { apply, applyNew, recordUpdate } from '../../dist/src/api/fieldmanager/field-manager.js';

const deployment = (image) => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' } },
  spec: {
    replicas: 3, selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [0, 1, 2].map((i) => ({
        name: `c${i}`, image, ports: [{ containerPort: 8080 + i }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
        volumeMounts: [{ name: 'v', mountPath: `/v${i}` }], resources: { limits: { cpu: '100m' } },
      })), volumes: [{ name: 'v', emptyDir: {} }] },
    },
  },
});

const live = deployment('nginx:1');
live.metadata.managedFields = applyNew(deployment('nginx:1'), 'kubectl', new Date());
const N = 2000;
for (const [what, fn] of [
  ['Update (recordUpdate)', (i) => { const next = deployment(`nginx:${i}`); recordUpdate({ live, next, manager: 'kubectl-patch', now: new Date() }); }],
  ['Apply (apply)', (i) => apply({ live, config: deployment(`nginx:${i}`), manager: 'kubectl', force: true, now: new Date() })],
]) {
  for (let i = 0; i < 200; i++) fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / N;
  console.log(`${what}: ${us.toFixed(1)} µs per write (${N} writes, a 3-container Deployment)`);
}
