// CronJobs on real containers through kubectl 1.32 and mini-kube's CLI. A five-field schedule would make
// the test wait for a minute boundary, so the running ones use `@every Ns` (robfig's descriptor, which
// the apiserver accepts too); the schedule math itself is unit-tested on a fake clock
// (test/unit/kube/cron-schedule.test.ts, test/unit/controllers/cronjob-sync.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlEnv, type KubectlEnv } from './kubectl-support.js';
import { cli, until } from './harness.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
const IMAGE = 'ondalk8s/healthcheck:v1';

const FORBID = `apiVersion: batch/v1
kind: CronJob
metadata: {name: slow}
spec:
  schedule: "@every 3s"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - {name: main, image: ${IMAGE}, command: ["sleep", "60"]}
`;

interface CronJobObj { status: { active?: { name: string }[]; lastScheduleTime?: string; lastSuccessfulTime?: string } }
interface JobList { items: { metadata: { name: string; annotations?: Record<string, string> }; status: { conditions?: { type: string }[] } }[] }

describe('CronJobs through kubectl 1.32 on real containers', () => {
  let k: KubectlEnv;
  beforeAll(async () => { k = await kubectlEnv(KUBECTL); }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  const cronJob = async (name: string) => JSON.parse((await k.run(['get', 'cronjob', name, '-o', 'json'])).stdout) as CronJobObj;
  const jobsOf = async (cj: string) => (JSON.parse((await k.run(['get', 'jobs', '-o', 'json'])).stdout) as JobList).items
    .filter((j) => j.metadata.name.startsWith(`${cj}-`));

  it('refuses what the apiserver refuses: a bad schedule, TZ in the schedule, an unknown time zone, a per-index back-off', async () => {
    const bad = await k.run(['create', 'cronjob', 'bad', `--image=${IMAGE}`, '--schedule=61 * * * *']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61');
    const tz = await k.run(['create', 'cronjob', 'tz', `--image=${IMAGE}`, '--schedule=TZ=UTC 0 * * * *']);
    expect(tz.stderr).toContain('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
    const zone = await k.run(['apply', '-f', '-'], { input: FORBID.replace('name: slow', 'name: zone').replace('concurrencyPolicy: Forbid', 'timeZone: Mars/Olympus') });
    expect(zone.stderr).toContain('spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus');
    const perIndex = await k.run(['apply', '-f', '-'], { input: FORBID.replace('name: slow', 'name: pi').replace('    spec:\n      template:', '    spec:\n      completionMode: Indexed\n      completions: 2\n      backoffLimitPerIndex: 1\n      template:') });
    expect(perIndex.stderr).toContain('spec.jobTemplate.spec.backoffLimitPerIndex: Forbidden: mini-kube does not implement spec.jobTemplate.spec.backoffLimitPerIndex');
  }, 60_000);

  it('runs a Job for a schedule, trims it by successfulJobsHistoryLimit, suspends; get shows the columns', async () => {
    const made = await k.run(['create', 'cronjob', 'tick', `--image=${IMAGE}`, '--schedule=@every 4s', '--', 'sh', '-c', 'echo tick']);
    expect(made, made.stderr).toMatchObject({ code: 0, stdout: 'cronjob.batch/tick created\n' });
    expect((await k.run(['apply', '-f', '-'], { input: FORBID })).code).toBe(0);

    // Job names are per minute (<cronjob>-<minutes since the epoch>), so a test cannot wait for a second
    // run; the first one's logs, then successfulJobsHistoryLimit: 0 deletes it once it is done.
    const first = await until('tick started a Job', async () => (await jobsOf('tick'))[0], 30_000);
    expect(first.metadata.name).toMatch(/^tick-\d{8}$/);
    const scheduled = first.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp']!;
    expect(Number(first.metadata.name.slice(5))).toBe(Math.floor(Date.parse(scheduled) / 60_000));
    await until('tick ran', async () => (await k.run(['logs', `job/${first.metadata.name}`])).stdout === 'tick\n', 30_000);
    await until('tick succeeded', async () => (await cronJob('tick')).status.lastSuccessfulTime, 30_000);
    expect((await k.run(['patch', 'cronjob', 'tick', '-p', '{"spec":{"successfulJobsHistoryLimit":0}}'])).code).toBe(0);
    await until('the finished Job deleted by the history limit', async () => (await jobsOf('tick')).every((j) => j.metadata.name !== first.metadata.name), 20_000);
    expect((await k.run(['get', 'events', '--field-selector', 'involvedObject.name=tick,reason=SuccessfulDelete', '-o', 'jsonpath={.items[*].message}'])).stdout)
      .toContain(`Deleted job ${first.metadata.name}`);

    // slow's first run sleeps: ACTIVE 1 (Forbid across minutes is unit-tested: cronjob-sync.test.ts)
    await until('slow active', async () => (await cronJob('slow')).status.active?.length === 1, 20_000);
    expect(await jobsOf('slow')).toHaveLength(1);

    const table = (await k.run(['get', 'cronjobs'])).stdout;
    expect(table).toMatch(/^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n/);
    expect(table).toMatch(/\nslow\s+@every 3s\s+<none>\s+False\s+1\s+\d+s\s+\d+s\n/);
    expect((await cli(k.cluster, ['get', 'cj', 'slow', '--no-headers'])).stdout).toMatch(/^slow\s+@every 3s\s+<none>\s+False\s+1\s/);

    expect((await k.run(['patch', 'cronjob', 'tick', '-p', '{"spec":{"suspend":true}}'])).code).toBe(0);
    expect((await k.run(['get', 'cronjob', 'tick', '--no-headers'])).stdout).toMatch(/^tick\s+@every 4s\s+<none>\s+True\s/);
    // deleting the CronJob takes its Jobs and their pods with it
    expect((await k.run(['delete', 'cronjob', 'slow'])).code).toBe(0);
    await until('slow jobs gone', async () => (await jobsOf('slow')).length === 0, 20_000);
  }, 90_000);
});
