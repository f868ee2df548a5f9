// The few bytes of gRPC and protobuf the health protocol needs, shared by the probe client (grpc.ts)
// and the small server (grpc-health-server.ts). A unary gRPC call is an HTTP/2 POST whose body is one
// message with a 5-byte prefix (compressed flag, big-endian length); the status comes in trailers.
//   message HealthCheckRequest  { string service = 1; }
//   message HealthCheckResponse { ServingStatus status = 1; }  // UNKNOWN=0 SERVING=1 NOT_SERVING=2 SERVICE_UNKNOWN=3

export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';
export const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

export const ServingStatus = {
  UNKNOWN: 0,
  SERVING: 1,
  NOT_SERVING: 2,
  SERVICE_UNKNOWN: 3,
} as const;
export type ServingStatusName = keyof typeof ServingStatus;

/** The enum's String() in Go: its name, or the number for values the enum does not know. */
export function servingStatusName(value: number): string {
  const entry = Object.entries(ServingStatus).find(([, v]) => v === value);
  return entry ? entry[0] : String(value);
}

/** google.golang.org/grpc/codes Code.String(). */
export const GRPC_CODE_NAMES = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists',
  'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented',
  'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated',
] as const;

export const GrpcCode = {
  OK: 0, Unknown: 2, DeadlineExceeded: 4, NotFound: 5, Unimplemented: 12, Internal: 13, Unavailable: 14,
} as const;

export function grpcCodeName(code: number): string {
  return GRPC_CODE_NAMES[code] ?? `Code(${code})`;
}

function encodeVarint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function decodeVarint(buf: Buffer, offset: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < buf.length && i < offset + 10; i++) {
    value += (buf[i] & 0x7f) * scale;
    if ((buf[i] & 0x80) === 0) return { value, next: i + 1 };
    scale *= 128;
  }
  throw new Error('proto: truncated varint');
}

/** Walks a protobuf message, calling `field` for each varint or length-delimited field; skips the rest. */
function readFields(buf: Buffer, field: (num: number, value: number | Buffer) => void): void {
  let i = 0;
  while (i < buf.length) {
    const key = decodeVarint(buf, i);
    i = key.next;
    const num = Math.floor(key.value / 8);
    const wire = key.value % 8;
    if (wire === 0) {
      const v = decodeVarint(buf, i);
      i = v.next;
      field(num, v.value);
    } else if (wire === 2) {
      const len = decodeVarint(buf, i);
      const end = len.next + len.value;
      if (end > buf.length) throw new Error('proto: truncated length-delimited field');
      field(num, buf.subarray(len.next, end));
      i = end;
    } else if (wire === 1) {
      i += 8;
    } else if (wire === 5) {
      i += 4;
    } else {
      throw new Error(`proto: unsupported wire type ${wire}`);
    }
    if (i > buf.length) throw new Error('proto: truncated field');
  }
}

export function encodeHealthCheckRequest(service: string): Buffer {
  if (service === '') return Buffer.alloc(0); // proto3 leaves default values out
  const s = Buffer.from(service, 'utf8');
  return Buffer.concat([Buffer.from([0x0a]), encodeVarint(s.length), s]);
}

export function decodeHealthCheckRequest(buf: Buffer): { service: string } {
  let service = '';
  readFields(buf, (num, value) => {
    if (num === 1 && Buffer.isBuffer(value)) service = value.toString('utf8');
  });
  return { service };
}

export function encodeHealthCheckResponse(status: number): Buffer {
  if (status === 0) return Buffer.alloc(0);
  return Buffer.concat([Buffer.from([0x08]), encodeVarint(status)]);
}

export function decodeHealthCheckResponse(buf: Buffer): { status: number } {
  let status = 0;
  readFields(buf, (num, value) => {
    if (num === 1 && typeof value === 'number') status = value;
  });
  return { status };
}

/** Length-prefixed message: flag 0 (not compressed), 4-byte big-endian length, bytes. */
export function frameMessage(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt8(0, 0);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** Splits a received body into messages; throws on a truncated or compressed frame. */
export function parseFrames(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < body.length) {
    if (body.length - i < 5) throw new Error('grpc: truncated message prefix');
    if (body[i] !== 0) throw new Error('grpc: compressed message received but no compression was negotiated');
    const len = body.readUInt32BE(i + 1);
    if (i + 5 + len > body.length) throw new Error('grpc: truncated message');
    out.push(body.subarray(i + 5, i + 5 + len));
    i += 5 + len;
  }
  return out;
}

/** grpc-message is percent-encoded: bytes outside printable ASCII, and '%'. */
export function encodeGrpcMessage(msg: string): string {
  let out = '';
  for (const byte of Buffer.from(msg, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeGrpcMessage(msg: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < msg.length; i++) {
    if (msg[i] === '%' && /^[0-9a-fA-F]{2}$/.test(msg.slice(i + 1, i + 3))) {
      bytes.push(parseInt(msg.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(msg[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** grpc-timeout header: an integer of at most 8 digits and a unit. */
export function encodeGrpcTimeout(ms: number): string {
  const n = Math.max(0, Math.ceil(ms));
  return n <= 99_999_999 ? `${n}m` : `${Math.ceil(n / 1000)}S`;
}
