// `kubectl describe node` after kubectl 1.32's describeNode and describeNodeResource: the node's labels,
// conditions, addresses, capacity, system info, then its non-terminated pods with their requests and
// limits as fractions of the allocatable, summed under "Allocated resources". kubectl computes the pod
// part client-side from a pods list (fieldSelector spec.nodeName=NODE, not Succeeded or Failed).
import type { Event, Lease, Node, Pod } from '../kube/types.js';
import { parseQuantity } from '../kube/quantity.js';
import { translateTimestampSince } from './age.js';
import {
  describeEvents, formatRFC1123Z, LEVEL_0, LEVEL_1, printAnnotationsMultiline, printLabelsMultiline, tabbedString, type PrefixWriter,
} from './describe-writer.js';
import { nodeRoles } from './node-format.js';

/** The field selector kubectl describe node lists the node's pods with. */
export function nodePodsFieldSelector(nodeName: string): string {
  return `spec.nodeName=${nodeName},status.phase!=Failed,status.phase!=Succeeded`;
}

/** `lease`: the node's Lease in kube-node-lease, or why it could not be read (kubectl's "Failed to get lease"). */
export function describeNode(node: Node, pods: Pod[] | undefined, events: Event[] | undefined, now: Date, lease: Lease | { error: string } = { error: 'the server could not find the requested resource' }): string {
  const meta = node.metadata ?? {};
  const status = node.status ?? {};
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${meta.name ?? ''}\n`);
    w.write(LEVEL_0, `Roles:\t${nodeRoles(node)}\n`);
    printLabelsMultiline(w, 'Labels', meta.labels);
    printAnnotationsMultiline(w, 'Annotations', meta.annotations);
    w.write(LEVEL_0, `CreationTimestamp:\t${formatRFC1123Z(meta.creationTimestamp)}\n`);
    const taints = node.spec?.taints ?? [];
    w.write(LEVEL_0, `Taints:\t${taints.length ? taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join('\n\t') : '<none>'}\n`);
    w.write(LEVEL_0, `Unschedulable:\t${node.spec?.unschedulable ? 'true' : 'false'}\n`);
    if ('error' in lease) {
      w.write(LEVEL_0, `Lease:\tFailed to get lease: ${lease.error}\n`);
    } else {
      w.write(LEVEL_0, 'Lease:\n');
      w.write(LEVEL_1, `HolderIdentity:\t${lease.spec?.holderIdentity ?? '<unset>'}\n`);
      w.write(LEVEL_1, `AcquireTime:\t${lease.spec?.acquireTime ? formatRFC1123Z(lease.spec.acquireTime) : '<unset>'}\n`);
      w.write(LEVEL_1, `RenewTime:\t${lease.spec?.renewTime ? formatRFC1123Z(lease.spec.renewTime) : '<unset>'}\n`);
    }
    const conditions = status.conditions ?? [];
    if (conditions.length) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
      for (const c of conditions) {
        w.write(LEVEL_1, `${c.type} \t${c.status} \t${formatRFC1123Z(c.lastHeartbeatTime)} \t${formatRFC1123Z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
      }
    }
    w.write(LEVEL_0, 'Addresses:\n');
    for (const a of status.addresses ?? []) w.write(LEVEL_1, `${a.type}:\t${a.address}\n`);
    const printResources = (list: Record<string, string | number>) => {
      for (const k of Object.keys(list).sort()) w.write(LEVEL_0, `  ${k}:\t${String(list[k])}\n`);
    };
    if (Object.keys(status.capacity ?? {}).length) { w.write(LEVEL_0, 'Capacity:\n'); printResources(status.capacity as Record<string, string>); }
    if (Object.keys(status.allocatable ?? {}).length) { w.write(LEVEL_0, 'Allocatable:\n'); printResources(status.allocatable as Record<string, string>); }
    const info = status.nodeInfo;
    w.write(LEVEL_0, 'System Info:\n');
    w.write(LEVEL_0, `  Machine ID:\t${info?.machineID ?? ''}\n`);
    w.write(LEVEL_0, `  System UUID:\t${info?.systemUUID ?? ''}\n`);
    w.write(LEVEL_0, `  Boot ID:\t${info?.bootID ?? ''}\n`);
    w.write(LEVEL_0, `  Kernel Version:\t${info?.kernelVersion ?? ''}\n`);
    w.write(LEVEL_0, `  OS Image:\t${info?.osImage ?? ''}\n`);
    w.write(LEVEL_0, `  Operating System:\t${info?.operatingSystem ?? ''}\n`);
    w.write(LEVEL_0, `  Architecture:\t${info?.architecture ?? ''}\n`);
    w.write(LEVEL_0, `  Container Runtime Version:\t${info?.containerRuntimeVersion ?? ''}\n`);
    w.write(LEVEL_0, `  Kubelet Version:\t${info?.kubeletVersion ?? ''}\n`);
    w.write(LEVEL_0, `  Kube-Proxy Version:\t${info?.kubeProxyVersion ?? ''}\n`);
    if (pods) describeNodeResource(w, node, pods, now);
    describeEvents(events, w, now);
  });
}

type Amounts = { cpu: number; memory: number; 'ephemeral-storage': number };
const RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;

/** resourcehelper.PodRequestsAndLimits: the sum over containers, at least the largest init container. */
export function podRequestsAndLimits(pod: Pod): { requests: Amounts; limits: Amounts } {
  const zero = (): Amounts => ({ cpu: 0, memory: 0, 'ephemeral-storage': 0 });
  const requests = zero(), limits = zero();
  const of = (m: Record<string, unknown> | undefined, r: string) => parseQuantity(String(m?.[r] ?? 0)) ?? 0;
  for (const c of pod.spec?.containers ?? []) {
    for (const r of RESOURCES) {
      requests[r] += of(c.resources?.requests, r);
      limits[r] += of(c.resources?.limits, r);
    }
  }
  for (const c of pod.spec?.initContainers ?? []) {
    // a native sidecar (restartPolicy Always) runs beside the containers: it adds; others run before them
    const sidecar = c.restartPolicy === 'Always';
    for (const r of RESOURCES) {
      const req = of(c.resources?.requests, r), lim = of(c.resources?.limits, r);
      if (sidecar) { requests[r] += req; limits[r] += lim; } else { requests[r] = Math.max(requests[r], req); limits[r] = Math.max(limits[r], lim); }
    }
  }
  return { requests, limits };
}

/** Quantity.String() of a sum, in the form kubectl prints it: 250m, 1, 128Mi, 0. */
export function formatAmount(resource: string, v: number): string {
  if (v === 0) return '0';
  if (resource === 'cpu') {
    const milli = Math.round(v * 1000);
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
  }
  for (const [suffix, factor] of [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (v % factor === 0) return `${v / factor}${suffix}`;
  }
  for (const [suffix, factor] of [['E', 1e18], ['P', 1e15], ['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]] as const) {
    if (v % factor === 0) return `${v / factor}${suffix}`;
  }
  return String(Math.round(v));
}

function percent(v: number, of: number): number {
  return of ? Math.trunc((v / of) * 100) : 0;
}

function describeNodeResource(w: PrefixWriter, node: Node, pods: Pod[], now: Date): void {
  const alloc = (node.status?.allocatable && Object.keys(node.status.allocatable).length ? node.status.allocatable : node.status?.capacity ?? {}) as Record<string, string>;
  const allocatable = (r: string) => parseQuantity(String(alloc[r] ?? 0)) ?? 0;
  w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(LEVEL_1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(LEVEL_1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const total = { requests: { cpu: 0, memory: 0, 'ephemeral-storage': 0 }, limits: { cpu: 0, memory: 0, 'ephemeral-storage': 0 } };
  for (const pod of pods) {
    const { requests, limits } = podRequestsAndLimits(pod);
    for (const r of RESOURCES) { total.requests[r] += requests[r]; total.limits[r] += limits[r]; }
    const cell = (r: 'cpu' | 'memory', v: number) => `${formatAmount(r, v)} (${percent(v, allocatable(r))}%)`;
    w.write(LEVEL_1, `${pod.metadata?.namespace ?? ''}\t${pod.metadata?.name ?? ''}\t\t${cell('cpu', requests.cpu)}\t${cell('cpu', limits.cpu)}\t${cell('memory', requests.memory)}\t${cell('memory', limits.memory)}\t${translateTimestampSince(pod.metadata?.creationTimestamp, now)}\n`);
  }
  w.write(LEVEL_0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(LEVEL_1, 'Resource\tRequests\tLimits\n');
  w.write(LEVEL_1, '--------\t--------\t------\n');
  for (const r of RESOURCES) {
    w.write(LEVEL_1, `${r}\t${formatAmount(r, total.requests[r])} (${percent(total.requests[r], allocatable(r))}%)\t${formatAmount(r, total.limits[r])} (${percent(total.limits[r], allocatable(r))}%)\n`);
  }
  for (const r of Object.keys(alloc).filter((k) => k.startsWith('hugepages-')).sort()) w.write(LEVEL_1, `${r}\t0 (0%)\t0 (0%)\n`);
}
