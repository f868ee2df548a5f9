// configMap, secret, downwardAPI and projected volumes, subPath/subPathExpr, emptyDir medium: Memory and
// status.podIP in env, on the real engine: the files a container reads (contents, modes, read-only), a pod
// that waits in ContainerCreating with the kubelet's FailedMount event until its ConfigMap appears, the
// live update of a mounted ConfigMap (atomic through ..data; a subPath file keeps its content), and a
// memory emptyDir that keeps its files across a container restart and is as large as its sizeLimit.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Pod } from '../../src/lib/index.js';
import { testCluster, until } from './harness.js';

const IMAGE = 'ondalk8s/healthcheck:v1';

const FILES_POD = `apiVersion: v1
kind: Pod
metadata:
  name: files
  labels: {app: files, tier: "web"}
  annotations: {note: hello}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ${IMAGE}
    command: ["sh", "-c", "sleep 3600"]
    resources:
      limits: {memory: 64Mi, cpu: 250m}
    env:
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    - name: POD_IPS
      valueFrom: {fieldRef: {fieldPath: status.podIPs}}
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    volumeMounts:
    - {name: config, mountPath: /etc/config}
    - {name: picked, mountPath: /etc/picked}
    - {name: creds, mountPath: /etc/creds}
    - {name: info, mountPath: /etc/info}
    - {name: all, mountPath: /etc/all}
    - {name: config, mountPath: /etc/color.txt, subPath: color}
    - {name: info, mountPath: /etc/me, subPathExpr: "$(POD_NAME)"}
  volumes:
  - name: config
    configMap: {name: settings}
  - name: picked
    configMap:
      name: settings
      defaultMode: 0600
      items:
      - {key: color, path: nested/colour}
      - {key: size, path: size.txt, mode: 0400}
  - name: creds
    secret: {secretName: creds, defaultMode: 0440}
  - name: info
    downwardAPI:
      items:
      - path: labels
        fieldRef: {fieldPath: metadata.labels}
      - path: name
        fieldRef: {fieldPath: metadata.name}
      - path: files/name
        fieldRef: {fieldPath: metadata.name}
      - path: note
        fieldRef: {fieldPath: "metadata.annotations['note']"}
      - path: mem
        resourceFieldRef: {containerName: main, resource: limits.memory, divisor: 1Mi}
  - name: all
    projected:
      sources:
      - configMap: {name: settings, items: [{key: color, path: color}]}
      - secret: {name: creds, items: [{key: password, path: secret/password}]}
      - downwardAPI: {items: [{path: ns, fieldRef: {fieldPath: metadata.namespace}}]}
      - configMap: {name: absent, optional: true}
`;

const CONFIG = (color: string): string => `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {color: ${color}, size: L}
`;

const SECRET = `apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cr3t}
`;

describe('configMap, secret, downwardAPI and projected volumes on the real engine', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster();
  }, 240_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);

  const sh = async (pod: string, script: string): Promise<{ exitCode: number; stdout: string; stderr: string }> =>
    cluster.exec(pod, ['sh', '-c', script]);
  const pod = async (name: string): Promise<Pod | undefined> => (await cluster.list<Pod>('Pod')).find((p) => p.metadata?.name === name);

  it('a pod whose ConfigMap is missing waits in ContainerCreating with FailedMount, and starts once it is applied', async () => {
    await cluster.apply(SECRET);
    await cluster.apply(FILES_POD);
    const message = 'MountVolume.SetUp failed for volume "config" : configmap "settings" not found';
    await until('the FailedMount event', async () => (await cluster.events({ object: 'files' })).some((e) => e.reason === 'FailedMount' && e.message === message && e.type === 'Warning'), 60_000);
    const waiting = await pod('files');
    expect(waiting?.status?.phase).toBe('Pending');
    expect(waiting?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
    await cluster.apply(CONFIG('blue'));
    await cluster.waitForPodReady('files', { timeoutMs: 90_000 });
  }, 150_000);

  it('the files, their modes, read-only mounts, subPath, subPathExpr and status.podIP', async () => {
    const r = await sh('files', [
      'cat /etc/config/color; echo', 'cat /etc/config/size; echo',
      'cat /etc/picked/nested/colour; echo', 'stat -L -c %a /etc/picked/nested/colour /etc/picked/size.txt',
      'ls /etc/picked', 'cat /etc/creds/password; echo', 'stat -L -c %a /etc/creds/password',
      'cat /etc/info/labels; echo', 'cat /etc/info/name; echo', 'cat /etc/info/note; echo', 'cat /etc/info/mem; echo',
      'cat /etc/all/color /etc/all/secret/password /etc/all/ns; echo', 'ls /etc/all',
      'cat /etc/color.txt; echo', 'cat /etc/me/name; echo',
      'readlink /etc/config/..data | grep -c "^\\.\\.20"', 'readlink /etc/config/color',
      'touch /etc/config/new 2>&1 || echo refused',
      'echo "$POD_IP" "$POD_IPS"',
    ].join('; '));
    expect(r.exitCode, r.stderr).toBe(0);
    const ip = (await pod('files'))?.status?.podIP;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(r.stdout.split('\n')).toEqual([
      'blue', 'L',
      'blue', '600', '400',
      'nested', 'size.txt', 's3cr3t', '440',
      'app="files"', 'tier="web"', 'files', 'hello', '64',
      'blues3cr3tdefault', 'color', 'ns', 'secret',
      'blue', 'files',
      '1', '..data/color',
      'touch: /etc/config/new: Read-only file system', 'refused',
      `${ip} ${ip}`, '',
    ]);
  }, 60_000);

  it('a changed ConfigMap reaches the mounted files atomically within seconds; the subPath file keeps its content', async () => {
    const before = (await sh('files', 'readlink /etc/config/..data')).stdout.trim();
    const started = Date.now();
    await cluster.apply(CONFIG('green'));
    await until('the new color in the volume', async () => (await sh('files', 'cat /etc/config/color')).stdout === 'green', 30_000);
    const ms = Date.now() - started;
    console.log(`live update of a mounted ConfigMap: ${ms} ms from apply to the new file read in the container`);
    expect(ms).toBeLessThan(10_000);
    const after = await sh('files', 'readlink /etc/config/..data; ls -a /etc/config; cat /etc/all/color; echo; cat /etc/picked/nested/colour; echo; cat /etc/color.txt');
    const lines = after.stdout.split('\n');
    // a new generation; the old one is gone; the names are the same symlinks
    expect(lines[0]).not.toBe(before);
    expect(lines.slice(1, -3).sort()).toEqual(['.', '..', '..data', lines[0], 'color', 'size'].sort());
    // the projected and the items volumes follow too; as on Kubernetes, a subPath mount is not updated
    expect(lines.slice(-3)).toEqual(['green', 'green', 'blue']);
    // a Secret too, in its own volume and as a projected source
    await cluster.apply(SECRET.replace('s3cr3t', 'rotated'));
    await until('the new secret in both volumes', async () => (await sh('files', 'cat /etc/creds/password /etc/all/secret/password')).stdout === 'rotatedrotated', 30_000);
  }, 60_000);

  it('a downwardAPI volume follows a change of the pod\'s labels within the kubelet\'s resync', async () => {
    const started = Date.now();
    await cluster.apply(FILES_POD.replace('tier: "web"', 'tier: "api"'));
    await until('the new label in the file', async () => (await sh('files', 'cat /etc/info/labels')).stdout === 'app="files"\ntier="api"', 30_000);
    console.log(`downwardAPI labels file updated ${Date.now() - started} ms after the pod's labels changed`);
  }, 60_000);

  it('the volume files live in a 0700 pod directory under the home, removed with the pod', async () => {
    const uid = (await pod('files'))!.metadata!.uid!;
    const dir = `${cluster.home}/pods/${uid}`;
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.readlinkSync(`${dir}/volumes/kubernetes.io~configmap/config/color`)).toBe('..data/color');
    await cluster.delete('Pod', 'files');
    await until('the pod gone', async () => !(await pod('files')), 60_000);
    await until('its directory gone', async () => !fs.existsSync(dir), 30_000);
  }, 90_000);

  it('emptyDir medium: Memory is a tmpfs of sizeLimit, shared by the containers and kept across a restart', async () => {
    await cluster.apply(`apiVersion: v1
kind: Pod
metadata: {name: mem}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ${IMAGE}
    command: ["sh", "-c", "sleep 3600"]
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  - name: side
    image: ${IMAGE}
    command: ["sh", "-c", "sleep 3600"]
    volumeMounts: [{name: scratch, mountPath: /shared, readOnly: true}]
  volumes:
  - name: scratch
    emptyDir: {medium: Memory, sizeLimit: 2Mi}
`);
    await cluster.waitForPodReady('mem', { timeoutMs: 90_000 });
    const df = await cluster.exec('mem', ['sh', '-c', 'grep " /scratch " /proc/mounts | cut -d" " -f1,3; df -k /scratch | tail -1 | tr -s " " | cut -d" " -f2; echo kept > /scratch/f'], { container: 'main' });
    expect(df.stdout.split('\n').slice(0, 2)).toEqual(['tmpfs tmpfs', '2048']);
    const full = await cluster.exec('mem', ['sh', '-c', 'dd if=/dev/zero of=/scratch/big bs=1k count=4096 2>&1; echo rc=$?'], { container: 'main' });
    expect(full.stdout).toContain('No space left on device');
    expect((await cluster.exec('mem', ['cat', '/shared/f'], { container: 'side' })).stdout).toBe('kept\n');
    expect((await cluster.exec('mem', ['sh', '-c', 'touch /shared/x 2>&1'], { container: 'side' })).stdout).toContain('Read-only file system');
    // the main container dies and is restarted: the tmpfs (held by the sandbox) still has the file
    await cluster.exec('mem', ['sh', '-c', 'kill 1'], { container: 'main' }).catch(() => undefined);
    await until('main restarted', async () => ((await pod('mem'))?.status?.containerStatuses?.find((c) => c.name === 'main')?.restartCount ?? 0) >= 1, 60_000);
    await cluster.waitForPodReady('mem', { timeoutMs: 60_000 });
    expect((await cluster.exec('mem', ['cat', '/scratch/f'], { container: 'main' })).stdout).toBe('kept\n');
    await cluster.delete('Pod', 'mem');
  }, 180_000);

  it('a disk emptyDir over its sizeLimit gets the pod evicted: Failed, reason Evicted, the kubelet\'s message, nothing restarted', async () => {
    await cluster.apply(`apiVersion: v1
kind: Pod
metadata: {name: filler}
spec:
  terminationGracePeriodSeconds: 30
  containers:
  - name: main
    image: ${IMAGE}
    command: ["sh", "-c", "dd if=/dev/zero of=/data/big bs=1k count=2048; sleep 3600"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    emptyDir: {sizeLimit: 1Mi}
`);
    const message = 'Usage of EmptyDir volume "data" exceeds the limit "1Mi".';
    const started = Date.now();
    const evicted = await until('the pod evicted', async () => {
      const p = await pod('filler');
      return p?.status?.phase === 'Failed' && p.status.reason === 'Evicted' ? p : undefined;
    }, 60_000);
    console.log(`emptyDir over its sizeLimit: evicted ${Date.now() - started} ms after the pod was applied`);
    expect(evicted.status?.message).toBe(message);
    expect(evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'TerminationByKubelet' });
    expect((await cluster.events({ object: 'filler' })).some((e) => e.reason === 'Evicted' && e.message === message && e.type === 'Warning')).toBe(true);
    // killed at once (grace 0 whatever the pod says) and never restarted
    await until('main terminated', async () => (await pod('filler'))?.status?.containerStatuses?.[0]?.state?.terminated, 30_000);
    await new Promise((r) => setTimeout(r, 3000));
    const after = await pod('filler');
    expect(after?.status?.phase).toBe('Failed');
    expect(after?.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(after?.status?.containerStatuses?.[0]?.state?.terminated).toBeDefined();
    await cluster.delete('Pod', 'filler');
  }, 120_000);

  it('admission refuses a subPath on an emptyDir and mountPropagation other than None', async () => {
    const refused = async (yaml: string): Promise<string> => {
      try {
        await cluster.apply(yaml);
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    const base = (volume: string, mount: string): string => `apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  containers:
  - name: main
    image: ${IMAGE}
    volumeMounts: [${mount}]
  volumes: [${volume}]
`;
    expect(await refused(base('{name: d, emptyDir: {}}', '{name: d, mountPath: /d, subPath: x}')))
      .toContain('spec.containers[0].volumeMounts[0].subPath: Forbidden: mini-kube does not implement spec.containers[0].volumeMounts[0].subPath (on an emptyDir');
    expect(await refused(base('{name: c, configMap: {name: x}}', '{name: c, mountPath: /c, mountPropagation: HostToContainer}')))
      .toContain('spec.containers[0].volumeMounts[0].mountPropagation: Forbidden: mini-kube does not implement spec.containers[0].volumeMounts[0].mountPropagation ("HostToContainer"; it accepts only "None"');
    expect(await refused(base('{name: c, configMap: {name: x, items: [{key: a, path: ../a}]}}', '{name: c, mountPath: /c}')))
      .toContain(`spec.volumes[0].configMap.items[0].path: Invalid value: "../a": must not contain '..'`);
  }, 60_000);
});
