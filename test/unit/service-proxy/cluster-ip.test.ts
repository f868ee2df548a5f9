// What the control plane tells the network agent and the DNS, from the store (pure builders), and the
// ClusterIP allocation in the cluster's block with the kubernetes Service.
import { describe, expect, it } from 'vitest';
import { agentServices } from '../../../src/service-proxy/cluster-ip/agent-services.js';
import { buildDnsSnapshot } from '../../../src/service-proxy/cluster-ip/dns-snapshot.js';
import { ClusterIPs } from '../../../src/service-proxy/cluster-ip/cluster-ips.js';
import { allocateServiceAddresses } from '../../../src/service-proxy/nodeport-allocator.js';
import { clusterBlock } from '../../../src/runtime/subnets.js';
import { Store } from '../../../src/store/store.js';
import type { Pod, Service } from '../../../src/kube/types.js';

const block = clusterBlock('172.18.128.0/17', 0)!;
const pod = (name: string, ip: string, ready: boolean, extra: Record<string, unknown> = {}): Pod => ({
  metadata: { name, namespace: 'default', uid: `u-${name}`, labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }], ...extra },
  status: {
    phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'c', ready, state: { running: {} } }],
  },
}) as unknown as Pod;
const svc = (name: string, spec: Record<string, unknown>): Service => ({ metadata: { name, namespace: 'default' }, spec } as unknown as Service);

const web = svc('web', {
  clusterIP: '172.18.128.3', selector: { app: 'web' }, sessionAffinity: 'ClientIP',
  sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
  ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 }],
});
const pods = [pod('a', '172.18.0.2', true), pod('b', '172.18.0.3', false, { hostname: 'b', subdomain: 'web' })];

describe('agentServices', () => {
  it('ready endpoints per port (named and numeric targetPort), affinity, the kubernetes Service as a tunnel; others left out', () => {
    const k8s = svc('kubernetes', { clusterIP: '172.18.128.2', ports: [{ name: 'https', port: 443, targetPort: 6443 }] });
    const old = svc('old', { clusterIP: '10.96.0.9', selector: { app: 'web' }, ports: [{ port: 80 }] });
    const headless = svc('hl', { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] });
    expect(agentServices([web, k8s, old, headless], () => pods, block)).toEqual([
      { key: 'default/web', ip: '172.18.128.3', affinitySeconds: 60, ports: [
        { port: 80, protocol: 'TCP', backends: [{ ip: '172.18.0.2', port: 8080 }] },
        { port: 53, protocol: 'UDP', backends: [{ ip: '172.18.0.2', port: 5353 }] },
      ] },
      { key: 'default/kubernetes', ip: '172.18.128.2', ports: [{ port: 443, protocol: 'TCP', tunnel: true, backends: [] }] },
    ]);
  });
});

describe('buildDnsSnapshot', () => {
  it('Services with every endpoint and its readiness, hostname under a matching subdomain, and pods', () => {
    const ext = svc('ext', { type: 'ExternalName', externalName: 'example.org' });
    const snap = buildDnsSnapshot([web, ext], pods);
    expect(snap.clusterDomain).toBe('cluster.local');
    expect(snap.services[0]).toEqual({
      namespace: 'default', name: 'web', type: 'ClusterIP', clusterIP: '172.18.128.3',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }],
      endpoints: [{ ip: '172.18.0.2', ready: true, podName: 'a' }, { ip: '172.18.0.3', ready: false, podName: 'b', hostname: 'b' }],
    });
    expect(snap.services[1]).toEqual({ namespace: 'default', name: 'ext', type: 'ExternalName', externalName: 'example.org', ports: [], endpoints: [] });
    expect(snap.pods).toEqual([
      { namespace: 'default', name: 'a', ip: '172.18.0.2' },
      { namespace: 'default', name: 'b', ip: '172.18.0.3', hostname: 'b', subdomain: 'web' },
    ]);
  });

  it('skips objects without a Service\'s or a pod\'s shape (a hand-edited store file) and keeps the others', () => {
    const odd = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'odd', namespace: 'default' }, spec: { ports: 'eighty', selector: 7 } } as unknown as Service;
    const oddPod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default' }, status: { podIP: 42 } } as unknown as Pod;
    const snap = buildDnsSnapshot([odd, web], [...pods, oddPod]);
    expect(snap.services.map((s) => s.name)).toContain('web');
    expect(snap.services.find((s) => s.name === 'odd')?.ports ?? []).toEqual([]);
    expect(snap.pods.map((p) => p.name)).not.toContain('x');
  });
});

describe('ClusterIPs', () => {
  it('waits for the block, then hands out its addresses; the kubernetes Service gets the first; old 10.96 ones move in', async () => {
    const store = new Store();
    store.create({ ...svc('legacy', { clusterIP: '10.96.0.5', ports: [{ port: 80 }] }), apiVersion: 'v1', kind: 'Service' });
    const ips = new ClusterIPs(store);
    const pending = allocateServiceAddresses(store, { ...svc('web', { ports: [{ port: 80 }] }), apiVersion: 'v1', kind: 'Service' }, undefined, async () => true, ips);
    ips.setBlock(block, 6443);
    const created = await pending;
    const k8s = store.get<Service>('Service', 'default', 'kubernetes')!;
    expect(k8s.spec?.clusterIP).toBe(block.first);
    expect(k8s.spec?.ports?.[0]).toMatchObject({ port: 443, name: 'https' });
    expect(store.get<{ subsets: unknown }>('Endpoints', 'default', 'kubernetes')?.subsets).toEqual([{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    const legacy = store.get<Service>('Service', 'default', 'legacy')!.spec!.clusterIP!;
    expect(legacy).toBe('172.18.128.3');
    expect(created.spec?.clusterIP).toBe('172.18.128.4');
    expect(created.spec?.clusterIPs).toEqual(['172.18.128.4']);

    // explicit addresses: outside the block, or taken, are refused with the apiserver's messages
    const explicit = (ip: string) => allocateServiceAddresses(store, { ...svc('x', { clusterIP: ip, ports: [{ port: 80 }] }), apiVersion: 'v1', kind: 'Service' }, undefined, async () => true, ips);
    await expect(explicit('10.96.0.10')).rejects.toThrow('spec.clusterIP: Invalid value: "10.96.0.10": provided IP is not in the valid range. The range of valid IPs is 172.18.128.2-172.18.128.254');
    await expect(explicit('172.18.128.3')).rejects.toThrow('provided IP is already allocated');
    expect((await explicit('172.18.128.77')).spec?.clusterIP).toBe('172.18.128.77');
  });
});
