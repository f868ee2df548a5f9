// The DnsSnapshot (src/kube/dns-snapshot.ts) the cluster DNS answers from, built from the store: every
// Service with its endpoints (ready or not, with the pod hostname when the pod's subdomain names the
// Service, as the endpoints controller sets hostname), and the pods that have a hostname and subdomain.
// Pure; the control plane sends it to the network agent in a `dns` message.
import type { Pod, Service } from '../../kube/types.js';
import type { DnsService, DnsSnapshot } from '../../kube/dns-snapshot.js';
import { endpointsOf, type AddressRule } from '../../kube/endpoints.js';
import { upstreamAddressProblem } from '../../kube/host-addresses.js';

export const CLUSTER_DOMAIN = 'cluster.local';

function dnsService(svc: Service, pods: Pod[], addressRule: AddressRule): DnsService {
  const ns = svc.metadata?.namespace ?? 'default';
  const name = svc.metadata?.name ?? '';
  const type = (svc.spec?.type ?? 'ClusterIP') as DnsService['type'];
  const endpoints = type === 'ExternalName' ? [] : endpointsOf(svc, pods, addressRule).map((e) => {
    const hostname = e.pod.spec?.hostname && e.pod.spec?.subdomain === name ? e.pod.spec.hostname : undefined;
    return { ip: e.ip, ready: e.ready, podName: e.podName, ...(hostname ? { hostname } : {}) };
  });
  return {
    namespace: ns, name, type,
    ...(svc.spec?.clusterIP ? { clusterIP: svc.spec.clusterIP } : {}),
    ...(svc.spec?.externalName ? { externalName: svc.spec.externalName } : {}),
    ports: (Array.isArray(svc.spec?.ports) ? svc.spec.ports : []).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: (p.protocol ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP' })),
    ...(svc.spec?.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
    endpoints,
  };
}

export function buildDnsSnapshot(services: Service[], pods: Pod[], addressRule: AddressRule = upstreamAddressProblem): DnsSnapshot {
  const byNs = new Map<string, Pod[]>();
  for (const p of pods) {
    const ns = p.metadata?.namespace ?? 'default';
    byNs.set(ns, [...byNs.get(ns) ?? [], p]);
  }
  return {
    clusterDomain: CLUSTER_DOMAIN,
    // A stored object that does not have a Service's shape (a store file edited by hand: it is reported on
    // itself elsewhere) has no records, and never stops the others' (nor the control plane).
    services: services.flatMap((s) => {
      try {
        return [dnsService(s, byNs.get(s.metadata?.namespace ?? 'default') ?? [], addressRule)];
      } catch {
        return [];
      }
    }),
    pods: pods.flatMap((p) => {
      const ip = p.status?.podIP;
      if (typeof ip !== 'string') return [];
      const phase = p.status?.phase;
      if (!ip || addressRule(ip) || phase === 'Succeeded' || phase === 'Failed') return [];
      return [{
        namespace: p.metadata?.namespace ?? 'default', name: p.metadata?.name ?? '', ip,
        ...(p.spec?.hostname ? { hostname: p.spec.hostname } : {}),
        ...(p.spec?.subdomain ? { subdomain: p.spec.subdomain } : {}),
      }];
    }),
  };
}
