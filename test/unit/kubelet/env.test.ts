// makeEnvironmentVariables as a table: what each env/envFrom source gives, what a missing reference says.
import { describe, expect, it } from 'vitest';
import { containerEnv, type ConfigSource } from '../../../src/kubelet/env.js';
import type { ConfigMap, Container, Pod, Secret } from '../../../src/kube/types.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const source: ConfigSource = {
  configMap: (ns, name) => (ns === 'default' && name === 'cm' ? { data: { a: '1', 'b.c': '2', '9x': 'bad' } } as ConfigMap : undefined),
  secret: (ns, name) => (ns === 'default' && name === 'sec' ? { data: { pw: b64('s3cret') } } as Secret : undefined),
};
const pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1', labels: { app: 'web' } }, spec: { containers: [] } } as unknown as Pod;
const run = (c: Partial<Container>) => containerEnv(pod, { name: 'c', ...c } as Container, source);
const envOf = (c: Partial<Container>) => {
  const r = run(c);
  if (!r.ok) throw new Error(r.message);
  return Object.fromEntries(r.env.map((e) => [e.name, e.value]));
};

describe('containerEnv (the kubelet\'s makeEnvironmentVariables)', () => {
  it.each([
    ['configMapKeyRef', { env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'a' } } }] }, { A: '1' }],
    ['secretKeyRef is decoded', { env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'sec', key: 'pw' } } }] }, { P: 's3cret' }],
    ['optional missing object: left out', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'no', key: 'a', optional: true } } }] }, {}],
    ['optional missing key: left out', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'sec', key: 'no', optional: true } } }] }, {}],
    ['fieldRef name, uid, label', { env: [
      { name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'U', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      { name: 'L', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
    ] }, { N: 'p', U: 'u1', L: 'web' }],
    ['$(VAR) from envFrom and earlier env; $$ escapes; unknown stays', { envFrom: [{ configMapRef: { name: 'cm' } }], env: [
      { name: 'E', value: '$(a)-$$(a)-$(nope)' },
    ] }, { a: '1', 'b.c': '2', E: '1-$(a)-$(nope)' }],
    ['env overrides envFrom; prefix applied', { envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'P_' }], env: [{ name: 'P_a', value: 'mine' }] },
      { P_a: 'mine', 'P_b.c': '2', P_9x: 'bad' }],
    ['resourceFieldRef with divisor, rounded up', { resources: { limits: { memory: '65M', cpu: '250m' } }, env: [
      { name: 'M', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'C', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
      { name: 'C1', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'R', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
    ] }, { M: '62', C: '250', C1: '1', R: '250' }],
  ] as [string, Partial<Container>, Record<string, string>][])('%s', (_name, c, want) => {
    expect(envOf(c)).toEqual(want);
  });

  it('keys that are not variable names are skipped with the kubelet\'s warning', () => {
    const r = run({ envFrom: [{ configMapRef: { name: 'cm' } }] });
    expect(r.ok && r.warnings).toEqual(['Keys [9x] from the EnvFrom configMap default/cm were skipped since they are considered invalid environment variable names.']);
  });

  it.each([
    [{ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'x', key: 'a' } } }] }, 'configmap "x" not found'],
    [{ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'x', key: 'a' } } }] }, 'secret "x" not found'],
    [{ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] }, "couldn't find key k in ConfigMap default/cm"],
    [{ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'sec', key: 'k' } } }] }, "couldn't find key k in Secret default/sec"],
    [{ envFrom: [{ secretRef: { name: 'gone' } }] }, 'secret "gone" not found'],
  ] as [Partial<Container>, string][])('a required reference missing: %j', (c, message) => {
    expect(run(c)).toEqual({ ok: false, message });
  });
});
