// The bodies of TokenRequest, SelfSubjectAccessReview and SelfSubjectRulesReview, which kubectl 1.32 sends
// as application/vnd.kubernetes.protobuf (its clientset's default for built-in kinds): the envelope
// (magic "k8s\0" + runtime.Unknown{typeMeta=1, raw=2}) and the few fields these handlers read, decoded
// from the wire facts of authentication/v1 and authorization/v1 generated.proto. Other fields (metadata,
// status, attestations) are skipped. JSON and YAML bodies go to body.ts as for every other request.
import type { IncomingMessage } from 'node:http';
import { badRequest } from '../../kube/errors.js';
import { mediaType, readObjectBody, readRaw } from '../http/body.js';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Field = { name: string; type: 'string' | 'int64' } | { name: string; type: 'message'; of: Schema };
type Schema = Record<number, Field & { repeated?: boolean }>;

const BOUND_OBJECT_REF: Schema = { 1: { name: 'kind', type: 'string' }, 2: { name: 'apiVersion', type: 'string' }, 3: { name: 'name', type: 'string' }, 4: { name: 'uid', type: 'string' } };
const RESOURCE_ATTRIBUTES: Schema = {
  1: { name: 'namespace', type: 'string' }, 2: { name: 'verb', type: 'string' }, 3: { name: 'group', type: 'string' }, 4: { name: 'version', type: 'string' },
  5: { name: 'resource', type: 'string' }, 6: { name: 'subresource', type: 'string' }, 7: { name: 'name', type: 'string' },
};
const NON_RESOURCE_ATTRIBUTES: Schema = { 1: { name: 'path', type: 'string' }, 2: { name: 'verb', type: 'string' } };

export const REVIEW_SCHEMAS: Record<string, Schema> = {
  TokenRequest: {
    2: { name: 'spec', type: 'message', of: {
      1: { name: 'audiences', type: 'string', repeated: true }, 3: { name: 'boundObjectRef', type: 'message', of: BOUND_OBJECT_REF }, 4: { name: 'expirationSeconds', type: 'int64' },
    } },
  },
  SelfSubjectAccessReview: {
    2: { name: 'spec', type: 'message', of: { 1: { name: 'resourceAttributes', type: 'message', of: RESOURCE_ATTRIBUTES }, 2: { name: 'nonResourceAttributes', type: 'message', of: NON_RESOURCE_ATTRIBUTES } } },
  },
  SelfSubjectRulesReview: { 2: { name: 'spec', type: 'message', of: { 1: { name: 'namespace', type: 'string' } } } },
};
const TYPE_META: Schema = { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } };

/** The request body as JSON would have given it, whichever of JSON, YAML or protobuf the client sent. */
export async function readReviewBody(req: IncomingMessage, kind: keyof typeof REVIEW_SCHEMAS): Promise<Record<string, unknown>> {
  if (mediaType(req) !== PROTOBUF) return readObjectBody(req);
  return decodeEnvelope(await readRaw(req), kind);
}

export function decodeEnvelope(buf: Buffer, kind: string): Record<string, unknown> {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC)) throw badRequest('the protobuf body does not start with the Kubernetes magic number');
  const unknown = decode(buf.subarray(4), { 1: { name: 'typeMeta', type: 'message', of: TYPE_META }, 2: { name: 'raw', type: 'string' } }, true);
  const typeMeta = (unknown['typeMeta'] ?? {}) as Record<string, unknown>;
  if (typeMeta['kind'] && typeMeta['kind'] !== kind) throw badRequest(`the protobuf body holds a ${String(typeMeta['kind'])}, not a ${kind}`);
  const raw = unknown['raw'] as Buffer | undefined;
  return { ...typeMeta, ...(raw ? decode(raw, REVIEW_SCHEMAS[kind]!) : {}) };
}

/** Decodes the fields the schema names; skips the rest by wire type. `rawBytes` keeps field 2 as bytes. */
function decode(buf: Buffer, schema: Schema, rawBytes = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw badRequest('truncated protobuf body');
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw badRequest('malformed protobuf varint');
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    const field = schema[no];
    if (wire === 0) {
      const v = varint();
      if (field?.type === 'int64') out[field.name] = Number(BigInt.asIntN(64, v));
    } else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw badRequest('truncated protobuf body');
      const bytes = buf.subarray(pos, pos + len);
      pos += len;
      if (!field) continue;
      let value: unknown;
      if (field.type === 'message') value = decode(bytes, field.of);
      else if (rawBytes && no === 2) value = Buffer.from(bytes);
      else value = bytes.toString('utf8');
      if (field.repeated) out[field.name] = [...((out[field.name] as unknown[] | undefined) ?? []), value];
      else out[field.name] = value;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else {
      throw badRequest(`unsupported protobuf wire type ${wire}`);
    }
  }
  return out;
}
