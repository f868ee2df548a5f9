// The kernel data path's pure parts: kube-proxy's DNAT rules with their probabilities (each endpoint
// equally likely), the iptables-restore input that replaces the chain, and the open connections per
// endpoint read from conntrack's table (what the kubelet drains on).
import { describe, expect, it } from 'vitest';
// @ts-expect-error the agent is plain JavaScript (it runs alone in its container)
import { countOpen, portRules, restoreInput } from '../../../src/network-agent/kernel-path.js';

const port = { ip: '10.96.0.5', port: 80, backends: [{ ip: '172.18.0.2', port: 8080 }, { ip: '172.18.0.3', port: 8080 }, { ip: '172.18.0.4', port: 9090 }] };

describe('the kernel data path (the network agent)', () => {
  it('DNATs to endpoint i of n with probability 1/(n-i), the last one always, as kube-proxy', () => {
    expect(portRules(port)).toEqual([
      '-A MK-SERVICES -d 10.96.0.5/32 -p tcp -m tcp --dport 80 -m statistic --mode random --probability 0.3333333333 -j DNAT --to-destination 172.18.0.2:8080',
      '-A MK-SERVICES -d 10.96.0.5/32 -p tcp -m tcp --dport 80 -m statistic --mode random --probability 0.5000000000 -j DNAT --to-destination 172.18.0.3:8080',
      '-A MK-SERVICES -d 10.96.0.5/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.18.0.4:9090',
    ]);
    expect(portRules({ ...port, backends: [port.backends[0]] })).toEqual([
      '-A MK-SERVICES -d 10.96.0.5/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.18.0.2:8080',
    ]);
  });

  it('replaces the whole chain in one commit; no port, an empty chain', () => {
    expect(restoreInput([])).toBe('*nat\n:MK-SERVICES - [0:0]\nCOMMIT\n');
    const text = restoreInput([port, { ip: '10.96.0.6', port: 443, backends: [{ ip: '172.18.0.9', port: 8443 }] }]);
    expect(text.split('\n')).toHaveLength(3 + 4 + 1);
    expect(text.endsWith('-A MK-SERVICES -d 10.96.0.6/32 -p tcp -m tcp --dport 443 -j DNAT --to-destination 172.18.0.9:8443\nCOMMIT\n')).toBe(true);
  });

  it('counts open DNATed connections per endpoint from conntrack, not those over or to other addresses', () => {
    const table = [
      'ipv4     2 tcp      6 86398 ESTABLISHED src=172.18.0.7 dst=10.96.0.5 sport=40001 dport=80 src=172.18.0.2 dst=172.18.0.200 sport=8080 dport=40001 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 tcp      6 86398 ESTABLISHED src=172.18.0.8 dst=10.96.0.5 sport=40002 dport=80 src=172.18.0.2 dst=172.18.0.200 sport=8080 dport=40002 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 tcp      6 58 FIN_WAIT src=172.18.0.7 dst=10.96.0.5 sport=40003 dport=80 src=172.18.0.3 dst=172.18.0.200 sport=8080 dport=40003 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 tcp      6 110 TIME_WAIT src=172.18.0.7 dst=10.96.0.5 sport=40004 dport=80 src=172.18.0.4 dst=172.18.0.200 sport=9090 dport=40004 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 tcp      6 86398 ESTABLISHED src=172.18.0.1 dst=172.18.0.200 sport=50000 dport=7946 src=172.18.0.200 dst=172.18.0.1 sport=7946 dport=50000 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 udp      17 25 src=172.18.0.7 dst=10.96.0.5 sport=5000 dport=53 src=172.18.0.5 dst=172.18.0.200 sport=5353 dport=5000 mark=0 zone=0 use=2',
      '',
    ].join('\n');
    expect(countOpen(table, new Set(['10.96.0.5']))).toEqual({ '172.18.0.2': 2, '172.18.0.3': 1 });
    expect(countOpen(table, new Set(['10.96.0.9']))).toEqual({});
  });
});
