// @kubernetes/client-node 1.4, used the way a user's integration test would use it: load the kubeconfig
// `mini-kube kubeconfig` prints, create a Deployment through KubernetesObjectApi, watch and inform on its
// pods, read logs, exec over WebSocket, scale through /scale, patch three ways, and delete, against a
// real control plane running real containers.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/lib/index.js';
import { cli, testCluster, until } from './harness.js';

let cluster: Cluster;
let dir: string;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let objects: k8s.KubernetesObjectApi;

const NS = 'default';

function deployment(name: string, replicas: number): k8s.V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{
            name: 'app',
            image: 'ondalk8s/healthcheck:v1',
            // prints a line first, so logs have something to read; then the tutorial's server
            command: ['sh', '-c', 'echo "booted $HOSTNAME"; exec node /app.js'],
            readinessProbe: { httpGet: { path: '/readiness', port: 8080 }, periodSeconds: 1 },
          }],
        },
      },
    },
  };
}

/** Collects what a Writable receives. */
function sink(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const w = new Writable({ write(c: Buffer, _e, cb) { chunks.push(Buffer.from(c)); cb(); } }) as Writable & { text(): string };
  w.text = () => Buffer.concat(chunks).toString('utf8');
  return w;
}

beforeAll(async () => {
  cluster = await testCluster({ inProcess: true }); // writes the store directly
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-client-node-'));
  const printed = await cli(cluster, ['kubeconfig']);
  expect(printed.code, printed.stderr).toBe(0);
  const file = path.join(dir, 'kubeconfig');
  fs.writeFileSync(file, printed.stdout, { mode: 0o600 });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(file);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  objects = k8s.KubernetesObjectApi.makeApiClient(kc);
});

afterAll(async () => {
  await cluster?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('@kubernetes/client-node against mini-kube', () => {
  it('create through KubernetesObjectApi; an informer and a watch see the pods become ready', async () => {
    const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${NS}/pods`, () => core.listNamespacedPod({ namespace: NS }), 'app=web');
    const added: string[] = [];
    informer.on('add', (p) => added.push(p.metadata!.name!));
    await informer.start();

    const seen: string[] = [];
    const watchErrors: unknown[] = [];
    const list = await core.listNamespacedPod({ namespace: NS });
    const abort = await new k8s.Watch(kc).watch(`/api/v1/namespaces/${NS}/pods`,
      { labelSelector: 'app=web', resourceVersion: list.metadata!.resourceVersion },
      (type, obj: k8s.V1Pod) => seen.push(`${type} ${obj.metadata!.name} ${obj.status?.phase ?? '-'}`),
      (err) => { if (err && (err as Error).name !== 'AbortError') watchErrors.push(err); });
    try {
      const created = await objects.create(deployment('web', 2));
      expect(created.metadata?.uid).toBeTruthy();
      expect(created.kind).toBe('Deployment');

      await until('2 ready pods in the informer cache', async () => {
        const pods = informer.list(NS);
        return pods.length === 2 && pods.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      }, 45_000);
      expect(added).toHaveLength(2);
      expect(seen.filter((s) => s.startsWith('ADDED'))).toHaveLength(2);
      expect(seen.some((s) => s.startsWith('MODIFIED') && s.endsWith('Running'))).toBe(true);
      expect(watchErrors).toEqual([]);

      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: NS });
      await until('deployment status to report 2 available', async () => {
        const cur = await apps.readNamespacedDeployment({ name: 'web', namespace: NS });
        return cur.status?.availableReplicas === 2 && cur.status.observedGeneration === cur.metadata!.generation;
      }, 15_000);
      expect(d.spec?.replicas).toBe(2);
    } finally {
      abort.abort();
      await informer.stop();
    }
  }, 60_000);

  it('DiscoveryV1Api lists the EndpointSlices of a Service: its ready pods', async () => {
    await core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'web-slices' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } } });
    try {
      await cluster.waitForEndpoints('web-slices', 2, { timeoutMs: 30_000 });
      const discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
      const slices = await discovery.listNamespacedEndpointSlice({ namespace: NS, labelSelector: 'kubernetes.io/service-name=web-slices' });
      expect(slices.items).toHaveLength(1);
      const slice = slices.items[0]!;
      expect(slice.addressType).toBe('IPv4');
      expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
      const podIPs = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items.map((p) => p.status!.podIP!).sort();
      expect(slice.endpoints.map((e) => e.addresses[0]).sort()).toEqual(podIPs);
      expect(slice.endpoints.every((e) => e.conditions?.ready === true && e.targetRef?.kind === 'Pod')).toBe(true);
      const one = await discovery.readNamespacedEndpointSlice({ name: slice.metadata!.name!, namespace: NS });
      expect(one.metadata?.uid).toBe(slice.metadata?.uid);
    } finally {
      await core.deleteNamespacedService({ name: 'web-slices', namespace: NS });
    }
  }, 45_000);

  it('a watch from a resourceVersion that is too old ends with 410 Gone', async () => {
    // A busy cluster: more changes than the watch history keeps (2000), so resourceVersion 1 is compacted.
    const store = cluster.controlPlane.store;
    for (let i = 0; i < 1001; i++) {
      const name = `churn-${i}`;
      store.create({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'kube-system' }, involvedObject: { kind: 'Pod', name }, reason: 'Churn', message: 'churn' });
      store.delete('Event', 'kube-system', name);
    }
    const errors: unknown[] = [];
    const events: { type: string; obj: { code?: number; reason?: string } }[] = [];
    await new Promise<void>((resolve) => {
      void new k8s.Watch(kc).watch(`/api/v1/namespaces/${NS}/pods`, { resourceVersion: '1' },
        (type, obj) => events.push({ type, obj }),
        (err) => { errors.push(err); resolve(); });
    });
    // the apiserver sends an ERROR event with an Expired Status, then ends the stream
    const err = events.find((e) => e.type === 'ERROR');
    expect(err?.obj).toMatchObject({ code: 410, reason: 'Expired' });
    expect(events).toHaveLength(1);
  }, 20_000);

  it('logs and exec (WebSocket, exit status, stdin)', async () => {
    const pod = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items[0]!;
    const name = pod.metadata!.name!;
    const text = await core.readNamespacedPodLog({ name, namespace: NS });
    expect(text).toContain(`booted ${name}`);

    const out = sink();
    await new k8s.Log(kc).log(NS, name, 'app', out, { follow: false });
    await until('Log to write', async () => out.text().includes('booted'), 5_000);

    const stdout = sink();
    const stderr = sink();
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc).exec(NS, name, 'app', ['sh', '-c', 'cat; echo oops >&2; exit 7'], stdout, stderr, Readable.from(['from stdin\n']), false, resolve)
        .catch(reject);
    });
    expect(stdout.text()).toBe('from stdin\n');
    expect(stderr.text()).toBe('oops\n');
    expect(status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode' });
    expect(status.details?.causes).toEqual([{ reason: 'ExitCode', message: '7' }]);

    const ok = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc).exec(NS, name, 'app', ['ls', '/tmp/healthcheck'], sink(), sink(), null, false, resolve).catch(reject);
    });
    expect(ok.status).toBe('Success');
  }, 30_000);

  it('patch through KubernetesObjectApi (strategic, merge, JSON), scale through /scale, errors as ApiException', async () => {
    const smp = await objects.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS, labels: { tier: 'front' } },
        spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'MODE', value: 'a' }] }] } } } } as unknown as k8s.V1Deployment,
      undefined, undefined, undefined, undefined, k8s.PatchStrategy.StrategicMergePatch);
    // strategic merge: the container list is merged by name, its image kept
    expect(smp.spec!.template.spec!.containers).toHaveLength(1);
    expect(smp.spec!.template.spec!.containers[0]).toMatchObject({ name: 'app', image: 'ondalk8s/healthcheck:v1', env: [{ name: 'MODE', value: 'a' }] });
    expect(smp.metadata!.labels).toEqual({ app: 'web', tier: 'front' });

    const merged = await objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS, annotations: { note: 'x' } } },
      undefined, undefined, undefined, undefined, k8s.PatchStrategy.MergePatch);
    expect(merged.metadata!.annotations).toMatchObject({ note: 'x' });

    const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: NS });
    // (status.replicas may count a surge pod: the patch above started a rollout)
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 2 }, status: { selector: 'app=web' } });
    const scaled = await apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace: NS, body: [{ op: 'replace', path: '/spec/replicas', value: 1 }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch));
    expect(scaled.spec!.replicas).toBe(1);
    await until('one pod left', async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items.length === 1, 30_000);

    const read = await objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS } });
    expect((read as k8s.V1Deployment).spec!.replicas).toBe(1);

    const missing = await objects.read({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nope', namespace: NS } }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(k8s.ApiException);
    const e = missing as k8s.ApiException<string>;
    expect(e.code).toBe(404);
    expect(JSON.parse(e.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "nope" not found' });

    const conflict = await objects.create(deployment('web', 1)).catch((x: unknown) => x) as k8s.ApiException<string>;
    expect(conflict.code).toBe(409);
    expect(JSON.parse(conflict.body)).toMatchObject({ reason: 'AlreadyExists' });
  }, 45_000);

  it('events with field selectors; delete through KubernetesObjectApi removes the pods', async () => {
    const pod = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items[0]!;
    const evs = await core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${pod.metadata!.name},involvedObject.kind=Pod` });
    expect(evs.items.length).toBeGreaterThan(0);
    expect(evs.items.every((e) => e.involvedObject.name === pod.metadata!.name)).toBe(true);
    expect(evs.items.map((e) => e.reason)).toContain('Started');

    const status = await objects.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS } });
    expect(status).toBeTruthy();
    await until('the pods to be gone', async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items.length === 0, 30_000);
  }, 40_000);
});
