// One `exec` into a pod's container, independent of the wire: a transport (WebSocket channel.k8s.io in
// exec-websocket.ts; SPDY/3.1 for kubectl 1.20 could plug in the same way) delivers stdin and resize
// events and carries stdout, stderr and the final Status; this module resolves the target and runs the
// command through the kubelet.
import type { Readable } from 'node:stream';
import type { Pod } from '../../kube/types.js';
import { StatusError } from '../../kube/errors.js';
import type { Store, Stored } from '../../store/store.js';
import type { KubeletStreams } from './kubelet-streams.js';
import { chooseContainer, containerInstances, waitingToStart } from './pod-containers.js';
import { boolParam } from '../http/request.js';

export interface ExecRequest {
  /** exec runs `command`; attach joins the container's main process (pods/attach) */
  kind: 'exec' | 'attach';
  namespace: string;
  pod: string;
  container: string;
  /** engine id of the container's running instance, as the kubelet found it by labels */
  containerId: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** metav1.Status as the kubelet sends it on the error channel at the end of an exec. */
export interface ExecStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason: string; message: string }[] };
}

/** What a wire protocol provides to an exec session. */
export interface ExecTransport {
  /** bytes the client typed; ends when the client closes stdin; undefined without stdin=true */
  readonly stdin: Readable | undefined;
  /** terminal size changes (tty only) */
  onResize(fn: (width: number, height: number) => void): void;
  /** the client went away: stop the process's I/O */
  onClose(fn: () => void): void;
  writeStdout(chunk: Buffer): void;
  writeStderr(chunk: Buffer): void;
  /** sends the final status (protocol permitting) and closes the connection */
  finish(status: ExecStatus): void;
}

export const SUCCESS: ExecStatus = { metadata: {}, status: 'Success' };

export function failure(message: string, reason = 'InternalError'): ExecStatus {
  return { metadata: {}, status: 'Failure', message, reason };
}

/** The kubelet's NonZeroExitCode status; kubectl turns it into "command terminated with exit code N". */
export function nonZeroExit(command: string[], code: number): ExecStatus {
  return {
    metadata: {}, status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/**
 * Validates the query of .../pods/{name}/exec and finds the container's running instance on the engine
 * through the kubelet (never by an ID in the pod's status); throws Status errors (4xx, 503).
 */
export async function resolveExec(
  store: Store, kubelet: KubeletStreams | undefined, namespace: string, podName: string, query: URLSearchParams,
  kind: 'exec' | 'attach' = 'exec',
): Promise<ExecRequest> {
  const pod = store.mustGet<Pod>('Pod', namespace, podName) as Stored<Pod>;
  const command = query.getAll('command');
  if (kind === 'exec' && command.length === 0) throw new StatusError(400, 'BadRequest', 'you must specify at least one command for the container');
  const stdin = boolParam(query, 'stdin');
  const stdout = boolParam(query, 'stdout');
  const stderr = boolParam(query, 'stderr');
  const tty = boolParam(query, 'tty');
  if (!stdin && !stdout && !stderr) throw new StatusError(400, 'BadRequest', 'you must specify at least 1 of stdin, stdout, stderr');
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    throw new StatusError(400, 'BadRequest', kind === 'exec'
      ? `cannot exec into a container in a completed pod; current phase is ${phase}`
      : `cannot attach to a container in a completed pod; current phase is ${phase}`);
  }
  const container = chooseContainer(pod, query.get('container'));
  const [newest] = await containerInstances(kubelet, pod, container);
  if (!newest) throw waitingToStart(pod, container);
  if (!newest.running) {
    throw new StatusError(400, 'BadRequest', `unable to upgrade connection: container not found ("${container}")`);
  }
  return { kind, namespace, pod: podName, container, containerId: newest.id, command, stdin, stdout, stderr: stderr && !tty, tty };
}

/** Runs the command and pumps bytes both ways until it exits or the client leaves. */
export async function runExec(kubelet: KubeletStreams, req: ExecRequest, transport: ExecTransport): Promise<void> {
  let closed = false;
  transport.onClose(() => { closed = true; });
  let session;
  try {
    const opts = { stdin: req.stdin, stdout: req.stdout, stderr: req.stderr, tty: req.tty };
    session = req.kind === 'attach' ? await kubelet.attach(req.containerId, opts) : await kubelet.exec(req.containerId, req.command, opts);
  } catch (err) {
    transport.finish(failure(`failed to ${req.kind} in container: ${(err as Error).message}`));
    return;
  }
  if (closed) {
    session.close();
    return;
  }
  transport.onClose(() => session.close());
  if (req.stdin && session.stdin && transport.stdin) {
    const sink = session.stdin;
    transport.stdin.on('data', (chunk: Buffer) => sink.write(chunk));
    // Closing our half of an attach closes the container's stdin (with stdinOnce, its only stdin).
    transport.stdin.on('end', () => sink.end());
  }
  // One resize at a time, in the order they came: `kubectl attach` sends the size plus one, then the size
  // (to make the program redraw); two engine calls in flight could land the other way round.
  let resizing = Promise.resolve();
  transport.onResize((w, h) => {
    resizing = resizing.then(() => session.resize(w, h)).catch(() => { /* the process may be gone */ });
  });
  session.stdout.on('data', (c: Buffer) => transport.writeStdout(c));
  session.stderr.on('data', (c: Buffer) => transport.writeStderr(c));
  const drained = Promise.all([ended(session.stdout), ended(session.stderr)]);

  let code: number;
  try {
    code = await session.exitCode;
  } catch (err) {
    transport.finish(failure(`exec failed: ${(err as Error).message}`));
    return;
  }
  // Output still in flight reaches the client before the status that ends the session.
  await Promise.race([drained, new Promise((r) => setTimeout(r, 500))]);
  transport.finish(code === 0 ? SUCCESS : nonZeroExit(req.command, code));
}

function ended(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.readableEnded || stream.destroyed) return resolve();
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}
