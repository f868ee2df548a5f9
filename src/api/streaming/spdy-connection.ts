// SPDY/3.1 server-side framing, as client-go's spdystream speaks it (exec, attach and port-forward of
// kubectl before 1.30, and port-forward of kubectl >= 1.30 tunnelled inside a WebSocket). The client opens
// streams (SYN_STREAM with headers such as "streamtype" and "port") and waits for a SYN_REPLY on each;
// bytes go both ways as DATA frames, FIN half-closes a stream.
//
// Deliberately not implemented: flow control (spdystream never sends WINDOW_UPDATE and does not enforce
// windows), server push, priorities, SETTINGS (ignored). Header blocks are zlib with the SPDY/3
// dictionary and one compression context per direction per connection:
//  - inbound: the compressed bytes so far are inflated again for each block (a handful of tiny blocks
//    per connection), which keeps parsing synchronous and in frame order;
//  - outbound: each SYN_REPLY header block is a zlib *stored* block plus the sync-flush marker inside
//    one continuous zlib stream: valid for any zlib reader and needing no compressor state.
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import * as zlib from 'node:zlib';
import { StatusError } from '../../kube/errors.js';
import { adler32, SPDY3_DICTIONARY } from './spdy-dictionary.js';

const SPDY_VERSION = 3;
const TYPE_SYN_STREAM = 1, TYPE_SYN_REPLY = 2, TYPE_RST_STREAM = 3, TYPE_PING = 6, TYPE_GOAWAY = 7;
const FLAG_FIN = 0x01;
const MAX_FRAME = 1 << 20;
const MAX_DATA_PAYLOAD = 32 * 1024;

export interface SpdyStream {
  id: number;
  type: string;
  /** every header of the SYN_STREAM, names lower-cased */
  headers: Map<string, string>;
  /** the bytes the client sends on it; ends on FIN or RST_STREAM */
  data: PassThrough;
}

/** The connection-level framing: parse frames, answer SYN_STREAMs, route DATA to streams. */
export class SpdyServerConnection {
  private buf: Buffer = Buffer.alloc(0);
  private readonly streams = new Map<number, SpdyStream>();
  private readonly byType = new Map<string, SpdyStream>();
  private inflateInput: Buffer = Buffer.alloc(0);
  private inflatedSoFar = 0;
  private deflateStarted = false;
  private closed = false;
  private readonly closeFns: (() => void)[] = [];
  private streamWaiter: (() => void) | undefined;
  private streamListener: ((stream: SpdyStream) => void) | undefined;
  private readonly drainFns: (() => void)[] = [];

  constructor(private readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('close', () => this.onClosed());
    socket.on('end', () => this.onClosed());
    socket.on('error', () => this.onClosed());
  }

  feed(chunk: Buffer): void {
    if (this.closed) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      while (this.buf.length >= 8) {
        const length = this.buf.readUIntBE(5, 3);
        if (length > MAX_FRAME) throw new Error(`frame of ${length} bytes is too large`);
        if (this.buf.length < 8 + length) break;
        const frame = this.buf.subarray(0, 8 + length);
        this.buf = this.buf.subarray(8 + length);
        this.handleFrame(frame);
      }
    } catch {
      // A peer that does not speak SPDY/3 correctly gets the connection closed.
      this.destroy();
    }
  }

  private handleFrame(frame: Buffer): void {
    const flags = frame[4]!;
    const payload = frame.subarray(8);
    if (frame[0]! & 0x80) {
      const version = frame.readUInt16BE(0) & 0x7fff;
      if (version !== SPDY_VERSION) throw new Error(`unsupported SPDY version ${version}`);
      const type = frame.readUInt16BE(2);
      switch (type) {
        case TYPE_SYN_STREAM: return this.onSynStream(payload, flags);
        case TYPE_RST_STREAM: return this.onStreamEnd(payload.readUInt32BE(0) & 0x7fffffff);
        case TYPE_PING: return this.writeControl(TYPE_PING, 0, payload.subarray(0, 4));
        case TYPE_GOAWAY: return this.destroy();
        default: return; // SETTINGS, WINDOW_UPDATE, HEADERS, NOOP: nothing to do without flow control
      }
    }
    const id = frame.readUInt32BE(0) & 0x7fffffff;
    const stream = this.streams.get(id);
    if (!stream) return;
    if (payload.length && !stream.data.writableEnded) stream.data.write(Buffer.from(payload));
    if (flags & FLAG_FIN) this.onStreamEnd(id);
  }

  private onSynStream(payload: Buffer, flags: number): void {
    const id = payload.readUInt32BE(0) & 0x7fffffff;
    const headers = this.inflateHeaders(payload.subarray(10));
    const type = headers.get('streamtype') ?? '';
    const stream: SpdyStream = { id, type, headers, data: new PassThrough() };
    this.streams.set(id, stream);
    if (type && !this.byType.has(type)) this.byType.set(type, stream);
    this.writeSynReply(id);
    if (flags & FLAG_FIN) this.onStreamEnd(id);
    this.streamWaiter?.();
    this.streamListener?.(stream);
  }

  /** Called for every stream the client opens (port-forward opens a pair per connection). */
  onStream(fn: (stream: SpdyStream) => void): void {
    this.streamListener = fn;
  }

  /** The client's stream is done with: forget it (port-forward opens many). */
  forget(id: number): void {
    this.streams.delete(id);
  }

  private onStreamEnd(id: number): void {
    const s = this.streams.get(id);
    if (s && !s.data.writableEnded) s.data.end();
  }

  /** Resolves with the streams by type once all `types` are open. */
  awaitStreams(types: string[], timeoutMs: number): Promise<Map<string, SpdyStream>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.closed) {
          cleanup();
          reject(new StatusError(400, 'BadRequest', 'the client closed the connection before opening its exec streams'));
        } else if (types.every((t) => this.byType.has(t))) {
          cleanup();
          resolve(new Map(this.byType));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new StatusError(400, 'BadRequest', `timed out waiting for the client to open the streams ${types.join(', ')}`));
      }, timeoutMs);
      const onClose = () => check();
      const cleanup = () => {
        clearTimeout(timer);
        this.streamWaiter = undefined;
        const i = this.closeFns.indexOf(onClose);
        if (i >= 0) this.closeFns.splice(i, 1);
      };
      this.streamWaiter = check;
      this.closeFns.push(onClose);
      check();
    });
  }

  /** Header block: int32 count, then (int32 length, name, int32 length, value) pairs; values split on NUL. */
  private inflateHeaders(block: Buffer): Map<string, string> {
    this.inflateInput = Buffer.concat([this.inflateInput, block]);
    const all = zlib.inflateSync(this.inflateInput, { dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const plain = all.subarray(this.inflatedSoFar);
    this.inflatedSoFar = all.length;
    const headers = new Map<string, string>();
    let off = 0;
    const readString = () => {
      const len = plain.readUInt32BE(off);
      const s = plain.subarray(off + 4, off + 4 + len).toString('latin1');
      off += 4 + len;
      return s;
    };
    const count = plain.readUInt32BE(off);
    off += 4;
    for (let i = 0; i < count; i++) {
      const name = readString().toLowerCase();
      const value = readString().split('\0')[0]!;
      headers.set(name, value);
    }
    return headers;
  }

  /** An empty header block (no headers), as a zlib stored block in our one outbound zlib stream. */
  private deflateEmptyHeaders(): Buffer {
    const plain = Buffer.alloc(4); // count = 0
    const parts: Buffer[] = [];
    if (!this.deflateStarted) {
      this.deflateStarted = true;
      // zlib header: deflate with a 32 KiB window, preset dictionary (FDICT) and its Adler-32.
      const cmf = 0x78;
      let flg = 0x20; // FDICT
      flg += 31 - ((cmf * 256 + flg) % 31);
      const dictId = Buffer.alloc(4);
      dictId.writeUInt32BE(adler32(SPDY3_DICTIONARY));
      parts.push(Buffer.from([cmf, flg]), dictId);
    }
    // Stored block, not final: 3 header bits (000) padded to a byte, then LEN and ~LEN little-endian.
    const len = Buffer.alloc(4);
    len.writeUInt16LE(plain.length, 0);
    len.writeUInt16LE(~plain.length & 0xffff, 2);
    parts.push(Buffer.from([0x00]), len, plain);
    // Then an empty stored block, the marker Z_SYNC_FLUSH writes: Go's flate reader releases a block's
    // bytes only once it has seen the next block header, which must therefore be inside this frame.
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }

  private writeSynReply(id: number): void {
    const idBuf = Buffer.alloc(4);
    idBuf.writeUInt32BE(id & 0x7fffffff);
    this.writeControl(TYPE_SYN_REPLY, 0, Buffer.concat([idBuf, this.deflateEmptyHeaders()]));
  }

  private writeControl(type: number, flags: number, payload: Buffer): void {
    if (this.closed) return;
    const h = Buffer.alloc(8);
    h.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
    h.writeUInt16BE(type, 2);
    h.writeUInt32BE(payload.length, 4);
    h[4] = flags;
    this.socket.write(Buffer.concat([h, payload]));
  }

  /** false when the socket's buffer is full: wait for onDrain before writing more (backpressure) */
  writeData(id: number, data: Buffer, fin = false): boolean {
    if (this.closed) return true;
    let ok: boolean;
    let off = 0;
    do {
      const piece = data.subarray(off, off + MAX_DATA_PAYLOAD);
      off += piece.length;
      const h = Buffer.alloc(8);
      h.writeUInt32BE(id & 0x7fffffff, 0);
      h.writeUInt32BE(piece.length, 4);
      h[4] = fin && off >= data.length ? FLAG_FIN : 0;
      ok = this.socket.write(Buffer.concat([h, piece]));
    } while (off < data.length);
    return ok;
  }

  /** once, when the socket can take more after writeData returned false */
  onDrain(fn: () => void): void {
    if (this.drainFns.push(fn) === 1) {
      this.socket.once('drain', () => {
        for (const f of this.drainFns.splice(0)) f();
      });
    }
  }

  /** GOAWAY, then the end of the TCP stream: everything written before still arrives. */
  goAway(): void {
    if (this.closed) return;
    const payload = Buffer.alloc(8); // last good stream id 0, status OK
    this.writeControl(TYPE_GOAWAY, 0, payload);
    this.socket.end();
    setTimeout(() => this.destroy(), 5000).unref();
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closeFns.push(fn);
  }

  destroy(): void {
    this.socket.destroy();
    this.onClosed();
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) if (!s.data.writableEnded) s.data.end();
    for (const fn of this.closeFns.splice(0)) fn();
  }
}

