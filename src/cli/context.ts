// What every CLI command shares: the home, the connection to the control plane (started on demand),
// and the rule that errors are one clear line, never a stack trace.
import { connect, type Connection } from '../client/connect.js';
import { resolveHome } from '../control-plane/home.js';
import { StatusError } from '../kube/errors.js';
import { ManifestError } from '../manifests/index.js';

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
  cached ??= await connect(home(), (line) => process.stderr.write(line + '\n'));
  return cached;
}

export function closeConnection(): void {
  cached?.client.close();
  cached = undefined;
}

/** Prints an error the way kubectl does and sets the exit code. */
export function report(err: unknown): void {
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

/** Wraps a command's action: connection closed afterwards, errors reported as one line. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      report(err);
    } finally {
      closeConnection();
    }
  };
}
