// The cluster's in-cluster network, wired: the network agent container (adopted or created once the
// kubelet has the shared network, never delaying the API), its block of ClusterIPs (remembered in the
// home), the Services moved into that block, and the control connection that keeps the agent's table.
// `ready` resolves once the agent applied its first snapshot (tests and `status` wait on it).
import type { Runtime } from '../runtime/runtime.js';
import type { Store } from '../store/store.js';
import type { KubeletObservations } from '../kube/observed.js';
import type { ConnectionDrain } from '../kubelet/drain.js';
import { AgentLink } from '../service-proxy/cluster-ip/agent-link.js';
import { ClusterIPs } from '../service-proxy/cluster-ip/cluster-ips.js';
import type { NetworkAgent } from '../runtime/network-agent.js';
import { saveConfig, type ClusterConfig } from './home.js';
import type { TlsNames } from '../api/http/tls.js';
import { kubernetesServiceIPs, splitSubnet } from '../runtime/subnets.js';
import { SHARED_NETWORK_LABELS } from '../runtime/network.js';

const RETRY_MS = 10_000;

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

export interface ClusterNetwork {
  clusterIPs: ClusterIPs;
  /** the pods' nameservers, filled in when the agent runs (the kubelet's clusterDNS option) */
  clusterDNS: string[];
  /** the agent once it serves this cluster's table; undefined when it could not start */
  ready: Promise<NetworkAgent | undefined>;
  /** open connections through the agent, for the kubelet's drain (decision 043) */
  connections: ConnectionDrain;
  start(apiPort: number, kubeletStarted: Promise<void>): void;
  /** stops the link; resolves once an agent being created exists, so `down` finds and removes it */
  stop(): Promise<void>;
}

export function clusterNetwork(opts: {
  store: Store; runtime: Runtime; observed: KubeletObservations; home: string; config: ClusterConfig;
  network: string; publishPorts: boolean; log: (line: string) => void;
}): ClusterNetwork {
  const clusterIPs = new ClusterIPs(opts.store, opts.log);
  const clusterDNS: string[] = [];
  let link: AgentLink | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let resolveReady!: (a: NetworkAgent | undefined) => void;
  const ready = new Promise<NetworkAgent | undefined>((r) => { resolveReady = r; });
  return {
    clusterIPs, clusterDNS, ready,
    connections: {
      openConnections: (uid) => link?.openConnections(uid) ?? 0,
      drained: (uid, ms) => link?.drained(uid, ms) ?? Promise.resolve(0),
    },
    start(apiPort, kubeletStarted) {
      if (!opts.runtime.ensureNetworkAgent) { clusterIPs.markUnavailable(); resolveReady(undefined); return; }
      link = new AgentLink({ store: opts.store, observed: opts.observed, apiPort, log: opts.log });
      const attempt = async (): Promise<void> => {
        const creating = opts.runtime.ensureNetworkAgent!({
          clusterId: opts.config.clusterId, network: opts.network, publishPorts: opts.publishPorts,
          preferredBlock: opts.config.networkBlock, log: opts.log,
        });
        inFlight = creating.then(() => undefined, () => undefined);
        const agent = await creating;
        if (opts.config.networkBlock !== agent.block.index) {
          opts.config.networkBlock = agent.block.index;
          saveConfig(opts.home, opts.config);
        }
        clusterDNS.splice(0, clusterDNS.length, agent.ip);
        if (stopped) return; // stopped meanwhile: the agent exists, and `down` (if it was one) removes it
        clusterIPs.setBlock(agent.block, apiPort);
        link!.attach(agent);
        if (!(await link!.whenSynced(30_000))) opts.log(`network agent at ${agent.ip}: no answer on its control port yet (still trying)`);
        else opts.log(`network agent at ${agent.ip} serves ClusterIPs ${agent.block.first}-${agent.block.last}`);
        resolveReady(agent);
      };
      // An engine that is down at start (or a failed build) is retried; meanwhile Services do not wait.
      const tryStart = (): void => {
        if (stopped) return;
        attempt().catch((err: Error) => {
          opts.log(`network agent could not start: ${err.message} (ClusterIPs are not reachable from pods; trying again in ${RETRY_MS / 1000} s)`);
          clusterIPs.markUnavailable();
          resolveReady(undefined);
          retry = setTimeout(tryStart, RETRY_MS);
          retry.unref();
        });
      };
      void kubeletStarted.then(tryStart);
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await Promise.race([inFlight, new Promise((r) => setTimeout(r, 30_000).unref())]);
      link?.stop();
    },
  };
}
