// Who the caller is and what it may do: the apiserver's authenticator output (user.Info) and, in place of
// RBAC, the two fixed policies mini-kube has (docs/security.md "What a pod's token can do"):
//   - the admin token (<home>/token, the kubeconfig's): user "kubernetes-admin" in system:masters, everything;
//   - a service-account token (TokenRequest, a pod's projected token): discovery, the self reviews, and
//     get/list/watch of the non-secret kinds in its own namespace. Never secrets, never a write, never a
//     subresource (log, exec, proxy, token), nothing cluster-scoped.
// The same rules answer requests (http/auth.ts), SelfSubjectAccessReview and SelfSubjectRulesReview.
import type { IncomingMessage } from 'node:http';
import { RESOURCE_TYPES } from '../../kube/kinds.js';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
  /** set for a service-account token */
  serviceAccount?: { namespace: string; name: string };
}

export const ADMIN_USER: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

/** What a request asks, as the apiserver's RequestInfo (endpoints/request/requestinfo.go). */
export interface RequestAttributes {
  resourceRequest: boolean;
  verb: string;
  /** the URL path, for non-resource requests */
  path: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface ResourceRule { verbs: string[]; apiGroups: string[]; resources: string[]; resourceNames?: string[] }
export interface NonResourceRule { verbs: string[]; nonResourceURLs: string[] }

/** What a service-account token may read in its own namespace: every served namespaced kind but secrets. */
export const POD_READABLE: readonly { group: string; resources: readonly string[] }[] = [
  ...[...new Set(RESOURCE_TYPES.map((t) => t.group))].map((group) => ({
    group,
    resources: RESOURCE_TYPES.filter((t) => t.group === group && t.namespaced && t.kind !== 'Secret').map((t) => t.resource).sort(),
  })).filter((g) => g.resources.length > 0),
  { group: 'discovery.k8s.io', resources: ['endpointslices'] },
];
const READ_VERBS = ['get', 'list', 'watch'];
const SELF_REVIEWS: readonly ResourceRule[] = [
  { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
];
/** system:discovery and system:public-info-viewer */
const DISCOVERY_PATHS = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/readyz', '/version', '/version/', '/openapi', '/openapi/*'];

function isAdmin(user: UserInfo): boolean {
  return user.groups.includes('system:masters');
}

function ruleMatches(values: readonly string[], v: string): boolean {
  return values.includes('*') || values.includes(v);
}

function pathMatches(patterns: readonly string[], path: string): boolean {
  return patterns.some((p) => p === '*' || p === path || (p.endsWith('*') && path.startsWith(p.slice(0, -1))));
}

/** The rules a user has in a namespace (SelfSubjectRulesReview's answer, and what authorize() checks). */
export function rulesFor(user: UserInfo, namespace: string): { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[] } {
  if (isAdmin(user)) {
    return { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }] };
  }
  const resourceRules: ResourceRule[] = SELF_REVIEWS.map((r) => structuredClone(r) as ResourceRule);
  if (user.serviceAccount && namespace === user.serviceAccount.namespace) {
    for (const g of POD_READABLE) resourceRules.push({ verbs: [...READ_VERBS], apiGroups: [g.group], resources: [...g.resources] });
  }
  return { resourceRules, nonResourceRules: [{ verbs: ['get'], nonResourceURLs: [...DISCOVERY_PATHS] }] };
}

/** The decision for one request or SelfSubjectAccessReview. */
export function authorize(user: UserInfo, a: RequestAttributes): Decision {
  if (isAdmin(user)) return { allowed: true, reason: 'mini-kube: the admin token (system:masters) may do everything' };
  if (!a.resourceRequest) {
    const ok = a.verb === 'get' && pathMatches(DISCOVERY_PATHS, a.path);
    return ok ? { allowed: true, reason: 'mini-kube: discovery is open to every authenticated user' } : { allowed: false, reason: '' };
  }
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const clusterScoped = SELF_REVIEWS.some((r) => r.apiGroups.includes(a.apiGroup) && r.resources.includes(resource));
  const { resourceRules } = rulesFor(user, a.namespace);
  for (const r of resourceRules) {
    const scopeOk = clusterScoped || a.namespace !== '';
    if (scopeOk && ruleMatches(r.verbs, a.verb) && ruleMatches(r.apiGroups, a.apiGroup) && ruleMatches(r.resources, resource)) {
      return { allowed: true, reason: clusterScoped ? 'mini-kube: every user may review itself' : `mini-kube: a service account reads its own namespace ${a.namespace}` };
    }
  }
  return { allowed: false, reason: '' };
}

/** The 403 message the apiserver writes (endpoints/handlers/responsewriters.ForbiddenStatusError). */
export function forbiddenMessage(user: UserInfo, a: RequestAttributes): string {
  const who = `User ${JSON.stringify(user.username)}`;
  if (!a.resourceRequest) return `forbidden: ${who} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const subject = a.name ? `${a.resource} ${JSON.stringify(a.name)}` : a.resource;
  const scope = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
  return `${subject} is forbidden: ${who} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${scope}`;
}

const SPECIAL_VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete', GET: 'get', HEAD: 'get' };

/** RequestInfoFactory.NewRequestInfo: the verb, resource, namespace and name a URL and method mean. */
export function requestAttributes(method: string, url: string): RequestAttributes {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  const query = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  const out: RequestAttributes = { resourceRequest: false, verb: (SPECIAL_VERBS[method] ?? method.toLowerCase()), path, apiGroup: '', resource: '', subresource: '', namespace: '', name: '' };
  let parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'api' && parts.length >= 3) {
    parts = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    out.apiGroup = parts[1]!;
    parts = parts.slice(3);
  } else {
    return out;
  }
  out.resourceRequest = true;
  let watchPrefix = false;
  if (parts[0] === 'watch') {
    watchPrefix = true;
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      out.namespace = parts[1]!;
      if (parts.length > 2) parts = parts.slice(2);
      else { out.resource = 'namespaces'; out.name = parts[1]!; return finishVerb(out, method, query, watchPrefix); }
    }
  }
  out.resource = parts[0] ?? '';
  out.name = parts[1] ?? '';
  out.subresource = parts[2] ?? '';
  return finishVerb(out, method, query, watchPrefix);
}

function finishVerb(out: RequestAttributes, method: string, query: URLSearchParams, watchPrefix: boolean): RequestAttributes {
  if (method === 'GET' || method === 'HEAD') {
    if (watchPrefix || ['1', 'true'].includes(query.get('watch') ?? '')) out.verb = 'watch';
    else if (!out.name) out.verb = 'list';
  } else if (method === 'DELETE' && !out.name) {
    out.verb = 'deletecollection';
  }
  // the proxy subresource takes every method: the verb stays what the method means
  return out;
}

const USERS = new WeakMap<IncomingMessage, UserInfo>();

/** Set once per request by authentication (http/auth.ts); read by the self reviews. */
export function rememberUser(req: IncomingMessage, user: UserInfo): void {
  USERS.set(req, user);
}

/** Never the admin by default: a request that skipped authentication is anonymous. */
export function userOf(req: IncomingMessage): UserInfo {
  return USERS.get(req) ?? { username: 'system:anonymous', groups: ['system:unauthenticated'] };
}
