import { describe, expect, it } from 'vitest';
import { canonicalJson, deepEqual, semanticDeepEqual } from '../../../src/kube/canonical-json.js';
import { equalIgnoreHash } from '../../../src/kube/pod-template.js';

describe('canonical JSON', () => {
  it('spells equal objects alike whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
    expect(deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    // the pod-template-hash is made from this spelling: an empty map is not a missing one here
    expect(deepEqual({ labels: {} }, {})).toBe(false);
  });

  it('semantic equality: an empty map or list equals a missing one, as Go nil and empty do', () => {
    expect(semanticDeepEqual({ labels: {}, env: [] }, {})).toBe(true);
    expect(semanticDeepEqual({ labels: { a: '1' } }, {})).toBe(false);
  });
});

describe('equalIgnoreHash (the Deployment controller and describe deployment)', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
  it.each([
    ['the ReplicaSet copy with its hash label', { ...template, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } }, true],
    ['an empty annotations map', { ...template, metadata: { ...template.metadata, annotations: {} } }, true],
    ['another image', { ...template, spec: { containers: [{ name: 'c', image: 'y' }] } }, false],
  ])('%s', (_what, other, equal) => {
    expect(equalIgnoreHash(template, other)).toBe(equal);
  });
});
