import { describe, expect, it } from 'vitest';
import { podHostname, privilegedInCreateBody, toCreateOptions } from '../../../src/runtime/create-options.js';
import type { CreateContainerSpec } from '../../../src/runtime/runtime.js';

const base: CreateContainerSpec = {
  name: 'k8s_web_web-1_default_uid_0',
  image: 'ondalk8s/healthcheck:v1',
  env: [{ name: 'A', value: 'x=y' }],
  hostname: 'web-1',
  labels: { 'io.mini-kube.cluster': 'c1' },
  ports: [{ containerPort: 8080, protocol: 'TCP' }],
  network: 'mini-kube',
  publishPorts: false,
};

describe('toCreateOptions', () => {
  it.each([
    [undefined, {}],
    [{ stdin: false, stdinOnce: false, tty: false }, {}],
    [{ stdin: true, stdinOnce: false, tty: false }, { OpenStdin: true, StdinOnce: false }],
    [{ stdin: true, stdinOnce: true, tty: true }, { OpenStdin: true, StdinOnce: true, Tty: true }],
    // stdinOnce without stdin means nothing on Kubernetes either
    [{ stdin: false, stdinOnce: true, tty: true }, { Tty: true }],
  ])('stdin/stdinOnce/tty %j become the engine\'s %j', (terminal, want) => {
    const o = toCreateOptions({ ...base, terminal });
    expect({ OpenStdin: o.OpenStdin, StdinOnce: o.StdinOnce, Tty: o.Tty }).toEqual({ OpenStdin: undefined, StdinOnce: undefined, Tty: undefined, ...want });
  });

  it('a container of a pod joins its sandbox: no host name, exposed or published port of its own (the engine refuses them there)', () => {
    const o = toCreateOptions({ ...base, ports: [{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }], publishPorts: true, sandboxId: 'abc123' });
    expect(o.HostConfig?.NetworkMode).toBe('container:abc123');
    expect(o).not.toHaveProperty('Hostname');
    expect(o).not.toHaveProperty('ExposedPorts');
    expect(o.HostConfig).not.toHaveProperty('PortBindings');
  });

  it('joining its own sandbox is allowed; the same join written by other means is still refused', () => {
    expect(() => toCreateOptions({ ...base, sandboxId: 'abc123' })).not.toThrow();
    expect(() => toCreateOptions({ ...base, network: 'container:other' })).toThrow(/joins another container's network namespace/);
  });

  it('sets init, hostname, network, labels, env and exposed ports', () => {
    const o = toCreateOptions(base);
    expect(o).toMatchObject({
      name: base.name,
      Image: base.image,
      Hostname: 'web-1',
      Labels: { 'io.mini-kube.cluster': 'c1' },
      Env: ['A=x=y'],
      ExposedPorts: { '8080/tcp': {} },
      HostConfig: { Init: true, NetworkMode: 'mini-kube', PortBindings: {}, RestartPolicy: { Name: 'no' } },
    });
    expect(o).not.toHaveProperty('Entrypoint');
    expect(o).not.toHaveProperty('Cmd');
    expect(o).not.toHaveProperty('WorkingDir');
  });

  it('maps command to ENTRYPOINT and args to CMD', () => {
    expect(toCreateOptions({ ...base, command: ['sh', '-c'], args: ['echo hi'] })).toMatchObject({ Entrypoint: ['sh', '-c'], Cmd: ['echo hi'] });
    // command alone drops the image CMD as Kubernetes does
    expect(toCreateOptions({ ...base, command: ['node', 'other.js'] })).toMatchObject({ Entrypoint: ['node', 'other.js'], Cmd: [] });
    // args alone keep the image ENTRYPOINT
    const argsOnly = toCreateOptions({ ...base, args: ['--port', '9090'] });
    expect(argsOnly.Cmd).toEqual(['--port', '9090']);
    expect(argsOnly).not.toHaveProperty('Entrypoint');
    // empty lists count as absent
    expect(toCreateOptions({ ...base, command: [], args: [] })).not.toHaveProperty('Cmd');
  });

  it('publishes on 127.0.0.1 with random ports, or the given hostPort', () => {
    const o = toCreateOptions({
      ...base,
      publishPorts: true,
      ports: [
        { containerPort: 8080, protocol: 'TCP' },
        { containerPort: 53, protocol: 'UDP', hostPort: 5353 },
      ],
    });
    expect(o.ExposedPorts).toEqual({ '8080/tcp': {}, '53/udp': {} });
    expect(o.HostConfig?.PortBindings).toEqual({
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
    });
    const hostPortOnly = toCreateOptions({ ...base, ports: [{ containerPort: 8080, protocol: 'TCP', hostPort: 18080 }] });
    expect(hostPortOnly.HostConfig?.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] });
  });

  it('keeps workingDir', () => {
    expect(toCreateOptions({ ...base, workingDir: '/srv' }).WorkingDir).toBe('/srv');
  });
});

describe('podHostname', () => {
  it('truncates to 63 characters without a trailing dash or dot', () => {
    expect(podHostname('short')).toBe('short');
    const long = 'a'.repeat(60) + '-.-bbbb';
    expect(podHostname(long)).toBe('a'.repeat(60));
  });
});

describe('the runtime refuses privileged create bodies without --allow-privileged (defence in depth)', () => {
  it('refuses a hostPort below 1024 unless allowed, and names the container and the port', () => {
    const low: CreateContainerSpec = { ...base, ports: [{ containerPort: 80, protocol: 'TCP', hostPort: 80 }] };
    expect(() => toCreateOptions(low)).toThrow(/refusing to create container k8s_web_web-1_default_uid_0: it publishes 80\/tcp on the machine's privileged port 80; .*--allow-privileged/);
    expect(toCreateOptions(low, { allowPrivileged: true }).HostConfig?.PortBindings).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '80' }] });
    expect(() => toCreateOptions({ ...base, ports: [{ containerPort: 80, protocol: 'TCP', hostPort: 8080 }] })).not.toThrow();
  });

  it.each([
    [{ Privileged: true }, 'it is privileged'],
    [{ CapAdd: ['SYS_ADMIN'] }, 'it adds capabilities (SYS_ADMIN)'],
    [{ NetworkMode: 'host' }, "it joins the host's network namespace"],
    [{ PidMode: 'host' }, "it joins the host's process namespace"],
    [{ IpcMode: 'host' }, "it joins the host's IPC namespace"],
    [{ PidMode: 'container:abc' }, "it joins another container's process namespace"],
    [{ Binds: ['/var/run/docker.sock:/var/run/docker.sock'] }, 'it mounts files of the machine'],
    [{ Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] }, 'it mounts files of the machine'],
    [{ Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] }, 'it maps devices of the machine'],
  ])('finds %j', (hostConfig, what) => {
    expect(privilegedInCreateBody({ HostConfig: { NetworkMode: 'mini-kube', ...hostConfig } as never })).toEqual([what]);
  });

  it('finds nothing in the body of an ordinary pod', () => {
    expect(privilegedInCreateBody(toCreateOptions({ ...base, publishPorts: true }))).toEqual([]);
  });
});
