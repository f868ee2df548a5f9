// Jobs on real containers through kubectl 1.32: a Job whose pods fail and are retried with the
// controller's back-off (10 s before the retry) until backoffLimit fails it with BackoffLimitExceeded (the
// doubling to 20 s, 40 s ... is unit-tested: test/unit/controllers/job-sync.test.ts); an
// Indexed Job (JOB_COMPLETION_INDEX, hostnames, completedIndexes); `kubectl create job` (protobuf),
// `wait --for=condition=complete`, `logs job/x`, `get jobs` columns; `create job --from=cronjob`; and
// `delete job` cascading to the pods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl120Run, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';
import { cli, until } from './harness.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';
const IMAGE = 'ondalk8s/healthcheck:v1';

const FAILING = `apiVersion: batch/v1
kind: Job
metadata: {name: flaky}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
      - {name: main, image: ${IMAGE}, command: ["sh", "-c", "echo failing; exit 3"]}
`;

const INDEXED = `apiVersion: batch/v1
kind: Job
metadata: {name: idx}
spec:
  completions: 3
  parallelism: 3
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
      - {name: main, image: ${IMAGE}, command: ["sh", "-c", "echo index=$JOB_COMPLETION_INDEX host=$(hostname)"]}
`;

const EPHEMERAL = `apiVersion: batch/v1
kind: Job
metadata: {name: ephemeral}
spec:
  ttlSecondsAfterFinished: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: main, image: ${IMAGE}, command: ["true"]}
`;

interface Pod { metadata: { name: string; creationTimestamp: string; labels: Record<string, string>; annotations?: Record<string, string> }; status: { phase: string } }
interface JobObj { spec: { selector: { matchLabels: Record<string, string> } }; status: { conditions?: { type: string; status: string; reason: string }[]; failed?: number; succeeded?: number; completedIndexes?: string } }

describe('Jobs through kubectl 1.32 on real containers', () => {
  let k: KubectlEnv;
  let kubectl120: (args: string[]) => Promise<Run>;
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL);
    kubectl120 = kubectl120Run(k);
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  const job = async (name: string) => JSON.parse((await k.run(['get', 'job', name, '-o', 'json'])).stdout) as JobObj;
  const podsOf = async (name: string) => (JSON.parse((await k.run(['get', 'pods', '-l', `batch.kubernetes.io/job-name=${name}`, '-o', 'json'])).stdout) as { items: Pod[] }).items;

  it('runs Jobs to completion and fails a Job whose pods keep failing after the back-off', async () => {
    // the failing Job first: its back-off runs while the other checks do
    const applied = await k.run(['apply', '-f', '-'], { input: FAILING + '---\n' + INDEXED + '---\n' + EPHEMERAL });
    expect(applied, applied.stderr).toMatchObject({ code: 0, stdout: 'job.batch/flaky created\njob.batch/idx created\njob.batch/ephemeral created\n' });

    // kubectl create job sends a protobuf body; wait and logs resolve the Job's pods
    const created = await k.run(['create', 'job', 'hello', `--image=${IMAGE}`, '--', 'sh', '-c', 'echo hello from a job']);
    expect(created, created.stderr).toMatchObject({ code: 0, stdout: 'job.batch/hello created\n' });
    const waited = await k.run(['wait', '--for=condition=complete', 'job/hello', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(waited, waited.stderr).toMatchObject({ code: 0, stdout: 'job.batch/hello condition met\n' });
    expect((await k.run(['logs', 'job/hello'])).stdout).toBe('hello from a job\n');
    const hello = await job('hello');
    const uid = hello.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'];
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(hello.status.conditions?.map((c) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
    const [helloPod] = await podsOf('hello');
    expect(helloPod!.metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'hello', 'job-name': 'hello', 'controller-uid': uid });
    expect(helloPod!.status.phase).toBe('Succeeded');
    expect((await k.run(['get', 'job', 'hello'])).stdout).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\nhello\s+Complete\s+1\/1\s+\d+s\s+\d+s\n$/);
    // mini-kube's own get and describe print what kubectl prints
    expect((await cli(k.cluster, ['get', 'jobs'])).stdout).toMatch(/hello\s+Complete\s+1\/1/);
    const described = (await k.run(['describe', 'job', 'hello'])).stdout;
    expect(described).toMatch(/Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed\n/);
    expect((await cli(k.cluster, ['describe', 'job', 'hello'])).stdout.replace(/\d+s /g, '')).toBe(described.replace(/\d+s /g, ''));
    // ttlSecondsAfterFinished: 0: the TTL-after-finished controller deletes the Job once it finished
    await until('ephemeral deleted', async () => (await k.run(['get', 'job', 'ephemeral'])).code !== 0, 30_000);

    // Indexed: one pod per index, JOB_COMPLETION_INDEX and the hostname <job>-<index>
    await until('idx complete', async () => (await job('idx')).status.conditions?.some((c) => c.type === 'Complete'), 60_000);
    expect((await job('idx')).status).toMatchObject({ succeeded: 3, completedIndexes: '0-2' });
    const idxPods = await podsOf('idx');
    const logs = await Promise.all(idxPods.map(async (p) => (await k.run(['logs', p.metadata.name])).stdout.trim()));
    expect(logs.sort()).toEqual(['index=0 host=idx-0', 'index=1 host=idx-1', 'index=2 host=idx-2']);
    for (const p of idxPods) {
      const i = p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'];
      expect(p.metadata.labels['batch.kubernetes.io/job-completion-index']).toBe(i);
      expect(p.metadata.name.startsWith(`idx-${i}-`)).toBe(true);
    }

    // the failing Job: 2 pods (backoffLimit 1), the 2nd at least 10 s after the 1st
    await until('flaky failed', async () => (await job('flaky')).status.conditions?.some((c) => c.type === 'Failed'), 90_000);
    const flaky = await job('flaky');
    expect(flaky.status.conditions?.find((c) => c.type === 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(flaky.status.failed).toBe(2);
    const starts = (await podsOf('flaky')).map((p) => Date.parse(p.metadata.creationTimestamp)).sort((a, b) => a - b);
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(10_000);
    expect((await k.run(['get', 'job', 'flaky', '--no-headers'])).stdout).toMatch(/^flaky\s+Failed\s+0\/1\s/);
    const events = (await k.run(['get', 'events', '--field-selector', 'involvedObject.name=flaky', '-o', 'jsonpath={.items[*].reason}'])).stdout;
    expect(events).toContain('BackoffLimitExceeded');

    // delete cascades to the pods (background propagation, the garbage collector)
    expect((await k.run(['delete', 'job', 'flaky'])).code).toBe(0);
    await until('flaky pods gone', async () => (await podsOf('flaky')).length === 0, 30_000);
  }, 120_000);

  it('creates a Job from a CronJob (kubectl create job --from=cronjob/X)', async () => {
    const cj = await k.run(['create', 'cronjob', 'nightly', `--image=${IMAGE}`, '--schedule=0 3 * * *', '--', 'sh', '-c', 'echo nightly run']);
    expect(cj, cj.stderr).toMatchObject({ code: 0, stdout: 'cronjob.batch/nightly created\n' });
    const made = await k.run(['create', 'job', 'nightly-now', '--from=cronjob/nightly']);
    expect(made, made.stderr).toMatchObject({ code: 0, stdout: 'job.batch/nightly-now created\n' });
    const waited = await k.run(['wait', '--for=condition=complete', 'job/nightly-now', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(waited, waited.stderr).toMatchObject({ code: 0 });
    expect((await k.run(['logs', 'job/nightly-now'])).stdout).toBe('nightly run\n');
    const owner = JSON.parse((await k.run(['get', 'job', 'nightly-now', '-o', 'jsonpath={.metadata.ownerReferences[0]}'])).stdout) as { kind: string; name: string };
    expect(owner).toMatchObject({ kind: 'CronJob', name: 'nightly' });
    // kubectl 1.20 sends JSON; its get reads the same server-side table
    const old = await kubectl120(['create', 'job', 'old-client', `--image=${IMAGE}`, '--', 'true']);
    expect(old, old.stderr).toMatchObject({ code: 0, stdout: 'job.batch/old-client created\n' });
    await until('old-client complete', async () => /old-client\s+Complete\s+1\/1/.test((await kubectl120(['get', 'jobs'])).stdout), 60_000);
  }, 90_000);
});
