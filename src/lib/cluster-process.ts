// The parent's side of a library cluster whose control plane runs in its own process
// (cluster-process-main.ts, docs/decisions/183): the test's event loop may block (execFileSync of curl or
// kubectl) or its timers be faked, and the cluster still answers. A spare process, forked and loaded
// ahead of need, makes a start cost about what an in-process start costs.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage, StartRequest, Started } from './cluster-process-protocol.js';
import { scratchDir } from './scratch.js';

const FROM_SOURCES = import.meta.url.endsWith('.ts');
const MAIN = new URL(`./cluster-process-main.${FROM_SOURCES ? 'ts' : 'js'}`, import.meta.url);

function forkChild(): ChildProcess {
  // From the sources (this repository's tests) Node 20 needs the .ts files transpiled: source-hooks.mjs.
  const hooks = new URL('./source-hooks.mjs', import.meta.url).href;
  const cacheDir = scratchDir('transpiled');
  const execArgv = FROM_SOURCES
    ? ['--import', `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hooks)},{data:${JSON.stringify({ cacheDir })}})`]
    : [];
  const child = fork(fileURLToPath(MAIN), [], {
    // not the parent's flags (vitest's, --inspect ...): this is a control plane, not a test
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: process.env,
  });
  // A spare must not keep the test process alive; a started cluster refs it again (as its servers did
  // when the control plane ran in-process).
  idle(child);
  child.on('error', () => {});
  // heard before anyone asks for a cluster (a message nobody listens to is lost)
  child.on('message', (m: ChildMessage) => { if (m.type === 'loaded') (child as LoadedChild).loaded = true; });
  return child;
}

type LoadedChild = ChildProcess & { loaded?: boolean };

function idle(child: ChildProcess): void {
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
}

function busy(child: ChildProcess): void {
  child.ref();
  (child.channel as { ref?: () => void } | undefined)?.ref?.();
}

let spare: ChildProcess | undefined;
let taken = 0;

/** Forks a spare control-plane process now (it loads while the caller does other things). */
export function prefork(): void {
  if (spare && spare.exitCode === null && spare.signalCode === null && spare.connected) return;
  spare = forkChild();
}

/** A process that runs its clusters in process does not need the spare: it stops loading now. */
export function dropSpare(): void {
  spare?.kill('SIGKILL');
  spare = undefined;
}

function take(): ChildProcess {
  prefork();
  const child = spare!;
  spare = undefined;
  // A process that starts clusters one after another gets the next one loaded in the background.
  if (++taken >= 2) prefork();
  return child;
}

const running = new Set<ClusterProcess>();

/**
 * A test process that is itself a forked worker (vitest's forks pool) may be orphaned: its main process
 * killed, the worker left hanging. Its parent's channel closing is the sign; its clusters go then, as the
 * worker's own death would make them go (their process sees its channel close and cleans up).
 */
let followed = false;
function followOwnParent(): void {
  if (!process.channel || followed) return;
  followed = true;
  process.once('disconnect', () => {
    for (const p of running) if (p.child.connected) p.child.disconnect();
  });
}

/** A control plane in its own process, started; its API is all a Cluster needs, plus kill and stop. */
export class ClusterProcess {
  private nextId = 1;
  private readonly replies = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  private readonly exited: Promise<void>;

  private constructor(readonly child: ChildProcess, readonly started: Started) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.on('message', (m: ChildMessage) => {
      if (m.type !== 'reply') return;
      const r = this.replies.get(m.id);
      this.replies.delete(m.id);
      if (m.error !== undefined) r?.reject(new Error(m.error));
      else r?.resolve(m.value ?? '');
    });
    running.add(this);
    child.once('exit', () => {
      running.delete(this);
      for (const r of this.replies.values()) r.reject(new Error('the control-plane process exited'));
      this.replies.clear();
    });
  }

  static start(req: Omit<StartRequest, 'type'>, log?: (line: string) => void): Promise<ClusterProcess> {
    const child = take();
    busy(child);
    return new Promise<ClusterProcess>((resolve, reject) => {
      const fail = (err: Error) => {
        cleanup();
        idle(child);
        child.kill('SIGKILL');
        reject(err);
      };
      const onExit = (code: number | null, signal: string | null) =>
        fail(new Error(`mini-kube: the control-plane process exited before the cluster started (${signal ?? `code ${code}`})`));
      const onMessage = (m: ChildMessage) => {
        if (m.type === 'loaded') send({ type: 'start', ...req });
        else if (m.type === 'log') log?.(m.line);
        else if (m.type === 'failed') fail(new Error(m.message));
        else if (m.type === 'started') {
          cleanup();
          followOwnParent();
          if (log) child.on('message', (x: ChildMessage) => { if (x.type === 'log') log(x.line); });
          resolve(new ClusterProcess(child, m));
        }
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const send = (m: ParentMessage) => child.send(m, (err) => { if (err) fail(err); });
      child.on('message', onMessage);
      child.once('exit', onExit);
      // A spare that loaded before we listened said `loaded` already: it is connected and waiting.
      if ((child as LoadedChild).loaded) send({ type: 'start', ...req });
    });
  }

  /** SIGKILLs (or `signal`s) a running container of the pod; the container's id. */
  kill(podUid: string, container: string, signal: string): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.replies.set(id, { resolve, reject });
      this.child.send({ type: 'kill', id, podUid, container, signal } satisfies ParentMessage);
    });
  }

  /** Stops the control plane and removes its containers; resolves when the process has exited. */
  async stop(): Promise<void> {
    if (this.child.connected) this.child.send({ type: 'stop' } satisfies ParentMessage);
    await this.exited;
    idle(this.child);
  }

  /** For the exit path, where nothing asynchronous runs any more: the process goes now. */
  killNow(): void {
    try { this.child.kill('SIGKILL'); } catch { /* gone already */ }
  }
}
