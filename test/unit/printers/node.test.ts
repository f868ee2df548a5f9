// `get nodes` cells and `describe node` as kubectl 1.32 prints them (printNode, describeNode).
import { describe, expect, it } from 'vitest';
import { tableFor } from '../../../src/printers/tables.js';
import { describeNode, formatAmount, podRequestsAndLimits } from '../../../src/printers/describe-node.js';
import type { Node, Pod } from '../../../src/kube/types.js';

const node: Node = {
  apiVersion: 'v1', kind: 'Node',
  metadata: { name: 'mini-kube', creationTimestamp: '2026-01-01T00:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'mini-kube' } },
  spec: {},
  status: {
    capacity: { cpu: '2', memory: '2Gi', pods: '110' }, allocatable: { cpu: '2', memory: '2Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
    nodeInfo: { kubeletVersion: 'v1.32.0-mini-kube', osImage: 'Debian', kernelVersion: '6.1', containerRuntimeVersion: 'docker://27', operatingSystem: 'linux', architecture: 'amd64', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '' },
  },
};
const now = new Date('2026-01-01T00:05:00Z');

describe('node table', () => {
  it('NAME STATUS ROLES AGE VERSION, then the wide columns', () => {
    const t = tableFor('Node', [node], now);
    expect(t.columnDefinitions.map((c) => `${c.name}${c.priority ? '*' : ''}`)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP*', 'External-IP*', 'OS-Image*', 'Kernel-Version*', 'Container-Runtime*']);
    expect(t.rows[0]!.cells).toEqual(['mini-kube', 'Ready', 'control-plane', '5m', 'v1.32.0-mini-kube', '127.0.0.1', '<none>', 'Debian', '6.1', 'docker://27']);
  });

  it('NotReady, Unknown without conditions', () => {
    const notReady = structuredClone(node);
    notReady.status!.conditions![0]!.status = 'False';
    expect(tableFor('Node', [notReady], now).rows[0]!.cells[1]).toBe('NotReady');
    const unknown = structuredClone(node);
    delete unknown.status!.conditions;
    delete unknown.metadata!.labels;
    expect(tableFor('Node', [unknown], now).rows[0]!.cells.slice(1, 3)).toEqual(['Unknown', '<none>']);
  });
});

describe('describe node', () => {
  const pod: Pod = {
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-01-01T00:01:00Z' },
    spec: {
      containers: [
        { name: 'a', image: 'x', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } },
        { name: 'b', image: 'x', resources: { requests: { cpu: '250m', memory: '64Mi' } } },
      ],
    },
  };

  it('sums requests and limits as resourcehelper does, and prints them as quantities', () => {
    const { requests, limits } = podRequestsAndLimits(pod);
    expect([formatAmount('cpu', requests.cpu), formatAmount('memory', requests.memory)]).toEqual(['500m', '128Mi']);
    expect([formatAmount('cpu', limits.cpu), formatAmount('memory', limits.memory)]).toEqual(['500m', '128Mi']);
    expect(formatAmount('cpu', 2)).toBe('2');
    expect(formatAmount('memory', 0)).toBe('0');
  });

  it('prints the pods with fractions of the allocatable and the allocated totals', () => {
    const out = describeNode(node, [pod], [], now);
    expect(out).toMatch(/^Name:\s+mini-kube\nRoles:\s+control-plane\n/);
    expect(out).toMatch(/Non-terminated Pods:\s+\(1 in total\)/);
    expect(out).toMatch(/ {2}default\s+web\s+500m \(25%\)\s+500m \(25%\)\s+128Mi \(6%\)\s+128Mi \(6%\)\s+4m\n/);
    expect(out).toMatch(/ {2}cpu\s+500m \(25%\)\s+500m \(25%\)\n/);
    expect(out).toMatch(/Ready\s+True\s+Thu, 01 Jan 2026 00:00:00 \+0000/);
    expect(out).toMatch(/Events:\s+<none>\n$/);
  });
});
