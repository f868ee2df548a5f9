// A StatefulSet on the real engine through kubectl 1.32 and mini-kube's CLI: pods web-0..2 made in order,
// each with its claim data-web-N (a Docker volume); a deleted pod comes back with the same name, its data
// and its DNS name web-0.web.default.svc.cluster.local (resolved from another pod with node's resolver);
// scale down keeps the claims and scale up finds them; a partitioned rollout updates only the pods at or
// above the partition, `rollout status/history/undo sts` as on a cluster.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, until } from './harness.js';
import { kubectl120Run, kubectlEnv, type KubectlEnv } from './kubectl-support.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

const APP = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 8080, name: http}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: ondalk8s/healthcheck:v1
        command: ["sh", "-c", "hostname >> /data/names; exec sleep 3600"]
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 16Mi}}
`;

describe('a StatefulSet through kubectl 1.32', () => {
  let k: KubectlEnv;
  beforeAll(async () => {
    if (!fs.existsSync(KUBECTL)) throw new Error(`kubectl is expected at ${KUBECTL} (set KUBECTL to another path)`);
    k = await kubectlEnv(KUBECTL);
  }, 120_000);
  afterAll(async () => {
    const clusterId = k?.cluster.clusterId;
    await k?.stop();
    // cleanup by label: the Docker volumes of the claims outlive a cluster whose home the harness chose
    const left = clusterId ? execFileSync('docker', ['volume', 'ls', '-q', '--filter', `label=io.mini-kube.cluster=${clusterId}`], { encoding: 'utf8' }).split('\n').filter(Boolean) : [];
    if (left.length) execFileSync('docker', ['volume', 'rm', '-f', ...left]);
  }, 120_000);

  const ready = (n: string) => until(`statefulset ready ${n}`, async () => (await k.run(['get', 'sts', 'web', '-o', 'jsonpath={.status.readyReplicas}/{.spec.replicas}'])).stdout === n, 60_000);
  const podNames = async () => (await k.run(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.split(' ').filter(Boolean).sort();

  it('makes web-0..2 in order, each with its claim; a deleted pod comes back with its data and DNS name', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: APP })).stdout).toBe('service/web created\nstatefulset.apps/web created\n');
    await ready('3/3');
    // OrderedReady: each pod was created after the one before it was Running and Ready
    const created = await Promise.all([0, 1, 2].map(async (i) => Date.parse((await k.run(['get', 'pod', `web-${i}`, '-o', 'jsonpath={.metadata.creationTimestamp}'])).stdout)));
    expect(created[0]! <= created[1]! && created[1]! <= created[2]!).toBe(true);
    const sts = await k.run(['get', 'sts']);
    expect(sts.stdout).toMatch(/^NAME\s+READY\s+AGE\nweb\s+3\/3\s+\d+s\n$/);
    const pvc = await k.run(['get', 'pvc', '-o', 'custom-columns=NAME:.metadata.name,STATUS:.status.phase', '--no-headers']);
    expect(pvc.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/).join(' '))).toEqual(['data-web-0 Bound', 'data-web-1 Bound', 'data-web-2 Bound']);
    const labels = JSON.parse((await k.run(['get', 'pod', 'web-1', '-o', 'jsonpath={.metadata.labels}'])).stdout) as Record<string, string>;
    expect(labels['statefulset.kubernetes.io/pod-name']).toBe('web-1');
    expect(labels['apps.kubernetes.io/pod-index']).toBe('1');
    expect(labels['controller-revision-hash']).toMatch(/^web-[a-z0-9]+$/);
    expect((await k.run(['exec', 'web-0', '--', 'hostname'])).stdout).toBe('web-0\n');

    const ip0 = (await k.run(['get', 'pod', 'web-0', '-o', 'jsonpath={.status.podIP}'])).stdout;
    const lookup = "require('dns').lookup('web-0.web.default.svc.cluster.local', (e, a) => console.log(e ? e.code : a))";
    await until('web-0 resolves from web-1', async () => (await k.run(['exec', 'web-1', '--', 'node', '-e', lookup])).stdout === `${ip0}\n`, 20_000);

    const deleted = await k.run(['delete', 'pod', 'web-0']);
    expect(deleted.code, deleted.stderr).toBe(0);
    await ready('3/3');
    await until('web-0 back with both lines', async () => (await k.run(['exec', 'web-0', '--', 'cat', '/data/names'])).stdout === 'web-0\nweb-0\n', 20_000);
    const newIp = (await k.run(['get', 'pod', 'web-0', '-o', 'jsonpath={.status.podIP}'])).stdout;
    await until('the name follows the new pod', async () => (await k.run(['exec', 'web-2', '--', 'node', '-e', lookup])).stdout === `${newIp}\n`, 20_000);
  }, 120_000);

  it('scale down keeps the claims, scale up mounts them again (mini-kube scale and kubectl scale)', async () => {
    const down = await cli(k.cluster, ['scale', 'sts', 'web', '--replicas', '1']);
    expect(down.stdout).toBe('statefulset.apps/web scaled\n');
    await until('only web-0', async () => (await podNames()).join() === 'web-0', 30_000);
    expect((await k.run(['get', 'pvc', '-o', 'name'])).stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect((await k.run(['scale', 'sts', 'web', '--replicas=2'])).stdout).toBe('statefulset.apps/web scaled\n');
    await ready('2/2');
    expect((await k.run(['exec', 'web-1', '--', 'cat', '/data/names'])).stdout).toBe('web-1\nweb-1\n');
    expect((await cli(k.cluster, ['get', 'sts'])).stdout).toMatch(/^NAME\s+READY\s+AGE\nweb\s+2\/2\s+/);
    // kubectl 1.20 reads the same tables
    const k120 = kubectl120Run(k);
    expect((await k120(['get', 'sts'])).stdout).toMatch(/^NAME\s+READY\s+AGE\nweb\s+2\/2\s+/);
    expect((await k120(['get', 'pvc', 'data-web-0'])).stdout).toMatch(/^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE\ndata-web-0\s+Bound\s+pvc-/);
  }, 90_000);

  it('a partitioned rollout updates only the ordinals at or above the partition; rollout status, history, undo', async () => {
    const hash = async (pod: string) => (await k.run(['get', 'pod', pod, '-o', "jsonpath={.metadata.labels['controller-revision-hash']}"])).stdout;
    const before = await hash('web-0');
    expect((await k.run(['patch', 'sts', 'web', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}'])).code).toBe(0);
    expect((await k.run(['set', 'env', 'sts/web', 'LEVEL=2'])).code).toBe(0);
    await until('web-1 at the new revision', async () => {
      const h = await hash('web-1');
      return h !== '' && h !== before;
    }, 30_000);
    const status = await k.run(['rollout', 'status', 'sts', 'web', '--timeout=30s']);
    expect(status.stdout).toContain('partitioned roll out complete: 1 new pods have been updated...');
    expect(await hash('web-0')).toBe(before);
    expect((await k.run(['exec', 'web-1', '--', 'sh', '-c', 'echo $LEVEL'])).stdout).toBe('2\n');
    const history = await k.run(['rollout', 'history', 'sts', 'web']);
    expect(history.stdout).toMatch(/^statefulset\.apps\/web \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    const revisions = await k.run(['get', 'controllerrevisions']);
    expect(revisions.stdout).toMatch(/^NAME\s+CONTROLLER\s+REVISION\s+AGE\n/);
    expect(revisions.stdout).toContain('statefulset.apps/web');

    expect((await k.run(['rollout', 'undo', 'sts', 'web'])).stdout).toBe('statefulset.apps/web rolled back\n');
    await until('web-1 back at the first template', async () => (await hash('web-1')) === before, 30_000);
    await ready('2/2');
    expect((await k.run(['exec', 'web-1', '--', 'sh', '-c', 'echo "[$LEVEL]"'])).stdout).toBe('[]\n');
  }, 90_000);
});
