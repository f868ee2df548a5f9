// What the network agent must serve, computed from the store: for every Service whose ClusterIP lies in
// this cluster's block, each port with the endpoints new connections may go to (ready, their container
// alive, the targetPort resolved per pod: named or numeric). Pure; agent-link.ts sends the differences.
// The agent is on the pods' network, so it dials pod IPs directly, in the published-ports mode too.
import type { Pod, Service } from '../../kube/types.js';
import { endpointsOf, type AddressRule } from '../../kube/endpoints.js';
import { upstreamAddressProblem } from '../../kube/host-addresses.js';
import { inBlock, type ClusterBlock } from '../../runtime/subnets.js';

export interface AgentBackend { ip: string; port: number }

export interface AgentPort {
  port: number;
  protocol: 'TCP' | 'UDP';
  /** carried to the API over a reverse tunnel (the `kubernetes` Service) */
  tunnel?: boolean;
  backends: AgentBackend[];
}

/** one Service as the agent's control protocol carries it (src/network-agent/services.js) */
export interface AgentService {
  /** namespace/name */
  key: string;
  ip: string;
  /** sessionAffinity ClientIP's timeout; absent without affinity */
  affinitySeconds?: number;
  ports: AgentPort[];
}

export const KUBERNETES_SERVICE = { namespace: 'default', name: 'kubernetes' } as const;

export function isKubernetesService(svc: Service): boolean {
  return svc.metadata?.namespace === KUBERNETES_SERVICE.namespace && svc.metadata?.name === KUBERNETES_SERVICE.name;
}

/** The agent's table for one Service (pods: the namespace's, with the status the kubelet observed). */
export function agentService(svc: Service, pods: Pod[], addressRule: AddressRule = upstreamAddressProblem): AgentService {
  const tunnel = isKubernetesService(svc);
  const eps = tunnel ? [] : endpointsOf(svc, pods, addressRule);
  const ready = eps.filter((e) => e.running && e.ready);
  // kube-proxy's fallback: serving-but-terminating endpoints only when none is ready
  const usable = ready.length ? ready : eps.filter((e) => e.running && e.serving && e.terminating);
  const affinity = svc.spec?.sessionAffinity === 'ClientIP';
  return {
    key: `${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name ?? ''}`,
    ip: svc.spec!.clusterIP!,
    ...(affinity ? { affinitySeconds: svc.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800 } : {}),
    ports: (svc.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') !== 'SCTP').map((p) => ({
      port: p.port,
      protocol: (p.protocol ?? 'TCP') as 'TCP' | 'UDP',
      ...(tunnel ? { tunnel: true } : {}),
      backends: usable.flatMap((e) => {
        const port = e.ports.get(p.name ?? '');
        return port === undefined ? [] : [{ ip: e.ip, port }];
      }),
    })),
  };
}

/** Every Service the agent serves: a ClusterIP in the block (headless and ExternalName ones have none). */
export function agentServices(services: Service[], podsOf: (namespace: string) => Pod[], block: ClusterBlock, addressRule?: AddressRule): AgentService[] {
  const out: AgentService[] = [];
  const pods = new Map<string, Pod[]>();
  for (const svc of services) {
    if (svc.spec?.type === 'ExternalName' || !inBlock(block, svc.spec?.clusterIP)) continue;
    const ns = svc.metadata?.namespace ?? 'default';
    if (!pods.has(ns)) pods.set(ns, podsOf(ns));
    out.push(agentService(svc, pods.get(ns)!, addressRule));
  }
  return out;
}
