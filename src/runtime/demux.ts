// Docker multiplexes stdout and stderr of a non-TTY container or exec onto one stream: frames of an 8-byte
// header [stream, 0, 0, 0, size (uint32 big-endian)] followed by `size` bytes of payload.
import { Transform, type TransformCallback } from 'node:stream';

/** 0 stdin, 1 stdout, 2 stderr, as the engine numbers them */
export type StreamKind = 0 | 1 | 2;

export interface Frame {
  stream: StreamKind;
  data: Buffer;
}

const HEADER = 8;

/** Incremental parser: feed chunks as they arrive, get the complete (or partial) frames they carry. */
export class StreamDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  /** stream and bytes still owed by the frame being read */
  private current: StreamKind = 1;
  private remaining = 0;

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (buf.length > 0) {
      if (this.remaining > 0) {
        // payload bytes are handed out as they come, so a large frame never has to be buffered whole
        const take = Math.min(this.remaining, buf.length);
        frames.push({ stream: this.current, data: buf.subarray(0, take) });
        this.remaining -= take;
        buf = buf.subarray(take);
        continue;
      }
      if (buf.length < HEADER) {
        this.pending = Buffer.from(buf);
        break;
      }
      const kind = buf[0];
      this.current = kind === 0 || kind === 2 ? kind : 1;
      this.remaining = buf.readUInt32BE(4);
      buf = buf.subarray(HEADER);
    }
    return frames;
  }
}

/** A Transform that turns a multiplexed stream into the plain bytes of stdout and stderr, interleaved. */
export function demuxTransform(): Transform {
  const demuxer = new StreamDemuxer();
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      for (const frame of demuxer.push(chunk)) this.push(frame.data);
      callback();
    },
  });
}

/**
 * Keeps stdout and stderr, each up to `max` bytes (the rest is read and dropped, so the process never blocks
 * on a full pipe), and returns them as the kubelet does: stdout followed by stderr, capped at `max`.
 */
export class CappedOutput {
  private readonly parts: Record<1 | 2, Buffer[]> = { 1: [], 2: [] };
  private readonly sizes: Record<1 | 2, number> = { 1: 0, 2: 0 };

  constructor(private readonly max: number) {}

  add(stream: StreamKind, data: Buffer): void {
    const key = stream === 2 ? 2 : 1;
    const room = this.max - this.sizes[key];
    if (room <= 0) return;
    const kept = data.length <= room ? data : data.subarray(0, room);
    // copy: the chunk's memory may be reused by the socket
    this.parts[key].push(Buffer.from(kept));
    this.sizes[key] += kept.length;
  }

  result(): Buffer {
    const all = Buffer.concat([...this.parts[1], ...this.parts[2]]);
    return all.length > this.max ? all.subarray(0, this.max) : all;
  }

  /** stderr alone (the CRI's ExecSync error quotes it) */
  stderr(): Buffer {
    return Buffer.concat(this.parts[2]);
  }
}
