// `mini-kube demo --fast` as a student runs it: the CLI against a cluster's home. The transcript must
// show every step of the tutorial; Ctrl-C in the middle must leave nothing behind; objects the user had
// before are never touched.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/lib/index.js';
import type { Pod } from '../../src/kube/types.js';
import { LABEL_CLUSTER, LABEL_POD_UID } from '../../src/runtime/runtime.js';
import { CLI, ROOT, testCluster, until } from './harness.js';

let cluster: Cluster;
beforeAll(async () => { cluster = await testCluster({ inProcess: true }); }, 60_000);
afterAll(async () => { await cluster?.stop(); }, 60_000);

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

interface Run { code: number | null; out: string; raw: string }

/** Runs the demo; `interruptWhen` sends SIGINT (Ctrl-C) once the transcript matches it. */
function demo(args: string[], interruptWhen?: RegExp, cwd = ROOT): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'demo', '--fast', ...args], {
      cwd, env: { ...process.env, MINI_KUBE_HOME: cluster.home, LANG: 'C' },
    });
    let out = '';
    let sent = false;
    const onData = (c: Buffer) => {
      out += c.toString();
      if (interruptWhen && !sent && interruptWhen.test(plain(out))) {
        sent = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 85_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out: plain(out), raw: out }); });
  });
}

async function nothingLeft(): Promise<void> {
  await until('no demo objects or containers', async () => {
    const pods = (await cluster.client.list<Pod>('Pod', { labelSelector: 'app in (liveness,healthcheck)' })).items;
    const deps = (await cluster.client.list('Deployment')).items;
    const svcs = (await cluster.client.list('Service')).items.filter((s) => s.metadata.name === 'mysvc');
    // the pods' containers; the cluster's network agent stays while the cluster runs
    const containers = (await cluster.controlPlane.runtime.listContainers({ [LABEL_CLUSTER]: cluster.clusterId })).filter((c) => c.labels[LABEL_POD_UID]);
    return pods.length === 0 && deps.length === 0 && svcs.length === 0 && containers.length === 0;
  }, 30_000);
}

describe('mini-kube demo', () => {
  it('walks both sections in English and cleans up', async () => {
    const { code, out, raw } = await demo(['--lang', 'en']);
    expect(out, out).toContain('Done.');
    expect(code).toBe(0);
    // into a pipe (not a terminal): no colour codes
    expect(raw).not.toContain('\x1b');
    // Part 1: apply, get pod, rm, the kubelet's failures against the threshold, the kill, the restart.
    expect(out).toContain('$ mini-kube apply -f manifests/liveness.yaml');
    expect(out).toContain('deployment.apps/liveness-pod created');
    expect(out).toMatch(/\$ mini-kube get pod\nNAME +READY +STATUS +RESTARTS +AGE\nliveness-pod-/);
    const first = /\$ mini-kube exec (liveness-pod-\S+) -- rm \/tmp\/healthcheck/.exec(out)?.[1];
    expect(first).toBeTruthy();
    for (const n of [1, 2, 3]) expect(out).toContain(`✗ kubelet: liveness probe failed ${n}/3 (failureThreshold): Liveness probe failed:`);
    expect(out).toContain('kubelet: threshold reached, it kills the container: "Container liveness failed liveness probe, will be restarted"');
    expect(out).toContain('kubelet: Started: Started container liveness');
    expect(out).toMatch(new RegExp(`${first} +1/1 +Running +1 \\(`));
    // Part 2: the Service, requests answered by each pod, the readiness failure taking one out, and back.
    expect(out).toContain('$ mini-kube apply -f manifests/healthcheck.yaml');
    expect(out).toContain('$ mini-kube apply -f manifests/svc.yaml');
    expect(out).toMatch(/mysvc +NodePort +\S+ +<none> +80:\d+\/TCP/);
    const target = /\$ mini-kube exec -it (healthcheck-pod-\S+) -- rm \/tmp\/healthcheck/.exec(out)?.[1] ?? '';
    expect(target).toBeTruthy();
    const [before, afterRm] = out.split('-- rm /tmp/healthcheck\n').slice(1);
    const answered = (text: string) => new Set([...text.matchAll(/Hello node! hostname:(\S+)/g)].map((m) => m[1]));
    expect(answered(before!).size).toBe(3);
    for (const n of [1, 2, 3]) expect(out).toContain(`✗ kubelet: readiness probe failed ${n}/3 (failureThreshold): Readiness probe failed: HTTP probe failed with statuscode: 500`);
    expect(out).toMatch(new RegExp(`${target} +0/1 +Running +0 `));
    const [whileOut, afterTouch] = afterRm!.split('-- touch /tmp/healthcheck\n');
    expect(answered(whileOut!).has(target)).toBe(false);
    expect(answered(whileOut!).size).toBe(2);
    expect(out).toContain(`9 of 9 requests answered, none by ${target}`);
    expect(afterTouch).toContain(`${target} is ready (1/1) and back in mysvc's endpoints`);
    expect(answered(afterTouch!).has(target)).toBe(true);
    expect(out).toContain('$ mini-kube delete -f manifests/liveness.yaml');
    await nothingLeft();
  }, 90_000);

  it('in Korean, Ctrl-C in the middle cleans up: no pods, no containers', async () => {
    const { code, out } = await demo(['--lang', 'ko'], /kubelet: liveness probe 실패 1\/3/);
    expect(out).toContain('1부 - Liveness probe');
    expect(out).toContain('중단됨: 정리합니다');
    expect(out).toContain('데모의 Pod와 컨테이너가 모두 정리되었습니다');
    expect(out).not.toContain('2부');
    expect(code).toBe(130);
    await nothingLeft();
  }, 60_000);

  it('leaves an existing liveness-pod alone and says so', async () => {
    await nothingLeft(); // the user's object is created on a clean cluster
    await cluster.apply({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'liveness-pod' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'mine' } },
        template: { metadata: { labels: { app: 'mine' } }, spec: { containers: [{ name: 'c', image: 'ondalk8s/healthcheck:v1' }] } } },
    });
    const before = await cluster.client.get('Deployment', 'default', 'liveness-pod');
    // from anywhere but the checkout (a user who installed the package), the paths printed are the package's
    // (a directory of its own: os.tmpdir() itself may hold the checkout, where a relative path would work)
    const { code, out } = await demo(['--lang', 'en'], undefined, fs.mkdtempSync(path.join(os.tmpdir(), 'mk-demo-cwd-')));
    expect(code).not.toBe(0);
    expect(out).toContain('deployment.apps/liveness-pod, which already exist');
    expect(out).toContain(`(mini-kube delete -f ${ROOT}/manifests/liveness.yaml -f ${ROOT}/manifests/healthcheck.yaml -f ${ROOT}/manifests/svc.yaml)`);
    const after = await cluster.client.get('Deployment', 'default', 'liveness-pod');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    await cluster.delete('Deployment', 'liveness-pod');
  }, 30_000);
});
