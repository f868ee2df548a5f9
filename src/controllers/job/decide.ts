// The Job controller's decisions (pkg/controller/job/job_controller.go syncJob), as a pure function of the
// Job, the pods it owns and the time: the status to write, how many pods (and which indexes) to create,
// which pods to delete, the events to record and when to look again. job-controller.ts acts on it.
//
// mini-kube has no pod finalizers, so the Job does not use batch.kubernetes.io/job-tracking: its counts
// come from the pods that exist (a finished pod stays until its Job goes, as on Kubernetes) and never go
// down (status.succeeded/failed are kept as a floor), so a finished pod deleted by hand is still counted.
import type { Job, JobCondition, JobSpec, JobStatus, Pod, PodSpec } from '../../kube/types.js';
import { isPodReady } from '../../kube/pod.js';
import { JOB_COMPLETION_INDEX } from '../../kube/job.js';
import { BATCH_DEFAULTS } from '../../kube/defaults.js';
import { codeUnitOrder } from '../../kube/code-unit-order.js';

/** DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 6 * 60_000;

export interface JobEvent { type: 'Normal' | 'Warning'; reason: string; message: string }

export interface JobDecision {
  status: JobStatus;
  /** pods to create now: one entry per pod, the completion index for Indexed Jobs */
  create: (number | undefined)[];
  /** pods to delete (active pods of a finished, suspended or over-parallel Job) */
  deletePods: Pod[];
  events: JobEvent[];
  /** ms until the next time-based change (back-off over, active deadline) */
  requeueAfter?: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function podIndex(pod: Pod): number | undefined {
  const v = pod.metadata?.annotations?.[JOB_COMPLETION_INDEX] ?? pod.metadata?.labels?.[JOB_COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const isActive = (p: Pod) => !isTerminal(p) && !p.metadata?.deletionTimestamp;
const isTerminating = (p: Pod) => !isTerminal(p) && !!p.metadata?.deletionTimestamp;

/** When a pod finished: its latest container's finishedAt, else its deletion or creation time. */
export function finishTime(pod: Pod): number {
  let latest = 0;
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    const f = s.state?.terminated?.finishedAt;
    if (f) latest = Math.max(latest, Date.parse(f));
  }
  if (latest) return latest;
  const d = pod.metadata?.deletionTimestamp ?? pod.metadata?.creationTimestamp;
  return d ? Date.parse(d) : 0;
}

/** "1,3-5,7": the compressed list of completed indexes (status.completedIndexes). */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function parseIndexes(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    for (let i = a!; i <= (b ?? a!); i++) out.add(i);
  }
  return out;
}

export type FailurePolicyAction = 'FailJob' | 'Ignore' | 'Count' | 'FailIndex';

/** matchPodFailurePolicy: the first rule a failed pod matches, its action and the message a FailJob gives. */
export function matchPodFailurePolicy(spec: Job['spec'], pod: Pod): { action: FailurePolicyAction; message: string } | undefined {
  const rules = spec?.podFailurePolicy?.rules ?? [];
  const ns = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.onExitCodes) {
      const req = r.onExitCodes;
      const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
      for (const s of statuses) {
        if (req.containerName && req.containerName !== s.name) continue;
        const code = s.state?.terminated?.exitCode;
        // exit code 0 never matches (a container that succeeded did not cause the failure)
        if (code === undefined || code === 0) continue;
        const inValues = (req.values ?? []).includes(code);
        if (req.operator === 'In' ? inValues : !inValues) {
          return { action: r.action as FailurePolicyAction, message: `Container ${s.name} for pod ${ns}/${name} failed with exit code ${code} matching ${r.action} rule at index ${i}` };
        }
      }
    }
    for (const c of r.onPodConditions ?? []) {
      const cond = pod.status?.conditions?.find((pc) => pc.type === c.type);
      if (cond && cond.status === (c.status || 'True')) {
        return { action: r.action as FailurePolicyAction, message: `Pod ${ns}/${name} has condition ${c.type} matching ${r.action} rule at index ${i}` };
      }
    }
  }
  return undefined;
}

function condition(type: string, reason: string, message: string, now: number, status = 'True'): JobCondition {
  return { type, status, lastProbeTime: iso(now), lastTransitionTime: iso(now), reason, message };
}

function hasCondition(job: Job, type: string): boolean {
  return (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** Sets (or flips) a condition, keeping the others; lastTransitionTime changes only with the status. */
function setCondition(conds: JobCondition[], c: JobCondition): JobCondition[] {
  const i = conds.findIndex((x) => x.type === c.type);
  if (i < 0) return [...conds, c];
  const old = conds[i]!;
  if (old.status === c.status && old.reason === c.reason && old.message === c.message) return conds;
  const next = [...conds];
  next[i] = old.status === c.status ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
  return next;
}

/** pastBackoffLimitOnFailure: with restartPolicy OnFailure the containers' restarts count as failures. */
function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? BATCH_DEFAULTS.backoffLimit;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/**
 * The pod re-creation back-off: 10 s after the first failure, doubling per failure since the last
 * success, at most 6 minutes, counted from the last failure (the controller's backoffRecord).
 */
export function backoffRemaining(failed: Pod[], succeeded: Pod[], now: number): number {
  const lastSuccess = Math.max(0, ...succeeded.map(finishTime));
  const failures = failed.map(finishTime).filter((t) => t >= lastSuccess);
  if (failures.length === 0) return 0;
  const last = Math.max(...failures);
  const delay = Math.min(POD_FAILURE_BACKOFF_MS * 2 ** (failures.length - 1), MAX_POD_FAILURE_BACKOFF_MS);
  return Math.max(0, last + delay - now);
}

export function decideJob(job: Job, pods: Pod[], now: number): JobDecision {
  const spec: JobSpec = job.spec ?? { template: {} };
  const events: JobEvent[] = [];
  const old = job.status ?? {};
  let conds = [...(old.conditions ?? [])];
  const indexed = spec.completionMode === 'Indexed';
  const parallelism = spec.parallelism ?? 1;
  const completions = spec.completions ?? undefined;
  const backoffLimit = spec.backoffLimit ?? BATCH_DEFAULTS.backoffLimit;

  const active = pods.filter(isActive);
  const terminating = pods.filter(isTerminating);
  const succeededPods = pods.filter((p) => p.status?.phase === 'Succeeded');
  const failedPods = pods.filter((p) => p.status?.phase === 'Failed');

  // Pod failure policy: Ignore takes a failure out of the count; FailJob fails the Job at once.
  let failJob: string | undefined;
  const countedFailures: Pod[] = [];
  for (const p of failedPods) {
    const m = spec.podFailurePolicy ? matchPodFailurePolicy(spec, p) : undefined;
    if (m?.action === 'Ignore') continue;
    if (m?.action === 'FailJob' && failJob === undefined) failJob = m.message;
    countedFailures.push(p);
  }

  const succeededIndexes = new Set<number>(parseIndexes(old.completedIndexes));
  if (indexed) for (const p of succeededPods) { const i = podIndex(p); if (i !== undefined && i < (completions ?? 0)) succeededIndexes.add(i); }
  const succeeded = Math.max(old.succeeded ?? 0, indexed ? succeededIndexes.size : succeededPods.length);
  const failed = Math.max(old.failed ?? 0, countedFailures.length);

  const status: JobStatus = { ...old };
  const finishedAlready = hasCondition(job, 'Complete') || hasCondition(job, 'Failed');
  const decision: JobDecision = { status, create: [], deletePods: [], events };
  const suspended = spec.suspend === true;

  // --- suspend / resume ---------------------------------------------------------------------------
  if (!finishedAlready) {
    if (suspended && !hasCondition(job, 'Suspended')) {
      conds = setCondition(conds, condition('Suspended', 'JobSuspended', 'Job suspended', now));
      events.push({ type: 'Normal', reason: 'Suspended', message: 'Job suspended' });
    } else if (!suspended && hasCondition(job, 'Suspended')) {
      conds = setCondition(conds, condition('Suspended', 'JobResumed', 'Job resumed', now, 'False'));
      events.push({ type: 'Normal', reason: 'Resumed', message: 'Job resumed' });
      // the active deadline restarts with the Job
      status.startTime = iso(now);
    }
  }
  if (!suspended && !status.startTime && !finishedAlready) status.startTime = iso(now);

  // --- finished? ------------------------------------------------------------------------------------
  let failure: { reason: string; message: string } | undefined;
  let success = false;
  if (!finishedAlready) {
    const interimFail = (old.conditions ?? []).find((c) => c.type === 'FailureTarget' && c.status === 'True');
    const interimSuccess = hasCondition(job, 'SuccessCriteriaMet');
    if (interimFail) failure = { reason: interimFail.reason ?? '', message: interimFail.message ?? '' };
    else if (interimSuccess) success = true;
    else if (failJob) failure = { reason: 'PodFailurePolicy', message: failJob };
    else if (failed > backoffLimit || pastBackoffLimitOnFailure(job, active)) failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (!suspended && spec.activeDeadlineSeconds !== undefined && status.startTime
      && now >= Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000) {
      failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    } else if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) {
      success = true;
    }
  }

  if (failure || success) {
    // FailureTarget / SuccessCriteriaMet first (the pods are being stopped), Failed / Complete once none run.
    if (failure) conds = setCondition(conds, condition('FailureTarget', failure.reason, failure.message, now));
    else conds = setCondition(conds, condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', now));
    decision.deletePods = active;
    if (active.length === 0 && terminating.length === 0) {
      if (failure) {
        conds = setCondition(conds, condition('Failed', failure.reason, failure.message, now));
        events.push({ type: 'Warning', reason: failure.reason, message: failure.message });
      } else {
        conds = setCondition(conds, condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods', now));
        status.completionTime = iso(now);
        events.push({ type: 'Normal', reason: 'Completed', message: 'Job completed' });
      }
    }
  } else if (!finishedAlready) {
    if (suspended) {
      decision.deletePods = active;
    } else {
      manage(job, active, terminating, succeededPods, countedFailures, succeeded, succeededIndexes, now, decision);
    }
    if (spec.activeDeadlineSeconds !== undefined && status.startTime && !suspended) {
      const left = Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - now;
      decision.requeueAfter = decision.requeueAfter === undefined ? left : Math.min(decision.requeueAfter, left);
    }
  }
  void parallelism;

  const stillActive = finishedAlready ? 0 : active.length - decision.deletePods.length;
  status.active = stillActive;
  status.succeeded = succeeded;
  status.failed = failed;
  status.ready = active.filter((p) => !decision.deletePods.includes(p) && isPodReady(p)).length;
  status.terminating = terminating.length + decision.deletePods.length;
  if (indexed) {
    const text = formatIndexes(succeededIndexes);
    if (text) status.completedIndexes = text;
    else delete status.completedIndexes;
  }
  if (conds.length) status.conditions = conds;
  // omitempty: zero counters are left out of real objects
  for (const k of ['active', 'succeeded', 'failed'] as const) if (!status[k]) delete status[k];
  if (suspended && !finishedAlready) delete status.startTime;
  return decision;
}

/** manageJob: how many pods to start (after the back-off), which to delete when there are too many. */
function manage(job: Job, active: Pod[], terminating: Pod[], succeededPods: Pod[], failedPods: Pod[], succeeded: number,
  succeededIndexes: Set<number>, now: number, d: JobDecision): void {
  const spec: JobSpec = job.spec ?? { template: {} };
  const parallelism = spec.parallelism ?? 1;
  // podReplacementPolicy Failed: a terminating pod still holds its place until it is gone.
  const holding = spec.podReplacementPolicy === 'Failed' ? active.length + terminating.length : active.length;
  if (spec.completionMode === 'Indexed') {
    const completions = spec.completions ?? 0;
    const busy = new Set<number>();
    const extra: Pod[] = [];
    for (const p of active) {
      const i = podIndex(p);
      // a pod without a valid index, for an index already done, or a duplicate, is deleted
      if (i === undefined || i >= completions || succeededIndexes.has(i) || busy.has(i)) extra.push(p);
      else busy.add(i);
    }
    if (spec.podReplacementPolicy === 'Failed') for (const p of terminating) { const i = podIndex(p); if (i !== undefined) busy.add(i); }
    d.deletePods = extra;
    const room = parallelism - busy.size;
    const missing: number[] = [];
    for (let i = 0; i < completions && missing.length < room; i++) if (!succeededIndexes.has(i) && !busy.has(i)) missing.push(i);
    if (missing.length) {
      const wait = backoffRemaining(failedPods, succeededPods, now);
      if (wait > 0) d.requeueAfter = wait;
      else d.create = missing;
    }
    return;
  }
  const completions = spec.completions ?? undefined;
  let want: number;
  if (completions === undefined) want = succeeded > 0 ? Math.min(active.length, parallelism) : parallelism;
  else want = Math.max(0, Math.min(parallelism, completions - succeeded));
  if (active.length > want) {
    // the newest pods go first (controller.ActivePods ordering, simplified: not-yet-running before running)
    const ranked = [...active].sort((a, b) => rank(a) - rank(b) || codeUnitOrder(String(b.metadata?.creationTimestamp), String(a.metadata?.creationTimestamp)));
    d.deletePods = ranked.slice(0, active.length - want);
  } else if (holding < want) {
    const wait = backoffRemaining(failedPods, succeededPods, now);
    if (wait > 0) d.requeueAfter = wait;
    else d.create = new Array<undefined>(want - holding).fill(undefined);
  }
}

function rank(p: Pod): number {
  if (!p.spec?.nodeName) return 0;
  if (p.status?.phase === 'Pending') return 1;
  return isPodReady(p) ? 3 : 2;
}

/** The pod spec of an Indexed Job's pod: hostname "<job>-<index>" and JOB_COMPLETION_INDEX in every container. */
export function indexedPodSpec(spec: PodSpec, jobName: string, index: number): PodSpec {
  const out = structuredClone(spec);
  out.hostname ||= `${jobName}-${index}`;
  const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } };
  for (const c of [...(out.initContainers ?? []), ...out.containers]) {
    if (!(c.env ?? []).some((e) => e.name === 'JOB_COMPLETION_INDEX')) c.env = [...(c.env ?? []), structuredClone(env)];
  }
  return out;
}
