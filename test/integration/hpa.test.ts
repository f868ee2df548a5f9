// The HorizontalPodAutoscaler on a real control plane, through kubectl 1.32 (and 1.20's get/describe):
// pods burning CPU on the engine make it scale their Deployment up; when they stop, it scales back down
// after the manifest's short stabilization window. kubectl autoscale (autoscaling/v1, protobuf) on a
// Deployment without CPU requests reports the controller's FailedGetResourceMetric. Resolution and sync
// period are 2 s for the test (15 s on a real cluster).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl120Run, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';
import { sleep, until } from './harness.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

// Burns until /tmp/stop exists (kubectl exec touches it), then idles. A target of 20% of a 100m request
// scales up even when the loaded test machine gives each burning pod only a few dozen millicores.
const BURN = `apiVersion: apps/v1
kind: Deployment
metadata: {name: burn}
spec:
  replicas: 1
  selector: {matchLabels: {app: burn}}
  template:
    metadata: {labels: {app: burn}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: burn
        image: ondalk8s/healthcheck:v1
        command: ["sh", "-c", "while [ ! -e /tmp/stop ]; do :; done; sleep 3600"]
        resources: {requests: {cpu: 100m}, limits: {cpu: 150m}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: burn}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: burn}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 20}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 4}
`;

const NO_REQUESTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: plain}
spec:
  replicas: 1
  selector: {matchLabels: {app: plain}}
  template:
    metadata: {labels: {app: plain}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: main
        image: ondalk8s/healthcheck:v1
        command: ["sh", "-c", "sleep 3600"]
`;

describe('HorizontalPodAutoscaler', () => {
  let k: KubectlEnv;
  let kubectl120: (args: string[]) => Promise<Run>;
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL, { metricsResolutionMs: 2000, hpaSyncPeriodMs: 2000 });
    kubectl120 = kubectl120Run(k);
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  const replicas = async (name: string) => Number((await k.run(['get', 'deploy', name, '-o', 'jsonpath={.spec.replicas}'])).stdout);

  it('scales a Deployment up while its pods burn CPU and down after the stabilization window', async () => {
    const applied = await k.run(['apply', '-f', '-'], { input: BURN });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('horizontalpodautoscaler.autoscaling/burn created');

    await until('the HPA to scale burn up', async () => ((await replicas('burn')) >= 2 ? true : undefined), 60_000);
    const hpa = await k.run(['get', 'hpa', 'burn']);
    expect(hpa.stdout.split('\n')[0]).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/);
    expect(hpa.stdout).toMatch(/^burn\s+Deployment\/burn\s+cpu: \d+%\/20%\s+1\s+3\s+\d+\s+\S+$/m);
    const events = await k.run(['get', 'events', '--field-selector', 'involvedObject.kind=HorizontalPodAutoscaler,reason=SuccessfulRescale', '-o', 'jsonpath={.items[*].message}']);
    expect(events.stdout).toMatch(/New size: [23]; reason: cpu resource utilization \(percentage of request\) above target/);

    const described = await k.run(['describe', 'hpa', 'burn']);
    expect(described.stdout).toMatch(/Reference:\s+Deployment\/burn/);
    expect(described.stdout).toMatch(/resource cpu on pods {2}\(as a percentage of request\):\s+\d+% \(\d+m\) \/ 20%/);
    expect(described.stdout).toMatch(/AbleToScale\s+True/);
    expect(described.stdout).toMatch(/ScalingActive\s+True\s+ValidMetricFound/);
    expect(described.stdout).toMatch(/Stabilization Window: 4 seconds/);
    const old = await kubectl120(['describe', 'hpa', 'burn']);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stdout).toMatch(/Target CPU utilization:\s+20%/);

    // stop the load in every pod, then the HPA brings it back to minReplicas
    await until('every burn pod running', async () => {
      const pods = (await k.run(['get', 'pods', '-l', 'app=burn', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.phase}{"\\n"}{end}'])).stdout.trim().split('\n');
      return pods.length >= 2 && pods.every((l) => l.endsWith(' Running')) ? pods : undefined;
    }, 60_000);
    // each pod is told once: an exec runs in the pod's cgroup, so telling them again and again (every poll)
    // would itself keep their CPU above the target
    const stopped = new Set<string>();
    const stopAll = async () => {
      const names = (await k.run(['get', 'pods', '-l', 'app=burn', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.trim().split(/\s+/);
      for (const n of names.filter((x) => x && !stopped.has(x))) {
        if ((await k.run(['exec', n, '--', 'touch', '/tmp/stop'])).code === 0) stopped.add(n);
      }
    };
    await stopAll();
    await until('the HPA to scale burn back down to 1', async () => {
      if ((await replicas('burn')) === 1) return true;
      await stopAll(); // a pod the scale-up started late
      await sleep(1000);
      return undefined;
    }, 75_000);
    const down = await k.run(['get', 'events', '--field-selector', 'involvedObject.kind=HorizontalPodAutoscaler,reason=SuccessfulRescale', '-o', 'jsonpath={.items[*].message}']);
    expect(down.stdout).toMatch(/New size: 1; reason: All metrics below target/);
  }, 180_000);

  it('kubectl autoscale (autoscaling/v1) on pods without CPU requests reports the missing request', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: NO_REQUESTS })).code).toBe(0);
    const made = await k.run(['autoscale', 'deploy', 'plain', '--cpu-percent=50', '--min=1', '--max=5']);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain('horizontalpodautoscaler.autoscaling/plain autoscaled');
    const v1 = JSON.parse((await k.run(['get', '--raw', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/plain'])).stdout);
    expect(v1).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { targetCPUUtilizationPercentage: 50, minReplicas: 1, maxReplicas: 5 } });
    const condition = await until('ScalingActive False', async () => {
      const hpa = JSON.parse((await k.run(['get', 'hpa', 'plain', '-o', 'json'])).stdout);
      return hpa.status?.conditions?.find((c: { type: string; status: string }) => c.type === 'ScalingActive' && c.status === 'False');
    }, 60_000);
    expect(condition.reason).toBe('FailedGetResourceMetric');
    expect(condition.message).toMatch(/^the HPA was unable to compute the replica count: failed to get cpu utilization: (missing request for cpu in container main of Pod plain-\S+|unable to get metrics for resource cpu: no metrics returned from resource metrics API)$/);
    await until('the missing request reported', async () => {
      const d = await k.run(['describe', 'hpa', 'plain']);
      return /missing request for cpu in container main of Pod plain-/.test(d.stdout) ? d.stdout : undefined;
    }, 60_000);
    const table = await k.run(['get', 'hpa', 'plain']);
    expect(table.stdout).toMatch(/^plain\s+Deployment\/plain\s+cpu: <unknown>\/50%\s+1\s+5\s+1\s/m);
    const old = await kubectl120(['get', 'hpa']);
    expect(old.stdout).toMatch(/^plain\s+Deployment\/plain\s+cpu: <unknown>\/50%/m);
    // kubectl 1.20's autoscale writes autoscaling/v1 as well
    expect((await k.run(['delete', 'hpa', 'plain'])).code).toBe(0);
    const old120 = await kubectl120(['autoscale', 'deploy', 'plain', '--cpu-percent=70', '--max=3']);
    expect(old120.code, old120.stderr).toBe(0);
    expect(old120.stdout).toContain('horizontalpodautoscaler.autoscaling/plain autoscaled');
    expect((await k.run(['get', 'hpa', 'plain'])).stdout).toMatch(/^plain\s+Deployment\/plain\s+cpu: <unknown>\/70%\s+1\s+3\s/m);
  }, 120_000);
});
