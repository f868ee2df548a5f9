// The CronJob controller: starts the Job of each schedule (decide.ts decides; this file reads the store,
// creates and deletes Jobs, records events and writes the status), like pkg/controller/cronjob. It
// requeues itself at the next schedule, so no timer runs per minute; after a restart the initial replay
// finds the schedules missed while the control plane was down and starts at most one Job for them.
import { randomUUID } from 'node:crypto';
import type { CronJob, Job } from '../../kube/types.js';
import { recordEvent, type EventSource } from '../../store/events.js';
import type { Store, Stored, WatchEvent } from '../../store/store.js';
import { deepEqual } from '../../kube/canonical-json.js';
import { setDefaults } from '../../kube/defaults.js';
import { CRONJOB_SCHEDULED_TIMESTAMP, generateJobSelector } from '../../kube/job.js';
import { formatInZone } from '../../kube/cron-schedule.js';
import { StatusError } from '../../kube/errors.js';
import { controllerRefOf, newControllerRef } from '../util/owner-refs.js';
import { keyOf, splitKey, WorkQueue } from '../util/work-queue.js';
import { decideCronJob, jobNameFor, refTo } from './decide.js';

export const CRONJOB_CONTROLLER: EventSource = { component: 'cronjob-controller' };

export class CronJobController {
  private readonly queue = new WorkQueue('cronjob-controller', (key) => this.sync(key));
  private readonly unwatch: (() => void)[] = [];

  /** @param now the clock: tests run the schedule math on a fake one */
  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {}

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'CronJob' }, (e) => this.queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name))));
    this.unwatch.push(this.store.watch({ kind: 'Job' }, (e) => this.onJob(e as WatchEvent<Job>)));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  private onJob(e: WatchEvent<Job>): void {
    const ref = controllerRefOf(e.object);
    if (ref?.kind === 'CronJob') this.queue.add(keyOf(e.object.metadata.namespace, ref.name));
  }

  /** One reconcile; returns when to look again (the next schedule). */
  sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const cj = this.store.get<CronJob>('CronJob', namespace, name);
    if (!cj) return undefined;
    const jobs = this.store.list<Job>('Job', namespace).filter((j) => controllerRefOf(j)?.uid === cj.metadata.uid);
    const d = decideCronJob(cj, jobs, this.now());
    for (const e of d.events) recordEvent(this.store, cj, e.type, e.reason, e.message, { source: CRONJOB_CONTROLLER });
    for (const j of d.deleteJobs) {
      if (!this.store.get('Job', namespace, j.metadata!.name!)) continue;
      this.store.delete('Job', namespace, j.metadata!.name!);
      recordEvent(this.store, cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata!.name}`, { source: CRONJOB_CONTROLLER });
    }
    if (d.start !== undefined) {
      try {
        const job = this.createJob(cj, d.start);
        d.status.active = [...(d.status.active ?? []), refTo(job)];
        recordEvent(this.store, cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`, { source: CRONJOB_CONTROLLER });
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'AlreadyExists') {
          // The name is the lock: an earlier run made it (and did not get to write the status), or two
          // schedules fall in one minute (`@every 20s`). As the controller does, the schedule is not
          // recorded as taken; the Job of that minute is the one that runs.
          if (cj.status?.lastScheduleTime) d.status.lastScheduleTime = cj.status.lastScheduleTime;
          else delete d.status.lastScheduleTime;
        } else {
          recordEvent(this.store, cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`, { source: CRONJOB_CONTROLLER });
          throw err;
        }
      }
    }
    this.store.mutate<CronJob>('CronJob', namespace, name, (c) => {
      if (deepEqual(c.status ?? {}, d.status)) return false;
      c.status = d.status;
    });
    return d.requeueAfter;
  }

  /** getJobFromTemplate2, then what the apiserver does on create (defaults, the generated selector). */
  private createJob(cj: Stored<CronJob>, scheduled: number): Stored<Job> {
    const template = cj.spec?.jobTemplate ?? {};
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobNameFor(cj.metadata.name, scheduled),
        namespace: cj.metadata.namespace,
        uid: randomUUID(),
        labels: { ...template.metadata?.labels },
        annotations: { ...template.metadata?.annotations, [CRONJOB_SCHEDULED_TIMESTAMP]: formatInZone(scheduled, cj.spec?.timeZone ?? undefined) },
        ownerReferences: [newControllerRef(cj)],
      },
      spec: structuredClone(template.spec ?? { template: {} }),
      status: {},
    };
    setDefaults(job);
    generateJobSelector(job);
    return this.store.create<Job>(job);
  }
}
