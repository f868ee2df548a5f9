// Turning any failure into the metav1.Status body a real apiserver would send, so kubectl prints
// "Error from server (<Reason>): <message>" and client-node surfaces the same code and reason.
import type { ServerResponse } from 'node:http';
import { StatusError, type StatusReason } from '../../kube/errors.js';
import { PROTOBUF, protobufCodec } from '../protobuf/lazy.js';
import { prefersProtobuf } from './negotiate.js';

export { StatusError };

const REASON_BY_CODE: Record<number, StatusReason> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Gone', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType',
  422: 'Invalid', 503: 'ServiceUnavailable',
};

/** Any thrown value as a StatusError: HTTP-ish errors (body parsers, URI decoding) keep their 4xx code. */
export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  const e = err as { status?: unknown; statusCode?: unknown; message?: unknown } | undefined;
  const code = Number(e?.status ?? e?.statusCode);
  if (code >= 400 && code < 500) {
    return new StatusError(code, REASON_BY_CODE[code] ?? 'BadRequest', String(e?.message ?? 'bad request'));
  }
  return new StatusError(500, 'InternalError', `Internal error occurred: ${withoutPaths(String(e?.message ?? err))}`);
}

/**
 * A client learns nothing of the server's file system from a 500 (an fs error names the file it failed
 * on, under the user's home): absolute paths become their last component. The full text is in the log.
 */
export function withoutPaths(message: string): string {
  return message.replace(/(^|[\s'"`(=:,])\/(?:[^\s'"`),/]+\/)*([^\s'"`),/]+)/g, (_m, before: string, last: string) => `${before}…/${last}`);
}

/**
 * The body as JSON, or as protobuf when the request's Accept prefers it and the kind has a protobuf
 * form (objects, lists, Status; not Tables or discovery documents, which stay JSON as on the apiserver).
 */
export function sendJson(res: ServerResponse, code: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const codec = protobufCodec();
  if (codec && res.req && prefersProtobuf(res.req)) {
    let bytes: Buffer | undefined;
    try {
      bytes = codec.encodeObject(body);
    } catch (err) {
      // a stored value protobuf cannot carry (never expected): the client accepts JSON too
      console.error(`api: protobuf encoding failed, answering JSON: ${(err as Error).message}`);
    }
    if (bytes) {
      res.writeHead(code, { 'Content-Type': PROTOBUF, 'Content-Length': bytes.length, 'Cache-Control': 'no-cache, private', ...extraHeaders });
      res.end(bytes);
      return;
    }
  }
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', ...extraHeaders });
  res.end(text);
}

export function sendStatus(res: ServerResponse, err: unknown): void {
  const s = toStatusError(err);
  if (s.code >= 500 && !(err instanceof StatusError)) console.error(`api: ${(err as Error)?.stack ?? err}`);
  if (res.headersSent) {
    // Mid-stream (watch, logs): the status line is gone, all we can do is cut the stream.
    res.destroy();
    return;
  }
  sendJson(res, s.code, s.toStatus());
}

/** The HTTP response for an upgrade request we refuse, written straight onto the raw socket. */
export function rawStatusResponse(err: unknown): string {
  const s = toStatusError(err);
  const body = JSON.stringify(s.toStatus());
  const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 503: 'Service Unavailable' }[s.code] ?? 'Error';
  return `HTTP/1.1 ${s.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

export const methodNotAllowed = (method: string) =>
  new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);

export const pathNotFound = () => new StatusError(404, 'NotFound', 'the server could not find the requested resource');

/** 415, naming the media type received and those accepted (kubectl prints it after "Error from server (UnsupportedMediaType): "). */
export const unsupportedMediaType = (type: string, accepted: string[]) =>
  new StatusError(415, 'UnsupportedMediaType',
    `the body of the request was in an unknown format (${type || 'none'}) - accepted media types include: ${accepted.join(', ')}`);
