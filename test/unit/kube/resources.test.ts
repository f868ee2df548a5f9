// cgroup settings and QoS class as the kubelet and GetPodQOS compute them (src/kube/resources.ts).
import { describe, expect, it } from 'vitest';
import { cgroupResources, milliCpuToShares, podQOSClass } from '../../../src/kube/resources.js';
import type { Container, Pod } from '../../../src/kube/types.js';

const c = (resources: Container['resources']): Container => ({ name: 'c', image: 'x', resources });
const pod = (...containers: Container[]): Pod => ({ metadata: { name: 'p' }, spec: { containers } });

describe('cgroupResources', () => {
  it.each([
    [0, 2], [1, 2], [2, 2], [100, 102], [250, 256], [1000, 1024], [1500, 1536],
  ])('%i millicpu is %i shares (min 2)', (m, shares) => expect(milliCpuToShares(m)).toBe(shares));

  it('takes shares from the request, quota from the limit, memory from the limit', () => {
    expect(cgroupResources(c({ requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '16Mi' } })))
      .toEqual({ cpuShares: 256, cpuQuota: 50_000, cpuPeriod: 100_000, memory: 16 * 2 ** 20 });
  });
  it('takes shares from the limit when only it is set, and leaves the engine default without either', () => {
    expect(cgroupResources(c({ limits: { cpu: '1' } })).cpuShares).toBe(1024);
    expect(cgroupResources(c({}))).toEqual({});
    expect(cgroupResources(c({ requests: { cpu: '1m' } })).cpuShares).toBe(2);
    expect(cgroupResources(c({ limits: { cpu: '1m' } })).cpuQuota).toBe(1000); // min quota 1ms
  });
  it('reads memory quantities in every form', () => {
    expect(cgroupResources(c({ limits: { memory: '1G' } })).memory).toBe(1e9);
    expect(cgroupResources(c({ limits: { memory: 134217728 as unknown as string } })).memory).toBe(134217728);
  });
});

describe('podQOSClass', () => {
  it('BestEffort without cpu or memory anywhere', () => {
    expect(podQOSClass(pod(c({})))).toBe('BestEffort');
    expect(podQOSClass(pod(c({ requests: { cpu: '0' } })))).toBe('BestEffort');
  });
  it('Guaranteed when every container limits cpu and memory and requests equal limits', () => {
    // (a Pod's requests default to its limits before anything reads them: kube/defaults.ts)
    expect(podQOSClass(pod(c({ limits: { cpu: '0.5', memory: '64Mi' }, requests: { cpu: '500m', memory: '64Mi' } })))).toBe('Guaranteed');
  });
  it('Burstable otherwise', () => {
    expect(podQOSClass(pod(c({ limits: { memory: '64Mi' } })))).toBe('Burstable');
    expect(podQOSClass(pod(c({ limits: { cpu: '1', memory: '64Mi' }, requests: { cpu: '500m', memory: '64Mi' } })))).toBe('Burstable');
    expect(podQOSClass(pod(c({ limits: { cpu: '1', memory: '64Mi' } }), c({})))).toBe('Burstable');
  });
});
