// The pod's host name, domain and /etc/hosts as the kubelet makes them (kubelet_pods.go:
// GeneratePodHostNameAndDomain, managedHostsFileContent, hostsEntriesFromHostAliases; util.go's
// GetNodenameForKernel for setHostnameAsFQDN).
import type { Pod } from '../kube/types.js';

/** Linux host names (the UTS name) hold at most 64 bytes: the kubelet refuses a longer FQDN. */
const MAX_KERNEL_HOSTNAME = 64;

/**
 * spec.hostname or the pod's name (truncated to 63 characters, trailing '-' and '.' dropped:
 * truncatePodHostnameIfNeeded), and the domain `<subdomain>.<namespace>.svc.<clusterDomain>` when the
 * pod has a subdomain.
 */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; domain?: string } {
  const name = pod.spec?.hostname || pod.metadata?.name || '';
  const hostname = name.length <= 63 ? name : name.slice(0, 63).replace(/[-.]+$/, '');
  const sub = pod.spec?.subdomain;
  return sub ? { hostname, domain: `${sub}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}` } : { hostname };
}

/**
 * The UTS host name the pod's containers see: the short name, or with setHostnameAsFQDN the FQDN (the
 * short name when the pod has no subdomain); an error, the kubelet's text, when the FQDN is too long.
 */
export function kernelHostname(pod: Pod, clusterDomain: string): { hostname: string } | { error: string } {
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  if (!pod.spec?.setHostnameAsFQDN || !domain) return { hostname };
  const fqdn = `${hostname}.${domain}`;
  if (fqdn.length > MAX_KERNEL_HOSTNAME) {
    return { error: `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${MAX_KERNEL_HOSTNAME} characters is the max, ${fqdn.length} characters requested)` };
  }
  return { hostname: fqdn };
}

/** The kubelet-managed /etc/hosts of a pod with these IPs. */
export function managedHostsFile(pod: Pod, podIPs: string[], clusterDomain: string): string {
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  let out = '# Kubernetes-managed hosts file.\n'
    + '127.0.0.1\tlocalhost\n'
    + '::1\tlocalhost ip6-localhost ip6-loopback\n'
    + 'fe00::0\tip6-localnet\n'
    + 'fe00::0\tip6-mcastprefix\n'
    + 'fe00::1\tip6-allnodes\n'
    + 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length) {
    out += '\n# Entries added by HostAliases.\n';
    for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  }
  return out;
}
