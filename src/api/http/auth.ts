// Who may talk to the API: a request must name our host (DNS-rebinding defence: a web page that resolves
// evil.example to 127.0.0.1 still sends Host: evil.example) and carry the bearer token from <home>/token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../kube/errors.js';

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
