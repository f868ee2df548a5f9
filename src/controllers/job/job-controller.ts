// The Job controller: runs a Job's pods to completion (decide.ts says what to do; this file reads the
// store, creates and deletes pods, records events and writes the status), like pkg/controller/job.
import type { Job, Pod } from '../../kube/types.js';
import { fromLabelSelector, matches } from '../../kube/labels.js';
import { recordEvent, type EventSource } from '../../store/events.js';
import { requestPodDeletion } from '../../store/graceful-delete.js';
import type { Store, Stored, WatchEvent } from '../../store/store.js';
import { deepEqual } from '../../kube/canonical-json.js';
import { createWithGeneratedName } from '../util/hash.js';
import { adopt, controllerRefOf, newControllerRef } from '../util/owner-refs.js';
import { keyOf, splitKey, WorkQueue } from '../util/work-queue.js';
import { JOB_COMPLETION_INDEX, isJobFinished } from '../../kube/job.js';
import { decideJob, indexedPodSpec } from './decide.js';

export const JOB_CONTROLLER: EventSource = { component: 'job-controller' };

const BURST = 500;

export class JobController {
  private readonly queue = new WorkQueue('job-controller', (key) => this.sync(key));
  private readonly unwatch: (() => void)[] = [];

  /** @param admitPod the ServiceAccount admission the API server would run on a pod (see ReplicaSetController) */
  constructor(private readonly store: Store, private readonly admitPod?: (pod: Pod) => void, private readonly now: () => number = Date.now) {}

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'Job' }, (e) => this.queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name))));
    this.unwatch.push(this.store.watch({ kind: 'Pod' }, (e) => this.onPod(e as WatchEvent<Pod>)));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  private onPod(e: WatchEvent<Pod>): void {
    const ref = controllerRefOf(e.object);
    if (ref?.kind === 'Job') this.queue.add(keyOf(e.object.metadata.namespace, ref.name));
  }

  private sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const job = this.store.get<Job>('Job', namespace, name);
    if (!job || job.metadata.deletionTimestamp) return undefined;
    // A finished Job is left alone, its pods too: they were stopped in the round that finished it.
    if (isJobFinished(job)) return undefined;
    const pods = this.claimPods(job);
    const now = this.now();
    const d = decideJob(job, pods, now);
    let failure: string | undefined;
    for (const p of d.deletePods) this.deletePod(job, p as Stored<Pod>);
    for (const index of d.create.slice(0, BURST)) {
      try {
        this.createPod(job, index);
      } catch (err) {
        failure = `Error creating: ${(err as Error).message}`;
        recordEvent(this.store, job, 'Warning', 'FailedCreate', failure, { source: JOB_CONTROLLER });
        break;
      }
    }
    for (const e of d.events) recordEvent(this.store, job, e.type, e.reason, e.message, { source: JOB_CONTROLLER });
    // Pods just created count as active, as the controller's expectations make them.
    if (d.create.length && !failure) d.status.active = (d.status.active ?? 0) + Math.min(d.create.length, BURST);
    this.store.mutate<Job>('Job', namespace, name, (j) => {
      if (deepEqual(j.status, d.status)) return false;
      j.status = d.status;
    });
    if (failure) throw new Error(failure);
    return d.requeueAfter !== undefined ? Math.max(d.requeueAfter, 1) : undefined;
  }

  private deletePod(job: Stored<Job>, pod: Stored<Pod>): void {
    requestPodDeletion(this.store, pod);
    recordEvent(this.store, job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, { source: JOB_CONTROLLER });
  }

  /** ClaimPods: its own pods that match, plus matching orphans (adopted). */
  private claimPods(job: Stored<Job>): Stored<Pod>[] {
    const selector = fromLabelSelector(job.spec?.selector);
    if (selector.length === 0) return [];
    const out: Stored<Pod>[] = [];
    for (const pod of this.store.list<Pod>('Pod', job.metadata.namespace)) {
      const ref = controllerRefOf(pod);
      if (!matches(selector, pod.metadata.labels)) continue;
      if (ref) {
        if (ref.uid === job.metadata.uid) out.push(pod);
        continue;
      }
      if (pod.metadata.deletionTimestamp) continue;
      const adopted = adopt(this.store, 'Pod', pod, job);
      if (adopted) out.push(adopted);
    }
    return out;
  }

  private createPod(job: Stored<Job>, index: number | undefined): void {
    const template = job.spec?.template ?? {};
    const meta = template.metadata ?? {};
    const labels: Record<string, string> = { ...meta.labels };
    const annotations: Record<string, string> = { ...meta.annotations };
    let spec = structuredClone(template.spec ?? { containers: [] });
    let base = `${job.metadata.name}-`;
    if (index !== undefined) {
      annotations[JOB_COMPLETION_INDEX] = String(index);
      labels[JOB_COMPLETION_INDEX] = String(index);
      spec = indexedPodSpec(spec, job.metadata.name, index);
      base = `${job.metadata.name}-${index}-`;
    }
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        namespace: job.metadata.namespace,
        labels,
        ...(Object.keys(annotations).length ? { annotations } : {}),
        ownerReferences: [newControllerRef(job)],
      },
      spec,
      status: { phase: 'Pending' },
    };
    if (this.admitPod) {
      pod.metadata!.generateName = base;
      this.admitPod(pod);
    }
    const created = createWithGeneratedName<Pod>(this.store, pod, base);
    recordEvent(this.store, job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, { source: JOB_CONTROLLER });
  }
}
