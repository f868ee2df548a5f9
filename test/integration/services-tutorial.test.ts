// The tutorial's Service section on the real engine: manifests/healthcheck.yaml (3 replicas, readiness
// httpGet /readiness every 5 s) behind test/fixtures/tutorial/svc.yaml verbatim (NodePort, targetPort
// 8080). Each request goes on a new connection, so layer-4 round robin spreads them over the pods, whose
// hostnames are their names.
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Endpoints, Pod } from '../../src/lib/index.js';
import { createDockerClient } from '../../src/runtime/docker-client.js';
import { cli, ROOT, testCluster, until } from './harness.js';
import { LABEL_POD_UID, LABEL_SANDBOX, type CreateContainerSpec } from '../../src/runtime/runtime.js';

const HEALTHCHECK = path.join(ROOT, 'manifests/healthcheck.yaml');
const SVC = path.join(ROOT, 'test/fixtures/tutorial/svc.yaml');

interface Reply { status: number; body: string }

/** One GET on a fresh connection (no agent): each request is a new connection for the proxy. */
function get(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const hostOf = (r: Reply): string => /hostname:(\S+)/.exec(r.body)?.[1] ?? `?${r.status}`;

async function hosts(url: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(hostOf(await get(url)));
  return out;
}

const restarts = (p: Pod): number => p.status?.containerStatuses?.[0]?.restartCount ?? -1;

const docker = async (...args: string[]): Promise<string> => (await promisify(execFile)('docker', args)).stdout.trim();

/**
 * Four clients sending GETs back to back, each on a new connection. A reply counts as good only when it
 * is a 200 from one of `pods` (the body names the pod): a 200 from anything else is a failure too.
 */
function steadyLoad(url: string, pods: () => string[]): { ok: () => number; failures: string[]; stop: () => Promise<void> } {
  let stopped = false;
  let ok = 0;
  const failures: string[] = [];
  const worker = async (): Promise<void> => {
    while (!stopped) {
      try {
        const r = await get(url);
        if (r.status === 200 && pods().includes(hostOf(r))) ok++;
        else failures.push(`status ${r.status}: ${r.body.slice(0, 80)}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  };
  const load = Promise.all([worker(), worker(), worker(), worker()]);
  return { ok: () => ok, failures, stop: async () => { stopped = true; await load; } };
}

describe('tutorial: a NodePort Service round-robins over ready pods only', () => {
  let cluster: Cluster;
  let url: string;
  let names: string[];
  beforeAll(async () => {
    cluster = await testCluster({ inProcess: true }); // the runtime
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('spreads 30 requests over the three pods; get svc / get ep / describe svc look like kubectl', async () => {
    expect((await cli(cluster, ['apply', '-f', HEALTHCHECK])).code).toBe(0);
    const applied = await cli(cluster, ['apply', '-f', SVC]);
    expect(applied.stdout).toContain('service/mysvc created');
    await cluster.waitForEndpoints('mysvc', 3, { timeoutMs: 60_000 });
    names = (await cluster.pods('app=healthcheck')).map((p) => p.metadata.name);
    url = await cluster.serviceUrl('mysvc');

    const seen = await hosts(url, 30);
    expect(new Set(seen)).toEqual(new Set(names));
    // Round robin, not random: 10 each.
    for (const n of names) expect(seen.filter((h) => h === n)).toHaveLength(10);

    const nodePort = new URL(url).port;
    const svc = await cli(cluster, ['get', 'svc']);
    expect(svc.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n/);
    expect(svc.stdout).toMatch(new RegExp(`\\nmysvc\\s+NodePort\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s+<none>\\s+80:${nodePort}/TCP\\s+\\d+s\\n`));
    const ep = await cli(cluster, ['get', 'ep', 'mysvc']);
    expect(ep.stdout).toMatch(/^NAME\s+ENDPOINTS\s+AGE\nmysvc\s+(\d+\.\d+\.\d+\.\d+:8080,){2}\d+\.\d+\.\d+\.\d+:8080\s+\d+s\n$/);
    const desc = await cli(cluster, ['describe', 'svc', 'mysvc']);
    expect(desc.stdout).toMatch(/^Name:\s+mysvc\n/);
    expect(desc.stdout).toMatch(/\nSelector:\s+app=healthcheck\n/);
    expect(desc.stdout).toMatch(/\nType:\s+NodePort\n/);
    expect(desc.stdout).toMatch(new RegExp(`\\nNodePort:\\s+myport\\s+${nodePort}/TCP\\n`));
    expect(desc.stdout).toMatch(/\nTargetPort:\s+8080\/TCP\n/);
    expect(desc.stdout).toMatch(/\nEndpoints:\s+\d+\.\d+\.\d+\.\d+:8080,\d+\.\d+\.\d+\.\d+:8080,\d+\.\d+\.\d+\.\d+:8080\n/);
  }, 90_000);

  it('an unready pod gets none of the next 60 requests, none fails, nothing restarts; touch brings it back', async () => {
    const victim = names[0]!;
    expect(await cli(cluster, ['exec', victim, '--', 'rm', '/tmp/healthcheck'])).toMatchObject({ code: 0 });
    await cluster.waitForPodReady(victim, { ready: false, timeoutMs: 25_000 });
    const seen = await hosts(url, 60);
    expect(seen).not.toContain(victim);
    expect(new Set(seen)).toEqual(new Set(names.slice(1)));
    const ep = await cli(cluster, ['get', 'ep', 'mysvc']);
    expect(ep.stdout.split('\n')[1]!.split(/\s+/)[1]!.split(',')).toHaveLength(2);
    for (const p of await cluster.pods('app=healthcheck')) expect(restarts(p)).toBe(0);

    expect(await cli(cluster, ['exec', victim, '--', 'touch', '/tmp/healthcheck'])).toMatchObject({ code: 0 });
    await cluster.waitForPodReady(victim, { timeoutMs: 12_000 });
    expect(await hosts(url, 30)).toContain(victim);
  }, 90_000);

  it('a container killed under steady load costs no failed request', async () => {
    const pods = await cluster.pods('app=healthcheck');
    const victim = pods[1]!;
    const containerId = victim.status!.containerStatuses![0]!.containerID!.replace(/^docker:\/\//, '');
    const load = steadyLoad(url, () => names);
    await until('some load', async () => load.ok() > 50, 10_000);
    await docker('kill', containerId);
    const killedAt = Date.now();
    // The endpoint leaves the pool as soon as the kubelet sees the death (docker's die event), long
    // before any probe could notice.
    await until('the killed pod out of the endpoints', async () => {
      const ep = await cluster.get<Endpoints>('Endpoints', 'mysvc');
      const ready = (ep.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => a.targetRef?.name);
      return !ready.includes(victim.metadata.name);
    }, 10_000);
    // The readiness probe alone would need 15 s (period 5 s x failureThreshold 3); the die event is far quicker
    // even on a loaded machine.
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const before = load.ok();
    await until('the load to go on after the kill', async () => load.ok() > before + 200, 20_000);
    await load.stop();
    expect(load.failures).toEqual([]);
  }, 40_000);

  // Every cluster on the machine shares one Docker network (docs/decisions/006), and Docker hands a dead
  // container's IP to the next container that starts on it, from any cluster. A pod's IP is its sandbox's
  // (docs/decisions/110), so what frees it is the sandbox's death. Here another container takes the killed
  // sandbox's IP (same port, answering "impostor"): no request may reach it. The set-up wins no race: the
  // kubelet's new sandbox for the victim is held (its create waits at the runtime) until the impostor has
  // the address, which it asks for exactly (`--ip`, which works because mini-kube gives its network a subnet).
  it('the IP of a killed pod, taken by another container, gets none of the traffic', async () => {
    const victim = await cluster.get<Pod>('Pod', names[2]!);
    const uid = victim.metadata.uid!;
    const ip = victim.status!.podIP!;
    const sandboxOf = async (): Promise<string> => (await docker('ps', '-q', '--no-trunc', '--filter', `label=${LABEL_POD_UID}=${uid}`,
      '--filter', `label=${LABEL_SANDBOX}=true`)).split('\n')[0]!;
    const sandbox = await sandboxOf();
    expect(await docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', sandbox)).toBe(ip);
    const network = await docker('inspect', '-f', '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}', sandbox);
    const impostor = `mk-test-impostor-${process.pid}-${Date.now()}`;
    await docker('create', '--name', impostor, '--network', network, '--ip', ip, '--entrypoint', 'sh',
      victim.spec!.containers[0]!.image!, '-c', 'mkdir -p /w && echo impostor > /w/index.html && exec httpd -f -p 8080 -h /w');
    const held = holdSandboxCreation(cluster, uid);
    const load = steadyLoad(url, () => names);
    try {
      await until('some load', async () => load.ok() > 50, 10_000);
      const before = load.ok();
      await docker('kill', sandbox);
      // The engine frees the address once the sandbox's network is torn down, a moment after the kill.
      const box = createDockerClient().getContainer(impostor);
      let lastError = '';
      const started = await until('the dead pod\'s address to be free', async () =>
        box.start().then(() => true, (err: Error) => { lastError = err.message; return false; }), 10_000).catch(() => false);
      if (!started) {
        const holders = await docker('network', 'inspect', '-f', '{{range .Containers}}{{.Name}}={{.IPv4Address}} {{end}}', network);
        const holder = holders.split(' ').find((h) => h.includes(`=${ip}/`));
        throw new Error(`environment, not mini-kube: ${ip} could not be given to the impostor (${lastError}); held by ${holder ?? 'nobody listed'}`);
      }
      // The address really is the impostor's now (else this test would prove nothing) ...
      expect((await until('the impostor to answer', () => get(`http://${ip}:8080/`).catch(() => undefined), 10_000)).body).toBe('impostor\n');
      await until('the load to go on after the kill', async () => load.ok() > before + 200, 20_000);
      // ... and the victim's new sandbox is still held, as the set-up relies on.
      expect(held.requested()).toBe(true);
      held.release();
      const back = await until('the victim back, at another address', async () => {
        const p = await cluster.get<Pod>('Pod', names[2]!);
        return p.status?.containerStatuses?.[0]?.ready === true && p.status.podIP !== ip && p;
      }, 40_000);
      expect(back.status!.podIP).not.toBe(ip);
      await load.stop();
      expect(load.failures).toEqual([]);
    } finally {
      held.release();
      await load.stop();
      await docker('rm', '-f', impostor).catch(() => '');
    }
  }, 120_000);

  it('scale to 0: an HTTP client gets 503 naming the Service', async () => {
    expect((await cli(cluster, ['scale', 'deployment', 'healthcheck-pod', '--replicas=0'])).code).toBe(0);
    await until('no pods', async () => (await cluster.list<Pod>('Pod')).length === 0, 40_000);
    const r = await get(url);
    expect(r.status).toBe(503);
    expect(r.body).toBe('mini-kube: service "mysvc" (namespace default) has no ready endpoint: 0 pod(s) match its selector, 0 ready\n');
  }, 45_000);
});

/**
 * Holds the kubelet's creation of a new sandbox for the pod (at the runtime the control plane shares with
 * this test) until release(): the address a dead sandbox freed stays free for the test to give away.
 */
function holdSandboxCreation(cluster: Cluster, podUid: string): { requested(): boolean; release(): void } {
  const runtime = cluster.controlPlane.runtime;
  const original = runtime.createContainer;
  let asked = false;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  runtime.createContainer = async (spec: CreateContainerSpec) => {
    if (spec.labels[LABEL_SANDBOX] === 'true' && spec.labels[LABEL_POD_UID] === podUid) {
      asked = true;
      await gate;
    }
    return original.call(runtime, spec);
  };
  return {
    requested: () => asked,
    release: () => {
      runtime.createContainer = original;
      release();
    },
  };
}
