// The protobuf codec is loaded on the first request that sends or accepts protobuf (kubectl 1.32's
// create, client-go's typed clients), never before: a `get` in JSON must not pay for protobufjs and the
// descriptor (issue #19). server.ts awaits loadProtobuf() for such a request before it is handled, so
// the synchronous response path (errors.ts sendJson) can then use protobufCodec().
import type { IncomingMessage } from 'node:http';
import type * as Codec from './codec.js';

export type ProtobufCodec = typeof Codec;

let codec: ProtobufCodec | undefined;
let loading: Promise<ProtobufCodec> | undefined;

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** Whether the request's body or its Accept names the protobuf media type. */
export function mentionsProtobuf(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().includes(PROTOBUF) || (req.headers.accept ?? '').toLowerCase().includes(PROTOBUF);
}

export function loadProtobuf(): Promise<ProtobufCodec> {
  loading ??= import('./codec.js').then((m) => (codec = m));
  return loading;
}

/** The codec if a protobuf request has loaded it, else undefined. */
export function protobufCodec(): ProtobufCodec | undefined {
  return codec;
}
