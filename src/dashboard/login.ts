// Login codes for the dashboard, handed out by the API server to whoever holds the API token: the
// route sits behind the API's bearer check, so "the same token as the API" guards the page too.
import type { Express, Request, Response } from 'express';
import type { ApiClient } from '../client/api-client.js';

export const LOGIN_PATH = '/mini-kube/dashboard/login';

export function registerDashboardLogin(app: Express, loginUrl: () => string | undefined): void {
  app.post(LOGIN_PATH, (_req: Request, res: Response) => {
    const url = loginUrl();
    if (!url) {
      res.status(503).json({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the dashboard is not running', code: 503 });
      return;
    }
    res.json({ url });
  });
}

/** For the CLI: a fresh login URL from the running control plane. */
export async function fetchLoginUrl(client: ApiClient): Promise<string> {
  const r = await client.request<{ url: string }>('POST', LOGIN_PATH, {});
  return r.body.url;
}
