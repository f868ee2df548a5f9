// The parts of a request URL the handlers read: a path split into decoded segments and the query.
// Parsed by hand, not with new URL(): "//host/x" must stay a path, never become a host.
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../kube/errors.js';

export interface ParsedUrl {
  pathname: string;
  segments: string[];
  query: URLSearchParams;
}

export function parseUrl(req: IncomingMessage): ParsedUrl {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const pathname = q >= 0 ? raw.slice(0, q) : raw;
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  let segments: string[];
  try {
    segments = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    throw new StatusError(400, 'BadRequest', `malformed URL path: ${JSON.stringify(pathname.slice(0, 200))}`);
  }
  return { pathname, segments, query };
}

/** "true", "1" (and a bare "?watch") are true, as Go's strconv.ParseBool and the apiserver accept. */
export function boolParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null) return false;
  return v === '' || v === '1' || v.toLowerCase() === 'true' || v === 't' || v === 'T';
}

/** A non-negative integer parameter, or undefined when absent; 400 when not a number. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new StatusError(400, 'BadRequest', `invalid value for ${name}: ${JSON.stringify(v)}: must be an integer`);
  return Number(v);
}
