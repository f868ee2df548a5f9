// Login codes for the dashboard, handed out by the API server to whoever holds the API token: the
// route sits behind the API's bearer check, so "the same token as the API" guards the page too.
import type { ServerResponse } from 'node:http';
import type { Router } from '../api/http/router.js';
import type { ApiClient } from '../client/api-client.js';

export const LOGIN_PATH = '/mini-kube/dashboard/login';

export function registerDashboardLogin(app: Router, loginUrl: () => Promise<string | undefined>): void {
  app.post(LOGIN_PATH, async (_req, res) => {
    // the control plane answers before the dashboard listens (decision 245): the link waits for it
    const url = await loginUrl();
    if (!url) {
      json(res, 503, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the dashboard is not running', code: 503 });
      return;
    }
    json(res, 200, { url });
  });
}

/** The answer as express's res.json() wrote it before the API server dropped express. */
function json(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** For the CLI: a fresh login URL from the running control plane. */
export async function fetchLoginUrl(client: ApiClient): Promise<string> {
  const r = await client.request<{ url: string }>('POST', LOGIN_PATH, {});
  return r.body.url;
}
