// What every CLI command shares: the home, the connection to the control plane (started on demand),
// and the rule that errors are one clear line, never a stack trace.
import { connect, type Connection } from '../client/connect.js';
import { resolveHome } from '../control-plane/home.js';
import { StatusError } from '../kube/errors.js';
// the class alone, not the manifest pipeline (yaml, admission) that index.js brings: every command loads this
import { ManifestError } from '../manifests/manifest-error.js';
import { engineAnswers, engineDownLine, isEngineDownError } from './engine.js';

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function home(): string {
  return resolveHome();
}

let cached: Connection | undefined;

export async function connection(): Promise<Connection> {
  // no /healthz round trip first: the command's own first request finds out (connect.ts)
  cached ??= await connect(home(), (line) => process.stderr.write(line + '\n'), { check: false });
  return cached;
}

export function closeConnection(): void {
  cached?.client.close();
  cached = undefined;
}

/** Prints an error the way kubectl does and sets the exit code. */
export function report(err: unknown): void {
  if (isEngineDownError(err)) return reportEngineDown(err);
  if (err instanceof ManifestError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  if (err instanceof StatusError) {
    // kubectl prints validation failures as `The Service "x" is invalid: ...`, everything else with the reason.
    if (err.reason === 'Invalid') process.stderr.write(`The ${err.message}\n`);
    else process.stderr.write(`Error from server (${err.reason}): ${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  if (err instanceof CliError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = err.exitCode;
    return;
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ECONNREFUSED') {
    process.stderr.write('error: the mini-kube control plane does not answer; run `mini-kube up -d` (see `mini-kube status`)\n');
  } else {
    process.stderr.write(`error: ${e?.message ?? String(err)}\n`);
    if (process.env['MINI_KUBE_DEBUG']) process.stderr.write(`${e?.stack}\n`);
  }
  process.exitCode = 1;
}

export interface ActionOptions {
  /**
   * The command's result depends on the Docker engine (pods run there): check it next to the command
   * and say in one line when it does not answer (a warning after a success; instead of the server's
   * relay of the engine's failure otherwise).
   */
  engine?: boolean;
}

/** A failure the engine's absence explains, as the one engine line (the original with MINI_KUBE_DEBUG). */
function reportEngineDown(err: unknown): void {
  process.stderr.write(`error: ${engineDownLine()}\n`);
  if (process.env['MINI_KUBE_DEBUG']) process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
}

/** Wraps a command's action: connection closed afterwards, errors reported as one line. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>, opts: ActionOptions = {}): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const engineUp = opts.engine ? engineAnswers() : undefined;
    try {
      await fn(...args);
      if (engineUp && !(await engineUp)) process.stderr.write(`Warning: ${engineDownLine()}\n`);
    } catch (err) {
      if (engineUp && !(await engineUp) && engineFailure(err)) reportEngineDown(err);
      else report(err);
    } finally {
      closeConnection();
    }
  };
}

/** A failure the engine's absence explains: not a refusal of the request itself (NotFound, Invalid...). */
function engineFailure(err: unknown): boolean {
  if (isEngineDownError(err)) return true;
  return err instanceof StatusError && err.code >= 500;
}
