// fieldValidation as the apiserver reads it: the parameter's values, the exact texts of a strict
// decoding error (create/update vs patch), the warnings of Warn, silence of Ignore, repeated JSON keys,
// and server-side apply's typed-conversion error that no mode turns off.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { byKind } from '../../../src/kube/kinds.js';
import { StatusError } from '../../../src/kube/errors.js';
import { checkAppliedFields, checkFields, fieldValidationOf } from '../../../src/api/handlers/field-validation.js';
import { duplicateKeys, readObjectBody } from '../../../src/api/http/body.js';

const deployment = byKind('Deployment')!;
const typo = () => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
  spec: { replica: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', imagee: 'x' }] } } },
});

function thrown(fn: () => unknown): StatusError {
  try { fn(); } catch (e) { return e as StatusError; }
  throw new Error('did not throw');
}

describe('fieldValidation parameter', () => {
  it.each([[null, 'Warn'], ['', 'Warn'], ['Strict', 'Strict'], ['Warn', 'Warn'], ['Ignore', 'Ignore']])('%s -> %s', (v, mode) => {
    const q = new URLSearchParams(v === null ? '' : `fieldValidation=${v}`);
    expect(fieldValidationOf('CreateOptions', q)).toBe(mode);
  });

  it('another value (the apiserver is case-sensitive) is 422 naming the options kind', () => {
    const e = thrown(() => fieldValidationOf('PatchOptions', new URLSearchParams('fieldValidation=strict')));
    expect(e.code).toBe(422);
    expect(e.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "Ignore", "Strict", "Warn"');
  });
});

describe('unknown fields', () => {
  it('Strict on create: the decoder error wrapped as transformDecodeError does', () => {
    const e = thrown(() => checkFields('Strict', typo(), deployment, undefined, { verb: 'create', type: deployment, apiVersion: 'apps/v1' }));
    expect(e.code).toBe(400);
    expect(e.reason).toBe('BadRequest');
    expect(e.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagee"');
  });

  it('Strict on patch: the bare strict decoding error', () => {
    expect(thrown(() => checkFields('Strict', typo(), deployment, undefined, { verb: 'patch' })).message)
      .toBe('strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagee"');
  });

  it('Warn returns one warning per field and drops them; Ignore drops them silently', () => {
    const warned = typo();
    expect(checkFields('Warn', warned, deployment, undefined, { verb: 'patch' })).toEqual(['unknown field "spec.replica"', 'unknown field "spec.template.spec.containers[0].imagee"']);
    expect(warned.spec).not.toHaveProperty('replica');
    const ignored = typo();
    expect(checkFields('Ignore', ignored, deployment, undefined, { verb: 'patch' })).toEqual([]);
    expect(ignored.spec).not.toHaveProperty('replica');
  });

  it('a known object passes every mode untouched', () => {
    const ok = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    expect(checkFields('Strict', ok, byKind('ConfigMap')!, undefined, { verb: 'patch' })).toEqual([]);
    expect(ok).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } });
  });

  it('server-side apply refuses them whatever the mode, with structured-merge-diff paths', () => {
    const e = thrown(() => checkAppliedFields(typo(), deployment));
    expect(e.code).toBe(400);
    expect(e.message).toBe('failed to create typed patch object (apps/v1, Kind=Deployment): errors:\n  .spec.replica: field not declared in schema\n  .spec.template.spec.containers[name="c"].imagee: field not declared in schema');
    const one = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { port: 80 } };
    expect(thrown(() => checkAppliedFields(one, byKind('Service')!)).message).toBe('failed to create typed patch object (/v1, Kind=Service): .spec.port: field not declared in schema');
  });
});

describe('duplicate fields', () => {
  it.each([
    ['{"spec":{"replicas":1,"replicas":2}}', ['spec.replicas']],
    ['{"a":"x\\"y","b":[{"n":1,"n":2},{"n":3}],"a":1}', ['b[0].n', 'a']],
    ['{"metadata":{"labels":{"app":"x"}},"data":{"k":"v"}}', []],
    [' [ {"x" : 1 , "x":2} ] ', ['[0].x']],
  ])('%s -> %j', (text, paths) => {
    expect(duplicateKeys(text)).toEqual(paths);
  });

  it('are remembered by the body reader and reported with the unknown fields (Strict) or warned (Warn)', async () => {
    const text = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","a":"2"},"dta":{}}';
    const read = () => readObjectBody(Object.assign(Readable.from([Buffer.from(text)]), { headers: { 'content-type': 'application/json' } }) as unknown as IncomingMessage);
    const strict = await read();
    expect(strict['data']).toEqual({ a: '2' });
    expect(thrown(() => checkFields('Strict', strict, byKind('ConfigMap')!, strict, { verb: 'create', type: byKind('ConfigMap')!, apiVersion: 'v1' })).message)
      .toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dta", duplicate field "data.a"');
    const warn = await read();
    expect(checkFields('Warn', warn, byKind('ConfigMap')!, warn, { verb: 'patch' })).toEqual(['unknown field "dta"', 'duplicate field "data.a"']);
  });
});
