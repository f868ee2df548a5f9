// Docker's reference grammar, from the cases of distribution/reference's own tests (reference_test.go,
// normalize_test.go) plus the hostile strings of issue #12.
import { describe, expect, it } from 'vitest';
import { imageReferenceError, invalidImageNameMessage, parseImageReference } from '../../../src/kube/image-reference.js';

const hex = (n: number) => 'f'.repeat(n);

const VALID: [string, { domain: string; path: string; tag?: string; digest?: string }][] = [
  ['nginx', { domain: 'docker.io', path: 'library/nginx' }],
  ['nginx:1.25', { domain: 'docker.io', path: 'library/nginx', tag: '1.25' }],
  ['ondalk8s/healthcheck:v1', { domain: 'docker.io', path: 'ondalk8s/healthcheck', tag: 'v1' }],
  ['docker.io/library/nginx:latest', { domain: 'docker.io', path: 'library/nginx', tag: 'latest' }],
  ['index.docker.io/nginx', { domain: 'docker.io', path: 'library/nginx' }],
  ['registry.k8s.io/pause:3.9', { domain: 'registry.k8s.io', path: 'pause', tag: '3.9' }],
  ['test_com', { domain: 'docker.io', path: 'library/test_com' }],
  ['test.com:tag', { domain: 'docker.io', path: 'library/test.com', tag: 'tag' }],
  ['test.com:5000', { domain: 'docker.io', path: 'library/test.com', tag: '5000' }],
  ['test.com/repo:tag', { domain: 'test.com', path: 'repo', tag: 'tag' }],
  ['test:5000/repo', { domain: 'test:5000', path: 'repo' }],
  ['test:5000/repo:tag', { domain: 'test:5000', path: 'repo', tag: 'tag' }],
  [`test:5000/repo@sha256:${hex(64)}`, { domain: 'test:5000', path: 'repo', digest: `sha256:${hex(64)}` }],
  [`test:5000/repo:tag@sha256:${hex(64)}`, { domain: 'test:5000', path: 'repo', tag: 'tag', digest: `sha256:${hex(64)}` }],
  ['lowercase:Uppercase', { domain: 'docker.io', path: 'library/lowercase', tag: 'Uppercase' }],
  ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', { domain: 'sub-dom1.foo.com', path: 'bar/baz/quux', tag: 'some-long-tag' }],
  ['b.gcr.io/test.example.com/my-app:test.example.com', { domain: 'b.gcr.io', path: 'test.example.com/my-app', tag: 'test.example.com' }],
  ['xn--n3h.com/myimage:xn--n3h.com', { domain: 'xn--n3h.com', path: 'myimage', tag: 'xn--n3h.com' }],
  [`xn--7o8h.com/myimage:xn--7o8h.com@sha512:${hex(128)}`, { domain: 'xn--7o8h.com', path: 'myimage', tag: 'xn--7o8h.com', digest: `sha512:${hex(128)}` }],
  ['foo/foo_bar.com:8080', { domain: 'docker.io', path: 'foo/foo_bar.com', tag: '8080' }],
  ['192.168.1.1:5000/repo:5050', { domain: '192.168.1.1:5000', path: 'repo', tag: '5050' }],
  ['127.0.0.1:5000/x', { domain: '127.0.0.1:5000', path: 'x' }],
  ['[2001:db8::1]/repo', { domain: '[2001:db8::1]', path: 'repo' }],
  ['[2001:db8::1]:5000/repo:tag', { domain: '[2001:db8::1]:5000', path: 'repo', tag: 'tag' }],
  ['localhost/foo', { domain: 'localhost', path: 'foo' }],
  ['localhost:5000/foo', { domain: 'localhost:5000', path: 'foo' }],
  ['a__b/c', { domain: 'docker.io', path: 'a__b/c' }],
  ['foo----bar', { domain: 'docker.io', path: 'library/foo----bar' }],
  ['Docker.Example/repo', { domain: 'Docker.Example', path: 'repo' }],
  [`${'a'.repeat(127)}/${'b'.repeat(127)}`, { domain: 'docker.io', path: `${'a'.repeat(127)}/${'b'.repeat(127)}` }],
];

const INVALID: [string, string][] = [
  ['docker.io//library/nginx:latest', 'invalid reference format'],
  ['a/../../127.0.0.1:9999/x', 'invalid reference format'],
  ['../../etc/passwd', 'invalid reference format'],
  ['/etc/passwd', 'invalid reference format'],
  ['nginx/', 'invalid reference format'],
  ['', 'invalid reference format'],
  [':justtag', 'invalid reference format'],
  [`@sha256:${hex(64)}`, 'invalid reference format'],
  ['nginx:', 'invalid reference format'],
  [' nginx', 'invalid reference format'],
  ['nginx\n', 'invalid reference format'],
  ['nginx:latest\nFROM evil', 'invalid reference format'],
  ['nginx?x=1', 'invalid reference format'],
  ['nginx#frag', 'invalid reference format'],
  ['nginx%2f..', 'invalid reference format'], ['nginx%2F..', 'invalid reference format: repository name (library/nginx%2F..) must be lowercase'],
  ['aa/asdf$$^/aa', 'invalid reference format'],
  ['-foo', 'invalid reference format'],
  ['foo-', 'invalid reference format'],
  ['foo..bar', 'invalid reference format'],
  ['foo___bar', 'invalid reference format'],
  ['foo_bar.com:8080/repo', 'invalid reference format'],
  ['[fe80::1%eth0]:5000/repo', 'invalid reference format'],
  [`nginx:${'t'.repeat(129)}`, 'invalid reference format'],
  [`repo@sha256:${hex(34)}`, 'invalid checksum digest length'],
  [`validname@invaliddigest:${hex(64)}`, 'unsupported digest algorithm'],
  ['Uppercase:tag', 'invalid reference format: repository name (library/Uppercase) must be lowercase'],
  ['test:5000/Uppercase/lowercase:tag', 'invalid reference format: repository name (Uppercase/lowercase) must be lowercase'],
  [`${'a'.repeat(128)}/${'b'.repeat(128)}`, 'repository name must not be more than 255 characters'],
  ['a'.repeat(64).replace(/a/g, 'f'), `invalid repository name (${hex(64)}), cannot specify 64-byte hexadecimal strings`],
];

describe('image references (distribution/reference grammar)', () => {
  it.each(VALID)('accepts %s', (input, want) => {
    const parsed = parseImageReference(input);
    expect(parsed).toEqual({ ok: true, ref: want });
  });

  it.each(INVALID)('refuses %j', (input, error) => {
    expect(imageReferenceError(input)).toBe(error);
  });

  it('answers hostile lengths and shapes in well under a second (no regexp backtracking blow-up)', () => {
    const hostile = [
      'a'.repeat(100_000), `${'a-'.repeat(50_000)}!`, `${'a.'.repeat(50_000)}/x!`, `${'a/'.repeat(50_000)}A`,
      `${'a'.repeat(200)}${'-a'.repeat(500)}:`, `x@sha256:${'f'.repeat(100_000)}g`, `${'[::'.repeat(10_000)}`,
    ];
    for (const s of hostile) {
      const started = performance.now();
      expect(imageReferenceError(s)).toBeDefined();
      expect(performance.now() - started, s.slice(0, 20)).toBeLessThan(200);
    }
  });

  it('words the kubelet message as applyDefaultImageTag does', () => {
    expect(invalidImageNameMessage('a//b', 'invalid reference format'))
      .toBe('Failed to apply default image tag "a//b": couldn\'t parse image name "a//b": invalid reference format');
  });
});
