import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CappedOutput, demuxTransform, StreamDemuxer } from '../../../src/runtime/demux.js';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('StreamDemuxer', () => {
  it('splits frames by stream', () => {
    const d = new StreamDemuxer();
    const frames = d.push(Buffer.concat([frame(1, 'out'), frame(2, 'err'), frame(1, '!')]));
    expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual([
      [1, 'out'],
      [2, 'err'],
      [1, '!'],
    ]);
  });

  it('handles headers and payloads cut at every byte', () => {
    const all = Buffer.concat([frame(1, 'hello'), frame(2, 'world'), frame(1, '')]);
    const d = new StreamDemuxer();
    const seen: string[] = [];
    for (let i = 0; i < all.length; i++) {
      for (const f of d.push(all.subarray(i, i + 1))) seen.push(`${f.stream}:${f.data.toString()}`);
    }
    // payload bytes come out as they arrive; joined per stream they are whole
    expect(seen.filter((s) => s.startsWith('1:')).map((s) => s.slice(2)).join('')).toBe('hello');
    expect(seen.filter((s) => s.startsWith('2:')).map((s) => s.slice(2)).join('')).toBe('world');
  });

  it('demuxes a stream into plain interleaved bytes', async () => {
    const src = Readable.from([Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n')]), frame(1, 'c\n')]);
    let out = '';
    for await (const chunk of src.pipe(demuxTransform())) out += String(chunk);
    expect(out).toBe('a\nb\nc\n');
  });
});

describe('CappedOutput', () => {
  it('puts stdout before stderr, whatever the arrival order', () => {
    const o = new CappedOutput(100);
    o.add(2, Buffer.from('err1 '));
    o.add(1, Buffer.from('out1 '));
    o.add(2, Buffer.from('err2'));
    o.add(1, Buffer.from('out2 '));
    expect(o.result().toString()).toBe('out1 out2 err1 err2');
  });

  it('caps the total at max bytes', () => {
    const o = new CappedOutput(8);
    o.add(1, Buffer.from('0123456789'));
    o.add(2, Buffer.from('abc'));
    expect(o.result().toString()).toBe('01234567');
    const p = new CappedOutput(8);
    p.add(1, Buffer.from('0123'));
    p.add(2, Buffer.from('abcdefgh'));
    expect(p.result().toString()).toBe('0123abcd');
  });
});
