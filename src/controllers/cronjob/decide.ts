// The CronJob controller's decisions (pkg/controller/cronjob/cronjob_controllerv2.go syncCronJob), pure:
// from the CronJob, the Jobs it owns and the time, what to do — forget finished or missing active Jobs,
// start the Job of the most recent unmet schedule (at most one, however many were missed), replace or
// skip a running one per concurrencyPolicy, trim the history — and when to look again.
import type { CronJob, CronJobStatus, Job, ObjectReference } from '../../kube/types.js';
import { isJobFinished } from '../../kube/job.js';
import { mostRecentScheduleTime, nextActivation, parseCron, type CronSchedule } from '../../kube/cron-schedule.js';
import { BATCH_DEFAULTS } from '../../kube/defaults.js';

export interface CronJobEvent { type: 'Normal' | 'Warning'; reason: string; message: string }

export interface CronJobDecision {
  status: CronJobStatus;
  /** the scheduled time (ms) of the Job to create now */
  start?: number;
  /** Jobs to delete: replaced (concurrencyPolicy Replace) or beyond the history limits */
  deleteJobs: Job[];
  events: CronJobEvent[];
  /** ms until the next schedule (plus the controller's 100 ms), undefined when there is none */
  requeueAfter?: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** getJobName: "<cronjob>-<scheduled time in minutes since the epoch>", the same for the same schedule. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

/** time.RFC1123Z, as the MissSchedule event prints the scheduled time. */
export function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function refTo(job: Job): ObjectReference {
  return { kind: 'Job', namespace: job.metadata?.namespace, name: job.metadata?.name, uid: job.metadata?.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata?.resourceVersion };
}

/** nextScheduleTimeDuration: until the next activation after the most recent one (+100 ms). */
function requeueAfter(cj: CronJob, sched: CronSchedule, tz: string | undefined, now: number, lastScheduled: number | undefined): number | undefined {
  const created = Date.parse(cj.metadata?.creationTimestamp ?? '') || now;
  const mostRecent = mostRecentScheduleTime(sched, lastScheduled ?? created, now, tz).time ?? lastScheduled ?? created;
  const next = nextActivation(sched, mostRecent, tz);
  if (next === undefined) return undefined;
  return Math.max(next - now, 0) + 100;
}

export function decideCronJob(cj: CronJob, jobs: Job[], now: number): CronJobDecision {
  const spec = cj.spec!;
  const events: CronJobEvent[] = [];
  const status: CronJobStatus = structuredClone(cj.status ?? {});
  const d: CronJobDecision = { status, deleteJobs: [], events };
  const byName = new Map(jobs.map((j) => [j.metadata?.name ?? '', j]));

  // --- the active list against the Jobs that exist --------------------------------------------------
  let active = [...(status.active ?? [])];
  for (const j of jobs) {
    const inList = active.some((a) => a.uid === j.metadata?.uid);
    const finished = isJobFinished(j);
    if (!inList && !finished) {
      events.push({ type: 'Warning', reason: 'UnexpectedJob', message: `Saw a job that the controller did not create or forgot: ${j.metadata?.name}` });
    } else if (inList && finished) {
      active = active.filter((a) => a.uid !== j.metadata?.uid);
      events.push({ type: 'Normal', reason: 'SawCompletedJob', message: `Saw completed job: ${j.metadata?.name}, condition: ${finished}` });
      if (finished === 'Complete' && j.status?.completionTime) {
        if (!status.lastSuccessfulTime || Date.parse(status.lastSuccessfulTime) < Date.parse(j.status.completionTime)) status.lastSuccessfulTime = j.status.completionTime;
      }
    }
  }
  for (const a of [...active]) {
    const j = byName.get(a.name ?? '');
    if (!j || j.metadata?.uid !== a.uid) {
      active = active.filter((x) => x !== a);
      events.push({ type: 'Normal', reason: 'MissingJob', message: `Active job went missing: ${a.name}` });
    }
  }
  status.active = active;

  // --- history limits (cleanupFinishedJobs) ---------------------------------------------------------
  const limits = { Complete: spec.successfulJobsHistoryLimit ?? BATCH_DEFAULTS.successfulJobsHistoryLimit, Failed: spec.failedJobsHistoryLimit ?? BATCH_DEFAULTS.failedJobsHistoryLimit };
  for (const kind of ['Complete', 'Failed'] as const) {
    const finished = jobs.filter((j) => isJobFinished(j) === kind)
      .sort((a, b) => startOf(a) - startOf(b));
    const extra = finished.length - limits[kind];
    for (let i = 0; i < extra; i++) d.deleteJobs.push(finished[i]!);
  }

  if (cj.metadata?.deletionTimestamp) return finish(d);
  const tz = spec.timeZone ?? undefined;
  let sched: CronSchedule;
  try {
    sched = parseCron(spec.schedule);
  } catch (e) {
    events.push({ type: 'Warning', reason: 'UnparseableSchedule', message: `unparseable schedule: ${JSON.stringify(spec.schedule)} : ${(e as Error).message}` });
    return finish(d);
  }
  if (spec.suspend) return finish(d);

  const lastScheduled = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : undefined;
  // earliest: the last schedule, the creation time, or (with startingDeadlineSeconds) now minus the deadline
  let earliest = lastScheduled ?? (Date.parse(cj.metadata?.creationTimestamp ?? '') || now);
  if (spec.startingDeadlineSeconds !== undefined && spec.startingDeadlineSeconds !== null) {
    earliest = Math.max(earliest, now - spec.startingDeadlineSeconds * 1000);
  }
  let recent: { time?: number; missed: string };
  try {
    recent = mostRecentScheduleTime(sched, earliest, now, tz);
  } catch (e) {
    events.push({ type: 'Warning', reason: 'InvalidSchedule', message: `invalid schedule: ${spec.schedule} : ${(e as Error).message}` });
    return finish(d);
  }
  d.requeueAfter = requeueAfter(cj, sched, tz, now, lastScheduled);
  if (recent.time === undefined) return finish(d);
  if (recent.missed === 'many') {
    events.push({ type: 'Warning', reason: 'TooManyMissedTimes', message: 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew' });
  }
  const scheduled = recent.time;
  if (spec.startingDeadlineSeconds !== undefined && spec.startingDeadlineSeconds !== null && scheduled + spec.startingDeadlineSeconds * 1000 < now) {
    events.push({ type: 'Warning', reason: 'MissSchedule', message: `Missed scheduled time to start a job: ${rfc1123z(scheduled)}` });
    return finish(d);
  }
  const name = jobNameFor(cj.metadata?.name ?? '', scheduled);
  if (active.some((a) => a.name === name) || lastScheduled === scheduled) return finish(d);
  if (spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
    events.push({ type: 'Normal', reason: 'JobAlreadyActive', message: 'Not starting job because prior execution is running and concurrency policy is Forbid' });
    return finish(d);
  }
  if (spec.concurrencyPolicy === 'Replace') {
    for (const a of active) {
      const j = byName.get(a.name ?? '');
      if (j) d.deleteJobs.push(j);
    }
    status.active = [];
  }
  d.start = scheduled;
  status.lastScheduleTime = iso(scheduled);
  return finish(d);
}

function finish(d: CronJobDecision): CronJobDecision {
  if (!d.status.active?.length) delete d.status.active;
  return d;
}

function startOf(j: Job): number {
  return Date.parse(j.status?.startTime ?? j.metadata?.creationTimestamp ?? '') || 0;
}

export { refTo };
