// Who may talk to the API: a request must name our host (DNS-rebinding defence: a web page that resolves
// evil.example to 127.0.0.1 still sends Host: evil.example) and carry the bearer token from <home>/token
// (the admin) or a service-account token (a pod's), which may do only what registry/authorization.ts
// allows a pod (docs/security.md): authentication, then authorization, before any handler runs.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../kube/errors.js';
import {
  ADMIN_USER, authorize, forbiddenMessage, rememberUser, requestAttributes, type UserInfo,
} from '../registry/authorization.js';

export interface TokenAuthenticator {
  authenticate(token: string): UserInfo | undefined;
}

/** The caller: the admin token, else a valid service-account token; 401 otherwise. Remembered on req. */
export function authenticate(req: IncomingMessage, adminToken: string, tokens?: TokenAuthenticator): UserInfo {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) throw new StatusError(401, 'Unauthorized', 'Unauthorized');
  const user = tokensEqual(m[1]!, adminToken) ? ADMIN_USER : tokens?.authenticate(m[1]!);
  if (!user) throw new StatusError(401, 'Unauthorized', 'Unauthorized');
  rememberUser(req, user);
  return user;
}

/** 403 with the apiserver's message unless the user may do what the request asks. */
export function checkAuthorized(req: IncomingMessage, user: UserInfo): void {
  const attrs = requestAttributes(req.method ?? 'GET', req.url ?? '/');
  if (!authorize(user, attrs).allowed) throw new StatusError(403, 'Forbidden', forbiddenMessage(user, attrs));
}

/**
 * Throws 403 unless Host is 127.0.0.1:<port> or localhost:<port>, or one of the names pods reach the API by
 * through the kubernetes Service (kubernetes.default.svc, its ClusterIP; port 443 or none).
 */
export function checkHost(req: IncomingMessage, port: number, inCluster: ReadonlySet<string> = new Set()): void {
  const host = (req.headers.host ?? '').toLowerCase();
  if (inCluster.has(host.replace(/:443$/, ''))) return;
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    throw new StatusError(403, 'Forbidden', `forbidden: Host header ${JSON.stringify(req.headers.host ?? '')} is not this server (127.0.0.1:${port} or localhost:${port})`);
  }
}

/** Throws 401 unless Authorization is "Bearer <token>". */
export function checkToken(req: IncomingMessage, token: string): void {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m || !tokensEqual(m[1]!, token)) throw new StatusError(401, 'Unauthorized', 'Unauthorized');
}

/** Constant-time: hashing first gives equal lengths, so timing reveals neither length nor prefix. */
function tokensEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
