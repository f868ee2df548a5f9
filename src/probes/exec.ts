// Exec handler (pkg/probe/exec/exec.go and the CRI ExecSync path): the command, with `$(VAR)` expanded
// from static env, runs through the runtime's exec (docker exec, no -w: the container's own working
// directory and env, as containerd does). Exit 0 is success; output is stdout then stderr, 10 KiB at most.
import type { Runtime } from '../runtime/runtime.js';
import { goQuote } from './go-format.js';
import type { ProbeOutcome } from './types.js';
import { MAX_PROBE_OUTPUT_BYTES } from './types.js';

export interface ExecProbeRequest {
  /** the engine's container ID (no `docker://`) */
  containerId: string;
  /** already expanded (expandCommandOnlyStatic) */
  command: string[];
  timeoutMs: number;
}

export async function probeExec(runtime: Pick<Runtime, 'exec'>, req: ExecProbeRequest): Promise<ProbeOutcome> {
  // A throw from the runtime (container gone, engine down) propagates: the prober turns it into an
  // error, i.e. "errored and resulted in unknown state", as a CRI error would.
  const res = await runtime.exec(req.containerId, req.command, {
    timeoutMs: req.timeoutMs,
    maxOutputBytes: MAX_PROBE_OUTPUT_BYTES,
  });
  if (res.timedOut) {
    // ExecProbeTimeout (on by default since 1.20): a Failure whose output is the CRI timeout error.
    return { result: 'failure', output: `command ${goQuote(req.command.join(' '))} timed out` };
  }
  const output = res.output.subarray(0, MAX_PROBE_OUTPUT_BYTES).toString('utf8');
  return { result: res.exitCode === 0 ? 'success' : 'failure', output };
}
