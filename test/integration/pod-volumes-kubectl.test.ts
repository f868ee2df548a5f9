// A mounted ConfigMap through kubectl 1.32, as a user meets it: `kubectl apply` of a ConfigMap and a pod that
// mounts it (whole, and one key by subPath), `kubectl exec` reading the files, a second `kubectl apply`
// changing the ConfigMap, and the mounted file following within seconds while the subPath file does not.
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './harness.js';
import { kubectlEnv, type KubectlEnv } from './kubectl-support.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

const CONFIG = (level: string): string => `apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data:
  level: "${level}"
  app.properties: |
    mode=fast
`;

const POD = `apiVersion: v1
kind: Pod
metadata: {name: reader}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ondalk8s/healthcheck:v1
    command: ["sh", "-c", "sleep 3600"]
    volumeMounts:
    - {name: config, mountPath: /config}
    - {name: config, mountPath: /pinned/level, subPath: level}
  volumes:
  - name: config
    configMap: {name: app-config}
`;

describe('a mounted ConfigMap through kubectl 1.32', () => {
  let k: KubectlEnv;
  beforeAll(async () => {
    if (!fs.existsSync(KUBECTL)) throw new Error(`kubectl is expected at ${KUBECTL} (set KUBECTL to another path)`);
    k = await kubectlEnv(KUBECTL);
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  it('kubectl exec reads the file; kubectl apply of a new ConfigMap reaches it, not the subPath copy', async () => {
    const applied = await k.run(['apply', '-f', '-'], { input: `${CONFIG('info')}---\n${POD}` });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toBe('configmap/app-config created\npod/reader created\n');
    await until('reader Running', async () => (await k.run(['get', 'pod', 'reader', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', 90_000);
    const read = await k.run(['exec', 'reader', '--', 'sh', '-c', 'cat /config/level; echo; cat /config/app.properties; cat /pinned/level']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toBe('info\nmode=fast\ninfo');

    const changed = await k.run(['apply', '-f', '-'], { input: CONFIG('debug') });
    expect(changed.stdout).toBe('configmap/app-config configured\n');
    const started = Date.now();
    await until('the new level in the pod', async () => (await k.run(['exec', 'reader', '--', 'cat', '/config/level'])).stdout === 'debug', 30_000);
    console.log(`kubectl apply -> kubectl exec sees the new file: ${Date.now() - started} ms`);
    expect((await k.run(['exec', 'reader', '--', 'cat', '/pinned/level'])).stdout).toBe('info');
    const described = await k.run(['describe', 'pod', 'reader']);
    expect(described.stdout).toMatch(/config:\s+Type:\s+ConfigMap \(a volume populated by a ConfigMap\)\s+Name:\s+app-config/);
  }, 180_000);
});
