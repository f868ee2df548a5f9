// The names the API certificate carries for pods: the kubernetes Service's DNS names and addresses. Its
// own module: the control plane asks for them before the API server listens, with nothing else loaded.
import type { TlsNames } from '../api/http/tls.js';
import type { Runtime } from '../runtime/runtime.js';
import { kubernetesServiceIPs, splitSubnet } from '../runtime/subnets.js';
import { SHARED_NETWORK_LABELS } from '../runtime/network.js';

/** the names in-cluster clients use for the API (kubernetes.default.svc ...) */
const KUBERNETES_DNS = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

/**
 * What the API certificate must name for pods: the kubernetes Service's DNS names and its address in every
 * block of the shared network (the block is known only once the agent runs; any block is then covered).
 * Asks the engine for the network (bounded: an engine that does not answer leaves the addresses out).
 */
export async function kubernetesTlsNames(runtime: Runtime, network: string, log: (line: string) => void): Promise<TlsNames> {
  if (!runtime.networkSubnet) return { dns: KUBERNETES_DNS, ips: [] };
  const subnet = await Promise.race([
    // the kubelet's start makes the same network at the same moment: the runtime shares one attempt
    runtime.ensureNetwork(network, SHARED_NETWORK_LABELS).then(() => runtime.networkSubnet!(network)).catch(() => undefined),
    new Promise<undefined>((r) => { setTimeout(() => r(undefined), 5000).unref(); }),
  ]);
  const halves = subnet ? splitSubnet(subnet) : undefined;
  if (!halves) log('the API certificate names no kubernetes Service address yet: the engine did not say the network\'s subnet in time');
  return { dns: KUBERNETES_DNS, ips: halves ? kubernetesServiceIPs(halves.services) : [] };
}
