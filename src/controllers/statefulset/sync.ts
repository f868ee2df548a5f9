// What one sync of a StatefulSet does, decided without side effects (stateful_set_control.go
// updateStatefulSet): the pods to create and to delete this round, in the set's order. Table-tested in
// test/unit/controllers/statefulset-sync.test.ts; statefulset-controller.ts carries the actions out.
//   - OrderedReady: ordinals ascending; a missing pod is created and the round ends; the round also ends at
//     a pod that is not Running and Ready (and available for minReadySeconds); scale-down deletes the
//     highest condemned pod only when every other pod is healthy, one at a time.
//   - Parallel: every missing pod is created and every condemned one deleted at once.
//   - A failed pod is deleted (and made again on the next round), in both policies.
//   - RollingUpdate: once every replica is there and healthy, the highest pod at or above the partition
//     that is not at the update revision is deleted (it comes back at the update revision); one at a time.
//     OnDelete: pods are replaced only when someone deletes them.
import type { Pod, StatefulSet } from '../../kube/types.js';
import { isPodAvailable, isPodReady } from '../../kube/pod.js';
import { LABEL_REVISION_HASH, startOrdinal, STS_DEFAULTS } from '../../kube/statefulset.js';

export interface SyncInput {
  sts: StatefulSet;
  /** the set's pods by ordinal (those it controls, named <set>-<ordinal>) */
  pods: ReadonlyMap<number, Pod>;
  currentRevision: string;
  updateRevision: string;
  now: number;
}

export type Action =
  | { type: 'create'; ordinal: number; revision: string }
  | { type: 'delete'; ordinal: number; reason: 'failed' | 'condemned' | 'update' };

const revisionOf = (pod: Pod) => pod.metadata?.labels?.[LABEL_REVISION_HASH] ?? '';
const terminating = (pod: Pod) => !!pod.metadata?.deletionTimestamp;
const failed = (pod: Pod) => pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
const runningAndReady = (pod: Pod) => pod.status?.phase === 'Running' && isPodReady(pod);

/** The revision a new pod of this ordinal gets (newVersionedStatefulSetPod): below the partition, the current one. */
export function revisionForOrdinal(sts: StatefulSet, ordinal: number, currentRevision: string, updateRevision: string): string {
  if ((sts.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return updateRevision;
  const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? STS_DEFAULTS.partition;
  return ordinal - startOrdinal(sts) < partition ? currentRevision : updateRevision;
}

export function decide(input: SyncInput): Action[] {
  const { sts, pods, now } = input;
  const start = startOrdinal(sts);
  const replicas = sts.spec?.replicas ?? 1;
  const end = start + replicas;
  const parallel = sts.spec?.podManagementPolicy === 'Parallel';
  const minReady = sts.spec?.minReadySeconds ?? 0;
  const healthy = (pod: Pod) => runningAndReady(pod) && !terminating(pod) && isPodAvailable(pod, minReady, now);
  const actions: Action[] = [];

  // replicas: ascending
  for (let ord = start; ord < end; ord++) {
    const pod = pods.get(ord);
    if (!pod) {
      actions.push({ type: 'create', ordinal: ord, revision: revisionForOrdinal(sts, ord, input.currentRevision, input.updateRevision) });
      if (!parallel) return actions;
      continue;
    }
    if (failed(pod) && !terminating(pod)) {
      actions.push({ type: 'delete', ordinal: ord, reason: 'failed' });
      if (!parallel) return actions;
      continue;
    }
    if (!parallel && !healthy(pod)) return actions;
  }

  // condemned: descending
  const condemned = [...pods.keys()].filter((o) => o < start || o >= end).sort((a, b) => b - a);
  for (const ord of condemned) {
    const pod = pods.get(ord)!;
    if (terminating(pod)) {
      if (!parallel) return actions;
      continue;
    }
    if (!parallel) {
      // every other pod must be healthy before one more goes (the monotonic scale-down)
      const others = [...pods.entries()].filter(([o]) => o !== ord);
      if (others.some(([, p]) => !healthy(p) && !failed(p))) return actions;
      actions.push({ type: 'delete', ordinal: ord, reason: 'condemned' });
      return actions;
    }
    actions.push({ type: 'delete', ordinal: ord, reason: 'condemned' });
  }
  if (actions.length || condemned.length) return actions;

  // the rolling update, from the highest ordinal down to the partition
  if ((sts.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return actions;
  const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? STS_DEFAULTS.partition;
  for (let ord = end - 1; ord >= start + partition; ord--) {
    const pod = pods.get(ord);
    if (!pod) return actions;
    if (revisionOf(pod) !== input.updateRevision && !terminating(pod)) {
      actions.push({ type: 'delete', ordinal: ord, reason: 'update' });
      return actions;
    }
    if (!healthy(pod)) return actions;
  }
  return actions;
}
