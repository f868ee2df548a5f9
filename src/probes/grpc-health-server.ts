// A tiny grpc.health.v1 server over node's http2, for tests and sample apps (the kubelet never uses it).
// It answers like grpc-go's health.Server: the "" service is SERVING from the start, a service it does
// not know gets NotFound "unknown service", and a server without the health service gets Unimplemented.
import http2 from 'node:http2';
import type { Http2Server, ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import {
  GrpcCode, HEALTH_CHECK_PATH, ServingStatus, decodeHealthCheckRequest, encodeGrpcMessage, encodeHealthCheckResponse,
  frameMessage, parseFrames,
} from './grpc-wire.js';
import type { ServingStatusName } from './grpc-wire.js';

export interface GrpcHealthServerOptions {
  /** false: behave like a gRPC server that never registered grpc.health.v1.Health */
  implementsHealth?: boolean;
  /** wait this long before answering (to exercise the RPC deadline) */
  delayMs?: number;
}

export interface SeenHealthCheck {
  service: string;
  userAgent: string | undefined;
  authority: string | undefined;
  grpcTimeout: string | undefined;
}

export class GrpcHealthServer {
  readonly seen: SeenHealthCheck[] = [];
  private readonly statuses = new Map<string, number>([['', ServingStatus.SERVING]]);
  private readonly server: Http2Server;
  private readonly sessions = new Set<http2.ServerHttp2Session>();

  constructor(private readonly opts: GrpcHealthServerOptions = {}) {
    this.server = http2.createServer();
    this.server.on('session', (s) => {
      this.sessions.add(s);
      s.on('close', () => this.sessions.delete(s));
    });
    this.server.on('stream', (stream, headers) => this.onStream(stream, headers));
  }

  setStatus(service: string, status: ServingStatusName | number): void {
    this.statuses.set(service, typeof status === 'number' ? status : ServingStatus[status]);
  }

  /** Resolves with the port listened on. */
  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    for (const s of this.sessions) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onStream(stream: ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', () => {});
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const answer = (): void => this.answer(stream, headers, Buffer.concat(chunks));
      if (this.opts.delayMs) setTimeout(answer, this.opts.delayMs);
      else answer();
    });
  }

  private answer(stream: ServerHttp2Stream, headers: http2.IncomingHttpHeaders, body: Buffer): void {
    if (stream.destroyed || stream.closed) return;
    const path = headers[':path'];
    const implemented = this.opts.implementsHealth !== false && path === HEALTH_CHECK_PATH;
    if (!implemented) {
      const what = path?.split('/')[1] ?? '';
      this.trailersOnly(stream, GrpcCode.Unimplemented, `unknown service ${what}`);
      return;
    }
    let service: string;
    try {
      const messages = parseFrames(body);
      service = decodeHealthCheckRequest(messages[0] ?? Buffer.alloc(0)).service;
    } catch (err) {
      this.trailersOnly(stream, GrpcCode.Internal, `grpc: error unmarshalling request: ${(err as Error).message}`);
      return;
    }
    this.seen.push({
      service,
      userAgent: headers['user-agent'],
      authority: headers[':authority'],
      grpcTimeout: typeof headers['grpc-timeout'] === 'string' ? headers['grpc-timeout'] : undefined,
    });
    const status = this.statuses.get(service);
    if (status === undefined) {
      this.trailersOnly(stream, GrpcCode.NotFound, 'unknown service');
      return;
    }
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(frameMessage(encodeHealthCheckResponse(status)));
  }

  private trailersOnly(stream: ServerHttp2Stream, code: number, message: string): void {
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(code), 'grpc-message': encodeGrpcMessage(message) },
      { endStream: true },
    );
  }
}
