// Jobs across a restart of the control plane: a finished Job's pod stays Succeeded and is not run again
// (its containers are gone after the stop, and the kubelet never leaves a terminal phase), the Job stays
// Complete, and a Job still running when the control plane stopped is finished after it comes back.
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../src/lib/index.js';
import { cliIn, testCluster, until } from './harness.js';

const IMAGE = 'ondalk8s/healthcheck:v1';
const JOBS = `apiVersion: batch/v1
kind: Job
metadata: {name: done}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: main, image: ${IMAGE}, command: ["sh", "-c", "echo once"]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: later}
spec:
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
      - {name: main, image: ${IMAGE}, command: ["sh", "-c", "sleep 1; echo later"]}
`;

interface PodObj { metadata: { uid: string }; status: { phase: string; containerStatuses?: { state: { terminated?: { containerID: string } } }[] } }
interface JobObj { status: { conditions?: { type: string }[]; succeeded?: number } }

describe('Jobs across a control-plane restart', () => {
  let cluster: Cluster | undefined;
  let home = '';
  afterAll(async () => {
    await cluster?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  }, 120_000);

  const mk = (args: string[], input?: string) => cliIn(home, args, { input, timeoutMs: 60_000 });
  const pod = async (job: string) => (JSON.parse((await mk(['get', 'pods', '-l', `job-name=${job}`, '-o', 'json'])).stdout) as { items: PodObj[] }).items;
  const job = async (name: string) => JSON.parse((await mk(['get', 'job', name, '-o', 'json'])).stdout) as JobObj;
  const complete = async (name: string) => (await job(name)).status.conditions?.some((c) => c.type === 'Complete');

  it('a finished Job\'s pod is not run again; the Job stays Complete', async () => {
    cluster = await testCluster();
    home = cluster.home;
    expect((await mk(['apply', '-f', '-'], JOBS.split('---\n')[0])).code).toBe(0);
    await until('done complete', () => complete('done'), 60_000);
    const [before] = await pod('done');
    const id = before!.status.containerStatuses?.[0]?.state.terminated?.containerID;
    expect(id).toMatch(/^docker:\/\//);

    await cluster.stop();
    cluster = await startCluster({ home });
    // a Job created while the control plane runs again
    expect((await mk(['apply', '-f', '-'], JOBS.split('---\n')[1])).code).toBe(0);
    await until('later complete', () => complete('later'), 60_000);
    const [after] = await pod('done');
    expect(after!.metadata.uid).toBe(before!.metadata.uid);
    expect(after!.status.phase).toBe('Succeeded');
    expect(after!.status.containerStatuses?.[0]?.state.terminated?.containerID).toBe(id);
    // nothing of it runs: no container of that pod was created again
    const running = execFileSync('docker', ['ps', '-q', '--filter', `label=io.mini-kube.pod-uid=${before!.metadata.uid}`]).toString().trim();
    expect(running).toBe('');
    expect((await job('done')).status).toMatchObject({ succeeded: 1 });
    expect(await complete('done')).toBe(true);
  }, 180_000);
});
