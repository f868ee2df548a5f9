import { describe, expect, it } from 'vitest';
import { formatSelector, matches, parseSelector, selectorMatches } from '../../../src/kube/labels.js';

describe('label selectors', () => {
  it('parses equality, inequality, set and existence requirements', () => {
    const sel = parseSelector('app=web,tier!=db,env in (prod, staging),!legacy,team');
    expect(matches(sel, { app: 'web', tier: 'front', env: 'prod', team: 'a' })).toBe(true);
    expect(matches(sel, { app: 'web', tier: 'db', env: 'prod', team: 'a' })).toBe(false);
    expect(matches(sel, { app: 'web', env: 'dev', team: 'a' })).toBe(false);
    expect(matches(sel, { app: 'web', env: 'prod', team: 'a', legacy: 'y' })).toBe(false);
    expect(matches(sel, { app: 'web', env: 'prod' })).toBe(false);
  });

  it('matches structured selectors; an empty one matches everything', () => {
    expect(selectorMatches({ matchLabels: { app: 'liveness' } }, { app: 'liveness', 'pod-template-hash': 'x' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] }, { app: 'a' })).toBe(false);
    expect(selectorMatches({}, { any: 'thing' })).toBe(true);
  });

  it('refuses what it cannot parse', () => {
    expect(() => parseSelector('a in b')).toThrow(/unable to parse requirement/);
  });

  it('formats selectors as kubectl shows them', () => {
    expect(formatSelector({ matchLabels: { app: 'healthcheck' } })).toBe('app=healthcheck');
    expect(formatSelector({ app: 'a', tier: 'b' })).toBe('app=a,tier=b');
  });
});
