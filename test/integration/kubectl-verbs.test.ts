// The kubectl verbs no other test runs, through kubectl 1.32 and 1.20 against one cluster on real
// containers: cluster-info and cluster-info dump, expose, label/annotate, set image/env, rollout
// history/restart/pause/resume/undo, edit, cp, wait, events, api-versions, create deployment/service,
// apply view-/set-last-applied, kustomize and apply -k. docs/kubectl.md's verb table names this file for each of them; the
// verbs other files test (get, apply, exec, logs, explain, diff, ...) are listed there with theirs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl120Run, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

let env: KubectlEnv;
let k120: (args: string[]) => Promise<Run>;
const k = (args: string[], opts: { input?: string } = {}) => env.run(args, opts);

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ondalk8s/healthcheck:v1
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 8080
`;

function ok(r: Run): string {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

async function rolledOut(): Promise<void> {
  ok(await k(['rollout', 'status', 'deployment/web', '--timeout=40s']));
}

async function webPod(): Promise<string> {
  return ok(await k(['get', 'pod', '-l', 'app=web', '--field-selector', 'status.phase=Running', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
}

beforeAll(async () => {
  env = await kubectlEnv(KUBECTL);
  k120 = kubectl120Run(env);
  ok(await k(['apply', '-f', '-'], { input: WEB }));
  await rolledOut();
});

afterAll(async () => {
  await env?.stop();
});

describe('kubectl verbs no other test runs', () => {
  it('cluster-info and cluster-info dump (1.32 and 1.20): nodes, events, workloads of kube-system and default, the pods\' logs, no 404', async () => {
    expect(ok(await k(['cluster-info']))).toMatch(/Kubernetes control plane is running at https:\/\/127\.0\.0\.1:\d+/);
    expect(ok(await k120(['cluster-info']))).toMatch(/Kubernetes control plane.* is running at .*https:\/\/127\.0\.0\.1:\d+/);
    const pod = await webPod();
    for (const dump of [await k(['cluster-info', 'dump']), await k120(['cluster-info', 'dump'])]) {
      const out = ok(dump);
      expect(dump.stderr).toBe('');
      expect(out.match(/"kind": "NodeList"/g)?.length).toBe(1);
      for (const kind of ['EventList', 'ReplicationControllerList', 'ServiceList', 'DaemonSetList', 'DeploymentList', 'ReplicaSetList', 'PodList']) {
        expect(out.match(new RegExp(`"kind": "${kind}"`, 'g'))?.length, kind).toBe(2); // kube-system and default
      }
      expect(out).toContain(`==== START logs for container web of pod default/${pod} ====`);
    }
  });

  it('expose, label, annotate (1.32) and expose, label --overwrite (1.20)', async () => {
    expect(ok(await k(['expose', 'deployment', 'web', '--port', '80', '--target-port', '8080', '--name', 'web-exposed'])).trim()).toBe('service/web-exposed exposed');
    const svc = JSON.parse(ok(await k(['get', 'svc', 'web-exposed', '-o', 'json'])));
    expect(svc.spec.selector).toEqual({ app: 'web' });
    expect(svc.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080, protocol: 'TCP' });
    expect(ok(await k120(['expose', 'deployment', 'web', '--port', '81', '--name', 'web-exposed-120'])).trim()).toBe('service/web-exposed-120 exposed');
    expect(ok(await k(['label', 'deploy', 'web', 'tier=front'])).trim()).toBe('deployment.apps/web labeled');
    expect(ok(await k(['annotate', 'deploy', 'web', 'note=hi'])).trim()).toBe('deployment.apps/web annotated');
    expect(ok(await k120(['label', 'deploy', 'web', 'tier=back', '--overwrite'])).trim()).toBe('deployment.apps/web labeled');
    const d = JSON.parse(ok(await k(['get', 'deploy', 'web', '-o', 'json'])));
    expect(d.metadata.labels.tier).toBe('back');
    expect(d.metadata.annotations.note).toBe('hi');
    ok(await k(['delete', 'svc', 'web-exposed', 'web-exposed-120']));
  });

  it('rollout pause, set env and image, resume, set env (1.20), history, restart and undo: the ReplicaSets and revisions the deployment controller makes', async () => {
    expect(ok(await k(['rollout', 'pause', 'deploy/web'])).trim()).toBe('deployment.apps/web paused');
    expect(ok(await k(['set', 'env', 'deploy/web', 'B=2'])).trim()).toBe('deployment.apps/web env updated');
    expect(ok(await k(['set', 'image', 'deploy/web', 'web=ondalk8s/healthcheck:v1'])).trim()).toBe('');
    expect(JSON.parse(ok(await k(['get', 'deploy', 'web', '-o', 'json']))).spec.paused).toBe(true);
    expect(ok(await k(['get', 'rs', '-l', 'app=web', '-o', 'name'])).trim().split('\n')).toHaveLength(1); // paused: no new ReplicaSet
    expect(ok(await k(['rollout', 'resume', 'deploy/web'])).trim()).toBe('deployment.apps/web resumed');
    await rolledOut();
    expect(ok(await k120(['set', 'env', 'deploy/web', 'C=3'])).trim()).toBe('deployment.apps/web env updated');
    await rolledOut();
    expect(ok(await k(['rollout', 'history', 'deploy/web']))).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n3\s+<none>/);
    expect(ok(await k(['rollout', 'restart', 'deploy/web'])).trim()).toBe('deployment.apps/web restarted');
    await rolledOut();
    const restarted = JSON.parse(ok(await k(['get', 'deploy', 'web', '-o', 'json'])));
    expect(restarted.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeDefined();
    expect(ok(await k(['rollout', 'undo', 'deploy/web', '--to-revision=2'])).trim()).toBe('deployment.apps/web rolled back');
    await rolledOut();
    const env2 = JSON.parse(ok(await k(['get', 'deploy', 'web', '-o', 'json']))).spec.template.spec.containers[0].env;
    expect(env2).toEqual([{ name: 'B', value: '2' }]);
  });

  it('edit (1.32 and 1.20, $EDITOR), wait, api-versions, events', async () => {
    const editor = path.join(env.dir, 'editor.sh');
    fs.writeFileSync(editor, '#!/bin/sh\nsed -i "s/^  replicas: 1$/  replicas: 2/" "$1"\n', { mode: 0o755 });
    const edit = await new Promise<Run>((resolve) => {
      // kubectl reads EDITOR from its environment: run it with one of its own
      const [file, ...rest] = env.argv(['edit', 'deploy', 'web']);
      import('node:child_process').then(({ execFile }) => execFile(file!, rest, { env: { ...process.env, HOME: env.dir, KUBECONFIG: '', EDITOR: editor } },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr })));
    });
    expect(ok(edit).trim()).toBe('deployment.apps/web edited');
    expect(ok(await k(['wait', '--for=jsonpath={.status.readyReplicas}=2', 'deploy/web', '--timeout=40s'])).trim()).toBe('deployment.apps/web condition met');
    expect(ok(await k120(['wait', '--for=condition=Available', 'deploy/web', '--timeout=30s'])).trim()).toBe('deployment.apps/web condition met');
    for (const out of [ok(await k(['api-versions'])), ok(await k120(['api-versions']))]) {
      expect(out.split('\n')).toEqual(expect.arrayContaining(['apps/v1', 'v1', 'discovery.k8s.io/v1']));
    }
    const events = ok(await k(['events', '--for', 'deploy/web']));
    expect(events).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(events).toMatch(/ScalingReplicaSet\s+Deployment\/web/);
  });

  it('cp into a pod and back (1.32 and 1.20: tar over exec, WebSocket and SPDY)', async () => {
    const pod = await webPod();
    const local = path.join(env.dir, 'hello.txt');
    fs.writeFileSync(local, 'hello from cp\n');
    ok(await k(['cp', local, `${pod}:/tmp/hello.txt`]));
    expect(ok(await k(['exec', pod, '--', 'cat', '/tmp/hello.txt']))).toBe('hello from cp\n');
    ok(await k120(['cp', `${pod}:/tmp/hello.txt`, path.join(env.dir, 'back.txt')]));
    expect(fs.readFileSync(path.join(env.dir, 'back.txt'), 'utf8')).toBe('hello from cp\n');
  });

  it('create deployment and service (1.32: protobuf bodies), apply view-last-applied and set-last-applied', async () => {
    expect(ok(await k(['create', 'deployment', 'd2', '--image=ondalk8s/healthcheck:v1', '--replicas=0'])).trim()).toBe('deployment.apps/d2 created');
    expect(ok(await k(['create', 'service', 'clusterip', 's2', '--tcp=80:8080'])).trim()).toBe('service/s2 created');
    expect(JSON.parse(ok(await k(['get', 'svc', 's2', '-o', 'json']))).spec.selector).toEqual({ app: 's2' });
    ok(await k(['apply', 'set-last-applied', '--create-annotation', '-f', '-'], { input: WEB }));
    const viewed = ok(await k(['apply', 'view-last-applied', 'deploy/web', '-o', 'json']));
    expect(JSON.parse(viewed).spec.replicas).toBe(1);
    ok(await k(['delete', 'deploy/d2', 'svc/s2']));
  });

  it('kustomize and apply -k: a generated ConfigMap with its hash suffix', async () => {
    const dir = path.join(env.dir, 'kustomize');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'configMapGenerator:\n- name: settings\n  literals: [color=blue]\n');
    const built = ok(await k(['kustomize', dir]));
    const name = /name: (settings-[a-z0-9]+)/.exec(built)?.[1];
    expect(name).toBeDefined();
    expect(ok(await k(['apply', '-k', dir])).trim()).toBe(`configmap/${name} created`);
    expect(JSON.parse(ok(await k(['get', 'cm', name!, '-o', 'json']))).data).toEqual({ color: 'blue' });
  });
});
