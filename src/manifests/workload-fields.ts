// The implemented-fields list of the workload kinds above the pod template (Job, CronJob, DaemonSet),
// as pod-fields.ts is for pod specs: every field is implemented (the test that shows it), accepted with
// only some values, or refused with "mini-kube does not implement <path>". Their pod templates are the pod
// gate's (pod-templates.ts); the walk stops at `template` here. docs/workloads.md is this list for users.
import type { Kind } from '../kube/kinds.js';
import { FieldPath } from './field-path.js';
import { impl, only, refused, unimplementedFields, type FieldEntry, type PodFieldIssue } from './pod-fields.js';

const JOB_IT = 'test/integration/workloads-job.test.ts';
const JOB_UNIT = 'test/unit/controllers/job-sync.test.ts';
const CJ_IT = 'test/integration/workloads-cronjob.test.ts';
const CJ_UNIT = 'test/unit/kube/cron-schedule.test.ts, test/unit/controllers/cronjob-sync.test.ts';
const DS_IT = 'test/integration/workloads-daemonset.test.ts';
const DS_UNIT = 'test/unit/controllers/daemon-sync.test.ts';

export const WORKLOAD_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldEntry>>>> = {
  JobSpec: {
    activeDeadlineSeconds: impl(JOB_UNIT),
    backoffLimit: impl(`${JOB_IT} (BackoffLimitExceeded), ${JOB_UNIT}`),
    // per-index back-off (and FailIndex, maxFailedIndexes) is not built: refused rather than ignored
    backoffLimitPerIndex: refused(),
    completionMode: impl(`${JOB_IT} (Indexed)`),
    completions: impl(JOB_IT),
    managedBy: only(['kubernetes.io/job-controller'], 'no other Job controller runs in mini-kube'),
    manualSelector: impl('test/unit/manifests/workload-fields.test.ts'),
    maxFailedIndexes: refused(),
    parallelism: impl(JOB_IT),
    podFailurePolicy: impl(JOB_UNIT),
    podReplacementPolicy: impl(JOB_UNIT),
    selector: impl('test/unit/manifests/workload-fields.test.ts (generated), test/integration/workloads-job.test.ts'),
    successPolicy: refused(),
    suspend: impl(JOB_UNIT),
    template: impl('the pod gate (pod-fields.ts)'),
    ttlSecondsAfterFinished: impl(`${JOB_UNIT} (the ttl-after-finished controller)`),
  },
  PodFailurePolicy: { rules: impl(JOB_UNIT) },
  PodFailurePolicyRule: { action: impl(JOB_UNIT), onExitCodes: impl(JOB_UNIT), onPodConditions: impl(JOB_UNIT) },
  PodFailurePolicyOnExitCodesRequirement: { containerName: impl(JOB_UNIT), operator: impl(JOB_UNIT), values: impl(JOB_UNIT) },
  PodFailurePolicyOnPodConditionsPattern: { status: impl(JOB_UNIT), type: impl(`${JOB_UNIT} (DisruptionTarget: the kubelet sets it on the pods it evicts, status-manager.ts)`) },
  CronJobSpec: {
    concurrencyPolicy: impl(CJ_UNIT),
    failedJobsHistoryLimit: impl(CJ_UNIT),
    jobTemplate: impl(CJ_IT),
    schedule: impl(`${CJ_IT}, ${CJ_UNIT}`),
    startingDeadlineSeconds: impl(CJ_UNIT),
    successfulJobsHistoryLimit: impl(CJ_UNIT),
    suspend: impl(CJ_UNIT),
    timeZone: impl(CJ_UNIT),
  },
  JobTemplateSpec: { metadata: impl(CJ_UNIT), spec: impl(CJ_IT) },
  DaemonSetSpec: {
    minReadySeconds: impl(DS_UNIT),
    revisionHistoryLimit: impl(DS_UNIT),
    selector: impl(DS_IT),
    template: impl('the pod gate (pod-fields.ts)'),
    updateStrategy: impl(`${DS_IT} (RollingUpdate), ${DS_UNIT} (OnDelete)`),
  },
  DaemonSetUpdateStrategy: { rollingUpdate: impl(DS_UNIT), type: impl(DS_UNIT) },
  RollingUpdateDaemonSet: { maxSurge: impl(DS_UNIT), maxUnavailable: impl(DS_UNIT) },
};

/** Where each workload kind's own spec is, and its API type. */
const ROOTS: Partial<Record<Kind, { path: string[]; type: string }>> = {
  Job: { path: ['spec'], type: 'JobSpec' },
  CronJob: { path: ['spec'], type: 'CronJobSpec' },
  DaemonSet: { path: ['spec'], type: 'DaemonSetSpec' },
};

/** What mini-kube does not implement in a workload object's own spec (before defaulting). */
export function unimplementedInWorkload(kind: Kind, obj: unknown): PodFieldIssue[] {
  const root = ROOTS[kind];
  if (!root) return [];
  let v: unknown = obj;
  for (const s of root.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined;
  return unimplementedFields(v, root.type, FieldPath.of(...root.path), WORKLOAD_FIELDS);
}
