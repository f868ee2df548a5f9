// The TokenRequest API's issuer and the service-account token authenticator (pkg/serviceaccount): tokens
// are JWTs as Kubernetes writes them (iss, sub system:serviceaccount:NS:NAME, aud, exp, the kubernetes.io
// claim with the service account's and the bound object's name and uid), signed HS256 with a key of the
// home (the apiserver signs RS256 with its service-account key; no client here verifies the signature).
// A token is accepted only while its service account and the object it is bound to (a pod) exist with
// the same uid: a pod's token dies with the pod (docs/decisions/176).
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { StatusError, notFound } from '../../kube/errors.js';
import type { ServiceAccountToken, ServiceAccountTokenRequest, ServiceAccountTokenSource } from '../../kube/service-account-token.js';
import type { Kind } from '../../kube/kinds.js';
import type { ServiceAccount } from '../../kube/types.js';
import type { Store } from '../../store/store.js';
import type { UserInfo } from './authorization.js';

/** The API's own audience and issuer (kind's defaults): a token for another audience is not ours. */
export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** TokenRequest's defaults and limits (ValidateTokenRequest: at least 10 minutes; at most 2^32 s). */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
export const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

export interface BoundObject {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
}

interface Claims {
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  iss: string;
  jti: string;
  sub: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
    node?: { name: string; uid: string };
  };
}

const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export class ServiceAccountTokens implements ServiceAccountTokenSource {
  constructor(private readonly store: Store, private readonly key: Buffer, private readonly now: () => Date = () => new Date()) {}

  /** TokenRequest: a token for an existing service account, optionally bound to an object. */
  issue(namespace: string, name: string, opts: { audiences?: string[]; expirationSeconds?: number; bound?: BoundObject }): ServiceAccountToken & { audiences: string[]; expirationSeconds: number } {
    const sa = this.store.get<ServiceAccount>('ServiceAccount', namespace, name);
    if (!sa) throw notFound('serviceaccounts', '', name);
    const expirationSeconds = opts.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    if (!Number.isInteger(expirationSeconds) || expirationSeconds < MIN_EXPIRATION_SECONDS || expirationSeconds > MAX_EXPIRATION_SECONDS) {
      throw new StatusError(422, 'Invalid', `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes or more than 2^32 seconds`);
    }
    const audiences = opts.audiences?.length ? [...opts.audiences] : [API_AUDIENCE];
    const iat = Math.floor(this.now().getTime() / 1000);
    const k8s: Claims['kubernetes.io'] = { namespace, serviceaccount: { name, uid: sa.metadata.uid } };
    if (opts.bound) {
      const obj = this.store.get(opts.bound.kind as Kind, opts.bound.kind === 'Node' ? undefined : namespace, opts.bound.name);
      if (!obj) throw notFound(`${opts.bound.kind.toLowerCase()}s`, '', opts.bound.name);
      if (opts.bound.uid && opts.bound.uid !== obj.metadata.uid) {
        throw new StatusError(409, 'Conflict', `the UID in the bound object reference (${opts.bound.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
      }
      const ref = { name: obj.metadata.name, uid: obj.metadata.uid };
      if (opts.bound.kind === 'Pod') k8s.pod = ref;
      else if (opts.bound.kind === 'Secret') k8s.secret = ref;
      else k8s.node = ref;
    }
    const claims: Claims = {
      aud: audiences, exp: iat + expirationSeconds, iat, nbf: iat, iss: ISSUER, jti: randomUUID(),
      sub: `system:serviceaccount:${namespace}:${name}`, 'kubernetes.io': k8s,
    };
    const unsigned = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'mini-kube' }))}.${b64(JSON.stringify(claims))}`;
    const token = `${unsigned}.${this.sign(unsigned)}`;
    return { token, expirationTimestamp: new Date(claims.exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), audiences, expirationSeconds };
  }

  /** The kubelet's contract (projected serviceAccountToken sources): a token bound to the pod. */
  async requestToken(req: ServiceAccountTokenRequest): Promise<ServiceAccountToken> {
    const { token, expirationTimestamp } = this.issue(req.namespace, req.serviceAccountName, {
      audiences: req.audiences, expirationSeconds: Math.max(req.expirationSeconds, MIN_EXPIRATION_SECONDS),
      bound: { kind: 'Pod', name: req.podName, uid: req.podUid },
    });
    return { token, expirationTimestamp };
  }

  /** The user a bearer token stands for, or undefined when it is none of ours or no longer valid. */
  authenticate(token: string): UserInfo | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Claims;
    } catch {
      return undefined;
    }
    const now = Math.floor(this.now().getTime() / 1000);
    if (!(claims.exp > now) || claims.nbf > now + 60) return undefined;
    if (!Array.isArray(claims.aud) || !claims.aud.includes(API_AUDIENCE)) return undefined;
    const k8s = claims['kubernetes.io'];
    if (!k8s?.namespace || !k8s.serviceaccount) return undefined;
    const sa = this.store.get('ServiceAccount', k8s.namespace, k8s.serviceaccount.name);
    if (!sa || sa.metadata.uid !== k8s.serviceaccount.uid) return undefined;
    const extra: Record<string, string[]> = {
      'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`],
    };
    for (const [kind, ref] of [['Pod', k8s.pod], ['Secret', k8s.secret], ['Node', k8s.node]] as const) {
      if (!ref) continue;
      const obj = this.store.get(kind, kind === 'Node' ? undefined : k8s.namespace, ref.name);
      if (!obj || obj.metadata.uid !== ref.uid) return undefined; // the bound object is gone: so is the token
      extra[`authentication.kubernetes.io/${kind.toLowerCase()}-name`] = [ref.name];
      extra[`authentication.kubernetes.io/${kind.toLowerCase()}-uid`] = [ref.uid];
    }
    return {
      username: claims.sub,
      uid: k8s.serviceaccount.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${k8s.namespace}`, 'system:authenticated'],
      extra,
      serviceAccount: { namespace: k8s.namespace, name: k8s.serviceaccount.name },
    };
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}
