// CreateContainerSpec (Kubernetes terms) -> the engine's container create body.
import * as path from 'node:path';
import type Docker from 'dockerode';
import type { CreateContainerSpec } from './runtime.js';

/** Kubernetes treats an empty command/args list as absent. */
function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

/**
 * Linux host names hold at most 64 bytes, and the engine refuses longer ones; the kubelet truncates pod
 * host names to 63 characters and drops trailing '-' and '.' (truncatePodHostnameIfNeeded).
 */
export function podHostname(podName: string): string {
  if (podName.length <= 63) return podName;
  return podName.slice(0, 63).replace(/[-.]+$/, '');
}

/** "8080/tcp", the engine's key for a container port */
export function portKey(containerPort: number, protocol: string): string {
  return `${containerPort}/${protocol.toLowerCase()}`;
}

/**
 * The engine's create body for a container spec. Unless the control plane runs with --allow-privileged,
 * a body that would hand the container the machine is refused here, whatever produced it: admission and
 * the store's gate refuse such pods first, and this is the last check before Docker (defence in depth).
 */
export function toCreateOptions(spec: CreateContainerSpec, opts: { allowPrivileged?: boolean; podFilesRoot?: string } = {}): Docker.ContainerCreateOptions {
  const body = createBody(spec);
  if (!opts.allowPrivileged) {
    // Joining the pod's own sandbox is what every app container does; any other namespace join is refused.
    const ownSandbox = spec.sandboxId !== undefined && body.HostConfig?.NetworkMode === `container:${spec.sandboxId}`;
    // A read-only bind of the kubelet's own files for the pod (configMap, secret, downwardAPI, projected
    // volumes under <home>/pods) hands the container nothing of the machine it was not meant to read.
    const h = body.HostConfig ?? {};
    const mounts = h.Mounts?.filter((m) => !isPodFileBind(m, opts.podFilesRoot));
    // An ephemeral container joining its target's process namespace (the kubelet names a container it
    // listed for the same pod) is a pod sharing its own processes, not the machine's.
    const ownTarget = spec.pidTargetId !== undefined && h.PidMode === `container:${spec.pidTargetId}`;
    const checked = { ...h, ...(ownSandbox ? { NetworkMode: undefined } : {}), ...(ownTarget ? { PidMode: undefined } : {}), ...(h.Mounts ? { Mounts: mounts } : {}) };
    const found = privilegedInCreateBody({ ...body, HostConfig: checked });
    if (found.length) {
      throw new Error(`refusing to create container ${spec.name}: ${found.join('; ')}; `
        + 'admission should have refused this pod (report it as a bug), or start the control plane with --allow-privileged if you really mean it');
    }
  }
  return body;
}

/** A read-only bind whose source is strictly inside the pods directory (no `..` can climb out of it). */
export function isPodFileBind(m: Docker.MountSettings, root: string | undefined): boolean {
  if (!root || m.Type !== 'bind' || m.ReadOnly !== true || typeof m.Source !== 'string') return false;
  const base = path.resolve(root);
  const source = path.resolve(m.Source);
  return source === m.Source && source.startsWith(base + path.sep);
}

/** What in an engine create body gives a container power over the machine; empty when nothing does. */
export function privilegedInCreateBody(body: Docker.ContainerCreateOptions): string[] {
  const h = body.HostConfig ?? {};
  const found: string[] = [];
  if (h.Privileged) found.push('it is privileged');
  if (h.CapAdd?.length) found.push(`it adds capabilities (${h.CapAdd.join(', ')})`);
  for (const [mode, what] of [[h.NetworkMode, 'network'], [h.PidMode, 'process'], [h.IpcMode, 'IPC'], [h.UTSMode, 'UTS'], [h.UsernsMode, 'user']] as const) {
    if (mode === 'host' || mode?.startsWith('container:')) found.push(`it joins ${mode === 'host' ? "the host's" : "another container's"} ${what} namespace`);
  }
  // A named engine volume (an emptyDir) holds no file of the machine; binds, tmpfs options and driver
  // options (which can bind a host path) do.
  if (h.Binds?.length || h.Mounts?.some((m) => m.Type !== 'volume' || m.VolumeOptions)) found.push('it mounts files of the machine');
  if (h.Devices?.length) found.push('it maps devices of the machine');
  for (const [port, bindings] of Object.entries(h.PortBindings ?? {}) as [string, { HostPort?: string }[]][]) {
    for (const b of bindings ?? []) {
      const hostPort = Number(b.HostPort);
      if (b.HostPort && hostPort > 0 && hostPort < 1024) found.push(`it publishes ${port} on the machine's privileged port ${hostPort}`);
    }
  }
  return found;
}

function createBody(spec: CreateContainerSpec): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of spec.ports) {
    const key = portKey(port.containerPort, port.protocol);
    exposed[key] = {};
    // loopback only: published ports are for this machine, not its network
    if (port.hostPort !== undefined && port.hostPort > 0) {
      bindings[key] = [{ HostIp: '127.0.0.1', HostPort: String(port.hostPort) }];
    } else if (spec.publishPorts) {
      bindings[key] = [{ HostIp: '127.0.0.1', HostPort: '' }]; // "" lets the engine pick a free port
    }
  }

  const command = nonEmpty(spec.command);
  const args = nonEmpty(spec.args);
  // In the sandbox's network namespace: the engine refuses a host name, exposed or published ports there
  // ("conflicting options"); the sandbox carries them, and the engine gives this container its host name.
  const joined = spec.sandboxId !== undefined;
  return {
    name: spec.name,
    Image: spec.image,
    // Kubernetes command replaces ENTRYPOINT and then the image CMD is dropped too; args alone replace CMD
    // and keep the image ENTRYPOINT (k8s "Define a Command and Arguments for a Container").
    ...(command ? { Entrypoint: command, Cmd: args ?? [] } : {}),
    ...(!command && args ? { Cmd: args } : {}),
    Env: spec.env.map((e) => `${e.name}=${e.value}`),
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    ...(joined ? {} : { Hostname: podHostname(spec.hostname), ExposedPorts: exposed }),
    Labels: { ...spec.labels },
    // stdin stays open for a later attach; stdinOnce closes it when that first attach ends (kubectl run -i)
    ...(spec.terminal?.stdin ? { OpenStdin: true, StdinOnce: spec.terminal.stdinOnce } : {}),
    ...(spec.terminal?.tty ? { Tty: true } : {}),
    HostConfig: {
      // docker-init as PID 1 forwards SIGTERM and reaps zombies: a plain `node app.js` stops at once
      Init: true,
      NetworkMode: joined ? `container:${spec.sandboxId}` : spec.network,
      ...(joined ? {} : { PortBindings: bindings }),
      ...(spec.mounts?.length
        ? {
          Mounts: spec.mounts.map((m) => (m.bind !== undefined
            // a bind never propagates mounts (mountPropagation: None), as the kubelet's private mounts
            ? { Type: 'bind' as const, Source: m.bind, Target: m.target, ReadOnly: m.readOnly, BindOptions: { Propagation: 'rprivate' as const } }
            : { Type: 'volume' as const, Source: m.volume ?? '', Target: m.target, ReadOnly: m.readOnly })),
        }
        : {}),
      // the kubelet owns restarts (restartPolicy, back-off); the engine must not restart on its own
      RestartPolicy: { Name: 'no' },
      ...(spec.pidTargetId ? { PidMode: `container:${spec.pidTargetId}` } : {}),
      ...resourceOptions(spec),
      ...securityOptions(spec),
    },
    ...(spec.security?.user !== undefined ? { User: spec.security.user } : {}),
  };
}

/** requests/limits as the kubelet sets the cgroup: shares with a cpu request, quota and memory with a limit. */
function resourceOptions(spec: CreateContainerSpec): Docker.HostConfig {
  const r = spec.resources;
  if (!r) return {};
  return {
    ...(r.cpuShares !== undefined ? { CpuShares: r.cpuShares } : {}),
    ...(r.cpuQuota !== undefined ? { CpuQuota: r.cpuQuota, CpuPeriod: r.cpuPeriod } : {}),
    // no swap beyond the limit, as on a Kubernetes node (swap off): the limit is where the OOM killer acts
    ...(r.memory !== undefined ? { Memory: r.memory, MemorySwap: r.memory } : {}),
  };
}

function securityOptions(spec: CreateContainerSpec): Docker.HostConfig {
  const s = spec.security;
  if (!s) return {};
  return {
    ...(s.groupAdd?.length ? { GroupAdd: s.groupAdd } : {}),
    ...(s.readOnlyRootfs ? { ReadonlyRootfs: true } : {}),
    ...(s.capAdd?.length ? { CapAdd: s.capAdd } : {}),
    ...(s.capDrop?.length ? { CapDrop: s.capDrop } : {}),
    ...(s.noNewPrivileges ? { SecurityOpt: ['no-new-privileges'] } : {}),
    ...(s.privileged ? { Privileged: true } : {}),
    ...(s.hostPID ? { PidMode: 'host' } : {}),
    ...(s.hostIPC ? { IpcMode: 'host' } : {}),
  };
}
