import { describe, expect, it } from 'vitest';
import { dryRunOf } from '../../../src/api/handlers/dry-run.js';
import { StatusError } from '../../../src/kube/errors.js';

describe('dryRunOf', () => {
  it.each([
    ['', undefined, false],
    ['dryRun=All', undefined, true],
    ['', { dryRun: ['All'] }, true],
    ['', { dryRun: [] }, false],
    ['', { dryRun: null }, false],
  ])('query %j body %j -> %s', (q, body, expected) => {
    expect(dryRunOf('DeleteOptions', new URLSearchParams(q), body as Record<string, unknown> | undefined)).toBe(expected);
  });

  it.each([
    ['dryRun=all', undefined],
    ['dryRun=', undefined],
    ['dryRun=All&dryRun=true', undefined],
    ['', { dryRun: ['Server'] }],
    ['', { dryRun: [1] }],
  ])('refuses query %j body %j with 422 naming the options kind', (q, body) => {
    let err: unknown;
    try { dryRunOf('PatchOptions', new URLSearchParams(q), body as Record<string, unknown> | undefined); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(422);
    expect((err as StatusError).message).toMatch(/^PatchOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: \[\]string\{.*\}: supported values: "All"$/);
  });

  it('refuses a dryRun body field that is not a list with 400', () => {
    expect(() => dryRunOf('DeleteOptions', new URLSearchParams(), { dryRun: 'All' })).toThrow(/expected a list of strings/);
  });
});
