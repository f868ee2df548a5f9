// "The Docker engine does not answer" in one line, with where the CLI looked and what to do
// (docs/decisions/180). The check is a bare socket connect (node:net), not a dockerode ping: it costs well
// under a millisecond on a unix socket and loads nothing, so every command that needs the engine can run
// it next to its API call without slowing down.
import * as net from 'node:net';

export interface EngineAddress {
  /** what the line shows: the DOCKER_HOST value, or the default socket */
  shown: string;
  /** where that comes from */
  source: 'DOCKER_HOST' | 'default';
  connect: { path: string } | { host: string; port: number } | undefined;
}

/** Where the Docker client (docker-modem) looks for the engine, from this process's environment. */
export function engineAddress(env: NodeJS.ProcessEnv = process.env): EngineAddress {
  const host = env['DOCKER_HOST'];
  if (!host) return { shown: 'unix:///var/run/docker.sock', source: 'default', connect: { path: '/var/run/docker.sock' } };
  if (host.startsWith('unix://')) return { shown: host, source: 'DOCKER_HOST', connect: { path: host.slice('unix://'.length) } };
  if (host.startsWith('npipe://')) return { shown: host, source: 'DOCKER_HOST', connect: undefined };
  try {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    return { shown: host, source: 'DOCKER_HOST', connect: { host: url.hostname, port: Number(url.port || 2375) } };
  } catch {
    return { shown: host, source: 'DOCKER_HOST', connect: undefined };
  }
}

/** The one line every command prints when the engine does not answer. */
export function engineDownLine(addr: EngineAddress = engineAddress()): string {
  const where = addr.source === 'DOCKER_HOST' ? `${addr.shown} (DOCKER_HOST)` : `${addr.shown} (the default; DOCKER_HOST is not set)`;
  return `the Docker engine does not answer at ${where}: start Docker, run \`npm run setup\`, or set DOCKER_HOST to the engine's socket`;
}

/**
 * Whether something accepts connections where the engine should be. A refused or missing socket is
 * "no"; an address this check cannot try (npipe, unparsable) is "yes" (the engine's own error will say).
 */
export function engineAnswers(addr: EngineAddress = engineAddress(), timeoutMs = 500): Promise<boolean> {
  const target = addr.connect;
  if (!target) return Promise.resolve(true);
  return new Promise((resolve) => {
    const socket = net.connect(target as net.NetConnectOpts);
    const done = (up: boolean): void => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * True for an error that means "nothing answers at the engine's address" as dockerode, the image builder
 * or the API server (relaying the kubelet's failure) report it: `connect ENOENT /x.sock`, ECONNREFUSED,
 * EACCES on the socket, or the runtime's own timeout text.
 */
export function isEngineDownError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.syscall === 'connect' && ['ENOENT', 'ECONNREFUSED', 'EACCES'].includes(e.code ?? '')) return isEngineTarget(e);
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return /connect (ENOENT|ECONNREFUSED|EACCES) \S*\.sock\b/.test(message) || /the docker engine did not answer/i.test(message);
}

/** A connect error to the API server's port is the control plane's, not the engine's. */
function isEngineTarget(e: NodeJS.ErrnoException & { address?: string; port?: number }): boolean {
  const target = engineAddress().connect;
  if (e.address && !e.port) return true; // a unix socket
  return !!target && 'port' in target && e.port === target.port;
}
