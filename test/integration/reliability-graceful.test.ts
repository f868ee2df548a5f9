// Graceful pod deletion on the real engine: `delete pod --grace-period=8` shows Terminating, the pod
// leaves the Service's ready endpoints at once, its container gets SIGTERM (which this one ignores) and is SIGKILLed when the grace period is over, not before.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Endpoints, Pod } from '../../src/lib/index.js';
import { cli, testCluster, until } from './harness.js';
import { parseContainerId } from '../../src/kube/container-id.js';

/** long enough for a CLI `get` on a loaded machine to see the pod still Terminating */
const GRACE = 8;

const MANIFEST = `apiVersion: v1
kind: Pod
metadata: {name: stubborn, labels: {app: stubborn}}
spec:
  containers:
  - name: app
    image: ondalk8s/healthcheck:v1
    imagePullPolicy: IfNotPresent
    # the shell that gets SIGTERM ignores it (node itself would reset an inherited "ignore"): only SIGKILL ends it
    command: [sh, -c, "trap '' TERM; node app.js & wait"]
    readinessProbe: {httpGet: {path: /readiness, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: stubborn}
spec:
  selector: {app: stubborn}
  ports: [{port: 80, targetPort: 8080}]
`;

describe('reliability: graceful deletion', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await testCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('Terminating, out of the endpoints at once, SIGTERM ignored, SIGKILL after the grace period', async () => {
    await cluster.apply(MANIFEST);
    await cluster.waitForEndpoints('stubborn', 1);
    const pod = (await cluster.list<Pod>('Pod')).find((p) => p.metadata.name === 'stubborn')!;
    const id = parseContainerId(pod.status!.containerStatuses![0]!.containerID!);

    const started = Date.now();
    const deletion = cli(cluster, ['delete', 'pod', 'stubborn', `--grace-period=${GRACE}`]);
    const marked = await until('the deletion to be marked', async () =>
      (await cluster.list<Pod>('Pod')).find((p) => p.metadata.name === 'stubborn' && p.metadata.deletionTimestamp), 10_000);
    await until('the pod to leave the ready endpoints', async () => {
      const ep = (await cluster.list<Endpoints>('Endpoints')).find((e) => e.metadata.name === 'stubborn');
      return !(ep?.subsets ?? []).some((s) => s.addresses?.length);
    }, 1000);
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(GRACE);
    const got = await cli(cluster, ['get', 'pod', 'stubborn']);
    expect(got.stdout, got.stderr).toMatch(/stubborn\s+\S+\s+Terminating/);
    // still running well into the grace period (SIGTERM was sent and ignored)
    if (Date.now() - started < GRACE * 1000 - 1500) {
      expect(execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', id], { encoding: 'utf8' }).trim()).toBe('true');
    }

    const done = await deletion;
    expect(done.code, done.stderr).toBe(0);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(GRACE * 1000);
    expect(elapsed).toBeLessThan(GRACE * 1000 + 12_000);
    expect((await cluster.list<Pod>('Pod')).some((p) => p.metadata.name === 'stubborn')).toBe(false);
    // the engine's own record: SIGTERM first, SIGKILL after the grace period, then removed with the pod
    const signals = execFileSync('docker', ['events', '--since', String(Math.floor(started / 1000) - 1), '--until', String(Math.ceil(Date.now() / 1000)),
      '--filter', `container=${id}`, '--filter', 'event=kill', '--format', '{{.Actor.Attributes.signal}}'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(signals).toEqual(['15', '9']);
    const events = await cluster.events({ object: 'stubborn' });
    expect(events.some((e) => e.reason === 'Killing')).toBe(true);
    expect(execFileSync('docker', ['ps', '-aq', '--filter', `id=${id}`], { encoding: 'utf8' }).trim()).toBe('');
  }, 60_000);
});
