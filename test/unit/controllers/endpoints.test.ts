import { describe, expect, it } from 'vitest';
import type { Pod, Service } from '../../../src/kube/types.js';
import { desiredSubsets } from '../../../src/controllers/endpoint/endpoints-controller.js';
import { endpointsOf, resolveTargetPort } from '../../../src/kube/endpoints.js';
import { allocateServiceAddresses } from '../../../src/service-proxy/nodeport-allocator.js';
import { Store } from '../../../src/store/store.js';

function pod(name: string, ip: string, ready: boolean, extra: Partial<Pod> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'healthcheck' }, ...extra.metadata },
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080, name: 'http' }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const svc = (spec: Service['spec']): Service => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'mysvc', namespace: 'default' },
  spec: { selector: { app: 'healthcheck' }, ports: [{ name: 'myport', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
});

describe('endpoints', () => {
  it('puts ready pods in addresses and unready ones in notReadyAddresses', () => {
    const subsets = desiredSubsets(svc({}), [pod('a', '10.0.0.1', true), pod('b', '10.0.0.2', false), pod('c', '10.0.0.3', true)]);
    expect(subsets).toHaveLength(1);
    expect(subsets[0]!.addresses!.map((a) => a.ip)).toEqual(['10.0.0.1', '10.0.0.3']);
    expect(subsets[0]!.notReadyAddresses!.map((a) => a.ip)).toEqual(['10.0.0.2']);
    expect(subsets[0]!.ports).toEqual([{ name: 'myport', port: 8080, protocol: 'TCP' }]);
  });

  it('drops terminating pods from Endpoints but keeps them serving in the view', () => {
    const terminating = pod('t', '10.0.0.9', true, { metadata: { name: 't', namespace: 'default', uid: 'u', labels: { app: 'healthcheck' }, deletionTimestamp: '2026-01-01T00:00:00Z' } });
    expect(desiredSubsets(svc({}), [terminating])).toEqual([]);
    const [ep] = endpointsOf(svc({}), [terminating]);
    expect(ep).toMatchObject({ ready: false, serving: true, terminating: true });
  });

  it('knows when the container holding the pod IP is dead (its IP may be another container\'s by now)', () => {
    const withState = (name: string, state: NonNullable<NonNullable<Pod['status']>['containerStatuses']>[0]['state']): Pod => {
      const p = pod(name, '10.0.0.5', false);
      p.status!.containerStatuses = [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 1, state }];
      return p;
    };
    const eps = endpointsOf(svc({ publishNotReadyAddresses: true }), [
      withState('dead', { terminated: { exitCode: 137 } }),
      withState('up', { running: {} }),
      pod('nostatus', '10.0.0.6', true),
    ]);
    expect(eps.map((e) => [e.podName, e.running])).toEqual([['dead', false], ['nostatus', true], ['up', true]]);
  });

  it('publishNotReadyAddresses marks every pod ready', () => {
    const [ep] = endpointsOf(svc({ publishNotReadyAddresses: true }), [pod('b', '10.0.0.2', false)]);
    expect(ep!.ready).toBe(true);
  });

  it('resolves a named targetPort per pod and leaves out pods without it', () => {
    const s = svc({ ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }] });
    const withName = pod('a', '10.0.0.1', true);
    const without = pod('b', '10.0.0.2', true);
    without.spec!.containers[0]!.ports = [{ containerPort: 9090 }];
    expect(resolveTargetPort(s.spec!.ports![0]!, withName)).toBe(8080);
    expect(endpointsOf(s, [withName, without]).map((e) => e.podName)).toEqual(['a']);
  });

  it('leaves out pods without an IP and terminal pods', () => {
    const noIp = pod('a', '', true);
    const done = pod('b', '10.0.0.2', false);
    done.status!.phase = 'Succeeded';
    expect(endpointsOf(svc({}), [noIp, done])).toEqual([]);
  });
});

describe('nodePort allocation', () => {
  const free = async () => true;

  it('allocates from the upper band and keeps a clusterIP', async () => {
    const store = new Store();
    const out = await allocateServiceAddresses(store, svc({ type: 'NodePort' }), undefined, free);
    expect(out.spec!.ports![0]!.nodePort).toBeGreaterThanOrEqual(30086);
    expect(out.spec!.ports![0]!.nodePort).toBeLessThanOrEqual(32767);
    expect(out.spec!.clusterIP).toMatch(/^10\.96\./);
  });

  it('refuses a nodePort out of range and one already allocated, with Kubernetes wording', async () => {
    const store = new Store();
    await expect(allocateServiceAddresses(store, svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }), undefined, free))
      .rejects.toThrow('spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767');
    store.create({ ...svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), metadata: { name: 'other', namespace: 'default' } });
    await expect(allocateServiceAddresses(store, svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), undefined, free))
      .rejects.toThrow('spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
  });

  it('skips ports another program holds on the host', async () => {
    const store = new Store();
    const seen: number[] = [];
    const out = await allocateServiceAddresses(store, svc({ type: 'NodePort' }), undefined, async (p) => { seen.push(p); return seen.length > 3; });
    expect(seen).toHaveLength(4);
    expect(out.spec!.ports![0]!.nodePort).toBe(seen[3]);
  });

  it('keeps the nodePort of an updated Service', async () => {
    const store = new Store();
    const first = await allocateServiceAddresses(store, svc({ type: 'NodePort' }), undefined, free);
    const again = await allocateServiceAddresses(store, svc({ type: 'NodePort' }), first, free);
    expect(again.spec!.ports![0]!.nodePort).toBe(first.spec!.ports![0]!.nodePort);
    expect(again.spec!.clusterIP).toBe(first.spec!.clusterIP);
  });
});
