// Attach to a container's main process (kubectl attach, kubectl run -it): the engine's
// POST /containers/{id}/attach, hijacked, and POST /containers/{id}/resize for its terminal. Output is
// multiplexed (demux.ts) unless the container has a TTY, which has one raw output stream.
import { PassThrough, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { StreamDemuxer } from './demux.js';
import { pathSegment } from './engine-paths.js';
import type { ExecSession, InteractiveExecOptions } from './runtime.js';

type Bounded = <T>(ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/** Splits the engine's output stream into stdout and stderr (one raw stream with a TTY). */
export function splitOutput(raw: Duplex, tty: boolean): { stdout: PassThrough; stderr: PassThrough } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (tty) {
    raw.on('data', (chunk: Buffer) => stdout.write(chunk));
    stderr.end();
  } else {
    const demuxer = new StreamDemuxer();
    raw.on('data', (chunk: Buffer) => {
      for (const frame of demuxer.push(chunk)) (frame.stream === 2 ? stderr : stdout).write(frame.data);
    });
  }
  const end = (): void => {
    if (!stdout.writableEnded) stdout.end();
    if (!stderr.writableEnded) stderr.end();
  };
  raw.once('end', end);
  raw.once('close', end);
  raw.once('error', end);
  return { stdout, stderr };
}

/**
 * Attaches to the container's stdio. The session's "exit code" is 0 once the stream ends (the container
 * exited or closed its output): as with the kubelet, attach reports no exit code, the pod status does.
 */
export async function attachContainer(docker: Docker, bounded: Bounded, timeoutMs: number, id: string, opts: InteractiveExecOptions): Promise<ExecSession> {
  const container = docker.getContainer(pathSegment(id, 'container id'));
  const info = await bounded(timeoutMs, 'inspect', (abortSignal) => container.inspect({ abortSignal }));
  const tty = info.Config?.Tty === true;
  const raw = (await bounded(timeoutMs, 'attach', (abortSignal) => container.attach({
    stream: true, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr, hijack: true, abortSignal,
  } as Docker.ContainerAttachOptions))) as unknown as Duplex;
  const { stdout, stderr } = splitOutput(raw, tty);
  const exitCode = new Promise<number>((resolve) => {
    raw.once('end', () => resolve(0));
    raw.once('close', () => resolve(0));
    raw.once('error', () => resolve(0));
  });
  // The engine ends the whole attach (output included) when the client's stdin ends, unless the container
  // is StdinOnce; the kubelet's attach keeps streaming output. So the end of the client's stdin only ends
  // the container's stdin for a StdinOnce container (kubectl run -i), and is dropped otherwise (kubectl
  // debug -i, whose ephemeral container has stdin without stdinOnce).
  const stdinOnce = info.Config?.StdinOnce === true;
  return {
    stdin: opts.stdin ? (stdinOnce ? raw : writesOnly(raw)) : undefined,
    stdout,
    stderr,
    resize: async (width: number, height: number) => {
      await bounded(timeoutMs, 'container resize', (abortSignal) => container.resize({ w: width, h: height, abortSignal } as object));
    },
    exitCode,
    raw,
  };
}

/** true when the container runs with a TTY: its log is one raw stream, not multiplexed frames. */
export async function hasTty(docker: Docker, bounded: Bounded, timeoutMs: number, id: string): Promise<boolean> {
  const info = await bounded(timeoutMs, 'inspect', (abortSignal) => docker.getContainer(pathSegment(id, 'container id')).inspect({ abortSignal }));
  return info.Config?.Tty === true;
}

/** A stream that forwards writes to `raw` and never ends it. */
function writesOnly(raw: Duplex): PassThrough {
  const w = new PassThrough();
  w.on('data', (chunk: Buffer) => raw.write(chunk));
  return w;
}
