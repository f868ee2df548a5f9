// The small filters of kube-scheduler's default profile: NodeName, NodeUnschedulable and NodeResourcesFit
// (Filter plus its LeastAllocated score). Messages are kube-scheduler's (plugins/*/ ErrReason...).
import { TAINT_NODE_UNSCHEDULABLE, toleratedBy } from '../../kube/taints.js';
import { parseQuantity } from '../../kube/quantity.js';
import { podRequests } from '../../kube/pod-requests.js';
import { MAX_NODE_SCORE, type NodeInfo, type Plugin } from '../framework.js';

export const ERR_NODE_NAME = "node(s) didn't match the requested node name";
export const ERR_UNSCHEDULABLE = 'node(s) were unschedulable';

export const nodeName: Plugin = {
  name: 'NodeName',
  weight: 0,
  forPod(pod) {
    const wanted = pod.spec?.nodeName;
    if (!wanted) return undefined;
    return { filter: (n) => (n.name === wanted ? undefined : { code: 'UnschedulableAndUnresolvable', reasons: [ERR_NODE_NAME] }) };
  },
};

export const nodeUnschedulable: Plugin = {
  name: 'NodeUnschedulable',
  weight: 0,
  forPod(pod) {
    // a pod that tolerates the unschedulable taint may go to a cordoned node (DaemonSet pods do)
    const tolerated = toleratedBy({ key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' }, pod.spec?.tolerations);
    if (tolerated) return undefined;
    return { filter: (n) => (n.node.spec?.unschedulable ? { code: 'UnschedulableAndUnresolvable', reasons: [ERR_UNSCHEDULABLE] } : undefined) };
  },
};

/** A node's allocatable in the units of Requests, and its pod count. */
export function allocatableOf(n: NodeInfo): { milliCpu: number; memory: number; ephemeralStorage: number; pods: number } {
  const a = n.node.status?.allocatable ?? {};
  const q = (k: string) => (a[k] === undefined ? undefined : parseQuantity(a[k]!));
  return {
    milliCpu: Math.round((q('cpu') ?? 0) * 1000),
    memory: q('memory') ?? 0,
    ephemeralStorage: q('ephemeral-storage') ?? 0,
    pods: q('pods') ?? 110,
  };
}

export const nodeResourcesFit: Plugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  forPod(pod) {
    const want = podRequests(pod);
    const wantNonZero = podRequests(pod, true);
    return {
      filter(n) {
        const a = allocatableOf(n);
        const reasons: string[] = [];
        if (n.pods.size + 1 > a.pods) reasons.push('Too many pods');
        if (want.milliCpu > 0 && want.milliCpu > a.milliCpu - n.requested.milliCpu) reasons.push('Insufficient cpu');
        if (want.memory > 0 && want.memory > a.memory - n.requested.memory) reasons.push('Insufficient memory');
        if (want.ephemeralStorage > 0 && want.ephemeralStorage > a.ephemeralStorage - n.requested.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
        return reasons.length ? { code: 'Unschedulable', reasons } : undefined;
      },
      // LeastAllocated (the default scoring strategy), cpu and memory weighted 1 each
      score(n) {
        const a = allocatableOf(n);
        const least = (requested: number, capacity: number) =>
          (capacity <= 0 || requested > capacity ? 0 : ((capacity - requested) * MAX_NODE_SCORE) / capacity);
        const cpu = least(n.nonZeroRequested.milliCpu + wantNonZero.milliCpu, a.milliCpu);
        const mem = least(n.nonZeroRequested.memory + wantNonZero.memory, a.memory);
        return Math.floor((cpu + mem) / 2);
      },
    };
  },
};
