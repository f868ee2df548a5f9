// The cluster domain's answers, with real packets: a query encoded as a client sends it, decoded as the
// server reads it, answered, and the answer encoded and decoded as the client reads it.
import { describe, expect, it } from 'vitest';
import dnsPacket, { type DecodedPacket, type RecordType } from 'dns-packet';
import type { DnsSnapshot } from '../../../src/kube/dns-snapshot.js';
import { answer } from '../../../src/dns/answer.js';

const snapshot: DnsSnapshot = {
  clusterDomain: 'cluster.local',
  services: [
    { namespace: 'shop', name: 'web', type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }, { port: 8443, protocol: 'TCP' }], endpoints: [{ ip: '172.18.0.5', ready: true }] },
    { namespace: 'shop', name: 'db', type: 'ClusterIP', clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }], endpoints: [
      { ip: '172.18.0.7', ready: true, hostname: 'db-0', podName: 'db-0' },
      { ip: '172.18.0.8', ready: true },
      { ip: '172.18.0.9', ready: false, hostname: 'db-2' },
    ] },
    { namespace: 'shop', name: 'peers', type: 'ClusterIP', clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'gossip', port: 7946, protocol: 'UDP' }], endpoints: [{ ip: '172.18.0.10', ready: false }] },
    { namespace: 'shop', name: 'empty', type: 'ClusterIP', clusterIP: 'None', ports: [], endpoints: [{ ip: '172.18.0.11', ready: false }] },
    { namespace: 'shop', name: 'ext', type: 'ExternalName', externalName: 'example.org', ports: [], endpoints: [] },
    { namespace: 'default', name: 'np', type: 'NodePort', clusterIP: '10.96.0.30', ports: [{ port: 80, protocol: 'TCP' }], endpoints: [] },
  ],
  pods: [{ namespace: 'shop', name: 'db-0', ip: '172.18.0.7', hostname: 'db-0', subdomain: 'db' }],
};

function ask(name: string, type: RecordType = 'A', snap = snapshot): DecodedPacket | null {
  const wire = dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });
  const res = answer(dnsPacket.decode(wire), snap, { serial: 1700000000 });
  return res && dnsPacket.decode(dnsPacket.encode(res));
}

const rcode = (p: DecodedPacket | null): unknown => (p as unknown as { rcode: string }).rcode;
const data = (p: DecodedPacket | null): unknown[] => (p?.answers ?? []).map((r) => ('data' in r ? r.data : undefined));
const SOA = { name: 'cluster.local', type: 'SOA', ttl: 5, class: 'IN', flush: false, data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1700000000, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } };

describe('cluster DNS answers, as CoreDNS gives them', () => {
  it('A for a ClusterIP Service: one record (not one a port), TTL 5, authoritative, the id and question as asked', () => {
    const res = ask('web.shop.svc.cluster.local');
    expect(res).toMatchObject({ id: 4242, flag_aa: true, flag_rd: true, flag_qr: true, questions: [{ name: 'web.shop.svc.cluster.local', type: 'A' }] });
    expect(rcode(res)).toBe('NOERROR');
    expect(res!.answers).toEqual([{ name: 'web.shop.svc.cluster.local', type: 'A', ttl: 5, class: 'IN', flush: false, data: '10.96.0.20' }]);
    // NodePort Services have their ClusterIP too; names match whatever their case
    expect(data(ask('NP.default.svc.Cluster.Local.'))).toEqual(['10.96.0.30']);
    expect(ask('NP.default.svc.Cluster.Local')!.answers![0].name).toBe('NP.default.svc.Cluster.Local');
  });

  it('headless: the ready endpoints, not-ready ones with publishNotReadyAddresses; none ready is NXDOMAIN', () => {
    expect(data(ask('db.shop.svc.cluster.local'))).toEqual(['172.18.0.7', '172.18.0.8']);
    expect(data(ask('peers.shop.svc.cluster.local'))).toEqual(['172.18.0.10']);
    expect(rcode(ask('empty.shop.svc.cluster.local'))).toBe('NXDOMAIN');
  });

  it('endpoint names: hostname.svc.ns.svc for pods with hostname + subdomain, the dashed IP otherwise', () => {
    expect(data(ask('db-0.db.shop.svc.cluster.local'))).toEqual(['172.18.0.7']);
    expect(data(ask('172-18-0-8.db.shop.svc.cluster.local'))).toEqual(['172.18.0.8']);
    expect(rcode(ask('db-2.db.shop.svc.cluster.local'))).toBe('NXDOMAIN');
    expect(data(ask('172-18-0-5.web.shop.svc.cluster.local'))).toEqual(['172.18.0.5']);
  });

  it('SRV for named ports: the Service name with its ClusterIP in the additional section', () => {
    const res = ask('_http._tcp.web.shop.svc.cluster.local', 'SRV');
    expect(res!.answers).toEqual([{ name: '_http._tcp.web.shop.svc.cluster.local', type: 'SRV', ttl: 5, class: 'IN', flush: false, data: { priority: 0, weight: 100, port: 80, target: 'web.shop.svc.cluster.local' } }]);
    expect(res!.additionals).toEqual([{ name: 'web.shop.svc.cluster.local', type: 'A', ttl: 5, class: 'IN', flush: false, data: '10.96.0.20' }]);
    expect(rcode(ask('_nope._tcp.web.shop.svc.cluster.local', 'SRV'))).toBe('NXDOMAIN');
    expect(rcode(ask('_http._udp.web.shop.svc.cluster.local', 'SRV'))).toBe('NXDOMAIN');
    // no wildcards (CoreDNS dropped them in 1.9)
    expect(rcode(ask('_*._tcp.web.shop.svc.cluster.local', 'SRV'))).toBe('NXDOMAIN');
    // without a port: every port, the unnamed one too
    expect(data(ask('web.shop.svc.cluster.local', 'SRV')).map((d) => (d as { port: number }).port)).toEqual([80, 9090, 8443]);
  });

  it('SRV of a headless Service: one record an endpoint, targets the endpoint names, weights sharing 100', () => {
    const res = ask('_pg._tcp.db.shop.svc.cluster.local', 'SRV');
    expect(data(res)).toEqual([
      { priority: 0, weight: 50, port: 5432, target: 'db-0.db.shop.svc.cluster.local' },
      { priority: 0, weight: 50, port: 5432, target: '172-18-0-8.db.shop.svc.cluster.local' },
    ]);
    expect(res!.additionals!.map((r) => [r.name, 'data' in r ? r.data : undefined])).toEqual([
      ['db-0.db.shop.svc.cluster.local', '172.18.0.7'], ['172-18-0-8.db.shop.svc.cluster.local', '172.18.0.8'],
    ]);
    expect(data(ask('_gossip._udp.peers.shop.svc.cluster.local', 'SRV'))).toEqual([{ priority: 0, weight: 100, port: 7946, target: '172-18-0-10.peers.shop.svc.cluster.local' }]);
  });

  it('ExternalName: a CNAME to the external name, for A, AAAA and CNAME', () => {
    expect(rcode(ask('x.ext.shop.svc.cluster.local'))).toBe('NXDOMAIN');
    for (const type of ['A', 'AAAA', 'CNAME'] as const) {
      expect(ask('ext.shop.svc.cluster.local', type)!.answers).toEqual([{ name: 'ext.shop.svc.cluster.local', type: 'CNAME', ttl: 5, class: 'IN', flush: false, data: 'example.org' }]);
    }
  });

  it('pod records 1-2-3-4.ns.pod (pods insecure, kubeadm\'s Corefile)', () => {
    expect(data(ask('172-18-0-7.shop.pod.cluster.local'))).toEqual(['172.18.0.7']);
    expect(rcode(ask('172-18-0-999.shop.pod.cluster.local'))).toBe('NXDOMAIN');
    expect(rcode(ask('172-18-0-7.nowhere.pod.cluster.local'))).toBe('NXDOMAIN');
  });

  it('NXDOMAIN with the SOA for names that do not exist', () => {
    for (const name of ['nope.shop.svc.cluster.local', 'web.nowhere.svc.cluster.local', 'a.b.c.web.shop.svc.cluster.local', 'web.shop.cluster.local', 'x.cluster.local']) {
      const res = ask(name);
      expect(rcode(res), name).toBe('NXDOMAIN');
      expect(res!.flag_aa).toBe(true);
      expect(res!.answers).toEqual([]);
      expect(res!.authorities).toEqual([SOA]);
    }
  });

  it('NODATA with the SOA: AAAA of an IPv4 Service, TXT of a Service, a namespace, the apex', () => {
    for (const [name, type] of [['web.shop.svc.cluster.local', 'AAAA'], ['web.shop.svc.cluster.local', 'TXT'], ['db.shop.svc.cluster.local', 'AAAA'], ['shop.svc.cluster.local', 'A'], ['svc.cluster.local', 'A'], ['cluster.local', 'A']] as const) {
      const res = ask(name, type);
      expect(rcode(res), `${name} ${type}`).toBe('NOERROR');
      expect(res!.answers).toEqual([]);
      expect(res!.authorities).toEqual([SOA]);
    }
  });

  it('the SOA and NS of the zone', () => {
    expect(ask('cluster.local', 'SOA')!.answers).toEqual([{ ...SOA }]);
    expect(data(ask('cluster.local', 'NS'))).toEqual(['ns.dns.cluster.local']);
  });

  it('names outside the cluster domain are not answered (the server forwards them), nor expanded with a search path', () => {
    expect(ask('example.org')).toBeNull();
    expect(ask('notcluster.local')).toBeNull();
    // "web" alone is the client's to expand (search + ndots:5): a bare name never reaches the zone here
    expect(ask('web')).toBeNull();
  });
});
