// HTTP GET handler: pkg/probe/http/request.go (building the request) and http.go (running it), with the
// transport the kubelet configures: no keep-alive (a new connection per probe, `Connection: close`), no
// proxy, no compression, no TLS verification, client timeout = timeoutSeconds, and the redirect policy
// of prober.go (followNonLocalRedirects=false). Node's http client does the HTTP/1.1; the socket is
// dialed by us (`createConnection`, no agent) so errors read like Go's and a published port can be used.
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { Container, Probe } from '../kube/types.js';
import { Deadline, DialError, dialTcp, goErrnoText } from './dial.js';
import { canonicalHeaderKey, goQuote, isIpLiteral, joinHostPort } from './go-format.js';
import { resolveContainerPort } from './port.js';
import type { DialResolver, ProbeOutcome, Target } from './types.js';
import { KUBE_PROBE_USER_AGENT, MAX_PROBE_OUTPUT_BYTES } from './types.js';

type HTTPGetAction = NonNullable<Probe['httpGet']>;

/** Go's http.Client stops after this many redirects (`stopped after 10 redirects`). */
export const MAX_REDIRECTS = 10;

/** The parts of Go's *http.Request the probe uses. */
export interface HttpProbeRequest {
  scheme: 'http' | 'https' | string;
  /** URL host: httpGet.host or the pod IP */
  host: string;
  port: number;
  /** path and query as parsed from httpGet.path, always starting with `/` */
  path: string;
  /** canonical header name → values, in the order added (Go's http.Header) */
  headers: Map<string, string[]>;
  /** req.Host: the `Host` entry of httpHeaders, '' when absent */
  hostOverride: string;
}

/** `http://10.1.2.3:8080/readiness`: url.URL.String() as Go prints it in errors. */
export function requestUrl(req: Pick<HttpProbeRequest, 'scheme' | 'host' | 'port' | 'path'>): string {
  return `${req.scheme}://${joinHostPort(req.host, req.port)}${req.path}`;
}

/** Path and query as url.Parse(path) keeps them; `healthz` becomes `/healthz` like URL.String(). */
function parsePath(path: string): string {
  try {
    const u = new URL(path, 'http://placeholder');
    return u.pathname + u.search;
  } catch {
    return path.startsWith('/') ? path : `/${path}`;
  }
}

/**
 * NewRequestForHTTPGetAction: scheme lowercased (default http), host or pod IP, port resolved against
 * THIS container's named ports, headers added in order, then the User-Agent and Accept defaults.
 * A port that does not resolve is an error: the probe errors and the result is unknown.
 */
export function newRequestForHttpGetAction(
  action: HTTPGetAction,
  container: Pick<Container, 'ports'>,
  podIP: string,
): HttpProbeRequest | { error: string } {
  const resolved = resolveContainerPort(action.port, container);
  if ('error' in resolved) return resolved;
  const headers = new Map<string, string[]>();
  for (const h of action.httpHeaders ?? []) {
    const key = canonicalHeaderKey(h.name);
    headers.set(key, [...(headers.get(key) ?? []), h.value]);
  }
  if (!headers.has('User-Agent')) headers.set('User-Agent', [KUBE_PROBE_USER_AGENT]);
  if (!headers.has('Accept')) headers.set('Accept', ['*/*']);
  else if ((headers.get('Accept')?.[0] ?? '') === '') headers.delete('Accept');
  return {
    scheme: (action.scheme ?? '').toLowerCase() || 'http',
    host: action.host || podIP,
    port: resolved.port,
    path: parsePath(action.path ?? ''),
    headers,
    hostOverride: headers.get('Host')?.[0] ?? '',
  };
}

export interface HttpProbeOptions {
  timeoutMs: number;
  /** maps an address the request would dial to where this host can reach it; identity by default */
  dial?: DialResolver;
  proxySettleMs?: number;
}

/** One request of the redirect chain. */
interface Hop {
  scheme: string;
  hostname: string;
  port: number;
  /** what goes in the Host header (Go: req.Host, else req.URL.Host) */
  hostHeader: string;
  path: string;
  url: string;
  referer?: string;
}

class RequestError extends Error {}

/** DoHTTPProbe with the kubelet's client: the whole exchange, redirects included, within timeoutMs. */
export async function probeHttp(req: HttpProbeRequest, opts: HttpProbeOptions): Promise<ProbeOutcome> {
  const deadline = new Deadline(opts.timeoutMs);
  try {
    return await doProbe(req, opts, deadline);
  } finally {
    deadline.dispose();
  }
}

async function doProbe(req: HttpProbeRequest, opts: HttpProbeOptions, deadline: Deadline): Promise<ProbeOutcome> {
  const first: Hop = {
    scheme: req.scheme,
    hostname: req.host,
    port: req.port,
    hostHeader: req.hostOverride || joinHostPort(req.host, req.port),
    path: req.path,
    url: requestUrl(req),
  };
  const via: Hop[] = [];
  let hop = first;
  let res: IncomingMessage;
  for (;;) {
    via.push(hop);
    try {
      res = await send(hop, req.headers, opts, deadline);
    } catch (err) {
      if (err instanceof RequestError) return { result: 'failure', output: `Get ${goQuote(hop.url)}: ${err.message}` };
      throw err;
    }
    if (!isFollowedRedirect(res.statusCode ?? 0)) break;
    const loc = headerValue(res, 'location');
    // Go returns a 3xx without Location as the final response (issues #17773, #49281).
    if (loc === '') break;
    let next: URL;
    try {
      next = new URL(loc, hop.url);
    } catch (err) {
      res.destroy();
      return { result: 'failure', output: `Get ${goQuote(hop.url)}: failed to parse Location header ${goQuote(loc)}: ${(err as Error).message}` };
    }
    // prober.go's RedirectChecker: another host ends the chain with the 3xx itself (a Warning) ...
    if (stripBrackets(next.hostname) !== first.hostname) break;
    // ... and the same host is followed, 10 times at most.
    if (via.length >= MAX_REDIRECTS) {
      res.destroy();
      return { result: 'failure', output: `Get ${goQuote(loc)}: stopped after ${MAX_REDIRECTS} redirects` };
    }
    res.destroy();
    const relative = !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(loc);
    // Go keeps a custom Host header across a redirect only when the location is relative (#22233).
    const keepHost = hop.hostHeader !== joinHostPort(hop.hostname, hop.port) && relative;
    const scheme = next.protocol.replace(/:$/, '');
    const port = next.port ? Number(next.port) : scheme === 'https' ? 443 : 80;
    hop = {
      scheme,
      hostname: stripBrackets(next.hostname),
      port,
      hostHeader: keepHost ? hop.hostHeader : next.host,
      path: next.pathname + next.search,
      url: next.href,
      // refererForURL: the previous URL, except from https to http
      referer: hop.scheme === 'https' && scheme === 'http' ? undefined : hop.url,
    };
    if (scheme !== 'http' && scheme !== 'https') {
      return { result: 'failure', output: `Get ${goQuote(hop.url)}: unsupported protocol scheme ${goQuote(scheme)}` };
    }
  }

  const read = await readAtMost(res, MAX_PROBE_OUTPUT_BYTES, deadline);
  // Go: `return probe.Failure, "", err` — an error, so the kubelet says "errored and resulted in failure state".
  if ('error' in read) return { result: 'failure', output: '', error: read.error };
  const body = read.body.toString('utf8');
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 400) {
    if (status >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${body}` };
    return { result: 'success', output: body };
  }
  // The body is deliberately left out of the failure message (issue #99425).
  return { result: 'failure', output: `HTTP probe failed with statuscode: ${status}` };
}

/** redirectBehavior for GET: 301, 302, 303, 307, 308 are followed; 300, 304 and the rest are final. */
function isFollowedRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function headerValue(res: IncomingMessage, name: string): string {
  const v = res.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** The header block Go would write: Host, User-Agent (first value, omitted if empty), the rest sorted. */
function wireHeaders(hop: Hop, headers: Map<string, string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { Host: hop.hostHeader };
  const ua = headers.get('User-Agent')?.[0] ?? '';
  if (ua !== '') out['User-Agent'] = ua;
  const rest = new Map(headers);
  rest.delete('Host');
  rest.delete('User-Agent');
  if (hop.referer !== undefined && !rest.has('Referer')) rest.set('Referer', [hop.referer]);
  for (const key of [...rest.keys()].sort()) {
    const values = rest.get(key) ?? [];
    if (values.length > 0) out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

/** One request/response; rejects with a RequestError whose message is Go's error text (no URL). */
async function send(hop: Hop, headers: Map<string, string[]>, opts: HttpProbeOptions, deadline: Deadline): Promise<IncomingMessage> {
  const awaitingHeaders = 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)';
  const address: Target = { host: hop.hostname, port: hop.port };
  let socket: Socket;
  try {
    const connectTo = opts.dial ? await opts.dial(address) : undefined;
    socket = await dialTcp({ address, connectTo, deadline, proxySettleMs: opts.proxySettleMs });
  } catch (err) {
    if (err instanceof DialError) throw new RequestError(err.timedOut ? awaitingHeaders : err.message);
    throw err;
  }
  const local = `${socket.localAddress ?? ''}:${socket.localPort ?? ''}`;
  const remote = joinHostPort(address.host, address.port);
  if (hop.scheme === 'https') socket = await startTls(socket, hop.hostname, deadline, awaitingHeaders);

  return await new Promise<IncomingMessage>((resolve, reject) => {
    let offExpire = (): void => {};
    const conn = socket;
    let request: http.ClientRequest;
    try {
      request = http.request({
        method: 'GET',
        path: hop.path,
        setHost: false,
        headers: wireHeaders(hop, headers),
        createConnection: () => conn,
      });
    } catch (err) {
      // e.g. a header value node refuses to send
      conn.destroy();
      reject(new RequestError((err as Error).message));
      return;
    }
    const onAbort = (): void => {
      request.destroy();
      conn.destroy();
      reject(new RequestError(awaitingHeaders));
    };
    if (deadline.expired) {
      onAbort();
      return;
    }
    offExpire = deadline.onExpire(onAbort);
    request.on('response', (res) => {
      offExpire();
      resolve(res);
    });
    request.on('error', (err: NodeJS.ErrnoException) => {
      offExpire();
      conn.destroy();
      reject(new RequestError(goTransportErrorText(err, local, remote)));
    });
    request.end();
  });
}

/** Node's client errors in the words of Go's transport. */
function goTransportErrorText(err: NodeJS.ErrnoException, local: string, remote: string): string {
  // node: 'socket hang up' when the peer closed before answering; Go reads that as EOF.
  if (err.message === 'socket hang up') return 'EOF';
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return `read tcp ${local}->${remote}: read: ${goErrnoText(err)}`;
  if (err.code?.startsWith('HPE_')) return `net/http: HTTP/1.x transport connection broken: malformed HTTP response (${err.message})`;
  return err.message;
}

function startTls(raw: Socket, hostname: string, deadline: Deadline, timeoutText: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let offExpire = (): void => {};
    // InsecureSkipVerify: true. SNI only for names, as Go's TLS client does.
    const secure = tls.connect({ socket: raw, servername: isIpLiteral(hostname) ? '' : hostname, rejectUnauthorized: false });
    const onAbort = (): void => {
      secure.destroy();
      reject(new RequestError(timeoutText));
    };
    offExpire = deadline.onExpire(onAbort);
    secure.once('secureConnect', () => {
      offExpire();
      secure.on('error', () => {});
      resolve(secure);
    });
    secure.once('error', (err: NodeJS.ErrnoException) => {
      offExpire();
      secure.destroy();
      reject(new RequestError(goTlsErrorText(err)));
    });
  });
}

function goTlsErrorText(err: NodeJS.ErrnoException): string {
  const msg = err.message;
  // Go's transport recognises an HTTP answer to its ClientHello.
  if (err.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(msg)) {
    return 'http: server gave HTTP response to HTTPS client';
  }
  if (/before secure TLS connection was established/.test(msg)) return 'EOF';
  const alert = /alert ([a-z ]+?)(?:\s*\(|$)/i.exec(msg);
  if (alert) return `remote error: tls: ${alert[1].toLowerCase()}`;
  return `tls: ${msg}`;
}

/** utilio.ReadAtMost: at most `limit` bytes; truncation is no error, a failing read is. */
function readAtMost(res: IncomingMessage, limit: number, deadline: Deadline): Promise<{ body: Buffer } | { error: string }> {
  return new Promise((resolve) => {
    let offExpire = (): void => {};
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: { body: Buffer } | { error: string }): void => {
      if (done) return;
      done = true;
      offExpire();
      res.socket?.destroy();
      res.destroy();
      resolve(r);
    };
    const onAbort = (): void => finish({ error: 'context deadline exceeded (Client.Timeout or context cancellation while reading body)' });
    if (deadline.expired) {
      onAbort();
      return;
    }
    offExpire = deadline.onExpire(onAbort);
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) finish({ body: Buffer.concat(chunks).subarray(0, limit) });
    });
    res.on('end', () => finish({ body: Buffer.concat(chunks) }));
    res.on('aborted', () => finish({ error: 'unexpected EOF' }));
    res.on('error', (err: NodeJS.ErrnoException) => finish({ error: err.message === 'aborted' ? 'unexpected EOF' : err.message }));
  });
}
