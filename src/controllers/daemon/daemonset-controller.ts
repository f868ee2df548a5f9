// The DaemonSet controller: one pod of the DaemonSet on every Node object it should run on (decide.ts
// says which; this file reads the store, keeps the ControllerRevisions, creates and deletes pods and
// writes the status), like pkg/controller/daemon. Its pods name their node through required node
// affinity (matchFields metadata.name), as the controller does since 1.12, and are bound by whoever binds
// pods (today the kubelet of the one node; a scheduler honours the affinity).
import type { DaemonSet, Node, Pod } from '../../kube/types.js';
import { fromLabelSelector, matches } from '../../kube/labels.js';
import { recordEvent, type EventSource } from '../../store/events.js';
import { requestPodDeletion } from '../../store/graceful-delete.js';
import type { Store, Stored, WatchEvent } from '../../store/store.js';
import { deepEqual } from '../../kube/canonical-json.js';
import { createWithGeneratedName } from '../util/hash.js';
import { adopt, controllerRefOf, newControllerRef } from '../util/owner-refs.js';
import { keyOf, splitKey, WorkQueue } from '../util/work-queue.js';
import { daemonTolerations, decideDaemonSet, REVISION_HASH_LABEL, TEMPLATE_GENERATION_LABEL } from './decide.js';
import { cleanupHistory, ensureCurrentRevision, templateHash } from './history.js';

export const DAEMONSET_CONTROLLER: EventSource = { component: 'daemonset-controller' };

export class DaemonSetController {
  private readonly queue = new WorkQueue('daemonset-controller', (key) => this.sync(key));
  private readonly unwatch: (() => void)[] = [];

  constructor(private readonly store: Store, private readonly admitPod?: (pod: Pod) => void, private readonly now: () => number = Date.now) {}

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'DaemonSet' }, (e) => this.queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name))));
    this.unwatch.push(this.store.watch({ kind: 'Pod' }, (e) => this.onPod(e as WatchEvent<Pod>)));
    // a node added, relabelled or removed changes where every DaemonSet runs
    this.unwatch.push(this.store.watch({ kind: 'Node' }, () => {
      for (const ds of this.store.list<DaemonSet>('DaemonSet')) this.queue.add(keyOf(ds.metadata.namespace, ds.metadata.name));
    }));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  private onPod(e: WatchEvent<Pod>): void {
    const ref = controllerRefOf(e.object);
    if (ref?.kind === 'DaemonSet') this.queue.add(keyOf(e.object.metadata.namespace, ref.name));
  }

  private sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const ds = this.store.get<DaemonSet>('DaemonSet', namespace, name);
    if (!ds || ds.metadata.deletionTimestamp) return undefined;
    const hash = templateHash(ds);
    ensureCurrentRevision(this.store, ds, hash);
    const pods = this.claimPods(ds);
    const nodes = this.store.list<Node>('Node');
    const d = decideDaemonSet(ds, nodes, pods, hash, this.now());
    let failure: string | undefined;
    for (const p of d.deletePods) {
      requestPodDeletion(this.store, p as Stored<Pod>);
      recordEvent(this.store, ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata!.name}`, { source: DAEMONSET_CONTROLLER });
    }
    for (const node of d.create) {
      try {
        const pod = this.createPod(ds, node, hash);
        recordEvent(this.store, ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, { source: DAEMONSET_CONTROLLER });
      } catch (err) {
        failure = `Error creating: ${(err as Error).message}`;
        recordEvent(this.store, ds, 'Warning', 'FailedCreate', failure, { source: DAEMONSET_CONTROLLER });
        break;
      }
    }
    for (const e of d.events) recordEvent(this.store, ds, e.type, e.reason, e.message, { source: DAEMONSET_CONTROLLER });
    cleanupHistory(this.store, ds, pods, hash);
    this.store.mutate<DaemonSet>('DaemonSet', namespace, name, (x) => {
      if (deepEqual(x.status, d.status)) return false;
      x.status = d.status;
    });
    if (failure) throw new Error(failure);
    return d.requeueAfter;
  }

  private claimPods(ds: Stored<DaemonSet>): Stored<Pod>[] {
    const selector = fromLabelSelector(ds.spec?.selector);
    if (selector.length === 0) return [];
    const out: Stored<Pod>[] = [];
    for (const pod of this.store.list<Pod>('Pod', ds.metadata.namespace)) {
      const ref = controllerRefOf(pod);
      if (!matches(selector, pod.metadata.labels)) continue;
      if (ref) {
        if (ref.uid === ds.metadata.uid) out.push(pod);
        continue;
      }
      if (pod.metadata.deletionTimestamp) continue;
      const adopted = adopt(this.store, 'Pod', pod, ds);
      if (adopted) out.push(adopted);
    }
    return out;
  }

  /** CreatePodTemplate + the node affinity and tolerations the DaemonSet controller adds. */
  private createPod(ds: Stored<DaemonSet>, node: string, hash: string): Stored<Pod> {
    const template = ds.spec?.template ?? {};
    const spec = structuredClone(template.spec ?? { containers: [] });
    spec.affinity = {
      ...spec.affinity,
      nodeAffinity: {
        ...spec.affinity?.nodeAffinity,
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
        },
      },
    };
    spec.tolerations = daemonTolerations(spec.tolerations, spec.hostNetwork === true);
    const base = `${ds.metadata.name}-`;
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        namespace: ds.metadata.namespace,
        labels: { ...template.metadata?.labels, [REVISION_HASH_LABEL]: hash, [TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation ?? 1) },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [newControllerRef(ds)],
      },
      spec,
      status: { phase: 'Pending' },
    };
    if (this.admitPod) {
      pod.metadata!.generateName = base;
      this.admitPod(pod);
    }
    return createWithGeneratedName<Pod>(this.store, pod, base);
  }
}
