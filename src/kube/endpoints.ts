// Which pods back a Service, and in what condition: the one computation shared by the Endpoints
// controller (what `get ep` shows) and the proxy's data path (where connections go), so the two can
// never disagree. Conditions as EndpointSlices define them (k8s-semantics §6.3). The pods given carry the
// status the kubelet observed (observed.ts), and an address Kubernetes' endpoint validation refuses
// (loopback, link-local, ...) or one of this host's is never an endpoint, whoever wrote it.
import type { Pod, Service, ServicePort } from './types.js';
import { matches, fromLabelSelector } from './labels.js';
import { upstreamAddressProblem } from './host-addresses.js';
import { isPodReady } from './pod.js';

/** Why an address may not be an endpoint, or undefined when it may. */
export type AddressRule = (ip: string) => string | undefined;

export interface Endpoint {
  podName: string;
  podUid: string;
  ip: string;
  /** resolved targetPort per service port name ('' for an unnamed single port) */
  ports: Map<string, number>;
  /** Ready condition true */
  serving: boolean;
  terminating: boolean;
  /** serving and not terminating, or publishNotReadyAddresses */
  ready: boolean;
  /**
   * The container that holds the pod IP (the first one, docs/decisions/004) is not known to be dead. When
   * it is dead, Docker may already have given its IP to another container: the proxy never dials it.
   */
  running: boolean;
  pod: Pod;
}

/** targetPort of a Service port for one pod: a number, or a container port name looked up in the pod. */
export function resolveTargetPort(port: ServicePort, pod: Pod): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

export function selectsPod(svc: Service, pod: Pod): boolean {
  const sel = svc.spec?.selector;
  if (!sel || !Object.keys(sel).length) return false;
  if ((pod.metadata?.namespace ?? 'default') !== (svc.metadata?.namespace ?? 'default')) return false;
  return matches(fromLabelSelector({ matchLabels: sel }), pod.metadata?.labels);
}

export function endpointsOf(svc: Service, pods: Pod[], addressRule: AddressRule = upstreamAddressProblem): Endpoint[] {
  const out: Endpoint[] = [];
  const publishNotReady = !!svc.spec?.publishNotReadyAddresses;
  for (const pod of pods) {
    if (!selectsPod(svc, pod)) continue;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const ip = pod.status?.podIP;
    if (!ip || addressRule(ip)) continue;
    const ports = new Map<string, number>();
    for (const p of svc.spec?.ports ?? []) {
      const resolved = resolveTargetPort(p, pod);
      if (resolved !== undefined) ports.set(p.name ?? '', resolved);
    }
    // A pod without the named port is left out (for that port; with no port at all, entirely).
    if (!ports.size && (svc.spec?.ports ?? []).length) continue;
    const serving = isPodReady(pod);
    const terminating = !!pod.metadata?.deletionTimestamp;
    const first = pod.spec?.containers?.[0]?.name;
    const holder = pod.status?.containerStatuses?.find((c) => c.name === first);
    // Only a container known to be dead counts: a status without container states has nothing to say.
    const running = !holder?.state || !!holder.state.running;
    out.push({
      podName: pod.metadata!.name!, podUid: pod.metadata!.uid!, ip, ports, serving, terminating,
      ready: publishNotReady || (serving && !terminating), running, pod,
    });
  }
  return out.sort((a, b) => (a.podName < b.podName ? -1 : a.podName > b.podName ? 1 : 0));
}
