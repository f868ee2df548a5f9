// The two policies of registry/authorization.ts (admin, a service account's token), request attributes as
// the apiserver's RequestInfo parses them, and the apiserver's 403 wording.
import { describe, expect, it } from 'vitest';
import { ADMIN_USER, authorize, forbiddenMessage, requestAttributes, rulesFor, type UserInfo } from '../../../src/api/registry/authorization.js';

const SA: UserInfo = {
  username: 'system:serviceaccount:team:default', groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'],
  serviceAccount: { namespace: 'team', name: 'default' },
};

describe('requestAttributes', () => {
  it.each([
    ['GET', '/api/v1/namespaces/team/pods', { verb: 'list', resource: 'pods', namespace: 'team', name: '' }],
    ['GET', '/api/v1/namespaces/team/pods?watch=true', { verb: 'watch', resource: 'pods', namespace: 'team' }],
    ['GET', '/api/v1/watch/namespaces/team/pods', { verb: 'watch', resource: 'pods', namespace: 'team' }],
    ['GET', '/api/v1/namespaces/team/pods/web', { verb: 'get', resource: 'pods', name: 'web' }],
    ['POST', '/api/v1/namespaces/team/pods/web/exec', { verb: 'create', resource: 'pods', subresource: 'exec' }],
    ['GET', '/api/v1/namespaces/team/services/web:80/proxy/a/b', { verb: 'get', resource: 'services', name: 'web:80', subresource: 'proxy' }],
    ['DELETE', '/apis/apps/v1/namespaces/team/deployments', { verb: 'deletecollection', apiGroup: 'apps', resource: 'deployments' }],
    ['GET', '/api/v1/namespaces/team', { verb: 'get', resource: 'namespaces', name: 'team', namespace: 'team' }],
    ['GET', '/api/v1/nodes', { verb: 'list', resource: 'nodes', namespace: '' }],
    ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }],
  ])('%s %s', (method, url, want) => {
    expect(requestAttributes(method, url)).toMatchObject({ resourceRequest: true, ...want });
  });

  it('a path outside /api and /apis is a non-resource request', () => {
    expect(requestAttributes('GET', '/version')).toMatchObject({ resourceRequest: false, verb: 'get', path: '/version' });
    expect(requestAttributes('GET', '/apis')).toMatchObject({ resourceRequest: false, path: '/apis' });
  });
});

describe('authorize', () => {
  const can = (user: UserInfo, method: string, url: string) => authorize(user, requestAttributes(method, url)).allowed;

  it('the admin token may do everything', () => {
    expect(can(ADMIN_USER, 'DELETE', '/api/v1/namespaces/x/secrets/y')).toBe(true);
    expect(can(ADMIN_USER, 'GET', '/metrics')).toBe(true);
  });

  it.each([
    ['GET', '/api/v1/namespaces/team/pods', true],
    ['GET', '/api/v1/namespaces/team/pods/web', true],
    ['GET', '/api/v1/namespaces/team/configmaps?watch=1', true],
    ['GET', '/apis/apps/v1/namespaces/team/deployments', true],
    ['GET', '/apis/discovery.k8s.io/v1/namespaces/team/endpointslices', true],
    ['GET', '/api', true],
    ['GET', '/apis/apps/v1', true],
    ['GET', '/version', true],
    ['POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', true],
    ['POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', true],
    // never secrets, never writes, never another namespace, never cluster-scoped, never a subresource
    ['GET', '/api/v1/namespaces/team/secrets', false],
    ['GET', '/api/v1/namespaces/team/secrets/token', false],
    ['POST', '/api/v1/namespaces/team/pods', false],
    ['PATCH', '/apis/apps/v1/namespaces/team/deployments/web', false],
    ['DELETE', '/api/v1/namespaces/team/pods/web', false],
    ['GET', '/api/v1/namespaces/other/pods', false],
    ['GET', '/api/v1/pods', false],
    ['GET', '/api/v1/nodes', false],
    ['GET', '/api/v1/namespaces', false],
    ['GET', '/api/v1/namespaces/team/pods/web/log', false],
    ['POST', '/api/v1/namespaces/team/pods/web/exec', false],
    ['GET', '/api/v1/namespaces/team/services/web/proxy/', false],
    ['POST', '/api/v1/namespaces/team/serviceaccounts/default/token', false],
    ['GET', '/metrics', false],
  ])('a service account: %s %s -> %s', (method, url, want) => {
    expect(can(SA, method, url)).toBe(want);
  });

  it('rules: the review rules everywhere, the reads only in its own namespace', () => {
    const own = rulesFor(SA, 'team').resourceRules.flatMap((r) => r.resources);
    const other = rulesFor(SA, 'other').resourceRules.flatMap((r) => r.resources);
    expect(own).toContain('pods');
    expect(own).not.toContain('secrets');
    expect(other).toEqual(['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews']);
  });
});

describe('forbiddenMessage', () => {
  it('words the refusal as the apiserver does', () => {
    expect(forbiddenMessage(SA, requestAttributes('GET', '/api/v1/namespaces/team/secrets')))
      .toBe('secrets is forbidden: User "system:serviceaccount:team:default" cannot list resource "secrets" in API group "" in the namespace "team"');
    expect(forbiddenMessage(SA, requestAttributes('GET', '/api/v1/nodes/mini-kube')))
      .toBe('nodes "mini-kube" is forbidden: User "system:serviceaccount:team:default" cannot get resource "nodes" in API group "" at the cluster scope');
    expect(forbiddenMessage(SA, requestAttributes('POST', '/api/v1/namespaces/team/pods/web/exec')))
      .toBe('pods "web" is forbidden: User "system:serviceaccount:team:default" cannot create resource "pods/exec" in API group "" in the namespace "team"');
    expect(forbiddenMessage(SA, requestAttributes('GET', '/metrics'))).toBe('forbidden: User "system:serviceaccount:team:default" cannot get path "/metrics"');
  });
});
