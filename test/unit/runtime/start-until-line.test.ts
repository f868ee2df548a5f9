// DockerRuntime.startContainerUntilLine with an engine whose start request is slow (a burst of starts queued
// in it): the wait for the line counts from the start's return, not from the attach before it (decision 251).
// A fake dockerode: the attach stream is a PassThrough the "container" writes to once started.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { DockerRuntime } from '../../../src/runtime/docker.js';

/** a frame of a non-TTY container's stdout, as the engine multiplexes it */
function frame(text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function fakeEngine(opts: { startTakesMs: number; prints?: string }): Docker {
  const stream = new PassThrough();
  const container = {
    attach: async () => stream,
    start: async () => {
      await new Promise((r) => setTimeout(r, opts.startTakesMs));
      // the container's process runs once started: it prints right after
      if (opts.prints) setImmediate(() => stream.write(frame(`${opts.prints}\n`)));
    },
    logs: async () => Buffer.alloc(0),
    inspect: async () => ({ State: { Running: true } }),
  };
  return { getContainer: () => container, modem: {} } as unknown as Docker;
}

describe('startContainerUntilLine', () => {
  it('waits for the line from the start\'s return: a start slower than the timeout is not a failure', async () => {
    const runtime = new DockerRuntime({ docker: fakeEngine({ startTakesMs: 300, prints: 'files written' }) });
    await expect(runtime.startContainerUntilLine('abc', 'files written', 100)).resolves.toBeUndefined();
  });

  it('still gives up on a container that stays silent once started', async () => {
    const runtime = new DockerRuntime({ docker: fakeEngine({ startTakesMs: 10 }) });
    await expect(runtime.startContainerUntilLine('abc', 'files written', 100)).rejects.toThrow(/did not print "files written" within 100 ms/);
  });
});
