// The engine streams build and pull progress as JSON objects, one per line (split by src/kube/json-lines),
// and reports a failure inside the stream rather than as an HTTP status.
import { JsonLineSplitter } from '../kube/json-lines.js';

export interface ProgressOutcome {
  /** the last `error` the engine streamed, if any */
  error?: string;
  messages: Record<string, unknown>[];
}

/** Reads a build/pull progress stream to its end; the engine reports failures inside the stream. */
export function readProgress(
  stream: NodeJS.ReadableStream,
  onMessage?: (msg: Record<string, unknown>) => void,
): Promise<ProgressOutcome> {
  return new Promise((resolve, reject) => {
    const splitter = new JsonLineSplitter();
    const outcome: ProgressOutcome = { messages: [] };
    stream.on('data', (chunk: Buffer | string) => {
      for (const value of splitter.push(chunk)) {
        if (typeof value !== 'object' || value === null) continue;
        const msg = value as Record<string, unknown>;
        outcome.messages.push(msg);
        if (typeof msg.error === 'string') outcome.error = msg.error.trim();
        onMessage?.(msg);
      }
    });
    let settled = false;
    stream.on('error', (err: Error) => {
      settled = true;
      reject(err);
    });
    stream.on('end', () => {
      settled = true;
      resolve(outcome);
    });
    // an aborted request closes the stream without 'end'
    stream.on('close', () => {
      if (!settled) reject(new Error('the engine closed the progress stream before it ended'));
    });
  });
}
