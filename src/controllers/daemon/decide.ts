// The DaemonSet controller's decisions (pkg/controller/daemon: nodeShouldRunDaemonPod, manage,
// rollingUpdate, updateDaemonSetStatus), pure: from the DaemonSet, the Node objects, the pods it owns and
// the hash of its current template, which nodes get a pod, which pods go, and the status.
import { requiredNodeAffinityMatches } from '../../kube/node-affinity.js';
import type { DaemonSet, DaemonSetStatus, Node, Pod, Toleration } from '../../kube/types.js';
import { isPodAvailable, isPodReady, nextAvailableIn } from '../../kube/pod.js';
import { scaledValue } from '../../kube/int-or-percent.js';
import { codeUnitOrder } from '../../kube/code-unit-order.js';

/** The label a daemon pod and its ControllerRevision carry: the hash of the template it was made from. */
export const REVISION_HASH_LABEL = 'controller-revision-hash';
/** The deprecated label with the DaemonSet's generation at the pod's creation, still written. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

export interface DaemonEvent { type: 'Normal' | 'Warning'; reason: string; message: string }

export interface DaemonDecision {
  /** a node name per pod to create */
  create: string[];
  deletePods: Pod[];
  status: DaemonSetStatus;
  events: DaemonEvent[];
  requeueAfter?: number;
}

/** AddOrUpdateDaemonPodTolerations: a daemon pod tolerates the node conditions a DaemonSet must survive. */
export function daemonTolerations(existing: Toleration[] | undefined, hostNetwork: boolean): Toleration[] {
  const out = [...(existing ?? [])];
  const add = (key: string, effect: string) => {
    if (!out.some((t) => t.key === key && t.operator === 'Exists' && t.effect === effect)) out.push({ key, operator: 'Exists', effect });
  };
  add('node.kubernetes.io/not-ready', 'NoExecute');
  add('node.kubernetes.io/unreachable', 'NoExecute');
  add('node.kubernetes.io/disk-pressure', 'NoSchedule');
  add('node.kubernetes.io/memory-pressure', 'NoSchedule');
  add('node.kubernetes.io/pid-pressure', 'NoSchedule');
  add('node.kubernetes.io/unschedulable', 'NoSchedule');
  if (hostNetwork) add('node.kubernetes.io/network-unavailable', 'NoSchedule');
  return out;
}

function tolerates(tols: Toleration[], taint: { key: string; value?: string; effect: string }): boolean {
  return tols.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

/** nodeShouldRunDaemonPod: the node matches the nodeSelector and required node affinity, and its taints are tolerated. */
export function shouldRunOn(ds: DaemonSet, node: Node): boolean {
  const spec = ds.spec?.template?.spec;
  // the template's nodeSelector and required node affinity, as the scheduler would judge the pod
  if (!requiredNodeAffinityMatches({ spec: { containers: [], ...spec } }, node)) return false;
  const tols = daemonTolerations(spec?.tolerations, spec?.hostNetwork === true);
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerates(tols, taint)) return false;
  }
  return true;
}

/** The node a daemon pod is for: spec.nodeName once bound, else its matchFields affinity term. */
export function nodeOfPod(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

const isUpdated = (p: Pod, hash: string) => p.metadata?.labels?.[REVISION_HASH_LABEL] === hash;

export function decideDaemonSet(ds: DaemonSet, nodes: Node[], pods: Pod[], hash: string, now: number): DaemonDecision {
  const events: DaemonEvent[] = [];
  const create: string[] = [];
  const deletePods: Pod[] = [];
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
  const byNode = new Map<string, Pod[]>();
  for (const p of live) {
    const n = nodeOfPod(p);
    if (n === undefined) { deletePods.push(p); continue; }
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }

  const status: DaemonSetStatus = {
    currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0,
  };
  let updated = 0;
  let available = 0;
  const rolling = ds.spec?.updateStrategy?.type !== 'OnDelete';
  const desired = nodes.filter((n) => shouldRunOn(ds, n)).length;
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  const maxSurge = rolling ? scaledValue(ru?.maxSurge ?? undefined, 0, desired, true) : 0;
  const maxUnavailable = rolling ? scaledValue(ru?.maxUnavailable ?? undefined, 1, desired, true) : 0;

  // manage: one pod on each node that should run one, none elsewhere; failed pods are replaced.
  const candidates: { node: string; old: Pod[] }[] = [];
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    const should = shouldRunOn(ds, node);
    let onNode = byNode.get(name) ?? [];
    byNode.delete(name);
    if (!should) {
      if (onNode.length) status.numberMisscheduled! += 1;
      deletePods.push(...onNode);
      continue;
    }
    status.desiredNumberScheduled! += 1;
    const failed = onNode.filter((p) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded');
    for (const p of failed) {
      events.push({ type: 'Warning', reason: 'FailedDaemonPod', message: `Found failed daemon pod ${p.metadata?.namespace}/${p.metadata?.name} on node ${name}, will try to kill it` });
      deletePods.push(p);
    }
    onNode = onNode.filter((p) => !failed.includes(p));
    if (onNode.length === 0) {
      create.push(name);
      continue;
    }
    status.currentNumberScheduled! += 1;
    const oldest = (a: Pod, b: Pod) => codeUnitOrder(String(a.metadata?.creationTimestamp), String(b.metadata?.creationTimestamp));
    const fresh = onNode.filter((p) => isUpdated(p, hash)).sort(oldest);
    const old = onNode.filter((p) => !isUpdated(p, hash)).sort(oldest);
    // one pod per node: extra updated pods go; old ones go once an updated one is there (with maxSurge,
    // once it is available), or when there are several
    deletePods.push(...fresh.slice(1));
    if (fresh.length) {
      const freshAvailable = isPodAvailable(fresh[0]!, minReady, now);
      if (!(rolling && maxSurge > 0) || freshAvailable) deletePods.push(...old);
      else for (const p of old) if (!isPodAvailable(p, minReady, now)) deletePods.push(p);
    } else {
      deletePods.push(...old.slice(1));
    }
    const shown = fresh[0] ?? old[0]!;
    if (isPodReady(shown)) status.numberReady! += 1;
    if (isPodAvailable(shown, minReady, now)) available += 1;
    if (fresh.length) updated += 1;
    else candidates.push({ node: name, old: old.slice(0, 1) });
  }
  // pods on nodes that no longer exist
  for (const rest of byNode.values()) deletePods.push(...rest);

  // rollingUpdate: replace old pods within maxUnavailable (maxSurge: a new pod first, the old once it is available)
  if (rolling) {
    const unavailableNow = desired - available;
    let budget = maxUnavailable - unavailableNow;
    let surge = maxSurge;
    for (const c of candidates) {
      const oldAvailable = c.old.some((p) => isPodAvailable(p, minReady, now));
      if (maxSurge > 0) {
        if (surge > 0 || !oldAvailable) { create.push(c.node); surge--; }
      } else if (!oldAvailable) {
        deletePods.push(...c.old);
      } else if (budget > 0) {
        deletePods.push(...c.old);
        budget--;
      }
    }
  }

  status.updatedNumberScheduled = updated;
  status.numberAvailable = available;
  status.numberUnavailable = status.desiredNumberScheduled! - available;
  if (ds.metadata?.generation !== undefined) status.observedGeneration = ds.metadata.generation;
  if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
  // omitempty
  for (const k of ['numberAvailable', 'numberUnavailable', 'updatedNumberScheduled'] as const) if (!status[k]) delete status[k];
  const wait = nextAvailableIn(live.filter((p) => !deletePods.includes(p)), minReady, now);
  return { create, deletePods: [...new Set(deletePods)], status, events, ...(wait !== undefined ? { requeueAfter: wait } : {}) };
}
