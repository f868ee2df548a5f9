// CreateContainerSpec (Kubernetes terms) -> the engine's container create body.
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

export function toCreateOptions(spec: CreateContainerSpec): Docker.ContainerCreateOptions {
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
  return {
    name: spec.name,
    Image: spec.image,
    // Kubernetes command replaces ENTRYPOINT and then the image CMD is dropped too; args alone replace CMD
    // and keep the image ENTRYPOINT (k8s "Define a Command and Arguments for a Container").
    ...(command ? { Entrypoint: command, Cmd: args ?? [] } : {}),
    ...(!command && args ? { Cmd: args } : {}),
    Env: spec.env.map((e) => `${e.name}=${e.value}`),
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    Hostname: podHostname(spec.hostname),
    Labels: { ...spec.labels },
    ExposedPorts: exposed,
    HostConfig: {
      // docker-init as PID 1 forwards SIGTERM and reaps zombies: a plain `node app.js` stops at once
      Init: true,
      NetworkMode: spec.network,
      PortBindings: bindings,
      // the kubelet owns restarts (restartPolicy, back-off); the engine must not restart on its own
      RestartPolicy: { Name: 'no' },
    },
  };
}
