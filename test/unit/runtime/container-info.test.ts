import { describe, expect, it } from 'vitest';
import { dockerTime, publishedPorts, toContainerInfo, toRuntimeEvent } from '../../../src/runtime/container-info.js';

describe('dockerTime', () => {
  it('turns the zero time into undefined', () => {
    expect(dockerTime('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(dockerTime('')).toBeUndefined();
    expect(dockerTime('2024-05-01T10:00:00.123456789Z')).toBe('2024-05-01T10:00:00.123456789Z');
  });
});

describe('publishedPorts', () => {
  it('maps container ports to IPv4 host ports', () => {
    expect(
      publishedPorts({
        '8080/tcp': [
          { HostIp: '::1', HostPort: '40001' },
          { HostIp: '127.0.0.1', HostPort: '40000' },
        ],
        '9090/tcp': null,
      }),
    ).toEqual({ 8080: 40000 });
    expect(publishedPorts(null)).toEqual({});
  });
});

const inspect = {
  Id: 'abc',
  Name: '/k8s_web_pod_default_uid_0',
  Created: '2024-05-01T10:00:00Z',
  State: {
    Status: 'exited',
    Running: false,
    Paused: false,
    Restarting: false,
    OOMKilled: true,
    Dead: false,
    Pid: 0,
    ExitCode: 137,
    Error: '',
    StartedAt: '2024-05-01T10:00:01Z',
    FinishedAt: '2024-05-01T10:00:02Z',
  },
  Config: { Image: 'img:v1', Labels: { a: 'b' } },
  HostConfig: { NetworkMode: 'mk-net' },
  NetworkSettings: {
    Ports: {},
    Networks: { bridge: { IPAddress: '172.17.0.9' }, 'mk-net': { IPAddress: '172.20.0.3' } },
  },
};

describe('toContainerInfo', () => {
  it('maps state, labels, times and the IP on the pod network', () => {
    // a partial inspect, as the engine's fields we read
    const info = toContainerInfo(inspect as unknown as Parameters<typeof toContainerInfo>[0]);
    expect(info).toEqual({
      id: 'abc',
      name: 'k8s_web_pod_default_uid_0',
      image: 'img:v1',
      labels: { a: 'b' },
      status: 'exited',
      running: false,
      exitCode: 137,
      oomKilled: true,
      error: '',
      createdAt: '2024-05-01T10:00:00Z',
      startedAt: '2024-05-01T10:00:01Z',
      finishedAt: '2024-05-01T10:00:02Z',
      ip: '172.20.0.3',
      publishedPorts: {},
    });
  });

  it('leaves ip undefined when the container has none', () => {
    const stopped = { ...inspect, NetworkSettings: { Ports: null, Networks: { 'mk-net': { IPAddress: '' } } } };
    expect(toContainerInfo(stopped as unknown as Parameters<typeof toContainerInfo>[0]).ip).toBeUndefined();
  });
});

describe('toRuntimeEvent', () => {
  it('separates labels from the engine attributes', () => {
    const e = toRuntimeEvent({
      Type: 'container',
      Action: 'die',
      Actor: { ID: 'abc', Attributes: { exitCode: '7', image: 'img', name: 'c1', 'io.mini-kube.pod-name': 'p' } },
      timeNano: 5,
    });
    expect(e).toEqual({ action: 'die', containerId: 'abc', labels: { 'io.mini-kube.pod-name': 'p' }, name: 'c1', exitCode: 7, timeNano: 5 });
  });

  it('ignores other event types and junk', () => {
    expect(toRuntimeEvent({ Type: 'network', Action: 'connect', Actor: { ID: 'n' } })).toBeUndefined();
    expect(toRuntimeEvent('x')).toBeUndefined();
    expect(toRuntimeEvent({ Type: 'container' })).toBeUndefined();
  });
});
