// fieldValidation through the real kubectl: 1.32 sends fieldValidation=Strict by default (Warn with
// --validate=warn, Ignore with --validate=false) on apply, create, replace and patch; 1.20 sends none,
// which the apiserver reads as Warn. A typo (`spec.replica: 3`) must fail under Strict with the
// apiserver's text and leave a scaled Deployment as it was; Warn and Ignore accept it (dropping the
// field, as the apiserver does). A real control plane with real containers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './harness.js';
import { ensureKubectl120, kubectlEnv, type KubectlEnv } from './kubectl-support.js';

const IMAGE = 'ondalk8s/healthcheck:v1';

let env: KubectlEnv;
let kubectl120: string;
let typo: string;
let good: string;

const manifest = (replicasLine: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
${replicasLine}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${IMAGE}
`;

beforeAll(async () => {
  kubectl120 = ensureKubectl120();
  env = await kubectlEnv(process.env['KUBECTL'] ?? 'kubectl');
  typo = path.join(env.dir, 'typo.yaml');
  good = path.join(env.dir, 'good.yaml');
  fs.writeFileSync(typo, manifest('  replica: 3'));
  fs.writeFileSync(good, manifest('  replicas: 1'));
}, 180_000);

afterAll(async () => {
  await env?.stop();
}, 120_000);

const k = (args: string[]) => env.run(args);
const replicas = async () => Number((await k(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'])).stdout);

/**
 * Until the Deployment's controller has nothing left to write: every replica updated and available, and the
 * rollout marked complete. kubectl patch prints "(no change)" only when the object it read before the
 * patch equals the patch's answer; a status write in between (a pod becoming ready) makes it "patched".
 */
async function settled(want: number): Promise<void> {
  await until(`the Deployment web settled at ${want} replicas`, async () => {
    const d = JSON.parse((await k(['get', 'deployment', 'web', '-o', 'json'])).stdout) as {
      metadata: { generation?: number };
      status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number; conditions?: { type: string; reason?: string }[] };
    };
    const st = d.status ?? {};
    return st.observedGeneration === d.metadata.generation && st.replicas === want && st.updatedReplicas === want && st.readyReplicas === want &&
      st.availableReplicas === want && st.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable') === true;
  }, 90_000);
}

describe('kubectl 1.32', () => {
  it('create of a manifest with a typo fails under Strict (the default) and creates nothing', async () => {
    const r = await k(['apply', '-f', typo]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error from server (BadRequest): error when creating "${typo}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"`);
    expect((await k(['get', 'deployment', 'web'])).code).toBe(1);
  });

  it('apply of the typo to a scaled Deployment fails under Strict and leaves it scaled', async () => {
    expect((await k(['apply', '-f', good])).code).toBe(0);
    expect((await k(['scale', 'deployment', 'web', '--replicas=2'])).code).toBe(0);
    const r = await k(['apply', '-f', typo]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (BadRequest): error when applying patch:');
    expect(r.stderr).toMatch(/error when patching ".*typo\.yaml": strict decoding error: unknown field "spec\.replica"\n$/);
    expect(await replicas()).toBe(2);
  });

  it('replace and server-side apply refuse it too, each with its own apiserver text', async () => {
    const replace = await k(['replace', '-f', typo]);
    expect(replace.code).toBe(1);
    expect(replace.stderr).toContain('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"');
    const ssa = await k(['apply', '--server-side', '-f', typo]);
    expect(ssa.code).toBe(1);
    expect(ssa.stderr).toBe('Error from server (BadRequest): failed to create typed patch object (apps/v1, Kind=Deployment): .spec.replica: field not declared in schema\n');
    expect(await replicas()).toBe(2);
  });

  it('patch (which has no --validate and sends no fieldValidation: Warn) warns and drops the field', async () => {
    await settled(2);
    const patch = await k(['patch', 'deployment', 'web', '--type=merge', '-p', '{"spec":{"replica":5}}']);
    expect(patch.code, patch.stderr).toBe(0);
    expect(patch.stderr).toBe('Warning: unknown field "spec.replica"\n');
    expect(patch.stdout).toBe('deployment.apps/web patched (no change)\n');
    expect(await replicas()).toBe(2);
  }, 120_000);

  it('--validate=warn applies with `Warning: unknown field "spec.replica"` (the field dropped, so replicas is unset: 1)', async () => {
    const r = await k(['apply', '-f', typo, '--validate=warn']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('deployment.apps/web configured\n');
    expect(r.stderr).toContain('Warning: unknown field "spec.replica"\n');
    expect(await replicas()).toBe(1);
  });

  it('--validate=false (Ignore) applies silently', async () => {
    const both = path.join(env.dir, 'both.yaml');
    fs.writeFileSync(both, manifest('  replica: 5\n  replicas: 3'));
    const r = await k(['apply', '-f', both, '--validate=false']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(await replicas()).toBe(3);
  });

  it('what `get -o yaml` prints (status of running pods included) is accepted back under Strict', async () => {
    const rolled = await env.run(['rollout', 'status', 'deployment', 'web', '--timeout=90s'], { timeoutMs: 100_000 });
    expect(rolled.code, rolled.stderr).toBe(0);
    expect((await k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.containerStatuses[0].state.running.startedAt}'])).stdout).toMatch(/\dZ/);
    for (const kind of ['deployment', 'pod', 'replicaset']) {
      const got = await k(['get', kind, '-l', kind === 'deployment' ? '' : 'app=web', '-o', 'yaml']);
      expect(got.code, got.stderr).toBe(0);
      const replaced = await env.run(['replace', '-f', '-'], { input: got.stdout });
      expect(replaced.code, `${kind}: ${replaced.stderr}`).toBe(0);
      expect(replaced.stderr).toBe('');
    }
  }, 120_000);
});

describe('kubectl 1.20 (no fieldValidation parameter: Warn)', () => {
  const run120 = async (args: string[]) => {
    const [, ...rest] = env.argv(['--cache-dir', path.join(env.dir, 'cache-120'), ...args]);
    const { execFile } = await import('node:child_process');
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(kubectl120, rest, { env: { ...process.env, HOME: env.dir, KUBECONFIG: '', LANG: 'C' }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }));
    });
  };

  it('apply of the typo is refused by kubectl itself (client-side validation against /openapi/v2), as against a cluster', async () => {
    const r = await run120(['apply', '-f', typo]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ValidationError(Deployment.spec): unknown field "replica" in io.k8s.api.apps.v1.DeploymentSpec');
  });

  it('apply --validate=false of the typo is accepted with the server\'s warning', async () => {
    const r = await run120(['apply', '--validate=false', '-f', typo]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('deployment.apps/web configured\n');
    expect(r.stderr).toContain('Warning: unknown field "spec.replica"');
  });
});
