// Exec and attach over WebSocket, the channel.k8s.io protocols (client-node; kubectl >= 1.30). Every binary frame
// starts with its channel: 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize; v5 adds 255 "close"
// ([255, 0] = stdin is done). Versions before v4 carry a plain error text on channel 3 instead of a
// Status. Unknown subprotocols are refused before the handshake: kubectl 1.32 would otherwise fall back
// to SPDY and run the command a second time.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { ExecStatus, ExecTransport } from './exec-session.js';
import { parseTerminalSize } from './terminal-size.js';

export const WS_EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

const STDIN = 0, STDOUT = 1, STDERR = 2, ERROR = 3, RESIZE = 4, CLOSE = 255;

/** The first protocol the client offers that we speak (the client lists its preference first). */
export function pickWebSocketProtocol(header: string | string[] | undefined): string | undefined {
  const offered = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return offered.find((p) => WS_EXEC_PROTOCOLS.includes(p));
}

export function createExecWebSocketServer(): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024 * 1024,
    perMessageDeflate: false,
    handleProtocols: (protocols) => {
      for (const p of protocols) if (WS_EXEC_PROTOCOLS.includes(p)) return p;
      return false;
    },
  });
}

/** Completes the handshake and hands back a transport for the session. */
export function acceptExecWebSocket(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, stdinWanted: boolean): Promise<WebSocketExecTransport> {
  return new Promise((resolve) => {
    wss.handleUpgrade(req, socket, head, (ws) => resolve(new WebSocketExecTransport(ws, stdinWanted)));
  });
}

export class WebSocketExecTransport implements ExecTransport {
  readonly stdin: PassThrough | undefined;
  private readonly resizeFns: ((w: number, h: number) => void)[] = [];
  private lastSize: { width: number; height: number } | undefined;
  private readonly closeFns: (() => void)[] = [];
  private done = false;
  private readonly version: number;

  constructor(private readonly ws: WebSocket, stdinWanted: boolean) {
    const m = /^v(\d+)\./.exec(ws.protocol);
    this.version = m ? Number(m[1]) : 1;
    this.stdin = stdinWanted ? new PassThrough() : undefined;
    ws.on('message', (data, isBinary) => this.onMessage(toBuffer(data), isBinary));
    ws.on('close', () => this.closed());
    ws.on('error', () => this.closed());
  }

  private onMessage(buf: Buffer, _isBinary: boolean): void {
    if (buf.length === 0) return;
    const channel = buf[0]!;
    const payload = buf.subarray(1);
    switch (channel) {
      case STDIN:
        if (payload.length && this.stdin && !this.stdin.writableEnded) this.stdin.write(payload);
        break;
      case RESIZE: {
        const size = parseTerminalSize(payload.toString('utf8'));
        if (size) this.resized(size.width, size.height);
        break;
      }
      case CLOSE:
        if (this.version >= 5 && payload[0] === STDIN) this.stdin?.end();
        break;
      default:
        break;
    }
  }

  private closed(): void {
    if (this.stdin && !this.stdin.writableEnded) this.stdin.end();
    const fns = this.closeFns.splice(0);
    this.done = true;
    for (const fn of fns) fn();
  }

  private resized(width: number, height: number): void {
    this.lastSize = { width, height };
    for (const fn of this.resizeFns) fn(width, height);
  }

  onResize(fn: (w: number, h: number) => void): void {
    this.resizeFns.push(fn);
    // kubectl sends the terminal's size as soon as the streams are up, before the process exists
    if (this.lastSize) fn(this.lastSize.width, this.lastSize.height);
  }

  onClose(fn: () => void): void {
    if (this.done && this.ws.readyState !== this.ws.OPEN) fn();
    else this.closeFns.push(fn);
  }

  private send(channel: number, data: Buffer): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  }

  writeStdout(chunk: Buffer): void {
    this.send(STDOUT, chunk);
  }

  writeStderr(chunk: Buffer): void {
    this.send(STDERR, chunk);
  }

  finish(status: ExecStatus): void {
    if (this.done) return;
    this.done = true;
    if (this.version >= 4) this.send(ERROR, Buffer.from(JSON.stringify(status)));
    else if (status.status === 'Failure') this.send(ERROR, Buffer.from(status.message ?? 'error'));
    this.ws.close(1000);
    // A client that never answers the close handshake must not pin the socket.
    setTimeout(() => this.ws.terminate(), 5000).unref();
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data as ArrayBuffer);
}
