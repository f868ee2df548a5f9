// The Job controller's decisions (decide.ts), table by table: pods to create, back-off, limits, deadline,
// pod failure policy, suspend, Indexed Jobs, and the TTL-after-finished arithmetic. No clock: `now` is given.
import { describe, expect, it } from 'vitest';
import type { Job, Pod } from '../../../src/kube/types.js';
import { backoffRemaining, decideJob, formatIndexes, indexedPodSpec, matchPodFailurePolicy } from '../../../src/controllers/job/decide.js';
import { timeLeft } from '../../../src/controllers/ttlafterfinished/ttl-after-finished-controller.js';
import { applyDefaults } from '../../../src/kube/defaults.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function job(spec: Partial<NonNullable<Job['spec']>> = {}, status: Job['status'] = {}): Job {
  return applyDefaults({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default', uid: 'u1' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'x' }] } }, ...spec }, status,
  }) as Job;
}

function pod(phase: string, opts: { finished?: number; exitCode?: number; index?: number; deleting?: boolean; restarts?: number; conditions?: { type: string; status: string }[] } = {}): Pod {
  return {
    metadata: {
      name: `p-${Math.random().toString(36).slice(2, 7)}`, namespace: 'default', creationTimestamp: iso(T0),
      ...(opts.index !== undefined ? { annotations: { 'batch.kubernetes.io/job-completion-index': String(opts.index) } } : {}),
      ...(opts.deleting ? { deletionTimestamp: iso(T0) } : {}),
    },
    spec: { containers: [{ name: 'main' }], nodeName: 'mini-kube' },
    status: {
      phase,
      ...(opts.conditions ? { conditions: opts.conditions } : {}),
      containerStatuses: [{
        name: 'main', image: 'x', imageID: '', ready: false, restartCount: opts.restarts ?? 0,
        state: opts.finished !== undefined ? { terminated: { exitCode: opts.exitCode ?? (phase === 'Failed' ? 1 : 0), finishedAt: iso(opts.finished) } } : { running: {} },
      }],
    },
  };
}

describe('decideJob', () => {
  it('a new Job starts its pod and its clock', () => {
    const d = decideJob(job(), [], T0);
    expect(d.create).toEqual([undefined]);
    expect(d.status.startTime).toBe(iso(T0));
  });

  it('parallelism and completions: at most min(parallelism, completions - succeeded) run', () => {
    const j = job({ completions: 5, parallelism: 3 });
    expect(decideJob(j, [pod('Succeeded', { finished: T0 }), pod('Succeeded', { finished: T0 }), pod('Succeeded', { finished: T0 })], T0).create).toHaveLength(2);
    expect(decideJob(j, [pod('Running')], T0).create).toHaveLength(2);
  });

  it('the back-off: 10 s after one failure, 20 s after two, capped at 6 minutes', () => {
    const f1 = [pod('Failed', { finished: T0 })];
    expect(decideJob(job(), f1, T0 + 5_000)).toMatchObject({ create: [], requeueAfter: 5_000 });
    expect(decideJob(job(), f1, T0 + 10_000).create).toHaveLength(1);
    expect(backoffRemaining([pod('Failed', { finished: T0 - 1000 }), pod('Failed', { finished: T0 })], [], T0)).toBe(20_000);
    const many = Array.from({ length: 12 }, (_, i) => pod('Failed', { finished: T0 - i }));
    expect(backoffRemaining(many, [], T0)).toBe(360_000);
    // a success since resets the count
    expect(backoffRemaining([pod('Failed', { finished: T0 - 5000 })], [pod('Succeeded', { finished: T0 })], T0)).toBe(0);
  });

  it('more failures than backoffLimit: FailureTarget and Failed with BackoffLimitExceeded', () => {
    const d = decideJob(job({ backoffLimit: 1 }, { startTime: iso(T0) }), [pod('Failed', { finished: T0 }), pod('Failed', { finished: T0 })], T0 + 1000);
    expect(d.status.conditions?.map((c) => [c.type, c.reason])).toEqual([['FailureTarget', 'BackoffLimitExceeded'], ['Failed', 'BackoffLimitExceeded']]);
    expect(d.status.failed).toBe(2);
    expect(d.events).toEqual([{ type: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }]);
  });

  it('restartPolicy OnFailure: container restarts count against backoffLimit', () => {
    const j = job({ backoffLimit: 2, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'main', image: 'x' }] } } }, { startTime: iso(T0) });
    const running = pod('Running', { restarts: 2 });
    const d = decideJob(j, [running], T0);
    expect(d.deletePods).toEqual([running]);
    expect(d.status.conditions?.map((c) => c.type)).toEqual(['FailureTarget']);
  });

  it('activeDeadlineSeconds: DeadlineExceeded once it passes, a requeue at it before', () => {
    const j = job({ activeDeadlineSeconds: 30 }, { startTime: iso(T0) });
    expect(decideJob(j, [pod('Running')], T0 + 10_000).requeueAfter).toBe(20_000);
    const d = decideJob(j, [pod('Running')], T0 + 30_000);
    expect(d.status.conditions?.[0]).toMatchObject({ type: 'FailureTarget', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    expect(d.deletePods).toHaveLength(1);
  });

  it('completions reached: SuccessCriteriaMet, then Complete with completionTime', () => {
    const d = decideJob(job({}, { startTime: iso(T0) }), [pod('Succeeded', { finished: T0 })], T0 + 2000);
    expect(d.status.conditions?.map((c) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
    expect(d.status).toMatchObject({ succeeded: 1, completionTime: iso(T0 + 2000) });
    expect(d.events).toEqual([{ type: 'Normal', reason: 'Completed', message: 'Job completed' }]);
  });

  it('a work queue (no completions) is done when one pod succeeded and none run', () => {
    const j = job({ parallelism: 2 });
    expect(decideJob(j, [pod('Succeeded', { finished: T0 }), pod('Running')], T0).status.conditions).toBeUndefined();
    expect(decideJob(j, [pod('Succeeded', { finished: T0 }), pod('Succeeded', { finished: T0 })], T0).status.conditions?.map((c) => c.type)).toContain('Complete');
  });

  it('pod failure policy: Ignore does not count, FailJob fails at once, Count counts; DisruptionTarget conditions match', () => {
    const policy = { rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [42] } },
    ] };
    const j = job({ backoffLimit: 0, podFailurePolicy: policy }, { startTime: iso(T0) });
    const evicted = pod('Failed', { finished: T0, exitCode: 137, conditions: [{ type: 'DisruptionTarget', status: 'True' }] });
    expect(decideJob(j, [evicted], T0 + 60_000).status.conditions).toBeUndefined();
    expect(decideJob(j, [evicted], T0 + 60_000).status.failed).toBeUndefined();
    const fatal = pod('Failed', { finished: T0, exitCode: 42 });
    expect(matchPodFailurePolicy(j.spec, fatal)?.message).toBe(`Container main for pod default/${fatal.metadata!.name} failed with exit code 42 matching FailJob rule at index 1`);
    expect(decideJob(j, [fatal], T0).status.conditions?.[0]).toMatchObject({ type: 'FailureTarget', reason: 'PodFailurePolicy' });
    expect(decideJob(j, [pod('Failed', { finished: T0, exitCode: 1 })], T0).status.conditions?.[0]).toMatchObject({ reason: 'BackoffLimitExceeded' });
  });

  it('suspend deletes the running pods and says so; resume restarts the clock', () => {
    const running = pod('Running');
    const s = decideJob(job({ suspend: true }, { startTime: iso(T0) }), [running], T0 + 1000);
    expect(s.deletePods).toEqual([running]);
    expect(s.status.conditions?.[0]).toMatchObject({ type: 'Suspended', status: 'True', reason: 'JobSuspended' });
    expect(s.status.startTime).toBeUndefined();
    const r = decideJob(job({ suspend: false }, s.status), [], T0 + 5000);
    expect(r.status.conditions?.[0]).toMatchObject({ type: 'Suspended', status: 'False', reason: 'JobResumed' });
    expect(r.status.startTime).toBe(iso(T0 + 5000));
    expect(r.create).toHaveLength(1);
  });

  it('podReplacementPolicy Failed waits for terminating pods; TerminatingOrFailed does not', () => {
    const gone = pod('Running', { deleting: true });
    expect(decideJob(job({ podReplacementPolicy: 'Failed' }), [gone], T0).create).toHaveLength(0);
    expect(decideJob(job(), [gone], T0).create).toHaveLength(1);
  });

  it('Indexed: the missing indexes, lowest first; completedIndexes compressed', () => {
    const j = job({ completionMode: 'Indexed', completions: 5, parallelism: 2 });
    const d = decideJob(j, [pod('Succeeded', { finished: T0, index: 0 }), pod('Running', { index: 2 })], T0);
    expect(d.create).toEqual([1]);
    expect(d.status.completedIndexes).toBe('0');
    expect(formatIndexes([0, 1, 2, 4, 6, 7])).toBe('0-2,4,6-7');
    const spec = indexedPodSpec(j.spec!.template.spec!, 'j', 3);
    expect(spec.hostname).toBe('j-3');
    expect(spec.containers[0]!.env).toEqual([{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
  });
});

describe('ttlSecondsAfterFinished', () => {
  it('counts from completionTime; unfinished or without a TTL never expires', () => {
    const done = job({ ttlSecondsAfterFinished: 30 }, { completionTime: iso(T0), conditions: [{ type: 'Complete', status: 'True' }] });
    expect(timeLeft(done, T0 + 10_000)).toBe(20_000);
    expect(timeLeft(done, T0 + 30_000)).toBe(0);
    expect(timeLeft(job({ ttlSecondsAfterFinished: 30 }), T0)).toBeUndefined();
    expect(timeLeft(job({}, done.status), T0)).toBeUndefined();
  });
});
