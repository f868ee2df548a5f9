// The library's API on a real cluster: apply (text, objects, files), waits whose timeouts say what was
// last seen, serviceUrl, exec, logs and events.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, WaitTimeoutError, type Cluster, type Deployment } from '../../src/lib/index.js';
import { buildSampleImage } from '../../src/runtime/sample-image.js';
import { FIXTURES } from './library-fixtures/children.js';

const neverReady: Deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'never' },
  spec: {
    replicas: 1, selector: { matchLabels: { app: 'never' } },
    template: {
      metadata: { labels: { app: 'never' } },
      spec: { containers: [{
        name: 'web', image: 'ondalk8s/healthcheck:v1', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/readiness', port: 8080 }, periodSeconds: 1 },
        // no /tmp/healthcheck: GET /readiness answers 500, the pod never becomes ready
        command: ['sh', '-c', 'rm -f /tmp/healthcheck && echo starting && exec node app.js'],
      }] },
    },
  },
};

let cluster: Cluster;
beforeAll(async () => {
  await buildSampleImage();
  cluster = await startCluster();
});
afterAll(() => cluster?.stop());

describe('library API', () => {
  it('applies files, directories, objects and YAML text, as apply -f does', async () => {
    const first = await cluster.applyFile(path.join(FIXTURES, 'app.yaml'));
    expect(first.map((r) => `${r.kind}/${r.name} ${r.action}`)).toEqual(['Deployment/one created', 'Service/one created']);
    expect((await cluster.applyFile(FIXTURES)).every((r) => r.action === 'unchanged')).toBe(true);
    const [r] = await cluster.apply(neverReady);
    expect(r!.action).toBe('created');
    const [svc] = await cluster.apply('apiVersion: v1\nkind: Service\nmetadata: {name: never}\nspec: {selector: {app: never}, ports: [{port: 80, targetPort: 8080}]}\n');
    expect(svc!.action).toBe('created');
  });

  it('waits for a Deployment, a pod and endpoints; serviceUrl reaches the pod', async () => {
    await cluster.waitForDeploymentAvailable('one');
    const [pod] = await cluster.pods('one');
    await cluster.waitForPodReady(pod!.metadata.name);
    await cluster.waitForEndpoints('one', 1);
    const res = await fetch(await cluster.serviceUrl('one'));
    expect(await res.text()).toBe(`Hello node! hostname:${pod!.metadata.name}`);
  });

  it('a wait that times out says what it saw last', async () => {
    const [pod] = await cluster.pods('app=never');
    await cluster.waitFor('the never pod to run', async () => {
      const p = await cluster.get<typeof pod & object>('Pod', pod!.metadata.name);
      return { ok: p.status?.phase === 'Running', seen: String(p.status?.phase) };
    });
    const endpoints = cluster.waitForEndpoints('never', 1, { timeoutMs: 2_500 });
    await expect(endpoints).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(endpoints).rejects.toThrow(new RegExp(`timed out after 2500 ms waiting for service "never" to have 1 ready endpoints; last seen: ready=\\[\\] notReady=\\[${pod!.metadata.name}\\]`));
    // ... and why: the pods behind the Service, with their last warning
    await expect(endpoints).rejects.toThrow(/; pods: never-\S+ Running \(Unhealthy: Readiness probe failed/);
    await expect(cluster.waitForPodReady(pod!.metadata.name, { timeoutMs: 1_500 }))
      .rejects.toThrow(/waiting for pod "never-.*" to be ready; last seen: phase=Running ready=false; web: running ready=false restarts=0/);
    await expect(cluster.waitForDeploymentAvailable('never', { timeoutMs: 1_000 }))
      .rejects.toThrow(/last seen: replicas=1 updated=1 ready=0 available=0 \(want 1\)/);
    await expect(cluster.waitForEndpoints('nosuch', 1, { timeoutMs: 300 })).rejects.toThrow(/last seen: no Endpoints object/);
  });

  it('exec gives exit code and output; logs and events read the pod', async () => {
    const [pod] = await cluster.pods('app=never');
    const name = pod!.metadata.name;
    const ok = await cluster.exec(name, ['sh', '-c', 'echo out; echo err >&2']);
    expect(ok).toEqual({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
    expect((await cluster.exec(name, ['sh', '-c', 'exit 7'])).exitCode).toBe(7);
    expect(await cluster.logs(name)).toContain('starting');
    const reasons = (await cluster.events({ object: name })).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Scheduled', 'Started', 'Unhealthy']));
    const deployEvents = await cluster.events({ object: { kind: 'Deployment', name: 'never' } });
    expect(deployEvents.map((e) => e.reason)).toContain('ScalingReplicaSet');
  });

  it('serviceUrl of a ClusterIP Service says why there is none', async () => {
    await expect(cluster.serviceUrl('never')).rejects.toThrow('service "never" has no nodePort (type ClusterIP)');
  });
});
