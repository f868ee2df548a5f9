// Durability and recovery, with the control plane as a real child process (`mini-kube up
// --foreground-daemon`, as the CLI starts it) killed with SIGKILL: no acknowledged object is lost, running
// containers and their pods' sandboxes are adopted (same IDs, not restarted, not doubled), restart counts, pod IPs and the nodePort
// stay and answer within 5 s, containers of pods that no longer exist are removed, and containers without
// this cluster's labels (none at all, or another cluster's) are left alone.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../../src/client/connect.js';
import type { ApiClient } from '../../src/client/api-client.js';
import type { Pod, Service } from '../../src/kube/types.js';
import { LABEL_CLUSTER, LABEL_POD_UID, LABEL_SANDBOX } from '../../src/runtime/runtime.js';
import { buildSampleImage } from '../../src/runtime/sample-image.js';
import { readState, type ControlPlaneState } from '../../src/control-plane/home.js';
import { sleep, until, cliIn } from './harness.js';
import { parseContainerId } from '../../src/kube/container-id.js';

const mk = (home: string, args: string[], input?: string) => cliIn(home, args, { input });

const IMAGE = 'ondalk8s/healthcheck:v1';
const MARK = `mk-rel-${process.pid}`;

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** the cluster's pod containers (sandboxes included), not its network agent */
function clusterContainers(clusterId: string): string[] {
  return docker(['ps', '-aq', '--no-trunc', '--filter', `label=${LABEL_CLUSTER}=${clusterId}`, '--filter', `label=${LABEL_POD_UID}`]).split('\n').filter(Boolean);
}

/** `mini-kube up -d`: the CLI starts `up --foreground-daemon` as a detached child and waits for it. */
function sandboxes(clusterId: string): string[] {
  return docker(['ps', '-aq', '--no-trunc', '--filter', `label=${LABEL_CLUSTER}=${clusterId}`, '--filter', `label=${LABEL_SANDBOX}=true`])
    .split('\n').filter(Boolean).sort();
}

async function startDaemon(home: string): Promise<ControlPlaneState> {
  const up = await mk(home, ['up', '-d', '--no-kubeconfig']);
  if (up.code !== 0) throw new Error(`up -d failed: ${up.stderr}`);
  return readState(home)!;
}

async function answers(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

const APP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: keep}
spec:
  replicas: 2
  selector: {matchLabels: {app: keep}}
  template:
    metadata: {labels: {app: keep}}
    spec:
      containers:
      - name: app
        image: ${IMAGE}
        imagePullPolicy: IfNotPresent
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /readiness, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: keep}
spec:
  type: NodePort
  selector: {app: keep}
  ports: [{port: 80, targetPort: 8080}]
`;

describe('reliability: SIGKILL of the control plane', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-rel-'));
  let state: ControlPlaneState;
  let client: ApiClient;
  let clusterId = '';

  beforeAll(async () => {
    await buildSampleImage();
    state = await startDaemon(home);
    client = clientFor(home, state);
    clusterId = state.clusterId;
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await mk(home, ['down']);
    // whatever is left of this cluster, and the containers this test made itself
    for (const id of clusterContainers(clusterId)) docker(['rm', '-f', id]);
    const mine = docker(['ps', '-aq', '--filter', `label=mk-rel-test=${MARK}`]).split('\n').filter(Boolean);
    if (mine.length) docker(['rm', '-f', ...mine]);
    fs.rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('loses no acknowledged write, adopts running containers and removes only its own orphans', async () => {
    const applied = await mk(home, ['apply', '-f', '-'], APP);
    expect(applied.code, applied.stderr).toBe(0);
    const pods = await until('2 ready pods', async () => {
      const list = (await client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=keep' })).items;
      return list.length === 2 && list.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) && list;
    }, 40_000);
    const svc = await client.get<Service>('Service', 'default', 'keep');
    const nodePort = svc.spec!.ports![0]!.nodePort!;
    const url = `http://127.0.0.1:${nodePort}/`;
    await until('the nodePort answers', () => answers(url), 10_000);
    const before = new Map(pods.map((p) => [p.metadata.name, p.status!]));
    // each pod's sandbox (which holds its IP): adopted as its containers are
    const sandboxesBefore = sandboxes(clusterId);
    expect(sandboxesBefore).toHaveLength(2);

    // Containers that are not ours: no labels at all, and another cluster's. Plus an orphan of ours:
    // a container of this cluster whose pod does not exist.
    const other = docker(['run', '-d', '--label', `mk-rel-test=${MARK}`, '--label', `${LABEL_CLUSTER}=another-cluster`,
      '--label', `${LABEL_POD_UID}=x`, IMAGE, 'sleep', '300']);
    const unlabelled = docker(['run', '-d', '--label', `mk-rel-test=${MARK}`, IMAGE, 'sleep', '300']);
    const orphan = docker(['run', '-d', '--label', `mk-rel-test=${MARK}`, '--label', `${LABEL_CLUSTER}=${clusterId}`,
      '--label', `${LABEL_POD_UID}=no-such-pod`, IMAGE, 'sleep', '300']);

    // A burst of writes, each acknowledged by the API, and SIGKILL right after the last answer.
    const names: string[] = [];
    for (let i = 0; i < 20; i++) {
      const name = `durable-${i}`;
      await client.request('POST', '/api/v1/namespaces/default/services', {
        apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }] },
      });
      names.push(name);
    }
    process.kill(state.pid, 'SIGKILL');
    await until('the control plane to be gone', async () => {
      try { process.kill(state.pid, 0); return false; } catch { return true; }
    }, 5000);
    client.close();

    state = await startDaemon(home);
    client = clientFor(home, state);
    // the same nodePort answers within 5 s of the restart
    await until('the nodePort to answer after the restart', () => answers(url), 5000);

    const services = (await client.list<Service>('Service', { namespace: 'default' })).items.map((s) => s.metadata.name);
    for (const n of names) expect(services).toContain(n);
    expect((await client.get<Service>('Service', 'default', 'keep')).spec!.ports![0]!.nodePort).toBe(nodePort);

    // Give the kubelet a few re-syncs to do something wrong, then compare.
    await until('the orphan to be removed', async () => !docker(['ps', '-aq', '--filter', `id=${orphan}`]), 10_000);
    await sleep(3000);
    const after = (await client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=keep' })).items;
    expect(after.map((p) => p.metadata.name).sort()).toEqual([...before.keys()].sort());
    for (const p of after) {
      const was = before.get(p.metadata.name)!;
      expect(p.status!.podIP).toBe(was.podIP);
      expect(p.status!.containerStatuses![0]!.containerID).toBe(was.containerStatuses![0]!.containerID);
      expect(p.status!.containerStatuses![0]!.restartCount).toBe(was.containerStatuses![0]!.restartCount);
      expect(p.status!.containerStatuses![0]!.state?.running?.startedAt).toBe(was.containerStatuses![0]!.state?.running?.startedAt);
    }
    // not doubled: one container and one sandbox per pod, the very ones from before
    const ids = clusterContainers(clusterId).sort();
    expect(sandboxes(clusterId)).toEqual(sandboxesBefore);
    expect(ids).toEqual([...after.map((p) => parseContainerId(p.status!.containerStatuses![0]!.containerID!)), ...sandboxesBefore].sort());
    // not ours: untouched and still running
    expect(docker(['inspect', '-f', '{{.State.Running}}', other])).toBe('true');
    expect(docker(['inspect', '-f', '{{.State.Running}}', unlabelled])).toBe('true');
  }, 85_000);
});
