// The proxy and the endpoints controller act on what the kubelet observed, never on the pod status a
// client may write (docs/decisions/070-071): the endpoints come from the observed status, a special or
// host address is never an endpoint, and the last check before a dial refuses anything else. The data
// path runs over real loopback sockets: a "bait" server stands for what a forged address would reach.
import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoints, Pod, PodStatus, Service } from '../../../src/kube/types.js';
import { ObservedPods } from '../../../src/kubelet/observed-pods.js';
import { EndpointsController } from '../../../src/controllers/endpoint/endpoints-controller.js';
import { withObservedStatus } from '../../../src/kube/observed.js';
import { ServiceProxy } from '../../../src/service-proxy/proxy.js';
import { guardedConnect, observedTargetCheck, REFUSED_TARGET } from '../../../src/service-proxy/upstream-guard.js';
import { endpointAddressProblem } from '../../../src/kube/endpoint-address.js';
import { Store } from '../../../src/store/store.js';
import { loopbackPodsAllowed } from './store-observations.js';

const ready = (podIP: string): PodStatus => ({ phase: 'Running', podIP, conditions: [{ type: 'Ready', status: 'True' }] });

function pod(name: string, status: PodStatus, annotations?: Record<string, string>): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'x' }, ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080 }] }] },
    status,
  };
}

function listen(host: string, onConnection: (s: net.Socket) => void = (s) => s.destroy()): Promise<net.Server & { port: number }> {
  return new Promise((resolve) => {
    const server = net.createServer(onConnection);
    server.listen(0, host, () => resolve(Object.assign(server, { port: (server.address() as net.AddressInfo).port })));
  });
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    }).on('error', reject);
  });
}

describe('withObservedStatus', () => {
  it('puts the kubelet\'s status in place of the stored one; a pod it has not observed has none', () => {
    const pods = [{ ...pod('a', ready('127.0.0.1')), metadata: { name: 'a', uid: 'u-a' } }, { ...pod('b', ready('127.0.0.1')), metadata: { name: 'b', uid: 'u-b' } }];
    const observed = { status: (uid: string) => (uid === 'u-a' ? ready('10.0.0.9') : undefined) };
    const out = withObservedStatus(pods, observed);
    expect(out[0]!.status).toEqual(ready('10.0.0.9'));
    expect(out[1]!.status).toBeUndefined();
    expect(pods[0]!.status!.podIP).toBe('127.0.0.1');
  });
});

describe('ObservedPods', () => {
  it('tells its readers about a change only, and about the pod going away', () => {
    const observed = new ObservedPods();
    const heard: string[] = [];
    observed.onChange((uid, ns) => heard.push(`${ns}/${uid}`));
    observed.set('u1', { namespace: 'default', name: 'a', status: ready('10.0.0.1') });
    observed.set('u1', { namespace: 'default', name: 'a', status: ready('10.0.0.1') });
    observed.set('u1', { namespace: 'default', name: 'a', status: ready('10.0.0.2') });
    observed.delete('u1');
    observed.delete('u1');
    expect(heard).toEqual(['default/u1', 'default/u1', 'default/u1']);
    expect(observed.status('u1')).toBeUndefined();
  });
});

describe('observedTargetCheck (the last check before a dial)', () => {
  const observed = {
    status: (uid: string) => (uid === 'u1' ? ready('10.0.0.1') : uid === 'u-loop' ? ready('127.0.0.1') : undefined),
    publishedPorts: (uid: string) => (uid === 'u1' ? { 8080: 32001 } : undefined),
  };
  const ipMode = observedTargetCheck(observed, false, (ip) => endpointAddressProblem(ip, new Set(['172.18.0.1'])));
  const publishedMode = observedTargetCheck(observed, true, endpointAddressProblem);

  it.each([
    ['the observed pod IP', { podUid: 'u1', host: '10.0.0.1', port: 8080 }, undefined],
    ['another IP than the observed one', { podUid: 'u1', host: '10.0.0.2', port: 8080 }, '10.0.0.2 is not the address the kubelet observed for pod u1 (10.0.0.1)'],
    ['a pod never observed', { podUid: 'u2', host: '10.0.0.1', port: 8080 }, '10.0.0.1 is not the address the kubelet observed for pod u2 (none)'],
    ['loopback, even if observed', { podUid: 'u-loop', host: '127.0.0.1', port: 8080 }, '127.0.0.1 may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['this host\'s address', { podUid: 'u1', host: '172.18.0.1', port: 8080 }, '172.18.0.1 may not be an address of this host (mini-kube\'s proxy and kubelet run here)'],
  ])('IP mode: %s', (_what, target, problem) => {
    expect(ipMode(target)).toBe(problem);
  });

  it.each([
    ['a port the engine published for the pod', { podUid: 'u1', host: '127.0.0.1', port: 32001 }, undefined],
    ['another loopback port (the dashboard, the API)', { podUid: 'u1', host: '127.0.0.1', port: 8443 }, '127.0.0.1:8443 is not a port the engine published for pod u1'],
    ['a published port of no observed pod', { podUid: 'u2', host: '127.0.0.1', port: 32001 }, '127.0.0.1:32001 is not a port the engine published for pod u2'],
    ['another host', { podUid: 'u1', host: '10.0.0.1', port: 32001 }, '10.0.0.1:32001 is not a port the engine published for pod u1'],
  ])('published-ports mode: %s', (_what, target, problem) => {
    expect(publishedMode(target)).toBe(problem);
  });

  it('a refused target fails like a refused connect, and nothing is dialled', async () => {
    let connections = 0;
    const bait = await listen('127.0.0.1', (s) => { connections++; s.destroy(); });
    try {
      const lines: string[] = [];
      const connect = guardedConnect(() => 'not observed', (l) => lines.push(l));
      const socket = connect({ podUid: 'u1', host: '127.0.0.1', port: bait.port });
      const err = await new Promise<NodeJS.ErrnoException>((resolve) => socket.once('error', resolve));
      expect(err.code).toBe(REFUSED_TARGET);
      expect(err.message).toBe(`mini-kube refused to dial 127.0.0.1:${bait.port}: not observed`);
      await new Promise((r) => setTimeout(r, 50));
      expect(connections).toBe(0);
      expect(lines).toEqual([`service proxy: not dialling 127.0.0.1:${bait.port}: not observed`]);
    } finally {
      bait.close();
    }
  });
});

describe('the endpoints controller and the proxy read the kubelet\'s observations', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('Endpoints: only what the kubelet observed, and never a special address even then', async () => {
    const store = new Store();
    const observed = new ObservedPods();
    store.create<Service>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { selector: { app: 'x' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } });
    const stored = store.create<Pod>(pod('a', ready('127.0.0.1')));
    const controller = new EndpointsController(store, observed);
    controller.start();
    cleanup.push(() => controller.stop());
    const ips = async (): Promise<string[]> => {
      await new Promise((r) => setTimeout(r, 0));
      const ep = store.get<Endpoints>('Endpoints', 'default', 's');
      return (ep?.subsets ?? []).flatMap((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])]).map((a) => a.ip);
    };
    // the stored status alone (a client's 127.0.0.1) makes no endpoint
    expect(await ips()).toEqual([]);
    observed.set(stored.metadata.uid, { namespace: 'default', name: 'a', status: ready('10.0.0.7') });
    expect(await ips()).toEqual(['10.0.0.7']);
    observed.set(stored.metadata.uid, { namespace: 'default', name: 'a', status: ready('169.254.169.254') });
    expect(await ips()).toEqual([]);
  });

  it('the nodePort dials the observed address, not the stored podIP nor the published-ports annotation', async () => {
    let baitConnections = 0;
    const bait = await listen('127.0.0.1', (s) => { baitConnections++; s.destroy(); });
    cleanup.push(() => bait.close());
    const serve = async (host: string): Promise<number> => {
      const server = http.createServer((_q, r) => r.end('real'));
      const port = await new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port)));
      cleanup.push(() => server.close());
      return port;
    };
    // IP mode: the pod at 127.0.0.2 (loopback allowed in this test only); published mode: a published
    // port on 127.0.0.1, where that mode always dials.
    const podPort = await serve('127.0.0.2');
    const publishedPort = await serve('127.0.0.1');
    for (const publishPorts of [false, true]) {
      const free = await listen('127.0.0.1');
      const nodePort = free.port;
      await new Promise((r) => free.close(r));
      const store = new Store();
      const observed = new ObservedPods();
      store.create<Service>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, targetPort: publishPorts ? 8080 : podPort, nodePort, protocol: 'TCP' }] } });
      // What a client wrote: the bait as the pod IP, and as the published port.
      const forged = store.create<Pod>(pod('a', ready('127.0.0.1'), { 'mini-kube.io/published-ports': JSON.stringify({ 8080: bait.port, [podPort]: bait.port }) }));
      observed.set(forged.metadata.uid, {
        namespace: 'default', name: 'a', status: ready(publishPorts ? '127.0.0.3' : '127.0.0.2'),
        ...(publishPorts ? { publishedPorts: { 8080: publishedPort } } : {}),
      });
      const proxy = new ServiceProxy({ store, address: '127.0.0.1', publishPorts, observed, addressRule: loopbackPodsAllowed });
      proxy.start();
      try {
        for (let i = 0; i < 50 && !proxy.listening(nodePort); i++) await new Promise((r) => setTimeout(r, 10));
        for (let i = 0; i < 3; i++) expect(await get(`http://127.0.0.1:${nodePort}/`), `publishPorts=${publishPorts}`).toBe('200 real');
      } finally {
        await proxy.stop();
      }
    }
    expect(baitConnections).toBe(0);
  });
});
