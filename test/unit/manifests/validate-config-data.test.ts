// ConfigMap/Secret admission: the apiserver's wording for keys, base64, stringData and immutable.
import { describe, expect, it } from 'vitest';
import { admit } from '../../../src/manifests/index.js';
import { validateConfigDataUpdate } from '../../../src/manifests/validate-config-data.js';
import { formatFieldError } from '../../../src/manifests/field-errors.js';
import type { ConfigMap, Secret } from '../../../src/kube/types.js';
import type { KubeObject } from '../../../src/store/store.js';

const refusal = (obj: unknown): string => {
  try { admit(obj as KubeObject); } catch (e) { return (e as Error).message; }
  throw new Error('admitted');
};

describe('ConfigMap and Secret admission', () => {
  it('stringData is folded into data as base64 and never stored; type defaults to Opaque', () => {
    const out = admit({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'eA==', b: 'eA==' }, stringData: { b: 'yz' } }).object as Secret;
    expect(out.data).toEqual({ a: 'eA==', b: Buffer.from('yz').toString('base64') });
    expect(out.stringData).toBeUndefined();
    expect(out.type).toBe('Opaque');
  });

  it.each([
    [{ kind: 'ConfigMap', data: { 'a b': 'x' } }, 'data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters'],
    [{ kind: 'ConfigMap', data: { '..x': 'x' } }, "data[..x]: Invalid value: \"..x\": must not start with '..'"],
    [{ kind: 'ConfigMap', data: { k: 'x' }, binaryData: { k: 'eA==' } }, 'data[k]: Invalid value: "k": duplicate of key present in binaryData'],
    [{ kind: 'Secret', data: { k: 'not base64!' } }, 'illegal base64 data at input byte 3'],
    [{ kind: 'Secret', type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }, 'data[tls.key]: Required value'],
  ])('%j is refused', (body, text) => {
    expect(refusal({ apiVersion: 'v1', metadata: { name: 'o' }, ...body })).toContain(text);
  });

  it('immutable: data, binaryData and the flag itself are kept; a Secret\'s type never changes', () => {
    const old = { immutable: true, data: { a: '1' } } as ConfigMap;
    const errs = validateConfigDataUpdate('ConfigMap', { data: { a: '2' } } as ConfigMap, old).map(formatFieldError);
    expect(errs).toEqual([
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
    expect(validateConfigDataUpdate('ConfigMap', { immutable: true, data: { a: '1' }, metadata: { labels: { x: 'y' } } } as ConfigMap, old)).toEqual([]);
    expect(validateConfigDataUpdate('Secret', { type: 'kubernetes.io/tls' } as Secret, { type: 'Opaque' } as Secret).map(formatFieldError))
      .toEqual(['type: Invalid value: "kubernetes.io/tls": field is immutable']);
  });

  it.each([
    [{ fieldRef: { fieldPath: 'status.phase' } }, 'env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase"'],
    [{ fieldRef: { fieldPath: 'spec.hostname' } }, 'env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.hostname": supported values: "metadata.name"'],
    [{ resourceFieldRef: { resource: 'limits.cpu', divisor: '2' } }, "only divisor's values 1m, 1 are supported with the cpu resource"],
    [{ configMapKeyRef: { name: 'x', key: 'a b' } }, 'env[0].valueFrom.configMapKeyRef.key: Invalid value: "a b"'],
  ])('env %j is refused', (valueFrom, text) => {
    expect(refusal({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'E', valueFrom }] }] } })).toContain(text);
  });

  it('envFrom needs one source and a valid prefix', () => {
    const pod = (envFrom: unknown) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', envFrom }] } });
    expect(refusal(pod([{ prefix: 'X' }]))).toContain('spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`');
    expect(refusal(pod([{ prefix: '1', configMapRef: { name: 'a' } }]))).toContain('spec.containers[0].envFrom[0].prefix: Invalid value: "1"');
  });
});
