// The TTL-after-finished controller: deletes a finished Job (and, through the garbage collector, its pods)
// ttlSecondsAfterFinished after it finished, like pkg/controller/ttlafterfinished.
import type { Job } from '../../kube/types.js';
import type { Store } from '../../store/store.js';
import { isJobFinished } from '../../kube/job.js';
import { keyOf, splitKey, WorkQueue } from '../util/work-queue.js';

/** When the Job finished: completionTime, else the Complete/Failed condition's transition time. */
export function jobFinishTime(job: Job): number | undefined {
  const type = isJobFinished(job);
  if (!type) return undefined;
  const t = type === 'Complete' && job.status?.completionTime
    ? job.status.completionTime
    : job.status?.conditions?.find((c) => c.type === type && c.status === 'True')?.lastTransitionTime;
  return t ? Date.parse(t) : undefined;
}

/** ms until the Job expires (<= 0: now), or undefined when it never does. */
export function timeLeft(job: Job, now: number): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata?.deletionTimestamp) return undefined;
  const finished = jobFinishTime(job);
  if (finished === undefined) return undefined;
  return finished + ttl * 1000 - now;
}

export class TTLAfterFinishedController {
  private readonly queue = new WorkQueue('ttl-after-finished-controller', (key) => this.sync(key));
  private unwatch: (() => void) | undefined;

  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {}

  start(): void {
    this.unwatch = this.store.watch({ kind: 'Job' }, (e) => {
      if (e.type !== 'DELETED') this.queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name));
    });
  }

  stop(): void {
    this.unwatch?.();
    this.queue.stop();
  }

  private sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const job = this.store.get<Job>('Job', namespace, name);
    if (!job) return undefined;
    const left = timeLeft(job, this.now());
    if (left === undefined) return undefined;
    if (left > 0) return left;
    // Background propagation, as the TTL controller deletes (the garbage collector takes the pods).
    this.store.delete('Job', namespace, name);
    return undefined;
  }
}
