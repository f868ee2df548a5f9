// A test process of its own (as a parallel test file would be): starts a cluster, applies app.yaml and
// SERVICES extra NodePort Services (all allocating nodePorts while the sibling process does the same),
// prints what it got as one JSON line, then stops when its stdin says so.
import { createInterface } from 'node:readline';
import { startCluster } from 'mini-kube';

const extra = Number(process.env.SERVICES ?? 0);
const cluster = await startCluster();
await cluster.applyFile(new URL('./app.yaml', import.meta.url).pathname);
await Promise.all(Array.from({ length: extra }, (_, i) => cluster.apply({
  apiVersion: 'v1', kind: 'Service', metadata: { name: `extra-${i}` },
  spec: { type: 'NodePort', selector: { app: 'one' }, ports: [{ port: 80, targetPort: 8080 }] },
})));
await cluster.waitForEndpoints('one', 1, { timeoutMs: 60_000 });
const ports = (await cluster.list('Service')).flatMap((s) => (s.spec?.ports ?? []).map((p) => p.nodePort).filter(Boolean));
const [pod] = await cluster.pods('one');
console.log(JSON.stringify({ clusterId: cluster.clusterId, url: await cluster.serviceUrl('one'), pod: pod.metadata.name, ports }));
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'stop') break;
}
await cluster.stop();
console.log(JSON.stringify({ stopped: true }));
