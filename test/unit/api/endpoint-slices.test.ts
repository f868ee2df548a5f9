// What the EndpointSlice view computes from one Endpoints object and its Service: which controller's
// slices they stand for, the conditions of ready and not-ready addresses, ports, names and placeholders.
import { describe, expect, it } from 'vitest';
import type { Endpoints, Service } from '../../../src/kube/types.js';
import { endpointSlicesOf, MIRRORING_CONTROLLER, SLICE_CONTROLLER } from '../../../src/api/registry/endpoint-slices.js';
import type { Stored } from '../../../src/store/store.js';
import { formatDiscoveryEndpoints, formatDiscoveryPorts } from '../../../src/printers/endpoint-slices.js';

const meta = { name: 'web', namespace: 'default', uid: 'ep-uid', resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z' };
const endpoints = (subsets: Endpoints['subsets']): Stored<Endpoints> => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { ...meta }, subsets });
const withSelector: Service = { metadata: { name: 'web', namespace: 'default', uid: 'svc-uid' }, spec: { selector: { app: 'web' } } };
const withoutSelector: Service = { metadata: { name: 'web', namespace: 'default', uid: 'svc-uid' }, spec: {} };
const one = [{ addresses: [{ ip: '10.1.0.2' }], ports: [{ port: 80 }] }];

describe('endpointSlicesOf', () => {
  it.each([
    { name: 'no Service: none', subsets: one, service: undefined, count: 0, managedBy: undefined },
    { name: 'selector, addresses: the controller slice', subsets: one, service: withSelector, count: 1, managedBy: SLICE_CONTROLLER },
    { name: 'selector, no addresses: the placeholder', subsets: [], service: withSelector, count: 1, managedBy: SLICE_CONTROLLER },
    { name: 'no selector, addresses: mirrored', subsets: one, service: withoutSelector, count: 1, managedBy: MIRRORING_CONTROLLER },
    { name: 'no selector, no addresses: none', subsets: [], service: withoutSelector, count: 0, managedBy: undefined },
    { name: 'two port sets: two slices', subsets: [...one, { addresses: [{ ip: '10.1.0.3' }], ports: [{ port: 81 }] }], service: withSelector, count: 2, managedBy: SLICE_CONTROLLER },
  ])('$name', ({ subsets, service, count, managedBy }) => {
    const slices = endpointSlicesOf(endpoints(subsets), service);
    expect(slices).toHaveLength(count);
    for (const s of slices) {
      expect(s.metadata.labels).toMatchObject({ 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': managedBy });
    }
  });

  it('gives ready and not-ready addresses their conditions, ports a name, and IPv4 only', () => {
    const [s] = endpointSlicesOf(endpoints([{
      addresses: [{ ip: '10.1.0.2', nodeName: 'mini-kube', targetRef: { kind: 'Pod', name: 'a' } }, { ip: 'fd00::1' }],
      notReadyAddresses: [{ ip: '10.1.0.3', hostname: 'b' }],
      ports: [{ port: 80, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'UDP', appProtocol: 'http' }],
    }]), withSelector);
    expect(s!.addressType).toBe('IPv4');
    expect(s!.endpoints).toEqual([
      { addresses: ['10.1.0.2'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'mini-kube', targetRef: { kind: 'Pod', name: 'a' } },
      { addresses: ['10.1.0.3'], conditions: { ready: false, serving: false, terminating: false }, hostname: 'b' },
    ]);
    expect(s!.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'UDP', appProtocol: 'http' }]);
    expect(s!.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
  });

  it('names a slice <service>-<5 characters>, the same on every read and different per slice', () => {
    const subsets = [...one, { addresses: [{ ip: '10.1.0.3' }], ports: [{ port: 81 }] }];
    const a = endpointSlicesOf(endpoints(subsets), withSelector);
    const b = endpointSlicesOf(endpoints(subsets), withSelector);
    expect(a.map((s) => s.metadata.name)).toEqual(b.map((s) => s.metadata.name));
    expect(a.map((s) => s.metadata.uid)).toEqual(b.map((s) => s.metadata.uid));
    expect(a[0]!.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(a[0]!.metadata.name).not.toBe(a[1]!.metadata.name);
    expect(a[0]!.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a[0]!.metadata.resourceVersion).toBe('7');
  });
});

describe('EndpointSlice table cells (printers.go)', () => {
  it.each([
    [[], '<unset>'],
    [[{ port: 80 }], '80'],
    [[{ name: 'http' }], 'http'],
    [[{}], '*'],
    [[{ port: 1 }, { port: 2 }, { port: 3 }, { port: 4 }, { port: 5 }], '1,2,3 + 2 more...'],
  ])('ports %j -> %s', (ports, text) => {
    expect(formatDiscoveryPorts(ports)).toBe(text);
  });

  it.each([
    [[], '<unset>'],
    [[{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3'] }], '10.0.0.1,10.0.0.2,10.0.0.3'],
    [[{ addresses: ['a'] }, { addresses: ['b'] }, { addresses: ['c'] }, { addresses: ['d'] }], 'a,b,c + 1 more...'],
  ])('endpoints %j -> %s', (eps, text) => {
    expect(formatDiscoveryEndpoints(eps)).toBe(text);
  });
});
