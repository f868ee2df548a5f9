// kubectl 1.32 sends TokenRequest and the self reviews as protobuf: the envelope and the fields read.
import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../../../src/api/handlers/review-bodies.js';
import { parseProxyPath } from '../../../src/api/handlers/proxy.js';

/** A minimal protobuf writer for the test: fields as [number, value] with strings, numbers and nested arrays. */
type F = [number, string | number | F[]];
function enc(fields: F[]): Buffer {
  const parts: Buffer[] = [];
  const varint = (n: number) => { const b: number[] = []; do { let x = n & 0x7f; n = Math.floor(n / 128); if (n) x |= 0x80; b.push(x); } while (n); return Buffer.from(b); };
  for (const [no, v] of fields) {
    if (typeof v === 'number') parts.push(varint((no << 3) | 0), varint(v));
    else {
      const body = typeof v === 'string' ? Buffer.from(v) : enc(v);
      parts.push(varint((no << 3) | 2), varint(body.length), body);
    }
  }
  return Buffer.concat(parts);
}
function envelope(apiVersion: string, kind: string, raw: F[]): Buffer {
  const unknown = enc([[1, [[1, apiVersion], [2, kind]]]]);
  const rawBytes = enc(raw);
  const field2 = Buffer.concat([Buffer.from([0x12]), Buffer.from([rawBytes.length]), rawBytes]);
  return Buffer.concat([Buffer.from('k8s\0', 'binary'), unknown, field2]);
}

describe('decodeEnvelope', () => {
  it('a TokenRequest as kubectl create token --duration --audience --bound-object-kind sends it', () => {
    const body = envelope('authentication.k8s.io/v1', 'TokenRequest', [[1, [[1, 'default']]], [2, [[1, 'a'], [1, 'b'], [4, 7200], [3, [[1, 'Pod'], [2, 'v1'], [3, 'web'], [4, 'uid-1']]]]]]);
    expect(decodeEnvelope(body, 'TokenRequest')).toEqual({
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
      spec: { audiences: ['a', 'b'], expirationSeconds: 7200, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'uid-1' } },
    });
  });

  it('a SelfSubjectAccessReview and a SelfSubjectRulesReview', () => {
    const ssar = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [[2, [[1, [[1, 'team'], [2, 'list'], [5, 'pods']]]]]]);
    expect(decodeEnvelope(ssar, 'SelfSubjectAccessReview')['spec']).toEqual({ resourceAttributes: { namespace: 'team', verb: 'list', resource: 'pods' } });
    const ssrr = envelope('authorization.k8s.io/v1', 'SelfSubjectRulesReview', [[2, [[1, 'team']]]]);
    expect(decodeEnvelope(ssrr, 'SelfSubjectRulesReview')['spec']).toEqual({ namespace: 'team' });
  });

  it('refuses a body without the magic, another kind, or truncated bytes', () => {
    expect(() => decodeEnvelope(Buffer.from('{}'), 'TokenRequest')).toThrow(/magic/);
    expect(() => decodeEnvelope(envelope('v1', 'Pod', []), 'TokenRequest')).toThrow(/holds a Pod/);
    expect(() => decodeEnvelope(envelope('v1', 'TokenRequest', [[2, [[1, 'abc']]]]).subarray(0, 20), 'TokenRequest')).toThrow(/truncated/);
  });
});

describe('parseProxyPath', () => {
  it.each([
    ['/api/v1/namespaces/ns/pods/web/proxy', { resource: 'pods', name: 'web', port: '', rest: '/' }],
    ['/api/v1/namespaces/ns/pods/web:8080/proxy/healthz?x=1', { resource: 'pods', name: 'web', port: '8080', rest: '/healthz', query: '?x=1' }],
    ['/api/v1/namespaces/ns/services/web:http/proxy/a/b/', { resource: 'services', name: 'web', port: 'http', rest: '/a/b/' }],
    ['/api/v1/namespaces/ns/services/https:web:443/proxy/', { resource: 'services', scheme: 'https', name: 'web', port: '443' }],
    ['/api/v1/namespaces/ns/services/http:web:/proxy/', { resource: 'services', scheme: 'http', name: 'web', port: '' }],
  ])('%s', (url, want) => {
    expect(parseProxyPath(url)).toMatchObject({ namespace: 'ns', ...want });
  });

  it('is not a proxy path otherwise', () => {
    expect(parseProxyPath('/api/v1/namespaces/ns/pods/web')).toBeUndefined();
    expect(parseProxyPath('/api/v1/namespaces/ns/pods/web/proxyx')).toBeUndefined();
    expect(parseProxyPath('/api/v1/namespaces/ns/configmaps/web/proxy/')).toBeUndefined();
  });
});
