// The node's DNS settings as the kubelet reads them for each new pod sandbox: its clusterDNS and
// clusterDomain options, and the node's resolv.conf (read anew, as the kubelet does, so a changed host
// resolver reaches the next pod).
import { readFileSync } from 'node:fs';
import { hostDnsForPods, parseResolvConf, type NodeDns } from './dns-config.js';

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

export function nodeDns(opts: { clusterDNS?: string[]; clusterDomain?: string; resolvConf?: string }): NodeDns {
  let text = '';
  try {
    text = readFileSync(opts.resolvConf ?? '/etc/resolv.conf', 'utf8');
  } catch {
    // no resolv.conf: the pod gets the fallback nameservers (hostDnsForPods)
  }
  return {
    clusterDNS: opts.clusterDNS ?? [],
    clusterDomain: opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    host: hostDnsForPods(parseResolvConf(text)),
  };
}
