// `kubectl describe` pages for Jobs, CronJobs and DaemonSets, following kubectl 1.32's describe.go
// (describeJob, describeCronJob with describeJobTemplate and printActiveJobs, describeDaemonSet).
import type { CronJob, DaemonSet, Event, Job, Pod } from '../kube/types.js';
import { humanDuration, parseTimestamp } from './age.js';
import { describePodTemplate } from './describe-containers.js';
import { describeEvents, formatRFC1123Z, LEVEL_0, type PrefixWriter, printAnnotationsMultiline, printLabelsMultiline, tabbedString } from './describe-writer.js';
import { formatLabels, formatLabelSelector } from './selectors.js';

const set = (v: number | boolean | undefined | null): v is number | boolean => v !== undefined && v !== null;

function controlledBy(obj: Job, w: PrefixWriter): void {
  const ref = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (ref) w.write(LEVEL_0, `Controlled By:\t${ref.kind}/${ref.name}\n`);
}

/** capIndexesListOrNone: "<none>", or the list cut at 50 characters with "...". */
function capIndexes(text: string | undefined): string {
  if (!text) return '<none>';
  if (text.length <= 50) return text;
  const cut = text.slice(0, 50);
  return `${cut.slice(0, cut.lastIndexOf(','))},...`;
}

export function describeJob(job: Job, events: Event[] | undefined, now: Date): string {
  const spec = job.spec;
  const st = job.status ?? {};
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${job.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${job.metadata?.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${formatLabelSelector(spec?.selector)}\n`);
    printLabelsMultiline(w, 'Labels', job.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', job.metadata?.annotations);
    controlledBy(job, w);
    if (set(spec?.parallelism)) w.write(LEVEL_0, `Parallelism:\t${spec!.parallelism}\n`);
    w.write(LEVEL_0, `Completions:\t${set(spec?.completions) ? spec!.completions : '<unset>'}\n`);
    if (spec?.completionMode) w.write(LEVEL_0, `Completion Mode:\t${spec.completionMode}\n`);
    if (set(spec?.suspend)) w.write(LEVEL_0, `Suspend:\t${spec!.suspend}\n`);
    if (set(spec?.backoffLimit)) w.write(LEVEL_0, `Backoff Limit:\t${spec!.backoffLimit}\n`);
    if (set(spec?.ttlSecondsAfterFinished)) w.write(LEVEL_0, `TTL Seconds After Finished:\t${spec!.ttlSecondsAfterFinished}\n`);
    if (st.startTime) w.write(LEVEL_0, `Start Time:\t${formatRFC1123Z(st.startTime)}\n`);
    if (st.completionTime) w.write(LEVEL_0, `Completed At:\t${formatRFC1123Z(st.completionTime)}\n`);
    if (st.startTime && st.completionTime) {
      w.write(LEVEL_0, `Duration:\t${humanDuration(parseTimestamp(st.completionTime)! - parseTimestamp(st.startTime)!)}\n`);
    }
    if (set(spec?.activeDeadlineSeconds)) w.write(LEVEL_0, `Active Deadline Seconds:\t${spec!.activeDeadlineSeconds}s\n`);
    if (set(st.ready)) w.write(LEVEL_0, `Pods Statuses:\t${st.active ?? 0} Active (${st.ready} Ready) / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed\n`);
    else w.write(LEVEL_0, `Pods Statuses:\t${st.active ?? 0} Active / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed\n`);
    if (spec?.completionMode === 'Indexed') w.write(LEVEL_0, `Completed Indexes:\t${capIndexes(st.completedIndexes)}\n`);
    describePodTemplate(spec?.template, w);
    describeEvents(events, w, now);
  });
}

export function describeCronJob(cj: CronJob, events: Event[] | undefined, now: Date): string {
  const spec = cj.spec;
  const bool = (v: boolean | undefined | null) => (set(v) ? (v ? 'True' : 'False') : '<unset>');
  const int = (v: number | undefined | null) => (set(v) ? String(v) : '<unset>');
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${cj.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${cj.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', cj.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', cj.metadata?.annotations);
    w.write(LEVEL_0, `Schedule:\t${spec?.schedule ?? ''}\n`);
    w.write(LEVEL_0, `Concurrency Policy:\t${spec?.concurrencyPolicy ?? ''}\n`);
    w.write(LEVEL_0, `Suspend:\t${bool(spec?.suspend)}\n`);
    w.write(LEVEL_0, `Successful Job History Limit:\t${int(spec?.successfulJobsHistoryLimit)}\n`);
    w.write(LEVEL_0, `Failed Job History Limit:\t${int(spec?.failedJobsHistoryLimit)}\n`);
    w.write(LEVEL_0, `Starting Deadline Seconds:\t${set(spec?.startingDeadlineSeconds) ? `${spec!.startingDeadlineSeconds}s` : '<unset>'}\n`);
    // describeJobTemplate
    const js = spec?.jobTemplate?.spec;
    w.write(LEVEL_0, `Selector:\t${js?.selector ? formatLabelSelector(js.selector) : '<unset>'}\n`);
    w.write(LEVEL_0, `Parallelism:\t${int(js?.parallelism)}\n`);
    w.write(LEVEL_0, `Completions:\t${int(js?.completions)}\n`);
    if (set(js?.activeDeadlineSeconds)) w.write(LEVEL_0, `Active Deadline Seconds:\t${js!.activeDeadlineSeconds}s\n`);
    describePodTemplate(js?.template, w);
    w.write(LEVEL_0, `Last Schedule Time:\t${cj.status?.lastScheduleTime ? formatRFC1123Z(cj.status.lastScheduleTime) : '<unset>'}\n`);
    const active = cj.status?.active ?? [];
    w.write(LEVEL_0, `Active Jobs:\t${active.length ? active.map((a) => a.name).join(', ') : '<none>'}\n`);
    describeEvents(events, w, now);
  });
}

/** describeDaemonSet; `pods` are the DaemonSet's (selector and controller reference), for Pods Status. */
export function describeDaemonSet(ds: DaemonSet, pods: Pod[], events: Event[] | undefined, now: Date): string {
  const counts: Record<string, number> = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 };
  for (const p of pods) {
    if (!p.metadata?.ownerReferences?.some((r) => r.controller && r.uid === ds.metadata?.uid)) continue;
    const phase = p.status?.phase ?? '';
    if (phase in counts) counts[phase]!++;
  }
  const st = ds.status;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${ds.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${formatLabelSelector(ds.spec?.selector)}\n`);
    w.write(LEVEL_0, `Node-Selector:\t${formatLabels(ds.spec?.template?.spec?.nodeSelector)}\n`);
    printLabelsMultiline(w, 'Labels', ds.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', ds.metadata?.annotations);
    w.write(LEVEL_0, `Desired Number of Nodes Scheduled: ${st?.desiredNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Current Number of Nodes Scheduled: ${st?.currentNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Scheduled with Up-to-date Pods: ${st?.updatedNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Scheduled with Available Pods: ${st?.numberAvailable ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Misscheduled: ${st?.numberMisscheduled ?? 0}\n`);
    w.write(LEVEL_0, `Pods Status:\t${counts['Running']} Running / ${counts['Pending']} Waiting / ${counts['Succeeded']} Succeeded / ${counts['Failed']} Failed\n`);
    describePodTemplate(ds.spec?.template, w);
    describeEvents(events, w, now);
  });
}
