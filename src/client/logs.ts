// A container's log over the API (GET .../pods/NAME/log), for `mini-kube logs` and the library's
// cluster.logs(). Errors come back as the API's Status, so both say what the server said.
import type { IncomingMessage } from 'node:http';
import { StatusError, type StatusReason } from '../kube/errors.js';
import { readAll, type ApiClient } from './api-client.js';

export interface LogOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  timestamps?: boolean;
}

/** The open log stream; throws the server's message for 4xx/5xx. */
export async function openLogs(client: ApiClient, namespace: string, pod: string, opts: LogOptions = {}): Promise<IncomingMessage> {
  const q = new URLSearchParams();
  if (opts.container) q.set('container', opts.container);
  if (opts.follow) q.set('follow', 'true');
  if (opts.previous) q.set('previous', 'true');
  if (opts.tailLines !== undefined) q.set('tailLines', String(opts.tailLines));
  if (opts.timestamps) q.set('timestamps', 'true');
  const path = `${client.path('Pod', namespace, pod, 'log')}${q.size ? `?${q}` : ''}`;
  const res = await client.raw('GET', path, undefined, { Accept: '*/*' });
  if ((res.statusCode ?? 500) >= 400) {
    const text = await readAll(res);
    let message = text;
    // the server's own reason (NotFound for a pod that does not exist, as get and describe say)
    let reason: StatusReason = 'BadRequest';
    try {
      const status = JSON.parse(text) as { message?: string; reason?: StatusReason };
      message = status.message ?? text;
      reason = status.reason ?? reason;
    } catch { /* plain text */ }
    throw new StatusError(res.statusCode ?? 500, reason, message);
  }
  return res;
}

/** The whole log as text (not following). */
export async function readLogs(client: ApiClient, namespace: string, pod: string, opts: Omit<LogOptions, 'follow'> = {}): Promise<string> {
  return readAll(await openLogs(client, namespace, pod, opts));
}
