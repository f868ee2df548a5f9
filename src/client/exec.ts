// exec in a pod over the API's WebSocket (v5.channel.k8s.io, as kubectl 1.30+ and client-node speak it):
// binary frames whose first byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize,
// 255 close). Shared by the CLI (`mini-kube exec`) and the library (`cluster.exec`).
import WebSocket from 'ws';
import type { ApiClient } from './api-client.js';

export interface ExecRequest {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  stdin: boolean;
  tty: boolean;
}

export interface ExecStreams {
  stdin?: NodeJS.ReadableStream;
  stdout: (data: Buffer) => void;
  stderr: (data: Buffer) => void;
  /** current terminal size, sent at start and on every change when tty */
  size?: () => { width: number; height: number } | undefined;
  onResize?: (listener: () => void) => void;
}

interface V1Status {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** Runs the command; resolves with its exit code (0 on success). */
export function execInPod(client: ApiClient, req: ExecRequest, io: ExecStreams): Promise<number> {
  // a refused connection means nothing ran: the client may start the control plane and try again
  return client.whenReachable(() => execOnce(client, req, io));
}

function execOnce(client: ApiClient, req: ExecRequest, io: ExecStreams): Promise<number> {
  const q = new URLSearchParams();
  for (const c of req.command) q.append('command', c);
  if (req.container) q.set('container', req.container);
  q.set('stdout', 'true');
  q.set('stderr', req.tty ? 'false' : 'true');
  q.set('stdin', String(req.stdin));
  q.set('tty', String(req.tty));
  const url = client.config.url.replace(/^http/, 'ws') + client.path('Pod', req.namespace, req.pod, 'exec') + `?${q}`;
  const ws = new WebSocket(url, ['v5.channel.k8s.io'], {
    headers: { Authorization: `Bearer ${client.config.token}` },
    ca: client.config.caPem,
  });
  return new Promise((resolve, reject) => {
    let exitCode: number | undefined;
    const sendResize = () => {
      const s = io.size?.();
      if (s && ws.readyState === WebSocket.OPEN) ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: s.width, Height: s.height }))]));
    };
    ws.on('unexpected-response', (_r, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let message = text;
        try { message = (JSON.parse(text) as V1Status).message ?? text; } catch { /* not JSON */ }
        reject(new Error(message || `exec refused: HTTP ${res.statusCode}`));
      });
    });
    ws.on('open', () => {
      if (req.tty) {
        sendResize();
        io.onResize?.(sendResize);
      }
      if (req.stdin && io.stdin) {
        io.stdin.on('data', (d: Buffer | string) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(d)]));
        });
        io.stdin.on('end', () => {
          // v5: tell the server stdin is closed, so `cat` and friends see EOF.
          if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.from([255, 0]));
        });
      }
    });
    ws.on('message', (data: Buffer) => {
      if (!data.length) return;
      const channel = data[0];
      const payload = data.subarray(1);
      if (channel === 1) io.stdout(payload);
      else if (channel === 2) io.stderr(payload);
      else if (channel === 3) {
        exitCode = exitCodeOf(payload.toString('utf8'));
        ws.close();
      }
    });
    ws.on('close', () => resolve(exitCode ?? 0));
    ws.on('error', (err) => reject(err));
  });
}

function exitCodeOf(text: string): number {
  if (!text.trim()) return 0;
  try {
    const s = JSON.parse(text) as V1Status;
    if (s.status === 'Success') return 0;
    const cause = s.details?.causes?.find((c) => c.reason === 'ExitCode');
    if (cause?.message) return Number(cause.message);
    throw new ExecError(s.message ?? 'exec failed');
  } catch (err) {
    if (err instanceof ExecError) throw err;
    return 1;
  }
}

export class ExecError extends Error {}
