// Resources and securityContext in the engine's create body (create-options.ts).
import { describe, expect, it } from 'vitest';
import { toCreateOptions } from '../../../src/runtime/create-options.js';
import type { CreateContainerSpec } from '../../../src/runtime/runtime.js';

const base: CreateContainerSpec = {
  name: 'k8s_c_p_default_uid_0', image: 'busybox', env: [], hostname: 'p', labels: {}, ports: [], network: 'mini-kube', publishPorts: false,
};

describe('resources in the create body', () => {
  it('sets shares always, and quota, period and memory (without swap) from limits', () => {
    const h = toCreateOptions({ ...base, resources: { cpuShares: 512, cpuQuota: 50_000, cpuPeriod: 100_000, memory: 16 * 2 ** 20 } }).HostConfig!;
    expect(h).toMatchObject({ CpuShares: 512, CpuQuota: 50_000, CpuPeriod: 100_000, Memory: 16 * 2 ** 20, MemorySwap: 16 * 2 ** 20 });
  });
  it('sets no limit without one, and no shares without a cpu request', () => {
    expect(toCreateOptions({ ...base, resources: { cpuShares: 2 } }).HostConfig!.CpuShares).toBe(2);
    const h = toCreateOptions({ ...base, resources: {} }).HostConfig!;
    expect(h).not.toHaveProperty('CpuShares');
    expect(h).not.toHaveProperty('Memory');
    expect(h).not.toHaveProperty('CpuQuota');
  });
});

describe('securityContext in the create body', () => {
  it('user, groups, read-only root, dropped capabilities, no-new-privileges', () => {
    const o = toCreateOptions({ ...base, security: { user: '1000:3000', groupAdd: ['2000'], readOnlyRootfs: true, capDrop: ['ALL'], noNewPrivileges: true } });
    expect(o.User).toBe('1000:3000');
    expect(o.HostConfig).toMatchObject({ GroupAdd: ['2000'], ReadonlyRootfs: true, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'] });
    expect(o.HostConfig).not.toHaveProperty('Privileged');
  });
  it('privileged, added capabilities, hostPID and hostIPC only with --allow-privileged', () => {
    const spec = { ...base, security: { privileged: true, capAdd: ['NET_ADMIN'], hostPID: true, hostIPC: true } };
    expect(() => toCreateOptions(spec)).toThrow(/it is privileged; it adds capabilities \(NET_ADMIN\); it joins the host's process namespace; it joins the host's IPC namespace/);
    expect(toCreateOptions(spec, { allowPrivileged: true }).HostConfig).toMatchObject({ Privileged: true, CapAdd: ['NET_ADMIN'], PidMode: 'host', IpcMode: 'host' });
  });
  it('sets nothing without a security context', () => {
    const o = toCreateOptions(base);
    expect(o).not.toHaveProperty('User');
    expect(o.HostConfig).not.toHaveProperty('ReadonlyRootfs');
  });
});
