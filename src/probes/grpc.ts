// gRPC handler (pkg/probe/grpc/grpc.go): grpc.health.v1.Health/Check over plaintext HTTP/2 with node's
// http2 module, no dependency. The kubelet dials with grpc.WithBlock(), so a connection that cannot be
// made is retried until the deadline and then reported as a timeout, never as "refused".
import http2 from 'node:http2';
import type { ClientHttp2Session, IncomingHttpHeaders, IncomingHttpStatusHeader } from 'node:http2';
import { Deadline, dialTcp } from './dial.js';
import { goDurationSeconds, goQuote, joinHostPort } from './go-format.js';
import {
  GrpcCode, HEALTH_CHECK_PATH, ServingStatus, decodeGrpcMessage, decodeHealthCheckResponse, encodeGrpcTimeout,
  encodeHealthCheckRequest, frameMessage, grpcCodeName, parseFrames, servingStatusName,
} from './grpc-wire.js';
import type { DialTarget, ProbeOutcome, Target } from './types.js';
import { KUBE_PROBE_USER_AGENT } from './types.js';

export interface GrpcProbeRequest {
  /** pod IP and grpc.port (gRPC probes have no host field and no named port) */
  address: Target;
  connectTo?: DialTarget;
  /** grpc.service, '' when unset */
  service: string;
  timeoutMs: number;
  proxySettleMs?: number;
}

/** grpc-go's reconnect backoff: 1s, growing 1.6x, ±20% jitter. */
function backoffMs(attempt: number): number {
  const base = 1000 * Math.pow(1.6, attempt);
  return Math.min(120_000, base * (0.8 + Math.random() * 0.4));
}

class RpcError extends Error {
  constructor(readonly code: number, readonly desc: string) {
    super(`rpc error: code = ${grpcCodeName(code)} desc = ${desc}`);
  }
}

export async function probeGrpc(req: GrpcProbeRequest): Promise<ProbeOutcome> {
  const deadline = new Deadline(req.timeoutMs);
  const addr = joinHostPort(req.address.host, req.address.port);
  const within = goDurationSeconds(req.timeoutMs / 1000);
  const failure = (output: string): ProbeOutcome => ({ result: 'failure', output });
  let session: ClientHttp2Session | undefined;
  try {
    session = await connect(req, addr, deadline);
    if (!session) return failure(`timeout: failed to connect service ${goQuote(addr)} within ${within}: context deadline exceeded`);
    let status: number;
    try {
      status = await check(session, addr, req.service, deadline);
    } catch (err) {
      if (!(err instanceof RpcError)) throw err;
      if (err.code === GrpcCode.Unimplemented) {
        return failure(`error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${err.desc}`);
      }
      if (err.code === GrpcCode.DeadlineExceeded) return failure(`timeout: health rpc did not complete within ${within}`);
      return failure(`error: health rpc probe failed: ${err.message}`);
    }
    if (status !== ServingStatus.SERVING) {
      return failure(`service unhealthy (responded with ${goQuote(servingStatusName(status))})`);
    }
    return { result: 'success', output: 'service healthy' };
  } finally {
    session?.destroy();
    deadline.dispose();
  }
}

/**
 * Dials and completes the HTTP/2 handshake (the peer's SETTINGS), retrying transient failures with
 * backoff like a blocking grpc.DialContext. Undefined when the deadline passed first.
 */
async function connect(req: GrpcProbeRequest, addr: string, deadline: Deadline): Promise<ClientHttp2Session | undefined> {
  for (let attempt = 0; !deadline.expired; attempt++) {
    const session = await tryConnect(req, addr, deadline);
    if (session) return session;
    const wait = Math.min(backoffMs(attempt), deadline.remaining());
    if (wait <= 0) break;
    await new Promise<void>((resolve) => {
      let offExpire = (): void => {};
      const done = (): void => {
        clearTimeout(t);
        offExpire();
        resolve();
      };
      const t = setTimeout(done, wait);
      offExpire = deadline.onExpire(done);
    });
  }
  return undefined;
}

async function tryConnect(req: GrpcProbeRequest, addr: string, deadline: Deadline): Promise<ClientHttp2Session | undefined> {
  let socket;
  try {
    socket = await dialTcp({ address: req.address, connectTo: req.connectTo, deadline, proxySettleMs: req.proxySettleMs });
  } catch {
    return undefined; // transient: refused, unreachable, timeout
  }
  const sock = socket;
  return new Promise((resolve) => {
    let offExpire = (): void => {};
    const session = http2.connect(`http://${addr}`, { createConnection: () => sock });
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      offExpire();
      if (!ok) session.destroy();
      resolve(ok ? session : undefined);
    };
    const onAbort = (): void => finish(false);
    offExpire = deadline.onExpire(onAbort);
    // grpc-go's transport is READY once the server's preface (SETTINGS) arrived.
    session.once('remoteSettings', () => finish(true));
    session.on('error', () => finish(false));
    session.once('close', () => finish(false));
    session.once('goaway', () => finish(false));
  });
}

/** The unary Check call; resolves with the serving status, rejects with an RpcError. */
function check(session: ClientHttp2Session, addr: string, service: string, deadline: Deadline): Promise<number> {
  return new Promise((resolve, reject) => {
    let offExpire = (): void => {};
    const stream = session.request({
      ':method': 'POST',
      ':scheme': 'http',
      ':path': HEALTH_CHECK_PATH,
      ':authority': addr,
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': KUBE_PROBE_USER_AGENT,
      'grpc-timeout': encodeGrpcTimeout(deadline.remaining()),
    });
    const chunks: Buffer[] = [];
    let headers: (IncomingHttpHeaders & IncomingHttpStatusHeader) | undefined;
    let trailers: IncomingHttpHeaders | undefined;
    let done = false;
    const finish = (err: RpcError | undefined, status?: number): void => {
      if (done) return;
      done = true;
      offExpire();
      stream.destroy();
      if (err) reject(err);
      else resolve(status ?? 0);
    };
    const onAbort = (): void => finish(new RpcError(GrpcCode.DeadlineExceeded, 'context deadline exceeded'));
    offExpire = deadline.onExpire(onAbort);
    stream.on('response', (h) => { headers = h; });
    stream.on('trailers', (t) => { trailers = t; });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (err: Error) => finish(new RpcError(GrpcCode.Unavailable, `error reading from server: ${err.message}`)));
    stream.on('close', () => finish(new RpcError(GrpcCode.Unavailable, 'transport is closing')));
    stream.on('end', () => {
      const httpStatus = Number(headers?.[':status'] ?? 0);
      if (httpStatus !== 200) {
        finish(new RpcError(httpStatusToCode(httpStatus), `unexpected HTTP status code received from server: ${httpStatus}`));
        return;
      }
      // A trailers-only response carries grpc-status in the headers.
      const meta = trailers?.['grpc-status'] !== undefined ? trailers : headers;
      const rawCode = meta?.['grpc-status'];
      if (rawCode === undefined) {
        finish(new RpcError(GrpcCode.Internal, 'server closed the stream without sending trailers'));
        return;
      }
      const code = Number(rawCode);
      const rawMessage = meta?.['grpc-message'];
      const message = decodeGrpcMessage(typeof rawMessage === 'string' ? rawMessage : '');
      if (code !== GrpcCode.OK) {
        finish(new RpcError(code, message));
        return;
      }
      let messages: Buffer[];
      try {
        messages = parseFrames(Buffer.concat(chunks));
      } catch (err) {
        finish(new RpcError(GrpcCode.Internal, (err as Error).message));
        return;
      }
      if (messages.length !== 1) {
        finish(new RpcError(GrpcCode.Internal, 'cardinality violation: expected exactly one response message'));
        return;
      }
      try {
        finish(undefined, decodeHealthCheckResponse(messages[0]).status);
      } catch (err) {
        finish(new RpcError(GrpcCode.Internal, `grpc: failed to unmarshal the received message: ${(err as Error).message}`));
      }
    });
    stream.end(frameMessage(encodeHealthCheckRequest(service)));
  });
}

/** grpc-go's mapping of a non-200 HTTP status to a code. */
function httpStatusToCode(status: number): number {
  switch (status) {
    case 400: return GrpcCode.Internal;
    case 401: return 16;
    case 403: return 7;
    case 404: return GrpcCode.Unimplemented;
    case 429: case 502: case 503: case 504: return GrpcCode.Unavailable;
    default: return GrpcCode.Unknown;
  }
}
