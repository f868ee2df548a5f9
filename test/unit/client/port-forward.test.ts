// kubectl's port specs for port-forward: LOCAL:REMOTE, REMOTE (same local port), :REMOTE (any local port).
import { describe, expect, it } from 'vitest';
import { parsePortMapping } from '../../../src/client/port-forward.js';

describe('parsePortMapping', () => {
  it.each([
    ['8080:80', { local: 8080, remote: '80' }],
    ['80', { local: 80, remote: '80' }],
    [':80', { local: 0, remote: '80' }],
    ['8080:http', { local: 8080, remote: 'http' }],
  ])('%s', (spec, want) => {
    expect(parsePortMapping(spec)).toEqual(want);
  });

  it.each(['', 'x:80', '70000:80', ':'])('refuses %j', (spec) => {
    expect(() => parsePortMapping(spec)).toThrow(/invalid port format/);
  });
});
