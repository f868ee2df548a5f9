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

const RETRY_MS = 10_000;

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
