// The engine's container inspect -> ContainerInfo, and its events -> RuntimeEvent.
import type Docker from 'dockerode';
import type { ContainerInfo, ContainerStatus, RuntimeEvent } from './runtime.js';

const STATUSES: ContainerStatus[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

/** Docker writes "0001-01-01T00:00:00Z" for times that have not happened (never started, still running). */
export function dockerTime(value: string | undefined): string | undefined {
  if (!value || value.startsWith('0001-01-01')) return undefined;
  return value;
}

/** containerPort -> host port, from NetworkSettings.Ports ({"8080/tcp": [{HostIp, HostPort}]}) */
export function publishedPorts(ports: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null | undefined): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    // IPv4 first: mini-kube binds 127.0.0.1, and callers dial that
    const binding = (bindings ?? []).slice().sort((a, b) => Number((a.HostIp ?? '').includes(':')) - Number((b.HostIp ?? '').includes(':')))[0];
    const hostPort = Number(binding?.HostPort);
    const containerPort = Number.parseInt(key, 10);
    if (Number.isInteger(hostPort) && hostPort > 0 && Number.isInteger(containerPort)) out[containerPort] = hostPort;
  }
  return out;
}

type InspectLike = Pick<Docker.ContainerInspectInfo, 'Id' | 'Name' | 'Created' | 'State' | 'Config' | 'HostConfig' | 'NetworkSettings'>;

export function toContainerInfo(info: InspectLike): ContainerInfo {
  const networks = info.NetworkSettings?.Networks ?? {};
  const mode = info.HostConfig?.NetworkMode;
  // the pod's network is the one it was created on; "default" means the engine's bridge
  const own = mode && networks[mode] ? networks[mode] : mode === 'default' ? networks['bridge'] : undefined;
  const ip = own?.IPAddress || Object.values(networks).find((n) => n.IPAddress)?.IPAddress || undefined;
  const status = STATUSES.includes(info.State.Status as ContainerStatus) ? (info.State.Status as ContainerStatus) : 'dead';
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    labels: { ...(info.Config.Labels ?? {}) },
    status,
    running: info.State.Running,
    exitCode: info.State.ExitCode,
    oomKilled: info.State.OOMKilled,
    error: info.State.Error ?? '',
    createdAt: dockerTime(info.Created),
    startedAt: dockerTime(info.State.StartedAt),
    finishedAt: dockerTime(info.State.FinishedAt),
    ip,
    publishedPorts: publishedPorts(info.NetworkSettings?.Ports as Record<string, { HostIp?: string; HostPort?: string }[] | null>),
  };
}

/**
 * Lifecycle actions passed to listeners. Exec probes make the engine emit exec_create/exec_start/exec_die for
 * every probe; those are filtered out at the engine so a busy cluster does not flood the control plane.
 */
export const LIFECYCLE_ACTIONS = ['create', 'start', 'restart', 'die', 'kill', 'oom', 'stop', 'pause', 'unpause', 'destroy'];

/** attributes the engine adds to an event beside the container's labels */
const ENGINE_ATTRIBUTES = new Set(['image', 'name', 'exitCode', 'signal', 'execID', 'execDuration']);

interface EngineEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export function toRuntimeEvent(value: unknown): RuntimeEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as EngineEvent;
  if (e.Type !== undefined && e.Type !== 'container') return undefined;
  const action = e.Action ?? e.status;
  const containerId = e.Actor?.ID ?? e.id;
  if (!action || !containerId) return undefined;
  const attributes = e.Actor?.Attributes ?? {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (!ENGINE_ATTRIBUTES.has(k)) labels[k] = v;
  const exitCode = attributes.exitCode !== undefined ? Number(attributes.exitCode) : undefined;
  return {
    action,
    containerId,
    labels,
    ...(attributes.name !== undefined ? { name: attributes.name } : {}),
    ...(exitCode !== undefined && Number.isInteger(exitCode) ? { exitCode } : {}),
    ...(typeof e.timeNano === 'number' ? { timeNano: e.timeNano } : {}),
  };
}
