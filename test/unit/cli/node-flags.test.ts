// `up --nodes N --node-labels NODE:k=v --node-capacity NODE:cpu=..,memory=..`: the nodes the home keeps.
import { describe, expect, it } from 'vitest';
import { nodesFromFlags } from '../../../src/cli/commands/node.js';
import { nodeNames } from '../../../src/kube/node.js';

describe('up --nodes', () => {
  it('names mini-kube, mini-kube-m02, ... and applies labels and capacities per node', () => {
    expect(nodesFromFlags({ nodes: '3', nodeLabels: ['mini-kube-m02:topology.kubernetes.io/zone=b,disk=ssd'], nodeCapacity: ['mini-kube:cpu=2,memory=2Gi'] }, nodeNames)).toEqual([
      { name: 'mini-kube', capacity: { cpu: '2', memory: '2Gi' } },
      { name: 'mini-kube-m02', labels: { 'topology.kubernetes.io/zone': 'b', disk: 'ssd' } },
      { name: 'mini-kube-m03' },
    ]);
    expect(nodesFromFlags({}, nodeNames)).toBeUndefined();
  });

  it('refuses what it cannot do, saying why', () => {
    expect(() => nodesFromFlags({ nodes: '0' }, nodeNames)).toThrow('--nodes must be a whole number from 1 to 20, not "0"');
    expect(() => nodesFromFlags({ nodes: '2', nodeLabels: ['other:a=b'] }, nodeNames)).toThrow('NODE one of mini-kube, mini-kube-m02');
    expect(() => nodesFromFlags({ nodes: '2', nodeCapacity: ['mini-kube:gpu=1'] }, nodeNames)).toThrow('only cpu and memory can be set');
  });
});
