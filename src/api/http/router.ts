// The handful of fixed routes (discovery, version, health, OpenAPI, the dashboard's login) matched by
// method and path; everything else falls through to the resource handlers. It replaced express, which
// brought 61 packages and ~15 MB of memory for eleven routes. Matching is express's, kept so that no
// client sees a difference: the path without its query, case-insensitive, one trailing slash optional,
// not decoded ("/ap%69" is not "/api"), and a GET route answers HEAD too (Node then sends no body).
import type { IncomingMessage, ServerResponse } from 'node:http';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export class Router {
  private readonly routes = new Map<string, RouteHandler>();

  get(path: string, handler: RouteHandler): void {
    this.add('GET', path, handler);
    this.add('HEAD', path, handler);
  }

  post(path: string, handler: RouteHandler): void {
    this.add('POST', path, handler);
  }

  /** The route for this request, or undefined: then the request is not one of these routes. */
  match(req: IncomingMessage): RouteHandler | undefined {
    return this.routes.get(key(req.method ?? 'GET', routePath(req.url ?? '/')));
  }

  private add(method: string, path: string, handler: RouteHandler): void {
    const k = key(method, routePath(path));
    if (!this.routes.has(k)) this.routes.set(k, handler); // the first registration wins, as in express
  }
}

function key(method: string, path: string): string {
  return `${method} ${path}`;
}

/** "/API/v1/?watch" -> "/api/v1": what route matching compares. */
export function routePath(url: string): string {
  const q = url.indexOf('?');
  let path = (q >= 0 ? url.slice(0, q) : url).toLowerCase();
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}
