// ConfigMaps and Secrets on real containers, through kubectl: created with kubectl 1.20's `create`
// (JSON), 1.32's `create` (protobuf) and 1.32's `apply`, read by pods through env and envFrom,
// a pod waiting in CreateContainerConfigError until its ConfigMap appears, and Secret values that
// `get` and `describe` never print.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl120Run, kubectlEnv, type KubectlEnv, type Run } from './kubectl-support.js';
import { until } from './harness.js';

const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

const ENV_POD = `apiVersion: v1
kind: Pod
metadata:
  name: envpod
  labels: {app: envpod}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ondalk8s/healthcheck:v1
    command: ["sh", "-c", "sleep 3600"]
    resources:
      limits: {memory: 64Mi}
    envFrom:
    - configMapRef: {name: settings}
      prefix: CFG_
    - secretRef: {name: creds}
    env:
    - name: COLOR
      valueFrom: {configMapKeyRef: {name: settings, key: color}}
    - name: PASSWORD
      valueFrom: {secretKeyRef: {name: creds, key: password}}
    - name: GREETING
      value: "hello $(COLOR) $$(COLOR)"
    - name: MY_POD
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: MY_LABEL
      valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}
    - name: MEM_MI
      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
    - name: MISSING_OK
      valueFrom: {configMapKeyRef: {name: nowhere, key: k, optional: true}}
`;

const WAITING_POD = `apiVersion: v1
kind: Pod
metadata:
  name: waiter
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ondalk8s/healthcheck:v1
    command: ["sh", "-c", "sleep 3600"]
    env:
    - name: LATE
      valueFrom: {configMapKeyRef: {name: late, key: value}}
`;

describe('ConfigMaps and Secrets through kubectl, read by real containers', () => {
  let k: KubectlEnv;
  let kubectl120: (args: string[]) => Promise<Run>;
  beforeAll(async () => {
    k = await kubectlEnv(KUBECTL);
    kubectl120 = kubectl120Run(k);
  }, 240_000);
  afterAll(async () => { await k?.stop(); }, 120_000);

  it('kubectl 1.20 creates a ConfigMap from literals and a generic Secret; get shows counts, never values', async () => {
    // a key with a space is refused by the apiserver's key rule (kubectl's create checks it itself)
    const bad = await k.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\ndata: {"bad key": x}\n' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters');
    expect((await kubectl120(['create', 'configmap', 'settings', '--from-literal=color=blue', '--from-literal=size=L', '--from-literal=1st=x'])).code).toBe(0);
    const s = await kubectl120(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cr3t-value', '--from-literal=USER=admin']);
    expect(s.code, s.stderr).toBe(0);

    // kubectl 1.32's create sends protobuf (api-protobuf.test.ts): the same ConfigMap
    const created132 = await k.run(['create', 'configmap', 'proto', '--from-literal=a=b']);
    expect(created132, created132.stderr).toMatchObject({ code: 0, stdout: 'configmap/proto created\n' });
    expect((await k.run(['get', 'configmap', 'proto', '-o', 'jsonpath={.data.a}'])).stdout).toBe('b');
    const file = `${k.dir}/app.properties`;
    writeFileSync(file, 'mode=fast\nlevel=3\n');
    const fromFile = await kubectl120(['create', 'configmap', 'files', `--from-file=${file}`]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect((await k.run(['get', 'configmap', 'files', '-o', 'jsonpath={.data.app\\.properties}'])).stdout).toBe('mode=fast\nlevel=3\n');

    const got = await k.run(['get', 'configmap,secret']);
    expect(got.stdout).toMatch(/configmap\/settings\s+3\s+\S+/);
    expect(got.stdout).toMatch(/configmap\/files\s+1\s+\S+/);
    expect(got.stdout).toMatch(/secret\/creds\s+Opaque\s+2\s+\S+/);
    const described = await k.run(['describe', 'secret', 'creds']);
    expect(described.stdout).toMatch(/Type:\s+Opaque/);
    expect(described.stdout).toMatch(/password:\s+12 bytes/);
    expect(described.stdout).not.toContain('s3cr3t');
    expect((await k.run(['get', 'secrets'])).stdout).not.toContain('s3cr3t');
    expect((await k.run(['describe', 'configmap', 'settings'])).stdout).toContain('color:\n----\nblue\n');
  }, 120_000);

  it('a Secret applied with stringData is stored as base64 data; an immutable ConfigMap refuses new data', async () => {
    const applied = await k.run(['apply', '-f', '-'], { input: `apiVersion: v1
kind: Secret
metadata: {name: applied}
stringData: {token: abc}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: frozen}
immutable: true
data: {a: "1"}
` });
    expect(applied.code, applied.stderr).toBe(0);
    const secret = JSON.parse((await k.run(['get', 'secret', 'applied', '-o', 'json'])).stdout) as { data: Record<string, string>; stringData?: unknown; type: string };
    expect(secret.data).toEqual({ token: Buffer.from('abc').toString('base64') });
    expect(secret.stringData).toBeUndefined();
    expect(secret.type).toBe('Opaque');
    const patched = await k.run(['patch', 'configmap', 'frozen', '-p', '{"data":{"a":"2"}}']);
    expect(patched.code).not.toBe(0);
    expect(patched.stderr).toContain('ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
  }, 60_000);

  it('env and envFrom from a ConfigMap and a Secret, fieldRef, resourceFieldRef and $(VAR) reach the container', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: ENV_POD })).code).toBe(0);
    await until('envpod Running', async () => (await k.run(['get', 'pod', 'envpod', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', 60_000);
    const env = (await k.run(['exec', 'envpod', '--', 'env'])).stdout.split('\n');
    expect(env).toContain('COLOR=blue');
    expect(env).toContain('PASSWORD=s3cr3t-value');
    expect(env).toContain('USER=admin');
    expect(env).toContain('password=s3cr3t-value');
    expect(env).toContain('CFG_color=blue');
    expect(env).toContain('CFG_size=L');
    // "CFG_1st" is a valid name (only a leading digit is not); "1st" with the prefix is kept
    expect(env).toContain('CFG_1st=x');
    expect(env).toContain('GREETING=hello blue $(COLOR)');
    expect(env).toContain('MY_POD=envpod');
    expect(env).toContain('MY_LABEL=envpod');
    expect(env).toContain('MEM_MI=64');
    expect(env.some((l) => l.startsWith('MISSING_OK='))).toBe(false);
  }, 120_000);

  it('a pod whose ConfigMap is missing waits in CreateContainerConfigError and starts once it is applied', async () => {
    expect((await k.run(['apply', '-f', '-'], { input: WAITING_POD })).code).toBe(0);
    await until('CreateContainerConfigError', async () => (await k.run(['get', 'pod', 'waiter'])).stdout.match(/waiter\s+0\/1\s+CreateContainerConfigError/), 60_000);
    const described = await k.run(['describe', 'pod', 'waiter']);
    expect(described.stdout).toContain('Error: configmap "late" not found');
    await kubectl120(['create', 'configmap', 'late', '--from-literal=other=1']);
    await until('missing key message', async () => (await k.run(['get', 'pod', 'waiter', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.message}'])).stdout
      === "couldn't find key value in ConfigMap default/late", 30_000);
    expect((await k.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late}\ndata: {value: arrived}\n' })).code).toBe(0);
    // the kubelet watches ConfigMaps: well before its 10 s retry
    await until('waiter Running', async () => (await k.run(['get', 'pod', 'waiter'])).stdout.match(/waiter\s+1\/1\s+Running/), 8_000);
    expect((await k.run(['exec', 'waiter', '--', 'env'])).stdout).toContain('LATE=arrived');
  }, 120_000);
});
