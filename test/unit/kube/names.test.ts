import { describe, expect, it } from 'vitest';
import { generateName, nameProblem } from '../../../src/kube/names.js';

// One home for object names (the API server's checks and generateName, the controllers' pod names).
describe('object names', () => {
  it.each([
    // [name, Namespace (label)?, first problem in the apiserver's words]
    ['web-1.x', false, undefined],
    ['a.b', true, 'must not contain dots'], // IsDNS1123Label: a valid subdomain with dots
    ['A', true, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
    ['Web', false, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
    ['x'.repeat(64), true, 'must be no more than 63 characters'],
  ])('%s (label: %s)', (name, label, problem) => {
    expect(nameProblem(name, label)).toBe(problem);
  });

  it('generateName: base[:58] + 5 characters of the apiserver alphabet', () => {
    expect(generateName('web-')).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(generateName('x'.repeat(80))).toHaveLength(63);
  });
});
