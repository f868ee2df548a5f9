// The three Engine API calls of a non-interactive exec — create, start (hijacked), inspect — as the
// runtime's exec makes them. Exec probes make them up to 100 times a second, so on a local engine
// (a unix socket, the usual case) they go straight over the socket with a keep-alive agent of our own:
// docker-modem pays per call for work the exec does not need (a util.inspect of every request for its
// debug log, URL and query building, abort-signal plumbing on the response), which profiling
// (bench/probes/cost.mjs) showed to be most of an exec probe's CPU. Any other engine address (tcp,
// TLS, ssh) keeps dockerode.
import http from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type Docker from 'dockerode';
import { pathSegment } from './engine-paths.js';

/** What the runtime reads from exec inspect. */
export interface ExecInspect {
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
  ContainerID: string;
}

export interface ExecCreateBody {
  Cmd: string[];
  AttachStdout: boolean;
  AttachStderr: boolean;
  Env?: string[];
}

/** An exec's engine calls; each is bounded by `timeoutMs` so a hung engine shows up as an error. */
export interface ExecCalls {
  /** POST /containers/{id}/exec → the exec's id */
  create(containerId: string, body: ExecCreateBody, timeoutMs: number): Promise<string>;
  /** POST /exec/{id}/start, hijacked: the multiplexed output stream, ending when the process does */
  start(execId: string, timeoutMs: number): Promise<Duplex | Readable>;
  /** GET /exec/{id}/json */
  inspect(execId: string, timeoutMs: number): Promise<ExecInspect>;
}

/** An engine answer other than success, shaped like dockerode's errors (engine-errors.ts reads both). */
export class EngineCallError extends Error {
  constructor(message: string, readonly statusCode?: number, readonly json?: { message?: string } | null) {
    super(message);
  }
}

const timeoutError = (what: string, ms: number): Error => new Error(`the docker engine did not answer ${what} within ${ms} ms`);

/** Reads an answer's body; success statuses resolve with the parsed JSON, the others reject as dockerode would. */
function readAnswer<T>(res: http.IncomingMessage, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('error', reject);
    res.once('close', () => {
      if (!res.complete) reject(new Error(`the docker engine closed the connection during ${what}`));
    });
    res.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        resolve(json as T);
        return;
      }
      const body = json && typeof json === 'object' ? (json as { message?: string }) : null;
      reject(new EngineCallError(`(HTTP code ${status}) ${what}: ${body?.message ?? text.trim()}`, status, body));
    });
  });
}

/** The Engine API over a unix socket (or Windows named pipe), keep-alive, no per-call extras. */
export class SocketExecCalls implements ExecCalls {
  /** create and inspect reuse connections; each start takes one over for its stream, as it must */
  private readonly agent = new http.Agent({ keepAlive: true });

  private socketPath: string | undefined;

  /**
   * `socketPath`: the modem's, learnt once (docker-modem looks for the user's socket first).
   * `pathPrefix`: `/v1.41` when the client pins an API version, else '' (the engine's own).
   */
  constructor(private readonly resolveSocketPath: () => Promise<string>, private readonly pathPrefix = '') {}

  private async socket(): Promise<string> {
    return (this.socketPath ??= await this.resolveSocketPath());
  }

  private request(socketPath: string, method: 'GET' | 'POST', path: string, body: string | undefined, what: string, timeoutMs: number, upgrade = false): http.ClientRequest {
    const headers: http.OutgoingHttpHeaders = {};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    if (upgrade) {
      headers.Connection = 'Upgrade';
      headers.Upgrade = 'tcp';
    }
    const req = http.request({ socketPath, agent: this.agent, method, path: this.pathPrefix + path, headers });
    // An idle socket for that long: the engine is not answering.
    req.setTimeout(timeoutMs, () => req.destroy(timeoutError(what, timeoutMs)));
    req.end(body);
    return req;
  }

  private async json<T>(method: 'GET' | 'POST', path: string, body: unknown, what: string, timeoutMs: number): Promise<T> {
    const socketPath = await this.socket();
    return new Promise((resolve, reject) => {
      const req = this.request(socketPath, method, path, body === undefined ? undefined : JSON.stringify(body), what, timeoutMs);
      req.once('error', reject);
      req.once('response', (res) => resolve(readAnswer<T>(res, what)));
    });
  }

  async create(containerId: string, body: ExecCreateBody, timeoutMs: number): Promise<string> {
    const answer = await this.json<{ Id: string }>('POST', `/containers/${pathSegment(containerId, 'container id')}/exec`, body, 'exec create', timeoutMs);
    return answer.Id;
  }

  inspect(execId: string, timeoutMs: number): Promise<ExecInspect> {
    return this.json<ExecInspect>('GET', `/exec/${pathSegment(execId, 'exec id')}/json`, undefined, 'exec inspect', timeoutMs);
  }

  async start(execId: string, timeoutMs: number): Promise<Duplex | Readable> {
    const socketPath = await this.socket();
    return new Promise((resolve, reject) => {
      const req = this.request(socketPath, 'POST', `/exec/${pathSegment(execId, 'exec id')}/start`, '{"Detach":false,"Tty":false}', 'exec start', timeoutMs, true);
      req.once('error', reject);
      req.once('upgrade', (_res, socket, head: Buffer) => {
        // From here the stream lives as long as the process; the caller enforces its own timeout.
        socket.setTimeout(0);
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
      });
      req.once('response', (res) => {
        // An engine that does not upgrade streams the output as the body; anything else is an error.
        if (res.statusCode === 200) {
          res.socket?.setTimeout(0);
          resolve(res);
        } else {
          readAnswer(res, 'exec start').then(() => reject(new EngineCallError(`(HTTP code ${res.statusCode}) exec start`, res.statusCode)), reject);
        }
      });
    });
  }
}

/**
 * The same calls through dockerode, for engines that are not on a local socket. `bounded` is the
 * runtime's time limit wrapper (an abort signal and a timer).
 */
export class DockerodeExecCalls implements ExecCalls {
  constructor(
    private readonly docker: Docker,
    private readonly bounded: <T>(ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>) => Promise<T>,
  ) {}

  async create(containerId: string, body: ExecCreateBody, timeoutMs: number): Promise<string> {
    const exec = await this.bounded(timeoutMs, 'exec create', (abortSignal) => this.docker.getContainer(pathSegment(containerId, 'container id')).exec({ ...body, abortSignal }));
    return exec.id;
  }

  async start(execId: string, timeoutMs: number): Promise<Duplex | Readable> {
    return (await this.bounded(timeoutMs, 'exec start', (abortSignal) =>
      this.docker.getExec(pathSegment(execId, 'exec id')).start({ hijack: true, stdin: false, abortSignal }),
    )) as Duplex;
  }

  async inspect(execId: string, timeoutMs: number): Promise<ExecInspect> {
    return (await this.bounded(timeoutMs, 'exec inspect', (abortSignal) => this.docker.getExec(pathSegment(execId, 'exec id')).inspect({ abortSignal }))) as ExecInspect;
  }
}

/** How to reach the modem's local socket (and its API version prefix) when it uses one; else undefined. */
export function localSocketOf(docker: Docker): { socketPath: () => Promise<string>; pathPrefix: string } | undefined {
  type Modem = { socketPath?: unknown; host?: unknown; version?: unknown; getSocketPath?: () => Promise<string> | undefined };
  const modem = (docker as unknown as { modem?: Modem }).modem;
  if (!modem || modem.host || !modem.socketPath || typeof modem.getSocketPath !== 'function') return undefined;
  const getSocketPath = modem.getSocketPath.bind(modem);
  return {
    // a string, or docker-modem's default: a function that prefers ~/.docker/run/docker.sock
    socketPath: async () => String(await getSocketPath()),
    pathPrefix: typeof modem.version === 'string' && modem.version ? `/${modem.version}` : '',
  };
}
