// SocketExecCalls against a fake engine on a unix socket: the calls it makes, the hijacked stream (with
// bytes that arrive together with the 101 answer), the errors dockerode would have given, and the bound
// on an engine that does not answer.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineMessage, statusCodeOf } from '../../../src/runtime/engine-errors.js';
import { SocketExecCalls, localSocketOf } from '../../../src/runtime/engine-exec.js';
import Docker from 'dockerode';

const dir = mkdtempSync(join(tmpdir(), 'engine-exec-'));
const socketPath = join(dir, 'docker.sock');
const seen: Array<{ method: string; url: string; body: string; upgrade?: string }> = [];
const held: Socket[] = [];

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', body });
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.url === '/v1.41/containers/abc/exec') json(201, { Id: 'e1' });
    else if (req.url === '/v1.41/containers/stopped/exec') json(409, { message: 'Container stopped is not running' });
    else if (req.url === '/v1.41/exec/e1/json') json(200, { Running: false, ExitCode: 3, Pid: 42, ContainerID: 'abc' });
    else if (req.url === '/v1.41/exec/hang/json') {
      held.push(req.socket); // never answers
    } else json(404, { message: `no such exec: ${req.url}` });
  });
});
server.on('upgrade', (req, socket: Socket) => {
  seen.push({ method: req.method ?? '', url: req.url ?? '', body: '', upgrade: req.headers.upgrade });
  if (req.url === '/v1.41/exec/plain/start') {
    // an engine that answers without upgrading: the output is the body, up to the close
    socket.end(Buffer.concat([
      Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: close\r\n\r\n'),
      Buffer.from([1, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69]),
    ]));
    return;
  }
  if (req.url === '/v1.41/exec/gone/start') {
    const body = JSON.stringify({ message: 'No such exec instance: gone' });
    socket.end(`HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    return;
  }
  // the 101 and the first frames in one write, so they reach the client as one chunk
  const frame = (kind: number, text: string): Buffer => {
    const payload = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = kind;
    header.writeUInt32BE(payload.length, 4);
    return Buffer.concat([header, payload]);
  };
  socket.write(Buffer.concat([
    Buffer.from('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n'),
    frame(1, 'out'), frame(2, 'err'),
  ]));
  setTimeout(() => socket.end(), 20);
});

const calls = new SocketExecCalls(async () => socketPath, '/v1.41');

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});
afterAll(async () => {
  for (const s of held) s.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('SocketExecCalls', () => {
  it('creates, starts (hijacked, bytes that came with the 101 kept) and inspects', async () => {
    const id = await calls.create('abc', { Cmd: ['cat', 'x'], AttachStdout: true, AttachStderr: true }, 5000);
    expect(id).toBe('e1');
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ Cmd: ['cat', 'x'], AttachStdout: true, AttachStderr: true });
    const out = await readAll(await calls.start('e1', 5000));
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/v1.41/exec/e1/start', upgrade: 'tcp' });
    // two frames: stdout "out", stderr "err"
    expect(out.subarray(8, 11).toString()).toBe('out');
    expect(out.subarray(19, 22).toString()).toBe('err');
    expect(await calls.inspect('e1', 5000)).toEqual({ Running: false, ExitCode: 3, Pid: 42, ContainerID: 'abc' });
  });

  it('takes the body as the stream when the engine does not upgrade', async () => {
    const out = await readAll(await calls.start('plain', 5000));
    expect(out.subarray(8).toString()).toBe('hi');
  });

  it('rejects like dockerode: status code and the engine message', async () => {
    const err = await calls.create('stopped', { Cmd: ['true'], AttachStdout: true, AttachStderr: true }, 5000).catch((e: unknown) => e);
    expect(statusCodeOf(err)).toBe(409);
    expect(engineMessage(err)).toBe('Container stopped is not running');
    const missing = await calls.inspect('nope', 5000).catch((e: unknown) => e);
    expect(statusCodeOf(missing)).toBe(404);
    const gone = await calls.start('gone', 5000).catch((e: unknown) => e);
    expect(statusCodeOf(gone)).toBe(404);
    expect(engineMessage(gone)).toBe('No such exec instance: gone');
  });

  it('gives up on an engine that does not answer', async () => {
    await expect(calls.inspect('hang', 300)).rejects.toThrow('the docker engine did not answer exec inspect within 300 ms');
  });
});

describe('localSocketOf', () => {
  it('uses the socket of a local client and not a tcp one', async () => {
    const local = localSocketOf(new Docker({ socketPath: '/tmp/x.sock', version: 'v1.41' }));
    expect(await local?.socketPath()).toBe('/tmp/x.sock');
    expect(local?.pathPrefix).toBe('/v1.41');
    expect(localSocketOf(new Docker({ host: '127.0.0.1', port: 2375 }))).toBeUndefined();
  });
});
