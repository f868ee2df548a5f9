// What the cluster domain holds, looked up as CoreDNS's kubernetes plugin does (plugin/kubernetes:
// parse.go's parseRequest, kubernetes.go's findServices and findPods), over a DnsSnapshot. Pure: the
// answer builder (answer.ts) turns these records into a DNS message.
import { isIP } from 'node:net';
import type { DnsEndpoint, DnsService, DnsSnapshot } from '../kube/dns-snapshot.js';

/** A name of the zone, split as `[endpoint.]service.namespace.svc|pod` or `_port._proto.service.namespace.svc`. */
export interface RecordRequest {
  port: string;
  protocol: string;
  endpoint: string;
  service: string;
  namespace: string;
  /** 'svc', 'pod', or '' for the zone's apex (and svc. and pod. alone) */
  podOrSvc: string;
}

/** One thing a name points at: an address (A/AAAA), or a name (ExternalName's CNAME). */
export interface Target {
  /** an IP, or the ExternalName's host name */
  host: string;
  /** the service or endpoint port (SRV); -1 when the name has none */
  port: number;
  /** the name SRV records point at (the Service's, or the endpoint's) */
  key: string;
  isName: boolean;
}

/** NXDOMAIN: the name does not exist; otherwise the targets (empty: the name exists without records). */
export type Lookup = { nxdomain: true } | { nxdomain: false; targets: Target[] };

const NXDOMAIN: Lookup = { nxdomain: true };
const NODATA: Lookup = { nxdomain: false, targets: [] };

/** parseRequest: undefined for a name too long or not under svc/pod (NXDOMAIN). */
export function parseRequest(name: string, zone: string): RecordRequest | undefined {
  const r: RecordRequest = { port: '', protocol: '', endpoint: '', service: '', namespace: '', podOrSvc: '' };
  const base = name === zone ? '' : name.slice(0, -(zone.length + 1));
  if (base === '' || base === 'svc' || base === 'pod') return r;
  const segs = base.split('.');
  let last = segs.length - 1;
  r.podOrSvc = segs[last];
  if (r.podOrSvc !== 'pod' && r.podOrSvc !== 'svc') return undefined;
  if (--last < 0) return r;
  r.namespace = segs[last];
  if (--last < 0) return r;
  r.service = segs[last];
  if (--last < 0) return r;
  // one label left: an endpoint; two: _port._protocol; more: too long
  if (last === 0) r.endpoint = segs[0];
  else if (last === 1) {
    r.protocol = segs[1].replace(/^_/, '');
    r.port = segs[0].replace(/^_/, '');
  } else return undefined;
  return r;
}

/** A snapshot indexed for lookups; made once per snapshot object. */
interface Index {
  services: Map<string, DnsService>;
  namespaces: Set<string>;
}

const indexes = new WeakMap<DnsSnapshot, Index>();

function indexOf(snapshot: DnsSnapshot): Index {
  let idx = indexes.get(snapshot);
  if (!idx) {
    // CoreDNS knows the Namespace objects; a snapshot knows the namespaces its Services and pods are in,
    // and default always exists
    const namespaces = new Set(['default', ...snapshot.services.map((s) => s.namespace), ...snapshot.pods.map((p) => p.namespace)]);
    idx = { services: new Map(snapshot.services.map((s) => [`${s.namespace}/${s.name}`, s])), namespaces };
    indexes.set(snapshot, idx);
  }
  return idx;
}

/** endpointHostname: the endpoint's hostname, else its IP with dashes (10-1-2-3, or IPv6 with dashes). */
export function endpointHostname(ep: DnsEndpoint): string {
  if (ep.hostname) return ep.hostname;
  return ep.ip.includes(':') ? ep.ip.replace(/:/g, '-') : ep.ip.replace(/\./g, '-');
}

/** matchPortAndProtocol: an empty port or protocol of the request matches any (no wildcards since 1.9) */
function matches(want: string, have: string | undefined): boolean {
  return want === '' || want === (have ?? '').toLowerCase();
}

/** The records a lowercased name of the zone holds. */
export function lookup(name: string, zone: string, snapshot: DnsSnapshot): Lookup {
  const r = parseRequest(name, zone);
  if (!r) return NXDOMAIN;
  if (r.podOrSvc === '') return NODATA;
  const idx = indexOf(snapshot);
  if (r.namespace === '') return NODATA;
  if (!idx.namespaces.has(r.namespace)) return NXDOMAIN;
  return r.podOrSvc === 'pod' ? findPod(r) : findService(r, idx, zone);
}

/** findPods in `pods insecure` mode (kubeadm's Corefile): 1-2-3-4.ns.pod answers 1.2.3.4. */
function findPod(r: RecordRequest): Lookup {
  if (r.service === '') return NODATA;
  // the service slot holds the pod label; anything longer is not a pod name
  if (r.endpoint !== '' || r.port !== '') return NXDOMAIN;
  const label = r.service;
  const ip = (label.split('-').length === 4 && !label.includes('--')) ? label.replace(/-/g, '.') : label.replace(/-/g, ':');
  if (isIP(ip) === 0) return NXDOMAIN;
  return { nxdomain: false, targets: [{ host: ip, port: -1, key: '', isName: false }] };
}

function findService(r: RecordRequest, idx: Index, zone: string): Lookup {
  if (r.service === '') return NODATA;
  const svc = idx.services.get(`${r.namespace}/${r.service}`);
  if (!svc) return NXDOMAIN;
  const svcName = `${svc.name}.${svc.namespace}.svc.${zone}`;
  const targets: Target[] = [];
  if (svc.type === 'ExternalName') {
    // an ExternalName has no endpoints; an IP as externalName is no CNAME target (CoreDNS: HostType)
    if (r.endpoint !== '' || !svc.externalName || isIP(svc.externalName) !== 0) return NXDOMAIN;
    return { nxdomain: false, targets: [{ host: svc.externalName.replace(/\.$/, ''), port: -1, key: svcName, isName: true }] };
  }
  const headless = svc.clusterIP === 'None';
  if (headless || r.endpoint !== '') {
    for (const ep of svc.endpoints) {
      // the Endpoints list a not-ready address as ready when the Service publishes them
      if (!ep.ready && !svc.publishNotReadyAddresses) continue;
      const host = endpointHostname(ep);
      if (r.endpoint !== '' && r.endpoint !== host.toLowerCase()) continue;
      // a headless Service without ports still has its endpoints' addresses (port -1: no SRV)
      const ports = svc.ports.length ? svc.ports : [{ port: -1, protocol: 'TCP' as const }];
      for (const p of ports) {
        if (!matches(r.port, p.name) || !matches(r.protocol, p.protocol)) continue;
        targets.push({ host: ep.ip, port: p.port, key: `${host}.${svcName}`, isName: false });
      }
    }
  } else if (svc.clusterIP) {
    for (const p of svc.ports) {
      if (!matches(r.port, p.name) || !matches(r.protocol, p.protocol)) continue;
      targets.push({ host: svc.clusterIP, port: p.port, key: svcName, isName: false });
    }
  }
  // findServices starts from errNoItems: nothing matched is NXDOMAIN (a headless Service with no ready
  // endpoint, a port it does not have)
  return targets.length ? { nxdomain: false, targets } : NXDOMAIN;
}
