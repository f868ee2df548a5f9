// Carries out what sandbox-actions.ts decided: the SandboxChanged event, the kill of the containers left in
// a namespace whose sandbox died, the removal of dead instances, and the creation of the new sandbox (the
// kubelet's createPodSandbox: the container that holds the pod's network namespace, IP and published ports;
// the app containers join it, sync-pod.ts), with the pod's resolv.conf and /etc/hosts written into it
// before any container starts (docs/decisions/171). Also: the order in which a pod's containers are removed.
import type { Pod } from '../kube/types.js';
import type { EventType } from '../store/events.js';
import type { Stored } from '../store/store.js';
import { probePortsToPublish } from '../probes/in-pod-network.js';
import { SHARED_NETWORK_LABELS } from '../runtime/network.js';
import { removeContainers } from '../runtime/remove-containers.js';
import {
  LABEL_ATTEMPT, LABEL_CLUSTER, LABEL_CONTAINER, LABEL_NAMESPACE, LABEL_POD, LABEL_POD_UID, LABEL_SANDBOX,
  type ContainerInfo, type CreateContainerSpec, type PortSpec, type Runtime,
} from '../runtime/runtime.js';
import { isSandbox, type SandboxActions } from './sandbox-actions.js';
import { hookPortsToPublish } from './lifecycle-hooks.js';
import { ensurePodVolumes, sandboxMounts } from './volumes.js';
import { formatResolvConf, podDnsConfig, type NodeDns } from './dns-config.js';
import { kernelHostname, managedHostsFile } from './hosts-file.js';

export const SANDBOX_CHANGED_MESSAGE = 'Pod sandbox changed, it will be killed and re-created.';

export interface PodSandboxDeps {
  runtime: Runtime;
  clusterId: string;
  network: string;
  publishPorts: boolean;
  killedToRestart: Set<string>;
  /** the node's DNS settings (clusterDNS, clusterDomain, its resolv.conf), read when a sandbox is made */
  nodeDns(): NodeDns;
  event(pod: Pod, type: EventType, reason: string, message: string, containerName?: string): void;
}

/**
 * Carries the sandbox actions out; returns the id of the sandbox the containers join (undefined: none),
 * a promise of its start (a new sandbox starts while the containers are created: the engine lets a
 * container join a created sandbox, and checks that it runs only when that container starts), and
 * whether it stopped or removed anything (the caller lists the pod again then).
 */
export async function syncSandbox(deps: PodSandboxDeps, pod: Stored<Pod>, actions: SandboxActions): Promise<{ sandboxId?: string; started: Promise<void>; killed: boolean }> {
  if (actions.changed) deps.event(pod, 'Normal', 'SandboxChanged', SANDBOX_CHANGED_MESSAGE);
  const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
  await Promise.all(actions.kill.map(async (c) => {
    const name = c.labels[LABEL_CONTAINER] ?? '';
    deps.event(pod, 'Normal', 'Killing', `Stopping container ${name}`, name);
    if (actions.restartKilled) deps.killedToRestart.add(c.id);
    await deps.runtime.stopContainer(c.id, grace);
  }));
  for (const c of actions.remove) await deps.runtime.removeContainer(c.id);
  const killed = actions.kill.length > 0 || actions.remove.length > 0;
  if (!actions.create) return { sandboxId: actions.running?.id, started: Promise.resolve(), killed };
  const failed = (err: Error): never => {
    deps.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${err.message}`);
    throw err;
  };
  const sandboxId = await createSandbox(deps, pod, actions.create.attempt).catch(failed);
  // The app containers wait for this promise before they start: the sandbox has written the pod's files
  // by then (it prints POD_FILES_WRITTEN). A sandbox that could not write them is stopped: the next sync
  // makes a new one, as the kubelet retries a failed createPodSandbox, rather than running containers
  // with the engine's files.
  const started = deps.runtime.startContainerUntilLine(sandboxId, POD_FILES_WRITTEN, POD_FILES_TIMEOUT_MS)
    .catch(async (err: Error) => {
      await deps.runtime.stopContainer(sandboxId, 0).catch(() => {});
      throw err;
    })
    .catch(failed);
  // whoever awaits it reports a failure; unawaited (nothing to start) it must not be an unhandled rejection
  started.catch(() => {});
  return { sandboxId, started, killed };
}

/** Creates (does not start) the pod's sandbox container; returns its id. */
async function createSandbox(deps: PodSandboxDeps, pod: Stored<Pod>, attempt: number): Promise<string> {
  const image = await deps.runtime.ensureSandboxImage();
  // the sandbox holds the pod's memory-backed emptyDirs mounted (volumes.ts), so they exist before it
  await ensurePodVolumes(deps.runtime, deps.clusterId, pod);
  const m = pod.metadata;
  const uts = kernelHostname(pod, deps.nodeDns().clusterDomain);
  if ('error' in uts) throw new Error(uts.error);
  const spec: CreateContainerSpec = {
    // dockershim's name for the sandbox: k8s_POD_<pod>_<namespace>_<uid>_<attempt>
    name: `k8s_POD_${m.name}_${m.namespace ?? 'default'}_${m.uid}_${attempt}`,
    image,
    env: [],
    // the pod's host name is its sandbox's (UTS is the network namespace's here): spec.hostname or the
    // name, or the FQDN with setHostnameAsFQDN
    hostname: uts.hostname,
    labels: {
      [LABEL_CLUSTER]: deps.clusterId,
      [LABEL_NAMESPACE]: m.namespace ?? 'default',
      [LABEL_POD]: m.name,
      [LABEL_POD_UID]: m.uid,
      [LABEL_ATTEMPT]: String(attempt),
      [LABEL_SANDBOX]: 'true',
    },
    command: podFilesCommand(deps, pod),
    ports: sandboxPorts(pod, deps.publishPorts),
    network: deps.network,
    publishPorts: deps.publishPorts,
    mounts: sandboxMounts(pod),
  };
  return deps.runtime.createContainer(spec).catch(async (err: Error) => {
    // The shared network was removed behind our back (docker network prune): make it again, once.
    if (!/network .*not found/i.test(err.message)) throw err;
    await deps.runtime.ensureNetwork(deps.network, SHARED_NETWORK_LABELS);
    return deps.runtime.createContainer(spec);
  });
}

/** what the sandbox prints once it has written the pod's files; the app containers start after it */
export const POD_FILES_WRITTEN = 'mini-kube: pod files written';
const POD_FILES_TIMEOUT_MS = 30_000;
/** stands for the pod's IP in the hosts file the kubelet forms: the sandbox knows it once it runs */
export const POD_IP = '@POD_IP@';
const BB = '/bin/busybox';
/**
 * The sandbox's command: write the pod's resolv.conf ($1) and /etc/hosts ($2, its IP put in from eth0),
 * say so, then become `busybox sleep`. `>` truncates in place, so the engine's bind mounts of those files
 * stay. Every container of the pod joins the sandbox's network namespace, and the engine gives such a
 * container the sandbox's own resolv.conf, hosts and hostname files (the same files), so written once
 * here they are what every container reads; written by the sandbox itself, with no exec and no inspect
 * for the IP, it works on every engine (local, remote, Docker Desktop's VM) for no engine call at all.
 */
const POD_FILES_SCRIPT = [
  `ip=$(${BB} ip -o -4 addr show dev eth0 | ${BB} sed -n 's|.* inet \\([0-9.]*\\)/.*|\\1|p' | ${BB} head -n 1)`,
  'printf "%s" "$1" > /etc/resolv.conf || exit 1',
  `if [ -n "$ip" ]; then printf "%s" "$2" | ${BB} sed "s|${POD_IP}|$ip|g" > /etc/hosts || exit 1; else printf "%s" "$2" | ${BB} sed "/${POD_IP}/d" > /etc/hosts || exit 1; fi`,
  `echo "${POD_FILES_WRITTEN}"`,
  `exec ${BB} sleep 2147483647`,
].join('\n');

/** The sandbox's command, with the pod's resolv.conf and hosts file as the kubelet forms them. */
function podFilesCommand(deps: PodSandboxDeps, pod: Stored<Pod>): string[] {
  const node = deps.nodeDns();
  const dns = podDnsConfig(pod, node);
  for (const e of dns.events) deps.event(pod, e.type, e.reason, e.message);
  return sandboxCommand(formatResolvConf(dns.config), managedHostsFile(pod, [POD_IP], node.clusterDomain));
}

/** The sandbox's command for these files (hosts: the pod's IP as POD_IP). */
export function sandboxCommand(resolvConf: string, hosts: string): string[] {
  return [BB, 'sh', '-c', POD_FILES_SCRIPT, 'sh', resolvConf, hosts];
}

/**
 * The ports of every container of the pod, which the sandbox publishes (hostPort, or every port in the
 * published-ports mode, where the probes' and httpGet hooks' ports are published too: they may dial undeclared ports).
 */
export function sandboxPorts(pod: Pod, publishPorts: boolean): PortSpec[] {
  const out: PortSpec[] = [];
  const has = (port: number, protocol: string): boolean => out.some((p) => p.containerPort === port && p.protocol === protocol);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      const protocol = (p.protocol ?? 'TCP') as PortSpec['protocol'];
      if (has(p.containerPort, protocol)) continue;
      out.push({ containerPort: p.containerPort, protocol, ...(p.hostPort ? { hostPort: p.hostPort } : {}) });
    }
  }
  if (publishPorts) {
    for (const c of pod.spec?.containers ?? []) {
      for (const port of probePortsToPublish(c)) if (!has(port, 'TCP')) out.push({ containerPort: port, protocol: 'TCP' });
    }
    // the ports lifecycle httpGet hooks dial (a sidecar's too)
    for (const c of [...pod.spec?.initContainers ?? [], ...pod.spec?.containers ?? []]) {
      for (const port of hookPortsToPublish(c)) if (!has(port, 'TCP')) out.push({ containerPort: port, protocol: 'TCP' });
    }
  }
  return out;
}

/** Removes a pod's containers, the sandbox last (the others live in its network namespace). */
export async function removePodContainers(runtime: Pick<Runtime, 'stopContainer' | 'removeContainer'>, containers: ContainerInfo[], graceSeconds: number): Promise<void> {
  await removeContainers(runtime, containers.filter((c) => !isSandbox(c)), graceSeconds);
  await removeContainers(runtime, containers.filter(isSandbox), graceSeconds);
}
