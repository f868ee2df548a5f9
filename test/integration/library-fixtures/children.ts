// Shared by the library tests: child processes run as a user's test runner would run them, and the
// Docker engine asked directly what a cluster left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { DockerRuntime } from '../../../src/runtime/docker.js';
import { LABEL_CLUSTER, LABEL_POD_UID } from '../../../src/runtime/runtime.js';
import { ROOT } from '../harness.js';

export const FIXTURES = path.join(ROOT, 'test/integration/library-fixtures');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** detached: in a process group of its own, so that `process.kill(-child.pid)` kills it and its children. */
export function run(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; detached?: boolean } = {}): { child: ChildProcess; done: Promise<ChildResult>; output: () => string } {
  const child = spawn(process.execPath, args, {
    cwd: ROOT, env: { ...process.env, ...opts.env, FORCE_COLOR: '0', NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'], detached: opts.detached,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 80_000);
  const done = new Promise<ChildResult>((resolve) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    resolve({ code, signal, stdout, stderr });
  }));
  return { child, done, output: () => stdout };
}

/** Waits until the child printed a line matching re; returns the match. */
export async function lineFrom(c: { output: () => string; done: Promise<ChildResult> }, re: RegExp, timeoutMs = 70_000): Promise<RegExpMatchArray> {
  let exited: ChildResult | undefined;
  void c.done.then((r) => (exited = r));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = c.output().match(re);
    if (m) return m;
    if (exited) throw new Error(`child exited (${exited.code ?? exited.signal}) before printing ${re}:\n${exited.stdout}\n${exited.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`child did not print ${re} within ${timeoutMs} ms:\n${c.output()}`);
}

const runtime = new DockerRuntime();

/** Containers carrying the cluster's label, running or not. */
export async function containersOf(clusterId: string): Promise<string[]> {
  return (await runtime.listContainers({ [LABEL_CLUSTER]: clusterId })).map((c) => c.name);
}

/** The cluster's pod containers (app containers and sandboxes), without its network agent. */
export async function podContainersOf(clusterId: string): Promise<string[]> {
  return (await runtime.listContainers({ [LABEL_CLUSTER]: clusterId })).filter((c) => c.labels[LABEL_POD_UID]).map((c) => c.name);
}
