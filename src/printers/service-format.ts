// Service and Endpoints strings shared by `get svc/ep` and `describe svc`: printers.go's formatEndpoints,
// makePortString and getServiceExternalIP.
import type { Endpoints, Service } from '../kube/types.js';

/** net.JoinHostPort: IPv6 hosts go in brackets. */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * formatEndpoints: "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 2 more...", "<none>" without subsets.
 * `portNames` keeps only endpoint ports with those names (describe svc, per service port); undefined = all.
 */
export function formatEndpoints(endpoints: Endpoints | undefined | null, portNames?: Set<string>): string {
  const subsets = endpoints?.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    if (!ss.ports || ss.ports.length === 0) {
      // A headless service may have no ports: list bare IPs.
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) { more = true; break; }
        list.push(a.ip);
      }
      continue;
    }
    for (const port of ss.ports) {
      if (portNames && !portNames.has(port.name ?? '')) continue;
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) { more = true; break; }
        list.push(joinHostPort(a.ip, port.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

/** makePortString: "80/TCP" or "80:31234/TCP", comma-joined. */
export function makePortString(svc: Service): string {
  return (svc.spec?.ports ?? [])
    .map((p) => {
      const proto = p.protocol || 'TCP';
      return p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
    })
    .join(',');
}

/** loadBalancerStatusStringer as the server calls it (wide): sorted, de-duplicated IPs or hostnames. */
function loadBalancerIngress(svc: Service): string {
  const set = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  return [...set].sort().join(',');
}

/** getServiceExternalIP: "<none>", external IPs, "<pending>", the LoadBalancer ingress ("localhost"). */
export function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type || 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc);
      if (external.length > 0) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}
