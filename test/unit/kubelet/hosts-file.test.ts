import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/kube/types.js';
import { kernelHostname, managedHostsFile, podHostnameAndDomain } from '../../../src/kubelet/hosts-file.js';

const pod = (spec: Partial<NonNullable<Pod['spec']>> = {}, name = 'web-0'): Pod => ({
  metadata: { name, namespace: 'shop', uid: 'u1' },
  spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
});
const HEADER = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

describe("the pod's /etc/hosts and host name as the kubelet makes them", () => {
  it('the pod IP with its host name', () => {
    expect(managedHostsFile(pod(), ['172.18.0.5'], 'cluster.local')).toBe(`${HEADER}172.18.0.5\tweb-0\n`);
  });

  it('hostname + subdomain: the FQDN first, then the short name', () => {
    const p = pod({ hostname: 'db', subdomain: 'dbs' });
    expect(podHostnameAndDomain(p, 'cluster.local')).toEqual({ hostname: 'db', domain: 'dbs.shop.svc.cluster.local' });
    expect(managedHostsFile(p, ['172.18.0.5'], 'cluster.local')).toBe(`${HEADER}172.18.0.5\tdb.dbs.shop.svc.cluster.local\tdb\n`);
  });

  it('hostAliases in their own section, one line an IP', () => {
    const p = pod({ hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }, { ip: '10.1.2.3', hostnames: ['foo.remote'] }] });
    expect(managedHostsFile(p, ['172.18.0.5'], 'cluster.local')).toBe(
      `${HEADER}172.18.0.5\tweb-0\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\n`);
  });

  it('a pod name longer than 63 characters is cut, without a trailing dash', () => {
    const name = `${'a'.repeat(62)}-bcd`;
    expect(podHostnameAndDomain(pod({}, name), 'cluster.local').hostname).toBe('a'.repeat(62));
  });

  it('setHostnameAsFQDN: the FQDN as the kernel host name, refused past 64 characters', () => {
    expect(kernelHostname(pod({ subdomain: 'dbs' }), 'cluster.local')).toEqual({ hostname: 'web-0' });
    expect(kernelHostname(pod({ subdomain: 'dbs', setHostnameAsFQDN: true }), 'cluster.local')).toEqual({ hostname: 'web-0.dbs.shop.svc.cluster.local' });
    expect(kernelHostname(pod({ setHostnameAsFQDN: true }), 'cluster.local')).toEqual({ hostname: 'web-0' });
    const long = kernelHostname(pod({ hostname: 'h'.repeat(40), subdomain: 'dbs', setHostnameAsFQDN: true }), 'cluster.local');
    expect(long).toEqual({ error: `failed to construct FQDN from pod hostname and cluster domain, FQDN ${'h'.repeat(40)}.dbs.shop.svc.cluster.local is too long (64 characters is the max, 67 characters requested)` });
  });
});
