// Exec and attach over SPDY/3.1, the only transport of kubectl before 1.30 (Debian's kubectl 1.20.2 among
// them). A minimal server side of the framing that client-go's spdystream speaks: the client opens one
// stream per channel (SYN_STREAM with header "streamtype": error, stdin, stdout, stderr, resize) and
// waits for a SYN_REPLY on each; stdin and resize arrive as DATA frames, stdout and stderr leave as DATA
// frames closed with FIN, and the final metav1.Status (protocol v4) goes on the error stream.
//
// The SPDY framing itself is spdy-connection.ts (shared with port-forward).
import type { PassThrough } from 'node:stream';
import { StatusError } from '../../kube/errors.js';
import type { ExecRequest, ExecStatus, ExecTransport } from './exec-session.js';
import { SpdyServerConnection, type SpdyStream } from './spdy-connection.js';
import { parseTerminalSize } from './terminal-size.js';
import type { UpgradeExecProtocol } from './upgrade.js';

/** Channel protocols in the server's order of preference; the client's order decides (as the kubelet). */
export const SPDY_EXEC_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

/** How long the client has to open the streams it asked for, as the kubelet's stream creation timeout. */
const STREAM_WAIT_MS = 30_000;

export const spdyExecProtocol: UpgradeExecProtocol = {
  accepts(req) {
    return String(req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1';
  },
  async accept(req, socket, head, exec) {
    const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const protocol = offered.find((p) => SPDY_EXEC_PROTOCOLS.includes(p));
    if (offered.length && !protocol) {
      throw new StatusError(403, 'Forbidden', `unable to upgrade: none of the offered stream protocols ${JSON.stringify(offered)} is supported (${SPDY_EXEC_PROTOCOLS.join(', ')})`);
    }
    // No header at all means the pre-versioned protocol (client-go: case "" -> v1).
    const version = protocol ? protocolVersion(protocol) : 1;
    socket.write([
      'HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1',
      ...(protocol ? [`X-Stream-Protocol-Version: ${protocol}`] : []), '', '',
    ].join('\r\n'));
    const conn = new SpdyServerConnection(socket);
    if (head.length) conn.feed(head);
    try {
      const streams = await conn.awaitStreams(expectedStreams(exec, version), STREAM_WAIT_MS);
      return new SpdyExecTransport(conn, streams, version, exec.stdin);
    } catch (err) {
      conn.destroy();
      throw err;
    }
  },
};

function protocolVersion(p: string): number {
  const m = /^v(\d+)\./.exec(p);
  return m ? Number(m[1]) : 1;
}

/** The streams client-go opens for these options (remotecommand v2/v3/v4 createStreams). */
function expectedStreams(exec: ExecRequest, version: number): string[] {
  const out = ['error'];
  if (exec.stdin) out.push('stdin');
  if (exec.stdout) out.push('stdout');
  if (exec.stderr) out.push('stderr');
  if (exec.tty && version >= 3) out.push('resize');
  return out;
}

class SpdyExecTransport implements ExecTransport {
  readonly stdin: PassThrough | undefined;
  private readonly resizeFns: ((w: number, h: number) => void)[] = [];
  private lastSize: { width: number; height: number } | undefined;
  private done = false;

  constructor(private readonly conn: SpdyServerConnection, private readonly streams: Map<string, SpdyStream>, private readonly version: number, stdinWanted: boolean) {
    const stdin = streams.get('stdin');
    this.stdin = stdinWanted && stdin ? stdin.data : undefined;
    const resize = streams.get('resize');
    if (resize) {
      let pending = '';
      resize.data.on('data', (c: Buffer) => {
        pending += c.toString('utf8');
        // client-go writes one JSON object per line ({"Width":80,"Height":24}\n)
        let i;
        while ((i = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, i).trim();
          pending = pending.slice(i + 1);
          this.resizedLine(line);
        }
        if (pending.trim().endsWith('}')) {
          this.resizedLine(pending.trim());
          pending = '';
        }
      });
    }
  }

  private resizedLine(line: string): void {
    const size = line ? parseTerminalSize(line) : undefined;
    if (size) this.resized(size.width, size.height);
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
    this.conn.onClose(fn);
  }

  writeStdout(chunk: Buffer): void {
    const s = this.streams.get('stdout');
    if (s && !this.done) this.conn.writeData(s.id, chunk);
  }

  writeStderr(chunk: Buffer): void {
    const s = this.streams.get('stderr');
    if (s && !this.done) this.conn.writeData(s.id, chunk);
  }

  finish(status: ExecStatus): void {
    if (this.done) return;
    this.done = true;
    for (const type of ['stdout', 'stderr']) {
      const s = this.streams.get(type);
      if (s) this.conn.writeData(s.id, Buffer.alloc(0), true);
    }
    const err = this.streams.get('error')!;
    let body = Buffer.alloc(0);
    if (this.version >= 4) body = Buffer.from(JSON.stringify(status));
    else if (status.status === 'Failure') body = Buffer.from(status.message ?? 'error');
    this.conn.writeData(err.id, body, true);
    this.conn.goAway();
  }
}
