// A container's termination message, as the kubelet reads it once the container exited
// (kuberuntime_container.go getTerminationMessage / readLastStringFromContainerLogs): the file at
// terminationMessagePath (its last 4096 bytes), or, with FallbackToLogsOnError, the end of the log (last
// 80 lines, at most 2048 bytes) when that file is empty or absent and the exit code is not 0. It becomes
// state.terminated.message / lastState.terminated.message (pod-status.ts). The path and the policy travel
// with the container as labels, as the kubelet keeps them in container annotations.
import type { Container } from '../kube/types.js';
import type { ContainerInfo, Runtime } from '../runtime/runtime.js';

export const LABEL_TERMINATION_MESSAGE_PATH = 'io.mini-kube.termination-message-path';
export const LABEL_TERMINATION_MESSAGE_POLICY = 'io.mini-kube.termination-message-policy';

/** kubecontainer.MaxContainerTerminationMessageLength */
export const MAX_TERMINATION_MESSAGE_BYTES = 4096;
/** kubecontainer.MaxContainerTerminationMessageLogLines / LogLength */
export const MAX_TERMINATION_LOG_LINES = 80;
export const MAX_TERMINATION_LOG_BYTES = 2048;

/** The labels carrying a container's termination message settings (defaults as the apiserver's). */
export function terminationLabels(c: Container): Record<string, string> {
  return {
    [LABEL_TERMINATION_MESSAGE_PATH]: c.terminationMessagePath ?? '/dev/termination-log',
    [LABEL_TERMINATION_MESSAGE_POLICY]: c.terminationMessagePolicy ?? 'File',
  };
}

/**
 * Where the message comes from, from what the file held (undefined: no file) — pure, the kubelet's rule.
 * "ContainerCannotRun" (never started) has no log to fall back to.
 */
export function terminationMessageSource(policy: string, exitCode: number, file: string | undefined, neverStarted = false): 'file' | 'logs' | 'none' {
  const fallback = policy === 'FallbackToLogsOnError' && exitCode !== 0 && !neverStarted;
  if (file !== undefined && file.length > 0) return 'file';
  return fallback ? 'logs' : 'none';
}

/** The last `maxBytes` bytes of a log's last lines (the kubelet's circular buffer over the tail). */
export function lastLogBytes(log: string, maxBytes = MAX_TERMINATION_LOG_BYTES): string {
  const buf = Buffer.from(log, 'utf8');
  return buf.length <= maxBytes ? log : buf.subarray(buf.length - maxBytes).toString('utf8');
}

/** Reads each exited container's message once (cached by container id) and sets it on the listing. */
export class TerminationMessages {
  private readonly read = new Map<string, Promise<string>>();

  constructor(private readonly runtime: Pick<Runtime, 'readFileTail' | 'logs'>) {}

  /** Sets terminationMessage on the exited instances that have one; the others are left as they are. */
  async annotate(containers: ContainerInfo[]): Promise<ContainerInfo[]> {
    await Promise.all(containers.map(async (c) => {
      const filePath = c.labels[LABEL_TERMINATION_MESSAGE_PATH];
      if (c.running || !c.finishedAt || !filePath) return;
      let pending = this.read.get(c.id);
      if (!pending) {
        pending = this.readMessage(c, filePath).catch((err: Error) => `Error on reading termination message: ${err.message}`);
        this.read.set(c.id, pending);
      }
      const message = await pending;
      if (message) c.terminationMessage = message;
    }));
    return containers;
  }

  /** Forgets the messages of containers that no longer exist. */
  forget(ids: Iterable<string>): void {
    for (const id of ids) this.read.delete(id);
  }

  private async readMessage(c: ContainerInfo, filePath: string): Promise<string> {
    const policy = c.labels[LABEL_TERMINATION_MESSAGE_POLICY] ?? 'File';
    const file = await this.runtime.readFileTail?.(c.id, filePath, MAX_TERMINATION_MESSAGE_BYTES);
    const text = file?.toString('utf8');
    const source = terminationMessageSource(policy, c.exitCode, text, !c.startedAt);
    if (source === 'file') return text!;
    if (source === 'none') return '';
    try {
      const stream = await this.runtime.logs(c.id, { follow: false, tailLines: MAX_TERMINATION_LOG_LINES });
      const chunks: Buffer[] = [];
      for await (const chunk of stream as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
      return lastLogBytes(Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      return `Error on reading termination message from logs: ${(err as Error).message}`;
    }
  }
}
