import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../../../src/api/patch/json-patch.js';
import { applyMergePatch } from '../../../src/api/patch/merge-patch.js';
import { fieldsMatch, parseFieldSelector } from '../../../src/api/registry/field-selector.js';
import { parseResourcePath } from '../../../src/api/http/paths.js';
import { generateName, nameProblem } from '../../../src/kube/names.js';
import { pickWebSocketProtocol } from '../../../src/api/streaming/exec-websocket.js';
import { StatusError } from '../../../src/kube/errors.js';

function codeOf(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err.code;
    throw err;
  }
  return 0;
}

describe('JSON patch (RFC 6902)', () => {
  const doc = { spec: { replicas: 1, list: ['a', 'b'] }, metadata: { labels: { 'a/b': 'x' } } };

  it('refuses copies that double the document over and over (413 at the body limit, at once)', () => {
    const big = { spec: { data: 'x'.repeat(1000) } };
    const ops = Array.from({ length: 40 }, (_, i) => ({ op: 'copy', from: '/spec', path: `/spec/c${i}` }));
    const started = performance.now();
    expect(codeOf(() => applyJsonPatch(big, ops))).toBe(413);
    expect(performance.now() - started).toBeLessThan(1000);
    // a few ordinary copies still work
    expect(applyJsonPatch(big, ops.slice(0, 3))).toHaveProperty(['spec', 'c2', 'c1', 'c0', 'data']);
  });

  it('applies add, remove, replace, move, copy and test', () => {
    const out = applyJsonPatch(doc, [
      { op: 'test', path: '/spec/replicas', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/spec/list/-', value: 'c' },
      { op: 'add', path: '/spec/list/0', value: 'z' },
      { op: 'remove', path: '/metadata/labels/a~1b' },
      { op: 'copy', from: '/spec/replicas', path: '/spec/copied' },
      { op: 'move', from: '/spec/copied', path: '/spec/moved' },
    ]);
    expect(out).toEqual({ spec: { replicas: 5, list: ['z', 'a', 'b', 'c'], moved: 5 }, metadata: { labels: {} } });
    expect(doc.spec.replicas).toBe(1);
  });

  it('fails a failed test or a missing path with 422, a malformed op with 400', () => {
    expect(codeOf(() => applyJsonPatch(doc, [{ op: 'test', path: '/spec/replicas', value: 2 }]))).toBe(422);
    expect(codeOf(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/nope', value: 2 }]))).toBe(422);
    expect(codeOf(() => applyJsonPatch(doc, [{ op: 'remove', path: '/spec/list/7' }]))).toBe(422);
    expect(codeOf(() => applyJsonPatch(doc, [{ op: 'jump', path: '/x' }]))).toBe(400);
    expect(codeOf(() => applyJsonPatch(doc, ['nonsense']))).toBe(400);
    expect(codeOf(() => applyJsonPatch(doc, [{ op: 'add', path: '/__proto__/x', value: 1 }]))).toBe(400);
  });

  // RFC 6902 section 4.6: objects are equal when they hold the same members, whatever their order;
  // arrays when their elements are equal in order; numbers by value.
  it.each([
    { name: 'objects in another key order', current: { b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } }, value: { a: { c: [3, { e: 5, f: 4 }], d: 2 }, b: 1 }, equal: true },
    { name: 'equal arrays', current: [1, 'x', null], value: [1, 'x', null], equal: true },
    { name: 'arrays in another order', current: [1, 2], value: [2, 1], equal: false },
    { name: 'an object with one member more', current: { a: 1, b: 2 }, value: { a: 1 }, equal: false },
    { name: 'an object with one member less', current: { a: 1 }, value: { a: 1, b: null }, equal: false },
    { name: 'a number and its string', current: 1, value: '1', equal: false },
    { name: 'null and an empty object', current: null, value: {}, equal: false },
    { name: 'an array and an object with index keys', current: ['a'], value: { 0: 'a' }, equal: false },
    { name: '1 and 1.0', current: 1, value: 1.0, equal: true },
  ])('test compares $name as JSON values (equal: $equal)', ({ current, value, equal }) => {
    const ops = [{ op: 'test', path: '/v', value }];
    if (equal) expect(applyJsonPatch({ v: current }, ops)).toEqual({ v: current });
    else expect(codeOf(() => applyJsonPatch({ v: current }, ops))).toBe(422);
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  it('merges maps, deletes on null and replaces lists', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({ a: { c: 2, d: 3 }, l: [3] });
  });
});

describe('field selectors', () => {
  const event = { kind: 'Event', metadata: { name: 'e1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'u1' } };

  it('matches involvedObject fields, =, == and !=', () => {
    expect(fieldsMatch(parseFieldSelector('involvedObject.name=web-1,involvedObject.namespace==default,involvedObject.uid=u1,involvedObject.kind=Pod', 'Event'), event)).toBe(true);
    expect(fieldsMatch(parseFieldSelector('involvedObject.name!=web-1', 'Event'), event)).toBe(false);
    expect(fieldsMatch(parseFieldSelector('metadata.name=e2', 'Event'), event)).toBe(false);
  });

  it('selects Jobs on status.successful, the succeeded count (0 when none)', () => {
    const job = { kind: 'Job', metadata: { name: 'j' }, status: { succeeded: 2 } };
    expect(fieldsMatch(parseFieldSelector('status.successful=2', 'Job'), job)).toBe(true);
    expect(fieldsMatch(parseFieldSelector('status.successful=0', 'Job'), { ...job, status: {} })).toBe(true);
  });

  it('rejects unsupported fields with 400 like the apiserver', () => {
    expect(codeOf(() => parseFieldSelector('spec.foo=bar', 'Pod'))).toBe(400);
    expect(codeOf(() => parseFieldSelector('nonsense', 'Pod'))).toBe(400);
  });

  it('unescapes values', () => {
    expect(parseFieldSelector('metadata.name=a\\,b', 'Pod')).toEqual([{ field: 'metadata.name', op: '=', value: 'a,b' }]);
  });
});

describe('resource paths', () => {
  it('parses namespaced, cluster-wide, cluster-scoped and subresource paths', () => {
    expect(parseResourcePath(['api', 'v1', 'namespaces', 'default', 'pods', 'p', 'log'])).toMatchObject({ namespace: 'default', name: 'p', subresource: 'log', type: { kind: 'Pod' } });
    expect(parseResourcePath(['apis', 'apps', 'v1', 'namespaces', 'ns', 'deployments'])).toMatchObject({ namespace: 'ns', type: { kind: 'Deployment' } });
    expect(parseResourcePath(['apis', 'apps', 'v1', 'namespaces', 'ns', 'deployments'])?.name).toBeUndefined();
    const all = parseResourcePath(['api', 'v1', 'pods']);
    expect(all?.type.kind).toBe('Pod');
    expect(all?.namespace).toBeUndefined();
    expect(parseResourcePath(['api', 'v1', 'namespaces', 'foo'])).toMatchObject({ name: 'foo', type: { kind: 'Namespace' } });
    expect(parseResourcePath(['api', 'v1', 'watch', 'namespaces', 'default', 'pods'])).toMatchObject({ watchPrefix: true });
  });

  it('does not serve legacy groups, unknown subresources or kinds in the wrong group', () => {
    expect(parseResourcePath(['apis', 'extensions', 'v1beta1', 'namespaces', 'default', 'deployments'])).toMatchObject({ type: { kind: 'Deployment' }, legacyGroupVersion: 'extensions/v1beta1' });
    expect(parseResourcePath(['apis', 'extensions', 'v1beta1', 'namespaces', 'default', 'replicasets'])).toBeUndefined();
    expect(parseResourcePath(['apis', 'extensions', 'v1beta1', 'namespaces', 'default', 'deployments', 'd', 'scale'])).toBeUndefined();
    expect(parseResourcePath(['api', 'v1', 'namespaces', 'default', 'deployments'])).toBeUndefined();
    expect(parseResourcePath(['api', 'v1', 'namespaces', 'default', 'pods', 'p', 'proxy'])).toMatchObject({ subresource: 'proxy' });
    expect(parseResourcePath(['api', 'v1', 'namespaces', 'default', 'pods', 'p', 'binding'])).toMatchObject({ subresource: 'binding' });
    expect(parseResourcePath(['api', 'v1', 'namespaces', 'default', 'pods', 'p', 'bindings'])).toBeUndefined();
    expect(parseResourcePath(['api', 'v1', 'namespaces', 'default', 'pods', 'p', 'attach'])).toMatchObject({ subresource: 'attach' });
    expect(parseResourcePath(['api', 'v1', 'pods', 'p'])).toBeUndefined();
  });
});

describe('names', () => {
  it('generateName appends 5 characters of the apiserver alphabet', () => {
    for (let i = 0; i < 50; i++) expect(generateName('web-')).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(generateName('x'.repeat(80))).toHaveLength(63);
  });

  it('checks DNS subdomains and labels', () => {
    expect(nameProblem('web-1.x', false)).toBeUndefined();
    expect(nameProblem('Web', false)).toContain('RFC 1123 subdomain');
    expect(nameProblem('A', true)).toContain('RFC 1123 label');
  });
});

describe('WebSocket exec subprotocols', () => {
  it('takes the first protocol the client offers that mini-kube speaks', () => {
    expect(pickWebSocketProtocol('v5.channel.k8s.io, v4.channel.k8s.io')).toBe('v5.channel.k8s.io');
    expect(pickWebSocketProtocol('base64.channel.k8s.io, v4.channel.k8s.io')).toBe('v4.channel.k8s.io');
    expect(pickWebSocketProtocol('base64.channel.k8s.io')).toBeUndefined();
    expect(pickWebSocketProtocol(undefined)).toBeUndefined();
  });
});
