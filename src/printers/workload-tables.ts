// The `get` rows of Job, CronJob and DaemonSet as printers.go builds them (printJob, printCronJob,
// printDaemonSet); the columns are in tables.ts with the others (ControllerRevision's: storage-tables.ts).
import type { CronJob, DaemonSet, Job, JobCondition } from '../kube/types.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from './age.js';
import { formatLabelSelector, formatLabels } from './selectors.js';

const has = (conds: JobCondition[] | undefined, type: string) => (conds ?? []).some((c) => c.type === type && c.status === 'True');

/** printJob's STATUS: the terminal conditions first, then Terminating, Suspended and the interim ones. */
export function jobStatus(job: Job): string {
  const c = job.status?.conditions;
  if (has(c, 'Complete')) return 'Complete';
  if (has(c, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (has(c, 'Suspended')) return 'Suspended';
  if (has(c, 'FailureTarget')) return 'FailureTarget';
  if (has(c, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** printJob's COMPLETIONS: "1/3", or "0/1 of 3" for a work queue (completions unset, parallelism > 1). */
export function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const spec = job.spec;
  if (spec?.completions !== undefined && spec.completions !== null) return `${succeeded}/${spec.completions}`;
  if (spec?.parallelism !== undefined && spec.parallelism !== null && spec.parallelism > 1) return `${succeeded}/1 of ${spec.parallelism}`;
  return `${succeeded}/1`;
}

/** printJob's DURATION: since startTime while running, startTime to completionTime after. */
export function jobDuration(job: Job, now: Date): string {
  const start = parseTimestamp(job.status?.startTime);
  if (start === undefined) return '';
  const end = parseTimestamp(job.status?.completionTime);
  return humanDuration((end ?? now.getTime()) - start);
}

function containers(spec: { containers?: { name: string; image?: string }[] } | undefined): [string, string] {
  const cs = spec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image ?? '').join(',')];
}

export function jobCells(job: Job, now: Date): (string | number)[] {
  const [names, images] = containers(job.spec?.template?.spec);
  return [job.metadata?.name ?? '', jobStatus(job), jobCompletions(job), jobDuration(job, now),
    translateTimestampSince(job.metadata?.creationTimestamp, now), names, images, formatLabelSelector(job.spec?.selector)];
}

export function cronJobCells(cj: CronJob, now: Date): (string | number)[] {
  const [names, images] = containers(cj.spec?.jobTemplate?.spec?.template?.spec);
  const last = cj.status?.lastScheduleTime ? translateTimestampSince(cj.status.lastScheduleTime, now) : '<none>';
  const suspend = cj.spec?.suspend === undefined || cj.spec.suspend === null ? '<unset>' : cj.spec.suspend ? 'True' : 'False';
  return [cj.metadata?.name ?? '', cj.spec?.schedule ?? '', cj.spec?.timeZone ?? '<none>', suspend, cj.status?.active?.length ?? 0, last,
    translateTimestampSince(cj.metadata?.creationTimestamp, now), names, images, formatLabelSelector(cj.spec?.jobTemplate?.spec?.selector)];
}

export function daemonSetCells(ds: DaemonSet, now: Date): (string | number)[] {
  const [names, images] = containers(ds.spec?.template?.spec);
  const s = ds.status;
  return [ds.metadata?.name ?? '', s?.desiredNumberScheduled ?? 0, s?.currentNumberScheduled ?? 0, s?.numberReady ?? 0,
    s?.updatedNumberScheduled ?? 0, s?.numberAvailable ?? 0, formatLabels(ds.spec?.template?.spec?.nodeSelector),
    translateTimestampSince(ds.metadata?.creationTimestamp, now), names, images, formatLabelSelector(ds.spec?.selector)];
}

