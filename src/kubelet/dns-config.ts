// The pod's resolv.conf as the kubelet makes it (pkg/kubelet/network/dns/dns.go, GetPodDNS): a base per
// dnsPolicy (ClusterFirst: the cluster DNS, the cluster search path and ndots:5; Default: the node's own
// resolv.conf; None: nothing), then the pod's dnsConfig appended, then the kubelet's limits (3
// nameservers, 32 search domains of at most 253 characters, 2048 characters in the search line), with
// the kubelet's events. The text is what the CRI runtimes write: search, nameserver lines, options.
import type { Pod } from '../kube/types.js';

export interface DnsConfig {
  nameservers: string[];
  searches: string[];
  options: string[];
}

/** An event the kubelet records on the pod while forming its DNS configuration. */
export interface DnsEvent {
  type: 'Warning';
  reason: 'MissingClusterDNS' | 'DNSConfigForming';
  message: string;
}

export interface NodeDns {
  /** the kubelet's clusterDNS (the cluster DNS server's IPs); empty: none configured */
  clusterDNS: string[];
  /** the kubelet's clusterDomain, 'cluster.local' */
  clusterDomain: string;
  /** the node's resolv.conf (the kubelet's --resolv-conf), parsed */
  host: DnsConfig;
}

// k8s.io/kubernetes/pkg/apis/core/validation: MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars
export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

/**
 * Parses a resolv.conf as the kubelet does (parseResolvConf): every nameserver line, the last search
 * line (a trailing dot dropped), the last options line.
 */
export function parseResolvConf(text: string): DnsConfig {
  const out: DnsConfig = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const fields = line.split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    if (fields[0] === 'nameserver' && fields[1]) out.nameservers.push(fields[1]);
    if (fields[0] === 'search') out.searches = fields.slice(1).map((s) => s.replace(/\.$/, '')).filter((s) => s !== '');
    if (fields[0] === 'options') out.options = fields.slice(1);
  }
  return out;
}

/**
 * The node's resolv.conf as a pod can use it: a loopback nameserver (systemd-resolved's 127.0.0.53, a
 * local dnsmasq) answers in the node's network namespace only, so it is dropped, as Docker drops it for
 * its containers; when none is left, Docker's fallback (Google's public resolvers) takes its place.
 */
export function hostDnsForPods(host: DnsConfig): DnsConfig {
  const usable = host.nameservers.filter((ns) => !/^127\./.test(ns) && ns !== '::1');
  return { ...host, nameservers: usable.length ? usable : ['8.8.8.8', '8.8.4.4'] };
}

const MISSING_CLUSTER_DNS = 'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';

/** The pod's DNS configuration and the events the kubelet records while forming it. */
export function podDnsConfig(pod: Pod, node: NodeDns): { config: DnsConfig; events: DnsEvent[] } {
  const events: DnsEvent[] = [];
  const ns = pod.metadata?.namespace ?? 'default';
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  // getPodDNSType: ClusterFirst on the host network falls back to Default (hostNetwork is refused here)
  const type = policy === 'None' ? 'none'
    : policy === 'Default' || (policy === 'ClusterFirst' && pod.spec?.hostNetwork) ? 'host' : 'cluster';
  let config: DnsConfig = { nameservers: [...node.host.nameservers], searches: [...node.host.searches], options: [...node.host.options] };
  if (type === 'none') config = { nameservers: [], searches: [], options: [] };
  if (type === 'cluster') {
    if (node.clusterDNS.length) {
      const d = node.clusterDomain;
      config = {
        nameservers: [...node.clusterDNS],
        searches: omitDuplicates([`${ns}.svc.${d}`, `svc.${d}`, d, ...node.host.searches]),
        options: ['ndots:5'],
      };
    } else {
      events.push({ type: 'Warning', reason: 'MissingClusterDNS', message: `pod: "${pod.metadata?.name}_${ns}(${pod.metadata?.uid ?? ''})". ${MISSING_CLUSTER_DNS}` });
    }
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    config = {
      nameservers: omitDuplicates([...config.nameservers, ...extra.nameservers ?? []]),
      searches: omitDuplicates([...config.searches, ...extra.searches ?? []]),
      options: mergeOptions(config.options, extra.options ?? []),
    };
  }
  return { config: fitLimits(config, events), events };
}

/** The node event of a missing clusterDNS (the kubelet records it on the node and on the pod). */
export const MISSING_CLUSTER_DNS_NODE_MESSAGE = MISSING_CLUSTER_DNS;

function omitDuplicates(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * mergeDNSOptions: an option of the pod's dnsConfig replaces the base's option of the same name. The
 * kubelet goes through a Go map (a random order); here the base's order, then the new names, so the file
 * does not change from one sync to the next.
 */
function mergeOptions(base: string[], extra: { name?: string; value?: string }[]): string[] {
  const options = new Map<string, string>();
  for (const op of base) {
    const i = op.indexOf(':');
    options.set(i === -1 ? op : op.slice(0, i), i === -1 ? '' : op.slice(i + 1));
  }
  for (const op of extra) options.set(op.name ?? '', op.value ?? '');
  return [...options].map(([name, value]) => (value !== '' ? `${name}:${value}` : name));
}

/** formDNSConfigFitsLimits and formDNSSearchFitsLimits, with their DNSConfigForming events. */
function fitLimits(config: DnsConfig, events: DnsEvent[]): DnsConfig {
  let { nameservers, searches } = config;
  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    nameservers = nameservers.slice(0, MAX_DNS_NAMESERVERS);
    events.push({ type: 'Warning', reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${nameservers.join(' ')}` });
  }
  let exceeded = false;
  if (searches.length > MAX_DNS_SEARCH_PATHS) {
    searches = searches.slice(0, MAX_DNS_SEARCH_PATHS);
    exceeded = true;
  }
  // glibc 2.28 aborts on a search domain longer than 255 characters
  const short = searches.filter((s) => s.length <= DNS1123_SUBDOMAIN_MAX_LENGTH);
  if (short.length !== searches.length) exceeded = true;
  searches = short;
  let lineLength = searches.join(' ').length;
  if (lineLength > MAX_DNS_SEARCH_LIST_CHARS) {
    while (searches.length && lineLength > MAX_DNS_SEARCH_LIST_CHARS) {
      lineLength -= searches[searches.length - 1].length + 1;
      searches = searches.slice(0, -1);
    }
    exceeded = true;
  }
  if (exceeded) {
    events.push({ type: 'Warning', reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.join(' ')}` });
  }
  return { nameservers, searches, options: config.options };
}

/** The file, as containerd's CRI and dockershim write it. */
export function formatResolvConf(config: DnsConfig): string {
  let out = '';
  if (config.searches.length) out += `search ${config.searches.join(' ')}\n`;
  for (const ns of config.nameservers) out += `nameserver ${ns}\n`;
  if (config.options.length) out += `options ${config.options.join(' ')}\n`;
  return out;
}
