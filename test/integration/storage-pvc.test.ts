// PersistentVolumeClaims on the real engine, with the control plane as its own process (`mini-kube up -d`)
// and kubectl 1.32: a claim of the default class `standard` provisioned as a Docker volume when its first
// pod comes, the data kept across the pod's deletion and a restart of the control plane, reclaim Delete
// removing the Docker volume once the claim and its pod are gone, and `down --purge` removing the rest.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../../src/control-plane/home.js';
import { LABEL_CLUSTER } from '../../src/runtime/runtime.js';
import { LABEL_PERSISTENT_VOLUME } from '../../src/kube/storage.js';
import { buildSampleImage } from '../../src/runtime/sample-image.js';
import { cliIn, until } from './harness.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
const mk = (home: string, args: string[], input?: string) => cliIn(home, args, { input });

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** The Docker volumes behind this cluster's PersistentVolumes, by label. */
function pvVolumes(clusterId: string): string[] {
  return docker(['volume', 'ls', '-q', '--filter', `label=${LABEL_CLUSTER}=${clusterId}`, '--filter', `label=${LABEL_PERSISTENT_VOLUME}`]).split('\n').filter(Boolean);
}

const CLAIM = `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: notes}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 64Mi}}
`;

const POD = `apiVersion: v1
kind: Pod
metadata: {name: writer}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ondalk8s/healthcheck:v1
    command: ["sh", "-c", "echo started >> /data/log; sleep 3600"]
    volumeMounts: [{name: notes, mountPath: /data}]
  volumes:
  - name: notes
    persistentVolumeClaim: {claimName: notes}
`;

describe('PersistentVolumeClaims on Docker volumes', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-pvc-'));
  const kubeconfig = path.join(home, 'kubeconfig-test');
  let clusterId = '';
  const kubectl = (args: string[], input?: string) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', path.join(home, 'kcache'), ...args],
      { env: { ...process.env, HOME: home, KUBECONFIG: '' }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
    child.stdin!.end(input ?? '');
  });
  const up = async () => {
    const r = await mk(home, ['up', '-d', '--no-kubeconfig']);
    if (r.code !== 0) throw new Error(`up -d failed: ${r.stderr}`);
    fs.writeFileSync(kubeconfig, (await mk(home, ['kubeconfig'])).stdout, { mode: 0o600 });
  };
  const running = (name: string) => until(`${name} Running`, async () => (await kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', 40_000);

  beforeAll(async () => {
    if (!fs.existsSync(KUBECTL)) throw new Error(`kubectl is expected at ${KUBECTL} (set KUBECTL to another path)`);
    await buildSampleImage();
    await up();
    clusterId = readState(home)!.clusterId;
  }, 90_000);

  afterAll(async () => {
    await mk(home, ['down', '--purge']);
    // cleanup by label: whatever of this cluster is left
    for (const v of docker(['volume', 'ls', '-q', '--filter', `label=${LABEL_CLUSTER}=${clusterId}`]).split('\n').filter(Boolean)) docker(['volume', 'rm', '-f', v]);
    fs.rmSync(home, { recursive: true, force: true });
  }, 90_000);

  it('provisions for the first pod, keeps the data across pod deletion and a restart, deletes with the claim', async () => {
    // the default class as kind has it
    const sc = await kubectl(['get', 'sc']);
    expect(sc.stdout).toMatch(/^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE\nstandard \(default\)\s+mini-kube\.io\/docker-volume\s+Delete\s+WaitForFirstConsumer\s+false\s+/);

    // WaitForFirstConsumer: no volume until a pod uses the claim
    expect((await kubectl(['apply', '-f', '-'], CLAIM)).stdout).toBe('persistentvolumeclaim/notes created\n');
    await until('the WaitForFirstConsumer event', async () => (await kubectl(['describe', 'pvc', 'notes'])).stdout.includes('waiting for first consumer to be created before binding'), 10_000);
    expect((await kubectl(['get', 'pvc', 'notes', '-o', 'jsonpath={.status.phase}'])).stdout).toBe('Pending');
    expect(pvVolumes(clusterId)).toEqual([]);

    expect((await kubectl(['apply', '-f', '-'], POD)).code).toBe(0);
    await running('writer');
    const pvc = await kubectl(['get', 'pvc', 'notes']);
    expect(pvc.stdout).toMatch(/^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE\nnotes\s+Bound\s+pvc-[0-9a-f-]{36}\s+64Mi\s+RWO\s+standard\s+<unset>\s+/);
    const pvName = (await kubectl(['get', 'pvc', 'notes', '-o', 'jsonpath={.spec.volumeName}'])).stdout;
    const pv = await kubectl(['get', 'pv']);
    expect(pv.stdout).toMatch(new RegExp(`^NAME\\s+CAPACITY\\s+ACCESS MODES\\s+RECLAIM POLICY\\s+STATUS\\s+CLAIM\\s+STORAGECLASS\\s+VOLUMEATTRIBUTESCLASS\\s+REASON\\s+AGE\\n${pvName}\\s+64Mi\\s+RWO\\s+Delete\\s+Bound\\s+default/notes\\s+standard\\s+<unset>\\s+`));
    expect(pvVolumes(clusterId)).toHaveLength(1);
    const described = (await kubectl(['describe', 'pvc', 'notes'])).stdout;
    expect(described).toMatch(/Used By:\s+writer/);
    expect(described).toContain('Successfully provisioned volume ' + pvName);

    // the pod goes, its data stays: a new pod of the same claim reads it
    expect((await kubectl(['delete', 'pod', 'writer'])).code).toBe(0);
    expect((await kubectl(['apply', '-f', '-'], POD)).code).toBe(0);
    await running('writer');
    await until('two lines', async () => (await kubectl(['exec', 'writer', '--', 'cat', '/data/log'])).stdout === 'started\nstarted\n', 10_000);

    // the control plane restarts: the volume and its data are still there
    expect((await mk(home, ['down'])).code).toBe(0);
    expect(pvVolumes(clusterId)).toHaveLength(1);
    await up();
    await until('the pod back with its data', async () => (await kubectl(['exec', 'writer', '--', 'cat', '/data/log'])).stdout === 'started\nstarted\nstarted\n', 40_000);

    // reclaim Delete: the claim goes at once; its volume once no pod uses it
    expect((await kubectl(['delete', 'pvc', 'notes', '--wait=false'])).code).toBe(0);
    await until('the PV Released', async () => (await kubectl(['get', 'pv', pvName, '-o', 'jsonpath={.status.phase}'])).stdout === 'Released', 10_000);
    expect(pvVolumes(clusterId)).toHaveLength(1);
    expect((await kubectl(['exec', 'writer', '--', 'cat', '/data/log'])).code).toBe(0);
    expect((await kubectl(['delete', 'pod', 'writer'])).code).toBe(0);
    await until('the PV and its Docker volume gone', async () => pvVolumes(clusterId).length === 0
      && (await kubectl(['get', 'pv', '-o', 'name'])).stdout === '', 20_000);
  }, 120_000);

  it('a pod whose claim is missing waits unscheduled with the scheduler\'s message, and starts once the claim exists', async () => {
    const pod = POD.replace('{name: writer}', '{name: early}').replace('claimName: notes', 'claimName: later');
    expect((await kubectl(['apply', '-f', '-'], pod)).code).toBe(0);
    await until('FailedScheduling', async () => (await kubectl(['describe', 'pod', 'early'])).stdout
      .includes('0/1 nodes are available: persistentvolumeclaim "later" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.'), 10_000);
    const scheduled = await kubectl(['get', 'pod', 'early', '-o', 'jsonpath={.spec.nodeName}/{.status.conditions[0].type}={.status.conditions[0].status}:{.status.conditions[0].reason}']);
    expect(scheduled.stdout).toBe('/PodScheduled=False:Unschedulable');
    expect((await kubectl(['apply', '-f', '-'], CLAIM.replace('{name: notes}', '{name: later}'))).code).toBe(0);
    await running('early');
    expect((await kubectl(['get', 'pvc', 'later', '-o', 'jsonpath={.status.phase}'])).stdout).toBe('Bound');
    expect((await kubectl(['delete', 'pod', 'early'])).code).toBe(0);
    expect((await kubectl(['delete', 'pvc', 'later'])).code).toBe(0);
    await until('its volume reclaimed', async () => pvVolumes(clusterId).length === 0, 20_000);
  }, 60_000);

  it('an Immediate class binds at once; `down --purge` removes the volumes', async () => {
    const fast = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: mini-kube.io/docker-volume
volumeBindingMode: Immediate
reclaimPolicy: Retain
---
${CLAIM.replace('{name: notes}', '{name: kept}').replace('resources:', 'storageClassName: fast\n  resources:')}`;
    expect((await mk(home, ['apply', '-f', '-'], fast)).code).toBe(0);
    await until('kept Bound', async () => (await kubectl(['get', 'pvc', 'kept', '-o', 'jsonpath={.status.phase}'])).stdout === 'Bound', 10_000);
    expect(pvVolumes(clusterId)).toHaveLength(1);
    // Retain: the claim goes, the volume stays Released
    expect((await kubectl(['delete', 'pvc', 'kept'])).code).toBe(0);
    await until('Released', async () => (await kubectl(['get', 'pv', '-o', 'jsonpath={.items[0].status.phase}'])).stdout === 'Released', 10_000);
    const got = await mk(home, ['get', 'pv']);
    expect(got.stdout).toMatch(/Retain\s+Released\s+default\/kept\s+fast/);
    expect(pvVolumes(clusterId)).toHaveLength(1);

    const down = await mk(home, ['down', '--purge']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain('removed 1 docker volume(s) of PersistentVolumes');
    expect(pvVolumes(clusterId)).toEqual([]);
  }, 60_000);
});
