// authentication.k8s.io SelfSubjectReview (`kubectl auth whoami`) and authorization.k8s.io
// SelfSubjectAccessReview / SelfSubjectRulesReview (`kubectl auth can-i`, `can-i --list`): the truth
// about the caller, from the same rules that answer its requests (registry/authorization.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from '../../kube/errors.js';
import { readReviewBody } from './review-bodies.js';
import { sendJson } from '../http/errors.js';
import type { Router } from '../http/router.js';
import { authorize, rulesFor, userOf, type RequestAttributes } from '../registry/authorization.js';

export const AUTHENTICATION_GROUP = 'authentication.k8s.io';
export const AUTHORIZATION_GROUP = 'authorization.k8s.io';
/** kubectl 1.26-1.27 ask v1alpha1, 1.28 v1beta1, 1.29+ v1 first: all answer the same. */
const SELF_SUBJECT_REVIEW_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'];

export const AUTH_GROUPS = [
  { name: AUTHENTICATION_GROUP, resources: [{ name: 'selfsubjectreviews', kind: 'SelfSubjectReview' }] },
  { name: AUTHORIZATION_GROUP, resources: [{ name: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview' }, { name: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview' }] },
] as const;

export function authApiResources(group: string): Record<string, unknown>[] {
  const g = AUTH_GROUPS.find((x) => x.name === group);
  return (g?.resources ?? []).map((r) => ({ name: r.name, singularName: r.name.replace(/s$/, ''), namespaced: false, kind: r.kind, verbs: ['create'] }));
}

export function registerAuthReviews(app: Router): void {
  for (const v of SELF_SUBJECT_REVIEW_VERSIONS) {
    app.post(`/apis/${AUTHENTICATION_GROUP}/${v}/selfsubjectreviews`, (req, res) => selfSubjectReview(req, res, `${AUTHENTICATION_GROUP}/${v}`));
  }
  app.post(`/apis/${AUTHORIZATION_GROUP}/v1/selfsubjectaccessreviews`, selfSubjectAccessReview);
  app.post(`/apis/${AUTHORIZATION_GROUP}/v1/selfsubjectrulesreviews`, selfSubjectRulesReview);
}

function selfSubjectReview(req: IncomingMessage, res: ServerResponse, apiVersion: string): void {
  const user = userOf(req);
  sendJson(res, 201, {
    kind: 'SelfSubjectReview', apiVersion, metadata: { creationTimestamp: null },
    status: { userInfo: { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) } },
  });
}

async function selfSubjectAccessReview(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readReviewBody(req, 'SelfSubjectAccessReview');
  const spec = (body['spec'] ?? {}) as { resourceAttributes?: Record<string, string>; nonResourceAttributes?: Record<string, string> };
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if (!ra === !nra) throw badRequest('SelfSubjectAccessReview.authorization.k8s.io is invalid: spec.resourceAttributes: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
  const attrs: RequestAttributes = ra
    ? {
      resourceRequest: true, verb: ra['verb'] ?? '', path: '', apiGroup: ra['group'] ?? '', resource: ra['resource'] ?? '',
      subresource: ra['subresource'] ?? '', namespace: ra['namespace'] ?? '', name: ra['name'] ?? '',
    }
    : { resourceRequest: false, verb: nra!['verb'] ?? '', path: nra!['path'] ?? '', apiGroup: '', resource: '', subresource: '', namespace: '', name: '' };
  const decision = authorize(userOf(req), attrs);
  sendJson(res, 201, {
    kind: 'SelfSubjectAccessReview', apiVersion: `${AUTHORIZATION_GROUP}/v1`, metadata: { creationTimestamp: null }, spec,
    status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
  });
}

async function selfSubjectRulesReview(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readReviewBody(req, 'SelfSubjectRulesReview');
  const namespace = String((body['spec'] as { namespace?: string } | undefined)?.namespace ?? '');
  sendJson(res, 201, {
    kind: 'SelfSubjectRulesReview', apiVersion: `${AUTHORIZATION_GROUP}/v1`, metadata: { creationTimestamp: null },
    spec: { namespace }, status: { ...rulesFor(userOf(req), namespace), incomplete: false },
  });
}
