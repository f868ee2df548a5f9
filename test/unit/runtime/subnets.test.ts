import { describe, expect, it } from 'vitest';
import { freeSubnets, overlaps, SUBNET_CANDIDATES } from '../../../src/runtime/subnets.js';

describe('the subnet of a network mini-kube creates', () => {
  it.each([
    ['172.18.0.0/16', '172.18.5.0/24', true],
    ['172.18.0.0/16', '172.16.0.0/12', true],
    ['172.18.0.0/16', '172.19.0.0/16', false],
    ['192.168.16.0/20', '192.168.31.255/32', true],
    ['192.168.16.0/20', '192.168.32.0/20', false],
    ['172.18.0.0/16', 'fd00::/64', false],
    ['172.18.0.0/16', '', false],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected);
    expect(overlaps(b, a)).toBe(expected);
  });

  it('takes the first candidate no existing network overlaps, in Docker\'s own order', () => {
    expect(freeSubnets([])[0]).toBe('172.18.0.0/16');
    expect(freeSubnets(['172.17.0.0/16', '172.18.0.0/16', '172.19.0.0/24'])[0]).toBe('172.20.0.0/16');
    expect(freeSubnets(['172.16.0.0/12'])[0]).toBe('192.168.0.0/20');
    expect(freeSubnets(['0.0.0.0/0'])).toEqual([]);
    expect(SUBNET_CANDIDATES).toHaveLength(30);
  });
});
