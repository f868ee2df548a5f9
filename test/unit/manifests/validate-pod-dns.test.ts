import { describe, expect, it } from 'vitest';
import { admit } from '../../../src/manifests/index.js';
import { StatusError } from '../../../src/kube/errors.js';
import type { KubeObject } from '../../../src/store/store.js';

const pod = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'nginx:1.25' }], ...spec },
});

function causes(obj: KubeObject): string[] {
  try {
    admit(obj);
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    return ((e as StatusError).details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
  }
  return [];
}

describe('admission of the DNS fields, as the apiserver validates them', () => {
  it('accepts the four policies with a valid dnsConfig, hostAliases, hostname and subdomain', () => {
    for (const dnsPolicy of ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']) {
      const r = admit(pod({ dnsPolicy, dnsConfig: { nameservers: ['1.1.1.1'], searches: ['corp.example.'], options: [{ name: 'ndots', value: '2' }] },
        hostname: 'db', subdomain: 'dbs', setHostnameAsFQDN: true, hostAliases: [{ ip: '10.0.0.1', hostnames: ['a.example'] }] }));
      expect(r.warnings).toEqual([]);
    }
  });

  it('None needs dnsConfig with a nameserver', () => {
    expect(causes(pod({ dnsPolicy: 'None' }))).toEqual(['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']);
    expect(causes(pod({ dnsPolicy: 'None', dnsConfig: { searches: ['a.example'] } }))).toEqual(['spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None']);
  });

  it('refuses bad nameservers, searches, options, aliases and subdomains with their paths', () => {
    const got = causes(pod({
      subdomain: 'Not_A_Label',
      hostAliases: [{ ip: 'nope', hostnames: ['UPPER'] }],
      dnsConfig: { nameservers: ['1.1.1.1', 'x', '2.2.2.2', '3.3.3.3'], searches: ['bad_domain'], options: [{ value: '1' }] },
    }));
    expect(got.map((c) => c.slice(0, c.indexOf(':', c.indexOf(':') + 1)))).toEqual([
      'spec.subdomain: Invalid value',
      'spec.hostAliases[0].ip: Invalid value',
      'spec.hostAliases[0].hostnames[0]: Invalid value',
      'spec.dnsConfig.nameservers: Invalid value',
      'spec.dnsConfig.nameservers[1]: Invalid value',
      'spec.dnsConfig.searches[0]: Invalid value',
      'spec.dnsConfig.options[0]: Required value',
    ]);
    expect(got[4]).toBe('spec.dnsConfig.nameservers[1]: Invalid value: "x": must be valid IP address');
    expect(got[1]).toBe('spec.hostAliases[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
  });
});
