// How kubectl and the apiserver print a Node (pkg/printers/internalversion/printers.go printNode,
// findNodeRoles, getNodeExternalIP): STATUS from the Ready condition, ROLES from node-role labels.
import type { Node } from '../kube/types.js';

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** "Ready", "NotReady" or "Unknown", plus ",SchedulingDisabled" for a cordoned node. */
export function nodeStatusText(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function address(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

export function nodeCells(node: Node, age: string): string[] {
  const info = node.status?.nodeInfo;
  return [
    node.metadata?.name ?? '', nodeStatusText(node), nodeRoles(node), age, info?.kubeletVersion ?? '',
    address(node, 'InternalIP'), address(node, 'ExternalIP'), info?.osImage || '<unknown>', info?.kernelVersion || '<unknown>', info?.containerRuntimeVersion || '<unknown>',
  ];
}
