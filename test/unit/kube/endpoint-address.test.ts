// Which addresses may be endpoints (Kubernetes' ValidateNonSpecialIP plus this host's own): the rule the
// endpoints controller and the proxy's last check before a dial share.
import { describe, expect, it } from 'vitest';
import { endpointAddressProblem, parseIp } from '../../../src/kube/endpoint-address.js';

describe('endpointAddressProblem', () => {
  it.each([
    ['10.244.0.7'], ['172.18.0.5'], ['192.168.49.2'], ['8.8.8.8'], ['fd00::5'], ['2001:db8::1'],
  ])('accepts the routable address %s', (ip) => {
    expect(endpointAddressProblem(ip)).toBeUndefined();
  });

  it.each([
    ['127.0.0.1', '127.0.0.1 may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['127.8.9.10', '127.8.9.10 may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['::1', '::1 may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['0:0:0:0:0:0:0:1', '0:0:0:0:0:0:0:1 may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['::ffff:127.0.0.1', '::ffff:127.0.0.1 may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['::ffff:7f00:1', '::ffff:7f00:1 may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['0.0.0.0', '0.0.0.0 may not be unspecified (0.0.0.0)'],
    ['::', ':: may not be unspecified (::)'],
    ['169.254.169.254', '169.254.169.254 may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
    ['fe80::1', 'fe80::1 may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
    ['febf::1', 'febf::1 may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
    ['224.0.0.251', '224.0.0.251 may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'],
    ['ff02::1', 'ff02::1 may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'],
    ['239.1.2.3', '239.1.2.3 may not be a multicast address (224.0.0.0/4, ff00::/8)'],
    ['ff05::2', 'ff05::2 may not be a multicast address (224.0.0.0/4, ff00::/8)'],
    ['255.255.255.255', '255.255.255.255 may not be the broadcast address (255.255.255.255)'],
  ])('refuses %s', (ip, message) => {
    expect(endpointAddressProblem(ip)).toBe(message);
  });

  it.each([['localhost'], ['127.1'], ['2130706433'], ['0x7f.0.0.1'], [''], ['10.0.0.1:80'], ['example.com']])(
    'refuses %j, which is no literal IP (a resolver would still turn it into one)', (ip) => {
      expect(endpointAddressProblem(ip)).toBe(`${JSON.stringify(ip)} must be a valid IP address`);
    });

  it('refuses the host\'s own addresses, in any spelling', () => {
    const host = new Set(['172.18.0.1', '192.168.1.20', 'fd00::1']);
    expect(endpointAddressProblem('172.18.0.1', host)).toBe('172.18.0.1 may not be an address of this host (mini-kube\'s proxy and kubelet run here)');
    expect(endpointAddressProblem('::ffff:192.168.1.20', host)).toMatch(/may not be an address of this host/);
    expect(endpointAddressProblem('fd00:0:0::1', host)).toMatch(/may not be an address of this host/);
    expect(endpointAddressProblem('172.18.0.2', host)).toBeUndefined();
  });

  it('parses IPv6 with :: and an embedded IPv4 tail into 16 bytes', () => {
    expect(parseIp('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
    expect(parseIp('fe80::1%eth0')).toEqual([0xfe, 0x80, ...Array(13).fill(0), 1]);
    expect(parseIp('1.2.3')).toBeUndefined();
  });
});
