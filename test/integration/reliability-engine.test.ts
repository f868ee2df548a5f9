// Faults on the Docker side, against the real engine:
// - containers killed, stopped or removed behind mini-kube's back are crashes (restart, count + 1);
// - the engine going away and coming back. The engine here is shared with other tests, so it is never
//   restarted: the control plane talks to it through a unix-socket proxy this test cuts (listener closed,
//   every connection dropped, as when dockerd stops) and restores. While cut: the API answers, `status`
//   says the engine is unreachable, the pods carry a ContainerRuntimeReachable=False condition and an
//   event, nothing is deleted. Once restored: the event stream is subscribed again and everything
//   reconciles within seconds, including a container removed while the engine was "away".
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { applyObject } from '../../src/client/apply.js';
import { startControlPlane, type ControlPlane } from '../../src/control-plane/control-plane.js';
import type { Event, Pod } from '../../src/kube/types.js';
import { parseManifests } from '../../src/manifests/index.js';
import { DockerRuntime } from '../../src/runtime/docker.js';
import type { Stored } from '../../src/store/store.js';
import { LABEL_CLUSTER } from '../../src/runtime/runtime.js';
import { buildSampleImage } from '../../src/runtime/sample-image.js';
import { until, cliIn } from './harness.js';
import { containerIdOf } from '../../src/kube/container-id.js';

const mk = (home: string, args: string[], env: Record<string, string>) => cliIn(home, args, { env, timeoutMs: 30_000 });

/** A cuttable stand-in for the engine's socket. */
class EngineProxy {
  private server?: net.Server;
  private readonly conns = new Set<net.Socket>();
  constructor(readonly socketPath: string, private readonly target = '/var/run/docker.sock') {}

  async open(): Promise<void> {
    fs.rmSync(this.socketPath, { force: true });
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      this.conns.add(client).add(upstream);
      const drop = (): void => { client.destroy(); upstream.destroy(); this.conns.delete(client); this.conns.delete(upstream); };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.socketPath, r));
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const c of this.conns) c.destroy();
    this.conns.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(this.socketPath, { force: true });
  }
}

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: {name: eng}
spec:
  replicas: 3
  selector: {matchLabels: {app: eng}}
  template:
    metadata: {labels: {app: eng}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: app
        image: ondalk8s/healthcheck:v1
        imagePullPolicy: IfNotPresent
        readinessProbe: {httpGet: {path: /readiness, port: 8080}, periodSeconds: 1}
`;

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

describe('reliability: the Docker engine behind mini-kube\'s back', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-eng-'));
  const proxy = new EngineProxy(path.join(os.tmpdir(), `mk-eng-${process.pid}.sock`));
  const dockerHost = { DOCKER_HOST: `unix://${proxy.socketPath}` };
  let cp: ControlPlane;
  let client: ApiClient;

  const pods = async (): Promise<Stored<Pod>[]> => (await client.list<Pod>('Pod', { namespace: 'default', labelSelector: 'app=eng' })).items;
  const containerOf = (p: Pod): string => containerIdOf(p.status?.containerStatuses?.[0]?.containerID) ?? '';
  const runningWith = (p: Pod | undefined, restarts: number): boolean =>
    !!p && !!p.status?.containerStatuses?.[0]?.state?.running && p.status.containerStatuses[0]!.restartCount === restarts;

  beforeAll(async () => {
    await buildSampleImage();
    await proxy.open();
    cp = await startControlPlane({ home, runtime: new DockerRuntime({ socketPath: proxy.socketPath }),
      log: process.env['MINI_KUBE_TEST_LOG'] ? (l) => console.log(l) : undefined });
    client = new ApiClient({ url: cp.url, token: cp.token, caPem: cp.caPem });
    for (const m of parseManifests(MANIFEST, 'eng.yaml').objects) await applyObject(client, m.object);
    await until('3 running pods', async () => (await pods()).filter((p) => runningWith(p, 0)).length === 3, 40_000);
  }, 60_000);

  afterAll(async () => {
    await proxy.open().catch(() => {});
    client?.close();
    await cp?.stop({ removeContainers: true });
    const left = docker(['ps', '-aq', '--filter', `label=${LABEL_CLUSTER}=${cp?.clusterId}`]).split('\n').filter(Boolean);
    if (left.length) docker(['rm', '-f', ...left]);
    await proxy.cut();
    fs.rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('treats a container killed, stopped or removed by hand as a crash: restarted, count + 1', async () => {
    const [a, b, c] = await pods();
    docker(['kill', containerOf(a!)]);
    docker(['stop', '-t', '1', containerOf(b!)]);
    docker(['rm', '-f', containerOf(c!)]);
    for (const p of [a!, b!, c!]) {
      await until(`${p.metadata.name} restarted once`, async () => {
        const now = await client.get<Pod>('Pod', 'default', p.metadata.name);
        return runningWith(now, 1) && containerOf(now) !== containerOf(p);
      }, 15_000);
    }
  }, 40_000);

  it('holds everything while the engine is away and reconciles within seconds once it is back', async () => {
    const before = await pods();
    await proxy.cut();
    // the kubelet notices within a couple of ping periods and says so on every pod
    await until('the ContainerRuntimeReachable=False condition', async () => (await pods()).every((p) =>
      p.status?.conditions?.some((c) => c.type === 'ContainerRuntimeReachable' && c.status === 'False' && c.reason === 'DockerEngineUnreachable')), 8000);
    const events = (await client.list<Event>('Event', { namespace: 'default' })).items;
    expect(events.some((e) => e.reason === 'ContainerRuntimeUnreachable' && e.type === 'Warning')).toBe(true);
    // the API is up and says so; `status` and `describe` show it
    await client.request('GET', '/healthz');
    const status = await mk(home, ['status'], dockerHost);
    expect(status.stdout).toMatch(/docker engine:\s+unreachable/);
    const describe = await mk(home, ['describe', 'pod', before[0]!.metadata.name], dockerHost);
    expect(describe.stdout).toMatch(/ContainerRuntimeReachable\s+False/);
    expect(describe.stdout).toContain('ContainerRuntimeUnreachable');

    // nothing is deleted meanwhile: same pods, same containers, still running on the engine
    await new Promise((r) => setTimeout(r, 3000));
    const during = await pods();
    expect(during.map((p) => p.metadata.name).sort()).toEqual(before.map((p) => p.metadata.name).sort());
    for (const p of before) expect(docker(['inspect', '-f', '{{.State.Running}}', containerOf(p)])).toBe('true');
    // a container removed while the engine was away is a crash found on its return
    const victim = before[0]!;
    docker(['rm', '-f', containerOf(victim)]);

    await proxy.open();
    const back = Date.now();
    await until('the condition to clear and the removed container to be replaced', async () => {
      const now = await pods();
      const v = now.find((p) => p.metadata.name === victim.metadata.name);
      return now.every((p) => !p.status?.conditions?.some((c) => c.type === 'ContainerRuntimeReachable')) &&
        runningWith(v, (victim.status!.containerStatuses![0]!.restartCount ?? 0) + 1);
    }, 10_000).catch(async (err: Error) => {
      throw new Error(`${err.message}; saw ${JSON.stringify((await pods()).map((p) => [p.metadata.name, p.status]))}`);
    });
    expect(Date.now() - back).toBeLessThan(10_000);
    for (const p of before.slice(1)) {
      expect(containerOf(await client.get<Pod>('Pod', 'default', p.metadata.name))).toBe(containerOf(p));
    }
    expect((await mk(home, ['status'], dockerHost)).stdout).toMatch(/docker engine:\s+reachable/);

    // the event stream was subscribed again: a kill shows in the status at once, not at the next 10 s
    // re-sync (this container's restart itself waits for its crash back-off, as in Kubernetes)
    await new Promise((r) => setTimeout(r, 1500));
    const target = await client.get<Pod>('Pod', 'default', before[1]!.metadata.name);
    docker(['kill', containerOf(target)]);
    const killedAt = Date.now();
    await until('the kill to show in the pod status', async () => {
      const st = (await client.get<Pod>('Pod', 'default', target.metadata.name)).status?.containerStatuses?.[0];
      return !st?.state?.running || st.lastState?.terminated?.containerID === target.status!.containerStatuses![0]!.containerID;
    }, 8000);
    expect(Date.now() - killedAt).toBeLessThan(4000);
  }, 70_000);
});
