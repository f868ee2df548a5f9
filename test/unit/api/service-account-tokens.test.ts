// TokenRequest's issuer and the token authenticator: a token names its service account, dies with the
// object it is bound to (a pod) or with its service account, and is refused when expired, forged or
// meant for another audience.
import { describe, expect, it } from 'vitest';
import { API_AUDIENCE, ServiceAccountTokens } from '../../../src/api/registry/service-account-tokens.js';
import { Store } from '../../../src/store/store.js';
import { StatusError } from '../../../src/kube/errors.js';

function setup(now = new Date('2026-01-01T00:00:00Z')) {
  const store = new Store();
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team' } });
  const pod = store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  const clock = { now };
  const tokens = new ServiceAccountTokens(store, Buffer.alloc(32, 7), () => clock.now);
  return { store, pod, tokens, clock };
}

describe('ServiceAccountTokens', () => {
  it('issues a JWT with Kubernetes claims that authenticates as the service account', () => {
    const { tokens } = setup();
    const t = tokens.issue('team', 'default', {});
    expect(t.expirationTimestamp).toBe('2026-01-01T01:00:00Z');
    expect(t.audiences).toEqual([API_AUDIENCE]);
    const claims = JSON.parse(Buffer.from(t.token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims['sub']).toBe('system:serviceaccount:team:default');
    expect(claims['kubernetes.io']).toMatchObject({ namespace: 'team', serviceaccount: { name: 'default' } });
    const user = tokens.authenticate(t.token)!;
    expect(user.username).toBe('system:serviceaccount:team:default');
    expect(user.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated']);
    expect(user.serviceAccount).toEqual({ namespace: 'team', name: 'default' });
  });

  it('a token bound to a pod dies with the pod', async () => {
    const { store, pod, tokens } = setup();
    const { token } = await tokens.requestToken({ namespace: 'team', serviceAccountName: 'default', audiences: [], expirationSeconds: 3607, podName: 'web', podUid: pod.metadata.uid });
    expect(tokens.authenticate(token)?.extra?.['authentication.kubernetes.io/pod-name']).toEqual(['web']);
    store.delete('Pod', 'team', 'web');
    expect(tokens.authenticate(token)).toBeUndefined();
    // a new pod of the same name is another pod
    store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    expect(tokens.authenticate(token)).toBeUndefined();
  });

  it('a token dies with its service account, even if one of the same name comes back', () => {
    const { store, tokens } = setup();
    const { token } = tokens.issue('team', 'default', {});
    store.delete('ServiceAccount', 'team', 'default');
    store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team' } });
    expect(tokens.authenticate(token)).toBeUndefined();
  });

  it('refuses an expired, forged, or foreign-audience token', () => {
    const { tokens, clock } = setup();
    const { token } = tokens.issue('team', 'default', { expirationSeconds: 600 });
    const [h, p] = token.split('.');
    expect(tokens.authenticate(`${h}.${p}.AAAA`)).toBeUndefined();
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'x' })).toString('base64url');
    expect(tokens.authenticate(`${h}.${forged}.${token.split('.')[2]}`)).toBeUndefined();
    expect(tokens.authenticate(tokens.issue('team', 'default', { audiences: ['vault'] }).token)).toBeUndefined();
    expect(tokens.authenticate('not-a-jwt')).toBeUndefined();
    clock.now = new Date('2026-01-01T00:10:01Z');
    expect(tokens.authenticate(token)).toBeUndefined();
  });

  it('refuses what TokenRequest refuses: a missing service account, a short duration, a bound object of another uid', () => {
    const { tokens } = setup();
    const code = (fn: () => unknown) => { try { fn(); return 0; } catch (err) { return (err as StatusError).code; } };
    expect(code(() => tokens.issue('team', 'builder', {}))).toBe(404);
    expect(code(() => tokens.issue('team', 'default', { expirationSeconds: 60 }))).toBe(422);
    expect(code(() => tokens.issue('team', 'default', { bound: { kind: 'Pod', name: 'web', uid: 'other' } }))).toBe(409);
    expect(code(() => tokens.issue('team', 'default', { bound: { kind: 'Pod', name: 'gone', uid: '' } }))).toBe(404);
  });
});
