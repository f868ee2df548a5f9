import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonLineSplitter, readProgress } from '../../../src/runtime/json-lines.js';

describe('JsonLineSplitter', () => {
  it('reassembles objects split across chunks and skips junk', () => {
    const s = new JsonLineSplitter();
    expect(s.push('{"a":1}\n{"b"')).toEqual([{ a: 1 }]);
    expect(s.push(':2}\r\nnot json\n\n')).toEqual([{ b: 2 }]);
    expect(s.push('{"c":3}')).toEqual([]);
    expect(s.push('\n')).toEqual([{ c: 3 }]);
  });
});

describe('readProgress', () => {
  it('reports the error the engine streamed', async () => {
    const stream = new PassThrough();
    const done = readProgress(stream);
    stream.write('{"status":"Pulling"}\n');
    stream.end('{"errorDetail":{"message":"no such host"},"error":"no such host"}\n');
    expect(await done).toMatchObject({ error: 'no such host' });
  });

  it('rejects when the stream closes before its end', async () => {
    const stream = new PassThrough();
    const done = readProgress(stream);
    stream.destroy();
    await expect(done).rejects.toThrow(/closed the progress stream/);
  });
});
