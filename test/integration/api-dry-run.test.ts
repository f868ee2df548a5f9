// dryRun=All on every write verb changes nothing: `kubectl delete|scale --dry-run=server` (1.32 sends dryRun
// in the DeleteOptions body, scale on the query) is answered as the apiserver answers it, and
// afterwards every object, uid, pod container id and replica count is what it was. A dryRun value other
// than "All" is refused (422) on every verb, so a misspelling can never turn into a real write.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/kube/types.js';
import { LABEL_CLUSTER, LABEL_POD_UID } from '../../src/runtime/runtime.js';
import type { Stored } from '../../src/store/store.js';
import { sleep, until } from './harness.js';
import { ensureKubectl120, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: {name: dry}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: dry}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: web, image: ondalk8s/healthcheck:v1, command: [sh, -c, "sleep 3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: solo, namespace: dry}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: solo, image: ondalk8s/healthcheck:v1, command: [sh, -c, "sleep 3600"]}
`;

interface Snapshot { uids: string[]; containers: string[]; replicas: number; nsPhase: string }

describe('dryRun=All changes nothing', () => {
  let env: KubectlEnv;
  let file: string;

  beforeAll(async () => {
    env = await kubectlEnv('kubectl');
    file = path.join(env.dir, 'dry.yaml');
    fs.writeFileSync(file, MANIFESTS);
    const applied = await env.run(['apply', '-f', file]);
    expect(applied.code, applied.stderr).toBe(0);
    await until('both pods running', async () => {
      const pods = (await env.cluster.client.list<Pod>('Pod', { namespace: 'dry' })).items;
      return pods.length === 2 && pods.every((p) => p.status?.containerStatuses?.[0]?.state?.running);
    });
  }, 120_000);

  afterAll(async () => { await env?.stop(); }, 60_000);

  async function snapshot(): Promise<Snapshot> {
    const c = env.cluster.client;
    const pods = (await c.list<Pod>('Pod', { namespace: 'dry' })).items;
    const deploy = await c.get('Deployment', 'dry', 'web') as Stored & { spec: { replicas: number } };
    const ns = await c.get('Namespace', undefined, 'dry') as Stored & { status: { phase: string } };
    for (const p of pods) expect(p.metadata.deletionTimestamp, `pod ${p.metadata.name}`).toBeUndefined();
    // the pods' containers and their sandboxes: a pod and its sandbox go together (not the network agent)
    const running = execFileSync('docker', ['ps', '-q', '--no-trunc', '--filter', `label=${LABEL_CLUSTER}=${env.cluster.clusterId}`, '--filter', `label=${LABEL_POD_UID}`], { encoding: 'utf8' })
      .split('\n').filter(Boolean).sort();
    return {
      uids: [ns, deploy, ...pods].map((o) => `${o.kind}/${o.metadata.name}/${o.metadata.uid}`).sort(),
      containers: running, replicas: deploy.spec.replicas, nsPhase: ns.status.phase,
    };
  }

  function kubectl120(args: string[]): Promise<Run> {
    const bin = ensureKubectl120();
    return new Promise((resolve) => {
      execFile(bin, ['--kubeconfig', env.kubeconfig, '--cache-dir', path.join(env.dir, 'cache-120'), ...args],
        { env: { ...process.env, HOME: env.dir, KUBECONFIG: '' }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    });
  }

  it('kubectl delete pod, deployment, -f file and namespace, and scale, with --dry-run=server: 1.32 and 1.20 are answered, nothing changed', async () => {
    const before = await snapshot();
    expect(before.containers.length).toBe(4);
    // kubectl 1.20 first asks the OpenAPI document whether a PATCH of the kind takes dryRun (it does); 1.32 dropped that check.
    const runners: [string, (args: string[]) => Promise<Run>][] = [['1.32', (a) => env.run(a)], ['1.20', kubectl120]];
    for (const [version, run] of runners) {
      const cmds: [string[], RegExp][] = [
        [['-n', 'dry', 'delete', 'pod', 'solo', '--dry-run=server'], /pod "solo" deleted \(server dry run\)/],
        [['-n', 'dry', 'delete', 'deployment', 'web', '--dry-run=server'], /deployment.apps "web" deleted \(server dry run\)/],
        [['delete', '-f', file, '--dry-run=server'], /namespace "dry" deleted \(server dry run\)/],
        [['delete', 'namespace', 'dry', '--dry-run=server'], /namespace "dry" deleted \(server dry run\)/],
        // kubectl 1.20's scale prints no "(server dry run)" suffix (its own printer); the replicas below show nothing changed
        [['-n', 'dry', 'scale', 'deployment', 'web', '--replicas=3', '--dry-run=server'], version === '1.20' ? /^deployment.apps\/web scaled$/m : /deployment.apps\/web scaled \(server dry run\)/],
      ];
      for (const [args, expected] of cmds) {
        const r = await run(args);
        expect(r.code, `kubectl ${version} ${args.join(' ')}: ${r.stderr}`).toBe(0);
        expect(r.stdout, `kubectl ${version} ${args.join(' ')}`).toMatch(expected);
      }
    }
    // A real delete would have marked the pods at once and stopped their containers within a second.
    await sleep(2500);
    const after = await snapshot();
    expect(after).toEqual(before);
    expect(after.nsPhase).toBe('Active');
    expect(after.replicas).toBe(1);
  });

  it('answers a dry-run delete with the object as the delete would leave it, and refuses dryRun values other than All on every verb', async () => {
    const c = env.cluster.client;
    const pod = await c.request<Stored<Pod>>('DELETE', `${c.path('Pod', 'dry', 'solo')}?dryRun=All`);
    expect(pod.status).toBe(200);
    expect(pod.body.metadata.deletionTimestamp).toBeTruthy();
    expect(pod.body.metadata.deletionGracePeriodSeconds).toBe(1);
    const deploy = await c.request<{ kind: string; status: string; details: Record<string, string> }>('DELETE', c.path('Deployment', 'dry', 'web'), { dryRun: ['All'], propagationPolicy: 'Background' });
    expect(deploy.status).toBe(200);
    expect(deploy.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'web', group: 'apps', kind: 'deployments' } });
    const ns = await c.request<Stored & { status: { phase: string } }>('DELETE', c.path('Namespace', undefined, 'dry'), { dryRun: ['All'] });
    expect(ns.body.metadata.deletionTimestamp).toBeTruthy();
    expect(ns.body.status.phase).toBe('Terminating');
    const all = await c.request<{ items: unknown[] }>('DELETE', c.path('Pod', 'dry'), { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] });
    expect(all.body.items).toHaveLength(2);

    const podPath = c.path('Pod', 'dry', 'solo');
    const current = await c.get<Pod>('Pod', 'dry', 'solo');
    const refused: [string, string, unknown, Record<string, string>?][] = [
      ['POST', `${c.path('Pod', 'dry')}?dryRun=all`, { ...current, metadata: { name: 'other' } }],
      ['PUT', `${podPath}?dryRun=true`, current],
      ['PUT', `${podPath}/status?dryRun=x`, current],
      ['PATCH', `${podPath}?dryRun=Al`, '{"metadata":{"labels":{"a":"b"}}}', { 'Content-Type': 'application/merge-patch+json' }],
      ['DELETE', podPath, { dryRun: ['Server'] }],
      ['DELETE', `${podPath}?dryRun=`, undefined],
      ['DELETE', c.path('Pod', 'dry'), { dryRun: ['All', 'Client'] }],
      ['PATCH', `${c.path('Deployment', 'dry', 'web')}/scale?dryRun=server`, '{"spec":{"replicas":0}}', { 'Content-Type': 'application/merge-patch+json' }],
    ];
    for (const [method, url, body, headers] of refused) {
      const res = await c.raw(method, url, body, headers);
      let text = '';
      for await (const chunk of res) text += String(chunk);
      expect(res.statusCode, `${method} ${url}: ${text}`).toBe(422);
      expect(text).toMatch(/Options.meta.k8s.io \\"\\" is invalid: dryRun: Unsupported value: .*supported values: \\"All\\"/);
    }
    await sleep(1500);
    const pods = (await c.list<Pod>('Pod', { namespace: 'dry' })).items;
    expect(pods.map((p) => [p.metadata.name, p.metadata.deletionTimestamp, p.metadata.labels?.['a']])).toEqual(
      expect.arrayContaining([['solo', undefined, undefined]]));
    expect(pods).toHaveLength(2);
    expect(((await c.get('Deployment', 'dry', 'web')) as Stored & { spec: { replicas: number } }).spec.replicas).toBe(1);
  });
});
