// The StatefulSet controller (pkg/controller/statefulset): pods with stable names `<set>-<ordinal>`, each
// with its claims (claims.ts), created, replaced and deleted in the set's order (sync.ts decides), at the
// revision the update strategy gives them (revisions.ts), and the set's status. Level-triggered: every
// run reads the store, so a restart or a missed event cannot double pods.
import type { ControllerRevision, Pod, PodTemplateSpec, StatefulSet, StatefulSetStatus } from '../../kube/types.js';
import { fromLabelSelector, matches } from '../../kube/labels.js';
import { recordEvent, type EventSource } from '../../store/events.js';
import { requestPodDeletion } from '../../store/graceful-delete.js';
import type { Store, Stored, WatchEvent } from '../../store/store.js';
import { deepEqual } from '../../kube/canonical-json.js';
import { isPodAvailable, isPodReady, nextAvailableIn } from '../../kube/pod.js';
import {
  LABEL_POD_INDEX, LABEL_POD_NAME, LABEL_REVISION_HASH, ordinalOf, podName, withClaimVolumes,
} from '../../kube/statefulset.js';
import { adopt, controllerRefOf, newControllerRef } from '../util/owner-refs.js';
import { keyOf, splitKey, WorkQueue } from '../util/work-queue.js';
import { applyRetention, ensureClaims } from './claims.js';
import { syncRevisions, templateOf, truncateHistory, type Revisions } from './revisions.js';
import { decide } from './sync.js';

export const STATEFULSET_CONTROLLER: EventSource = { component: 'statefulset-controller' };

export class StatefulSetController {
  private readonly queue = new WorkQueue('statefulset-controller', (key) => this.sync(key));
  private readonly unwatch: (() => void)[] = [];

  /** @param admitPod the ServiceAccount admission the API server would run on a pod this controller creates */
  constructor(private readonly store: Store, private readonly admitPod?: (pod: Pod) => void) {}

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'StatefulSet' }, (e) => this.queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name))));
    this.unwatch.push(this.store.watch({ kind: 'Pod' }, (e) => this.onPod(e as WatchEvent<Pod>)));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  private onPod(e: WatchEvent<Pod>): void {
    const pod = e.object;
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind === 'StatefulSet') this.queue.add(keyOf(pod.metadata.namespace, ref.name));
      return;
    }
    if (e.type === 'DELETED') return;
    for (const sts of this.store.list<StatefulSet>('StatefulSet', pod.metadata.namespace)) {
      if (ordinalOf(sts.metadata.name, pod.metadata.name) >= 0) this.queue.add(keyOf(sts.metadata.namespace, sts.metadata.name));
    }
  }

  private sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const sts = this.store.get<StatefulSet>('StatefulSet', namespace, name);
    if (!sts || sts.metadata.deletionTimestamp) return undefined;
    const revs = syncRevisions(this.store, sts);
    let pods = this.claimPods(sts);
    const actions = decide({
      sts, pods, currentRevision: revs.current.metadata.name, updateRevision: revs.update.metadata.name, now: Date.now(),
    });
    let failure: string | undefined;
    for (const a of actions) {
      try {
        if (a.type === 'create') this.createPod(sts, a.ordinal, a.revision === revs.current.metadata.name ? revs.current : revs.update);
        else this.deletePod(sts, pods.get(a.ordinal)! as Stored<Pod>, a.reason);
      } catch (err) {
        failure = (err as Error).message;
        const verb = a.type === 'create' ? 'create' : 'delete';
        recordEvent(this.store, sts, 'Warning', a.type === 'create' ? 'FailedCreate' : 'FailedDelete',
          `${verb} Pod ${podName(sts.metadata.name, a.ordinal)} in StatefulSet ${sts.metadata.name} failed error: ${failure}`, { source: STATEFULSET_CONTROLLER });
        break;
      }
    }
    pods = this.claimPods(sts);
    this.writeStatus(sts, pods, revs);
    truncateHistory(this.store, sts, revs, new Set([...pods.values()].map((p) => p.metadata?.labels?.[LABEL_REVISION_HASH] ?? '')));
    if (failure) throw new Error(failure);
    return nextAvailableIn([...pods.values()], sts.spec?.minReadySeconds ?? 0);
  }

  /** The set's pods by ordinal: its own (named as its members) and matching orphans, adopted. */
  private claimPods(sts: Stored<StatefulSet>): Map<number, Stored<Pod>> {
    const selector = fromLabelSelector(sts.spec?.selector);
    const out = new Map<number, Stored<Pod>>();
    for (const pod of this.store.list<Pod>('Pod', sts.metadata.namespace)) {
      const ord = ordinalOf(sts.metadata.name, pod.metadata.name);
      if (ord < 0) continue;
      const ref = controllerRefOf(pod);
      if (ref) {
        if (ref.uid === sts.metadata.uid) out.set(ord, pod);
        continue;
      }
      if (!selector.length || !matches(selector, pod.metadata.labels) || pod.metadata.deletionTimestamp) continue;
      const adopted = adopt(this.store, 'Pod', pod, sts);
      if (adopted) out.set(ord, adopted);
    }
    return out;
  }

  private createPod(sts: Stored<StatefulSet>, ordinal: number, revision: Stored<ControllerRevision>): void {
    ensureClaims(this.store, sts, ordinal);
    applyRetention(this.store, sts, ordinal, undefined);
    const pod = newStatefulSetPod(sts, ordinal, revision.metadata.name, templateOf(revision));
    this.admitPod?.(pod);
    this.store.create<Pod>(pod);
    const claims = (sts.spec?.volumeClaimTemplates ?? []).map((t) => `${t.metadata?.name}-${sts.metadata.name}-${ordinal}`);
    if (claims.length) {
      recordEvent(this.store, sts, 'Normal', 'SuccessfulCreate', `create Claim ${claims.join(', ')} Pod ${pod.metadata!.name} in StatefulSet ${sts.metadata.name} success`, { source: STATEFULSET_CONTROLLER });
    }
    recordEvent(this.store, sts, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata!.name} in StatefulSet ${sts.metadata.name} successful`, { source: STATEFULSET_CONTROLLER });
  }

  private deletePod(sts: Stored<StatefulSet>, pod: Stored<Pod>, reason: 'failed' | 'condemned' | 'update'): void {
    const ord = ordinalOf(sts.metadata.name, pod.metadata.name);
    if (reason === 'condemned') applyRetention(this.store, sts, ord, pod);
    if (reason === 'failed') {
      recordEvent(this.store, sts, 'Warning', 'RecreatingFailedPod', `StatefulSet ${sts.metadata.namespace}/${sts.metadata.name} is recreating failed Pod ${pod.metadata.name}`, { source: STATEFULSET_CONTROLLER });
    }
    requestPodDeletion(this.store, pod);
    recordEvent(this.store, sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`, { source: STATEFULSET_CONTROLLER });
  }

  /** updateStatefulSetStatus: counts by readiness and revision; the rollout is complete when every replica is at the update revision. */
  private writeStatus(sts: Stored<StatefulSet>, pods: Map<number, Stored<Pod>>, revs: Revisions): void {
    const minReady = sts.spec?.minReadySeconds ?? 0;
    const now = Date.now();
    const all = [...pods.values()];
    const current = revs.current.metadata.name;
    const update = revs.update.metadata.name;
    const status: StatefulSetStatus = {
      observedGeneration: sts.metadata.generation,
      replicas: all.length,
      readyReplicas: all.filter((p) => isPodReady(p)).length,
      availableReplicas: all.filter((p) => isPodAvailable(p, minReady, now)).length,
      currentReplicas: all.filter((p) => p.metadata.labels?.[LABEL_REVISION_HASH] === current).length,
      updatedReplicas: all.filter((p) => p.metadata.labels?.[LABEL_REVISION_HASH] === update).length,
      currentRevision: current,
      updateRevision: update,
      collisionCount: sts.status?.collisionCount ?? 0,
    };
    const replicas = sts.spec?.replicas ?? 1;
    // completeRollingUpdate: every replica updated and ready, none extra
    if (status.updatedReplicas === replicas && status.readyReplicas === replicas && status.replicas === replicas) {
      status.currentRevision = update;
      status.currentReplicas = status.updatedReplicas;
    }
    for (const k of ['readyReplicas', 'availableReplicas', 'currentReplicas', 'updatedReplicas'] as const) if (status[k] === 0) delete status[k];
    this.store.mutate<StatefulSet>('StatefulSet', sts.metadata.namespace, sts.metadata.name, (s) => {
      if (deepEqual(s.status, status)) return false;
      s.status = status;
    });
  }
}

/** newVersionedStatefulSetPod: the template's pod with its identity (name, hostname, subdomain, labels) and claims. */
export function newStatefulSetPod(sts: Stored<StatefulSet>, ordinal: number, revision: string, template: PodTemplateSpec): Pod {
  const name = podName(sts.metadata.name, ordinal);
  const withClaims = withClaimVolumes(template, sts.spec?.volumeClaimTemplates ?? [], (t) => `${t}-${sts.metadata.name}-${ordinal}`);
  const meta = withClaims.metadata ?? {};
  const spec = structuredClone(withClaims.spec ?? { containers: [] });
  spec.hostname = name;
  if (sts.spec?.serviceName) spec.subdomain = sts.spec.serviceName;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: sts.metadata.namespace,
      labels: { ...meta.labels, [LABEL_POD_NAME]: name, [LABEL_POD_INDEX]: String(ordinal), [LABEL_REVISION_HASH]: revision },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [newControllerRef(sts)],
    },
    spec,
    status: { phase: 'Pending' },
  };
}
