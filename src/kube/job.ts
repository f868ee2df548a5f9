// The Job's names, labels and conditions that the apiserver (generated selector), the Job controller, the
// CronJob controller and the printers all use: one home for them.
import type { Job } from './types.js';

export const JOB_CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
/** the pre-1.27 labels, still written beside the new ones */
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
/** Indexed Jobs: the pod's index, as an annotation and (since 1.28) a label */
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const JOB_COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** set by the CronJob controller on the Jobs it creates */
export const CRONJOB_SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** IsJobFinished: a Complete or Failed condition that is True. */
export function isJobFinished(job: Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

/** The job strategy's generateSelector: labels that tie the pods to this Job (uid-unique) and a selector on them. */
export function generateJobSelector(job: Job): void {
  const uid = job.metadata?.uid;
  if (!job.spec || job.spec.manualSelector === true || !uid) return;
  const template = (job.spec.template ??= {});
  template.metadata ??= {};
  const labels = (template.metadata.labels ??= {});
  const name = job.metadata?.name ?? '';
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) labels[k] ??= name;
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, JOB_CONTROLLER_UID_LABEL]) labels[k] ??= uid;
  job.spec.selector ??= {};
  job.spec.selector.matchLabels ??= {};
  job.spec.selector.matchLabels[JOB_CONTROLLER_UID_LABEL] ??= uid;
  // SetDefaults_Job copies the template's labels to a Job without labels; the apiserver defaults again
  // whenever it reads the Job back, so a Job shows the generated labels too (as `kubectl describe job` does).
  if (Object.keys(job.metadata?.labels ?? {}).length === 0) job.metadata!.labels = { ...labels };
}
