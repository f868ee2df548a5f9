import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/kube/types.js';
import { formatResolvConf, hostDnsForPods, parseResolvConf, podDnsConfig, type NodeDns } from '../../../src/kubelet/dns-config.js';

const host = parseResolvConf('# generated\nnameserver 10.255.255.53\nnameserver 10.0.0.2 # second\nsearch corp.example. lab.example\noptions edns0 timeout:2\n');
const node = (clusterDNS: string[] = ['10.96.0.10']): NodeDns => ({ clusterDNS, clusterDomain: 'cluster.local', host });
const pod = (spec: Partial<NonNullable<Pod['spec']>> = {}, ns = 'shop'): Pod => ({
  metadata: { name: 'web', namespace: ns, uid: 'u1' },
  spec: { containers: [{ name: 'c', image: 'x' }], dnsPolicy: 'ClusterFirst', ...spec },
});

describe("the pod's resolv.conf as the kubelet forms it", () => {
  it('parses the node resolv.conf as the kubelet does', () => {
    expect(host).toEqual({ nameservers: ['10.255.255.53', '10.0.0.2'], searches: ['corp.example', 'lab.example'], options: ['edns0', 'timeout:2'] });
  });

  it('ClusterFirst: the cluster DNS, the cluster search path then the host one, ndots:5', () => {
    const { config, events } = podDnsConfig(pod(), node());
    expect(events).toEqual([]);
    expect(formatResolvConf(config)).toBe(
      'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\nnameserver 10.96.0.10\noptions ndots:5\n');
  });

  it('ClusterFirstWithHostNet is ClusterFirst', () => {
    expect(podDnsConfig(pod({ dnsPolicy: 'ClusterFirstWithHostNet' }), node()).config).toEqual(podDnsConfig(pod(), node()).config);
  });

  it('Default: the node resolv.conf as it is', () => {
    expect(formatResolvConf(podDnsConfig(pod({ dnsPolicy: 'Default' }), node()).config)).toBe(
      'search corp.example lab.example\nnameserver 10.255.255.53\nnameserver 10.0.0.2\noptions edns0 timeout:2\n');
  });

  it('ClusterFirst without clusterDNS falls back to Default, with the MissingClusterDNS event', () => {
    const { config, events } = podDnsConfig(pod(), node([]));
    expect(config).toEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), node()).config);
    expect(events).toEqual([{ type: 'Warning', reason: 'MissingClusterDNS', message: 'pod: "web_shop(u1)". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.' }]);
  });

  it('None: only dnsConfig', () => {
    const p = pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }] } });
    expect(formatResolvConf(podDnsConfig(p, node()).config)).toBe('search a.example\nnameserver 1.1.1.1\noptions ndots:2 rotate\n');
  });

  it('appends dnsConfig to the base: duplicates once, an option of the same name replaced', () => {
    const p = pod({ dnsConfig: { nameservers: ['10.96.0.10', '1.1.1.1'], searches: ['svc.cluster.local', 'x.example'], options: [{ name: 'ndots', value: '1' }, { name: 'edns0' }] } });
    expect(podDnsConfig(p, node()).config).toEqual({
      nameservers: ['10.96.0.10', '1.1.1.1'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example', 'x.example'],
      options: ['ndots:1', 'edns0'],
    });
  });

  it('keeps 3 nameservers, with the DNSConfigForming event', () => {
    const { config, events } = podDnsConfig(pod({ dnsConfig: { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9'] } }), node());
    expect(config.nameservers).toEqual(['10.96.0.10', '1.1.1.1', '8.8.8.8']);
    expect(events).toEqual([{ type: 'Warning', reason: 'DNSConfigForming', message: 'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 8.8.8.8' }]);
  });

  it('keeps 32 search domains of at most 253 characters and 2048 characters in all', () => {
    const many = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    const r = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: many } }), node());
    expect(r.config.searches).toEqual(many.slice(0, 32));
    expect(r.events[0].message).toMatch(/^Search Line limits were exceeded, some search paths have been omitted, the applied search line is: d0\.example d1\.example/);
    const long = Array.from({ length: 10 }, (_, i) => `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.e${i}`);
    const cut = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: [...long, `${'x'.repeat(250)}.abcd`] } }), node()).config.searches;
    expect(cut.join(' ').length).toBeLessThanOrEqual(2048);
    expect(cut).toEqual(long.slice(0, cut.length));
    expect(cut.length).toBe(10);
  });

  it('drops loopback nameservers of the node, which a pod cannot reach', () => {
    expect(hostDnsForPods(parseResolvConf('nameserver 127.0.0.53\nnameserver 10.1.1.1\n')).nameservers).toEqual(['10.1.1.1']);
    expect(hostDnsForPods(parseResolvConf('nameserver 127.0.0.53\n')).nameservers).toEqual(['8.8.8.8', '8.8.4.4']);
  });
});
