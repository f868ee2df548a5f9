import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readProgress } from '../../../src/runtime/json-lines.js';

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
