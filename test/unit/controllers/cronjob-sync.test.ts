// The CronJob controller on an in-memory store with an injected clock: which Job each schedule starts,
// concurrency policies, history limits, startingDeadlineSeconds, and the schedules missed while the
// control plane was down (one catch-up run; more than 100 missed also warns TooManyMissedTimes).
import { describe, expect, it } from 'vitest';
import { Store, type Stored } from '../../../src/store/store.js';
import type { CronJob, Event, Job } from '../../../src/kube/types.js';
import { CronJobController } from '../../../src/controllers/cronjob/cronjob-controller.js';
import { decideCronJob, jobNameFor } from '../../../src/controllers/cronjob/decide.js';
import { applyDefaults } from '../../../src/kube/defaults.js';

const T = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function cronJob(spec: Partial<NonNullable<CronJob['spec']>> = {}): CronJob {
  return applyDefaults({
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick', namespace: 'default' },
    spec: {
      schedule: '*/1 * * * *',
      jobTemplate: { metadata: { labels: { app: 'tick' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } } },
      ...spec,
    },
  }) as CronJob;
}

/** A store holding the CronJob created at `created`, and a controller whose clock the test moves. */
function setup(spec: Partial<NonNullable<CronJob['spec']>>, created: string) {
  const store = new Store();
  const cj = cronJob(spec);
  cj.metadata!.creationTimestamp = created;
  store.create(cj);
  const clock = { now: T(created) };
  const c = new CronJobController(store, () => clock.now);
  const sync = (at: string) => { clock.now = T(at); return c.sync('default/tick'); };
  const jobs = () => store.list<Job>('Job', 'default').map((j) => j.metadata.name).sort();
  const get = () => store.get<CronJob>('CronJob', 'default', 'tick')!;
  const reasons = () => store.list<Event>('Event', 'default').map((e) => e.reason);
  const finish = (name: string, type: 'Complete' | 'Failed', at: string) => store.mutate<Job>('Job', 'default', name, (j) => {
    j.status = { startTime: at, ...(type === 'Complete' ? { completionTime: at } : {}), conditions: [{ type, status: 'True' }] };
  });
  return { store, sync, jobs, get, reasons, finish };
}

describe('CronJob controller', () => {
  it('starts the Job of each minute, named <cronjob>-<minutes since the epoch>, and requeues at the next one', () => {
    const s = setup({}, '2026-01-01T10:00:20Z');
    expect(s.sync('2026-01-01T10:00:30Z')).toBe(30_100);
    expect(s.jobs()).toEqual([]);
    expect(s.sync('2026-01-01T10:01:00.500Z')).toBe(59_600);
    const name = jobNameFor('tick', T('2026-01-01T10:01:00Z'));
    expect(name).toBe(`tick-${T('2026-01-01T10:01:00Z') / 60_000}`);
    expect(s.jobs()).toEqual([name]);
    const job = s.store.get<Job>('Job', 'default', name)!;
    expect(job.metadata.labels).toEqual({ app: 'tick' });
    expect(job.metadata.annotations).toEqual({ 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T10:01:00Z' });
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'tick', controller: true });
    expect(job.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid']).toBe(job.metadata.uid);
    expect(s.get().status).toMatchObject({ lastScheduleTime: '2026-01-01T10:01:00Z', active: [{ kind: 'Job', name }] });
    // the same schedule again starts nothing
    s.sync('2026-01-01T10:01:30Z');
    expect(s.jobs()).toEqual([name]);
    // its completion leaves the active list and sets lastSuccessfulTime
    s.finish(name, 'Complete', '2026-01-01T10:01:10Z');
    s.sync('2026-01-01T10:01:40Z');
    expect(s.get().status).toEqual({ lastScheduleTime: '2026-01-01T10:01:00Z', lastSuccessfulTime: '2026-01-01T10:01:10Z' });
    expect(s.reasons()).toEqual(expect.arrayContaining(['SuccessfulCreate', 'SawCompletedJob']));
  });

  it('Forbid skips a schedule while a Job runs; Replace deletes the running one; Allow runs both', () => {
    const forbid = setup({ concurrencyPolicy: 'Forbid' }, '2026-01-01T10:00:00Z');
    forbid.sync('2026-01-01T10:01:01Z');
    forbid.sync('2026-01-01T10:02:01Z');
    expect(forbid.jobs()).toHaveLength(1);
    expect(forbid.reasons()).toContain('JobAlreadyActive');

    const replace = setup({ concurrencyPolicy: 'Replace' }, '2026-01-01T10:00:00Z');
    replace.sync('2026-01-01T10:01:01Z');
    replace.sync('2026-01-01T10:02:01Z');
    expect(replace.jobs()).toEqual([jobNameFor('tick', T('2026-01-01T10:02:00Z'))]);
    expect(replace.get().status?.active?.map((a) => a.name)).toEqual([jobNameFor('tick', T('2026-01-01T10:02:00Z'))]);

    const allow = setup({}, '2026-01-01T10:00:00Z');
    allow.sync('2026-01-01T10:01:01Z');
    allow.sync('2026-01-01T10:02:01Z');
    expect(allow.jobs()).toHaveLength(2);
  });

  it('two schedules in one minute (@every 20s) share the Job name: the second is not taken, as on Kubernetes', () => {
    const s = setup({ schedule: '@every 20s' }, '2026-01-01T10:00:00Z');
    s.sync('2026-01-01T10:00:21Z');
    expect(s.get().status?.lastScheduleTime).toBe('2026-01-01T10:00:20Z');
    s.sync('2026-01-01T10:00:41Z');
    expect(s.jobs()).toEqual([jobNameFor('tick', T('2026-01-01T10:00:20Z'))]);
    expect(s.get().status?.lastScheduleTime).toBe('2026-01-01T10:00:20Z');
    s.sync('2026-01-01T10:01:01Z');
    expect(s.jobs()).toHaveLength(2);
  });

  it('suspend starts nothing', () => {
    const s = setup({ suspend: true }, '2026-01-01T10:00:00Z');
    s.sync('2026-01-01T10:05:01Z');
    expect(s.jobs()).toEqual([]);
  });

  it('keeps successfulJobsHistoryLimit finished Jobs and failedJobsHistoryLimit failed ones, oldest deleted first', () => {
    const s = setup({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 0 }, '2026-01-01T10:00:00Z');
    for (const m of [1, 2, 3]) {
      s.sync(`2026-01-01T10:0${m}:01Z`);
      const name = jobNameFor('tick', T(`2026-01-01T10:0${m}:00Z`));
      s.finish(name, m === 2 ? 'Failed' : 'Complete', `2026-01-01T10:0${m}:05Z`);
    }
    s.sync('2026-01-01T10:03:30Z');
    expect(s.jobs()).toEqual([jobNameFor('tick', T('2026-01-01T10:03:00Z'))]);
  });

  it('missed schedules while the control plane was down: one catch-up run for the latest', () => {
    const s = setup({}, '2026-01-01T10:00:00Z');
    s.sync('2026-01-01T10:01:01Z');
    // down from 10:01:01 to 10:30:30: 29 schedules missed, one Job (10:30), no warning
    s.sync('2026-01-01T10:30:30Z');
    expect(s.jobs()).toEqual([jobNameFor('tick', T('2026-01-01T10:01:00Z')), jobNameFor('tick', T('2026-01-01T10:30:00Z'))]);
    expect(s.reasons()).not.toContain('TooManyMissedTimes');
  });

  it('more than 100 missed: still one run, and the TooManyMissedTimes warning', () => {
    const s = setup({}, '2026-01-01T10:00:00Z');
    s.sync('2026-01-01T12:00:30Z');
    expect(s.jobs()).toEqual([jobNameFor('tick', T('2026-01-01T12:00:00Z'))]);
    const warned = s.store.list<Event>('Event', 'default').find((e) => e.reason === 'TooManyMissedTimes');
    expect(warned).toMatchObject({ type: 'Warning', message: 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew' });
  });

  it('startingDeadlineSeconds: a run later than the deadline is missed (MissSchedule), and bounds the missed count', () => {
    const s = setup({ startingDeadlineSeconds: 10, schedule: '0 * * * *' }, '2026-01-01T10:00:00Z');
    s.sync('2026-01-01T11:00:30Z');
    expect(s.jobs()).toEqual([]);
    // with the deadline the search starts at now - 10 s: nothing due, and no warning however long it was down
    const late = setup({ startingDeadlineSeconds: 30, schedule: '*/1 * * * *' }, '2026-01-01T10:00:00Z');
    late.sync('2026-01-01T14:00:20Z');
    expect(late.jobs()).toEqual([jobNameFor('tick', T('2026-01-01T14:00:00Z'))]);
    expect(late.reasons()).not.toContain('TooManyMissedTimes');
  });

  it('a time zone: "0 9 * * *" in Asia/Tokyo runs at 00:00 UTC, annotated in the zone', () => {
    const s = setup({ schedule: '0 9 * * *', timeZone: 'Asia/Tokyo' }, '2026-01-01T10:00:00Z');
    s.sync('2026-01-02T00:00:05Z');
    const [name] = s.jobs();
    expect(name).toBe(jobNameFor('tick', T('2026-01-02T00:00:00Z')));
    expect(s.store.get<Job>('Job', 'default', name!)!.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-01-02T09:00:00+09:00');
  });

  it('a Job it did not create but owns (create job --from=cronjob) is reported, not adopted', () => {
    const cj = { ...cronJob(), metadata: { name: 'tick', namespace: 'default', uid: 'cj', creationTimestamp: iso(T('2026-01-01T10:00:00Z')) } } as Stored<CronJob>;
    const manual = { metadata: { name: 'manual', namespace: 'default', uid: 'm' }, spec: { template: {} } } as Job;
    const d = decideCronJob(cj, [manual], T('2026-01-01T10:00:30Z'));
    expect(d.events).toEqual([{ type: 'Warning', reason: 'UnexpectedJob', message: 'Saw a job that the controller did not create or forgot: manual' }]);
    expect(d.status.active).toBeUndefined();
  });
});
