// Reading dockerode's errors: it reports engine answers as Error objects with statusCode and the engine's
// JSON body; callers decide on the status code and show the engine's own message.

interface EngineError {
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

export function statusCodeOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as EngineError).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The engine's own message when it sent one (not dockerode's "(HTTP code 404) ..." wrapping). */
export function engineMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as EngineError;
    if (e.json && typeof e.json === 'object' && typeof e.json.message === 'string') return e.json.message.trim();
    if (typeof e.message === 'string') return e.message.trim();
  }
  return String(err);
}

export function isNotFound(err: unknown): boolean {
  return statusCodeOf(err) === 404;
}

/** The signal dockerode accepts as `abortSignal`, so a hung engine cannot hang the caller. */
export function deadline(ms: number): AbortSignal {
  return AbortSignal.timeout(ms);
}
