// The two halves of the shared subnet and the clusters' blocks of ClusterIPs (docs/decisions/160).
import { describe, expect, it } from 'vitest';
import {
  blockCount, blockIndexOf, clusterBlock, inBlock, kubernetesServiceIPs, nextBlockAddress, splitSubnet,
} from '../../../src/runtime/subnets.js';

describe('ClusterIP blocks of the shared subnet', () => {
  it.each([
    ['172.18.0.0/16', '172.18.0.0/17', '172.18.128.0/17', 128],
    ['192.168.16.0/20', '192.168.16.0/21', '192.168.24.0/21', 8],
  ])('%s: pods from %s, services from %s in %i blocks', (subnet, pods, services, blocks) => {
    expect(splitSubnet(subnet)).toEqual({ pods, services });
    expect(blockCount(services)).toBe(blocks);
    expect(kubernetesServiceIPs(services)).toHaveLength(blocks);
  });

  it('a block: the agent first, Services after it, never .0 or .255', () => {
    const block = clusterBlock('172.18.128.0/17', 3)!;
    expect(block).toEqual({ index: 3, agentIP: '172.18.131.1', first: '172.18.131.2', last: '172.18.131.254' });
    expect(blockIndexOf('172.18.128.0/17', '172.18.131.1')).toBe(3);
    expect(blockIndexOf('172.18.128.0/17', '172.18.0.5')).toBeUndefined();
    expect(clusterBlock('172.18.128.0/17', 128)).toBeUndefined();
    expect(inBlock(block, '172.18.131.9')).toBe(true);
    expect(inBlock(block, '10.96.0.2')).toBe(false);
    expect(nextBlockAddress(block, new Set(['172.18.131.2', '172.18.131.3']))).toBe('172.18.131.4');
  });
});
