// The kubelet's node status decision (kubelet/node-status.ts): capacity from the engine, Ready False with
// KubeletNotReady while the engine is away, transition times kept while a condition holds, and a write
// only when something changed or the report is due.
import { describe, expect, it } from 'vitest';
import { nodeStatus, statusChanged, type NodeObservation } from '../../../src/kubelet/node-status.js';

const engine = {
  serverVersion: '27.3.1', operatingSystem: 'Debian GNU/Linux 12 (bookworm)', osType: 'linux', kernelVersion: '6.1.0',
  architecture: 'x86_64', ncpu: 4, memTotalBytes: 8 * 2 ** 30, dockerRootDir: '/var/lib/docker',
};
const up = (now: string): NodeObservation => ({ engineUp: true, engine, storageBytes: 100 * 2 ** 30, now });
const down = (now: string): NodeObservation => ({ engineUp: false, storageBytes: 100 * 2 ** 30, now });
const T0 = '2026-01-01T00:00:00Z', T1 = '2026-01-01T00:00:10Z', T2 = '2026-01-01T00:00:20Z';

describe('nodeStatus', () => {
  it('capacity, allocatable and nodeInfo from the engine', () => {
    const s = nodeStatus(undefined, up(T0), 'v1.32.0-mini-kube', 'mini-kube');
    expect(s.capacity).toEqual({ cpu: '4', memory: '8388608Ki', pods: '110', 'ephemeral-storage': '104857600Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' });
    expect(s.allocatable).toEqual(s.capacity);
    expect(s.nodeInfo).toMatchObject({ containerRuntimeVersion: 'docker://27.3.1', kubeletVersion: 'v1.32.0-mini-kube', osImage: engine.operatingSystem, architecture: 'amd64', operatingSystem: 'linux', kernelVersion: '6.1.0' });
    expect(s.addresses).toEqual([{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'mini-kube' }]);
    expect(s.conditions!.map((c) => `${c.type}=${c.status}`)).toEqual(['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
  });

  it('Ready turns False with KubeletNotReady while the engine does not answer, nodeInfo kept', () => {
    const first = nodeStatus(undefined, up(T0), 'v', 'n');
    const s = nodeStatus(first, down(T1), 'v', 'n');
    const ready = s.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady', lastTransitionTime: T1, lastHeartbeatTime: T1 });
    expect(ready.message).toMatch(/^container runtime is down/);
    expect(s.nodeInfo?.containerRuntimeVersion).toBe('docker://27.3.1');
    const back = nodeStatus(s, up(T2), 'v', 'n').conditions!.find((c) => c.type === 'Ready')!;
    expect(back).toMatchObject({ status: 'True', lastTransitionTime: T2 });
  });

  it('keeps the transition time of a condition that holds; moves the heartbeat', () => {
    const first = nodeStatus(undefined, up(T0), 'v', 'n');
    const next = nodeStatus(first, up(T1), 'v', 'n');
    expect(next.conditions!.every((c) => c.lastTransitionTime === T0 && c.lastHeartbeatTime === T1)).toBe(true);
  });
});

describe('statusChanged', () => {
  it('writes on a change, or when the last report is a minute old; not for a heartbeat alone', () => {
    const a = nodeStatus(undefined, up(T0), 'v', 'n');
    const b = nodeStatus(a, up(T1), 'v', 'n');
    expect(statusChanged(undefined, a, Date.parse(T0))).toBe(true);
    expect(statusChanged(a, b, Date.parse(T1))).toBe(false);
    expect(statusChanged(a, b, Date.parse(T0) + 60_000)).toBe(true);
    expect(statusChanged(a, nodeStatus(a, down(T1), 'v', 'n'), Date.parse(T1))).toBe(true);
  });
});
