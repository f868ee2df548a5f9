// Finding the control plane of a home, and starting it in the background when it is not running
// (every command but `up`, `down` and `status` does that, and says so in one line).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { homePaths, pidAlive, readState, type ControlPlaneState } from '../control-plane/home.js';
import { ApiClient, type ClientConfig, type ClientOptions } from './api-client.js';

export interface Connection {
  client: ApiClient;
  state: ControlPlaneState;
  /** true when this call started the control plane */
  started: boolean;
}

/** The running control plane of this home, if its process is alive. */
export function runningState(home: string): ControlPlaneState | undefined {
  const state = readState(home);
  return state && pidAlive(state.pid) ? state : undefined;
}

export function clientFor(home: string, state: ControlPlaneState, opts: ClientOptions = {}): ApiClient {
  return new ApiClient(clientConfig(home, state), opts);
}

function clientConfig(home: string, state: ControlPlaneState): ClientConfig {
  const p = homePaths(home);
  return { url: state.url, token: fs.readFileSync(p.token, 'utf8').trim(), caPem: fs.readFileSync(p.ca, 'utf8') };
}

export async function healthy(client: ApiClient): Promise<boolean> {
  try {
    await client.request('GET', '/healthz');
    return true;
  } catch {
    return false;
  }
}

/** The CLI's entry script, so a background control plane runs the same code as this process. */
export function cliEntry(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/mini-kube.js');
}

export interface StartOptions {
  allowPrivileged?: boolean;
  port?: number;
  extraArgs?: string[];
  /**
   * merge the home's context into the user's kubeconfig once it answers, as `up -d` does (default true;
   * `up -d` passes false and merges with its own message). Only the process that started it merges.
   */
  kubeconfig?: boolean;
}

export interface Started {
  state: ControlPlaneState;
  /** false when another command started the same home's control plane at the same time (it won the lock) */
  started: boolean;
  /** what the kubeconfig merge did, for the one line that says the control plane was started */
  kubeconfig?: string;
}

/**
 * The daemon's V8 flags (decision 247). A small young generation: the idle daemon allocates little. No
 * optimizing or baseline compiler, size-optimized code and type feedback allocated on first use: the
 * daemon's work is waiting on sockets, JSON (native) and the engine's API, and compiled code is most of
 * what an idle Node process holds (~12 MB here). Not V8's lite mode, which is the same plus no
 * WebAssembly: undici (a Service's HTTP mode) parses HTTP with WebAssembly.
 */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=2', '--no-opt', '--no-sparkplug', '--optimize-for-size', '--lazy-feedback-allocation'] as const;

/**
 * Starts `mini-kube up` detached, logging to the home's control-plane.log, and waits until it answers.
 * Two of these at once on one home (`up -d & up -d`, or two commands auto-starting) both spawn; the
 * control-plane lock lets one win, the other exits, and both callers get the winner.
 */
export async function startInBackground(home: string, opts: StartOptions = {}): Promise<Started> {
  const p = homePaths(home);
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const out = fs.openSync(p.log, 'a', 0o600);
  const args = [...DAEMON_NODE_FLAGS, cliEntry(), 'up', '--foreground-daemon', '--no-kubeconfig'];
  if (opts.allowPrivileged) args.push('--allow-privileged');
  if (opts.port) args.push('--port', String(opts.port));
  args.push(...(opts.extraArgs ?? []));
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, MINI_KUBE_HOME: home },
  });
  child.unref();
  fs.closeSync(out);
  const deadline = Date.now() + 30_000;
  let exited: number | null = null;
  child.once('exit', (code) => { exited = code ?? 1; });
  while (Date.now() < deadline) {
    const winner = exited === null ? child.pid : lockHolder(p.lock);
    if (winner === undefined) break;
    const state = readState(home);
    if (state && state.pid === winner) {
      const client = clientFor(home, state);
      const ok = await healthy(client);
      client.close();
      if (ok) {
        const started = winner === child.pid;
        return { state, started, kubeconfig: started && opts.kubeconfig !== false ? await mergeContext(home, state.url) : undefined };
      }
    }
    // a file read per round until the state appears: polled often, since this is what `up -d` waits on
    await new Promise((r) => setTimeout(r, 25));
  }
  const tail = fs.existsSync(p.log) ? fs.readFileSync(p.log, 'utf8').split('\n').slice(-15).join('\n') : '';
  throw new Error(`the control plane did not come up (see ${p.log}):\n${tail}`);
}

export interface ConnectOptions {
  /**
   * Ask the API's /healthz before returning (a round trip; the default), so that `state` is known to
   * answer. Without it (the CLI's commands, decision 242) the client goes straight to its first real
   * request and, when that finds nothing answering at the recorded address, starts the control plane then
   * and repeats the request: the same outcome, one round trip and its code path fewer on every command.
   * `state` and `started` are updated in place when that happens.
   */
  check?: boolean;
}

/**
 * A control plane started on demand (`mini-kube apply` with none running) gets the kubeconfig context that
 * `up -d` writes, so kubectl reaches it too; said in the started line, never done by the daemon itself
 * (decisions 030, 246). A kubeconfig that cannot be parsed is left alone and the line says so.
 */
async function mergeContext(home: string, url: string): Promise<string> {
  const { defaultKubeconfigPath, entryForHome, mergeKubeconfig } = await import('../control-plane/kubeconfig.js');
  try {
    const r = mergeKubeconfig(defaultKubeconfigPath(), entryForHome(home, url));
    return r.setCurrent ? `kubeconfig context "${r.name}" written to ${r.file} (now current)` : `kubeconfig context "${r.name}" written to ${r.file}`;
  } catch (err) {
    return `kubeconfig not updated: ${(err as Error).message}`;
  }
}

/** Connects to the home's control plane, starting it in the background when needed. */
export async function connect(home: string, notice: (line: string) => void, opts: ConnectOptions = {}): Promise<Connection> {
  const check = opts.check ?? true;
  const say = (s: Started) => {
    if (s.started) notice(`mini-kube: the control plane was not running; started it in the background (pid ${s.state.pid}, ${s.state.url})${s.kubeconfig ? `; ${s.kubeconfig}` : ''}`);
  };
  const state = runningState(home);
  if (state && !check) {
    const conn: Connection = {
      state,
      started: false,
      client: clientFor(home, state, {
        recover: async () => {
          const s = await startInBackground(home);
          say(s);
          conn.state = s.state;
          conn.started = s.started;
          return clientConfig(home, s.state);
        },
      }),
    };
    return conn;
  }
  if (state) {
    const client = clientFor(home, state);
    if (await healthy(client)) return { client, state, started: false };
    client.close();
  }
  const s = await startInBackground(home);
  say(s);
  return { client: clientFor(home, s.state), state: s.state, started: s.started };
}

/** The live process holding the home's control-plane lock (the one that runs), if any. */
function lockHolder(lockFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(lockFile, 'utf8'));
    return pid && pidAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
