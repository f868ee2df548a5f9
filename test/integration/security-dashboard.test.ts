/// <reference lib="dom" />
// No pod can ever receive a dashboard credential. Cookies ignore ports, and the dashboard and every
// nodePort share 127.0.0.1, so a session cookie would reach each pod behind a nodePort. Here a real
// Chromium logs into the dashboard, then opens a nodePort whose pod echoes the request it received:
// the pod sees no cookie, no Authorization header and nothing of the session token, and a page served
// by the pod cannot use the dashboard (its requests carry no session and are refused).
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/lib/index.js';
import type { Service } from '../../src/kube/types.js';
import { testCluster } from './harness.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The pod answers every request with the request line and headers it received, as JSON.
const ECHO = "require('http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); "
  + "s.end(JSON.stringify({ url: q.url, headers: q.headers })); }).listen(8080)";

let cluster: Cluster;
let browser: Browser;
let nodePort: number;

beforeAll(async () => {
  cluster = await testCluster({ inProcess: true }); // the dashboard's login link
  await cluster.apply([
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'echo' },
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'echo' } },
        template: { metadata: { labels: { app: 'echo' } }, spec: { containers: [{ name: 'echo', image: 'ondalk8s/healthcheck:v1', command: ['node', '-e', ECHO], ports: [{ containerPort: 8080 }] }] } },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo' }, spec: { type: 'NodePort', selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 8080 }] } },
  ] as never);
  await cluster.waitForEndpoints('echo', 1, { timeoutMs: 60_000 });
  nodePort = (await cluster.client.get<Service>('Service', 'default', 'echo')).spec!.ports![0]!.nodePort!;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
}, 60_000);

describe('security: the dashboard credential never reaches a pod', () => {
  it('after a browser login, a pod behind a nodePort on the same 127.0.0.1 receives no cookie, no Authorization and no session token', async () => {
    const context = await browser.newContext();
    const dash = await context.newPage();
    await dash.goto(cluster.controlPlane.dashboard!.loginUrl());
    // Logged in and live: the page shows the echo pod from the state stream.
    await dash.locator('[data-pod]').first().waitFor({ timeout: 20_000 });
    const session = await dash.evaluate(() => JSON.parse(sessionStorage.getItem('mini-kube-dashboard-session') ?? 'null') as { token: string; csrf: string } | null);
    expect(session?.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await context.cookies()).toEqual([]);

    // The same browser opens the nodePort, both by the dashboard's host name and by localhost.
    for (const host of ['127.0.0.1', 'localhost']) {
      const pod = await context.newPage();
      const res = await pod.goto(`http://${host}:${nodePort}/from-browser`);
      const seen = JSON.parse(await res!.text()) as { url: string; headers: Record<string, string> };
      expect(seen.url).toBe('/from-browser');
      expect(seen.headers['cookie']).toBeUndefined();
      expect(seen.headers['authorization']).toBeUndefined();
      expect(JSON.stringify(seen)).not.toContain(session!.token);
      expect(JSON.stringify(seen)).not.toContain(session!.csrf);

      // A page the pod serves tries the dashboard with whatever the browser would add by itself.
      const dashboardOrigin = `http://127.0.0.1:${cluster.controlPlane.dashboard!.port}`;
      const tried = await pod.evaluate(async (origin) => {
        const out: string[] = [];
        for (const path of ['/events', '/actions']) {
          try {
            const r = await fetch(origin + path, { method: path === '/actions' ? 'POST' : 'GET', credentials: 'include', mode: 'no-cors', body: path === '/actions' ? '{"action":"scale","deployment":"echo","replicas":0}' : undefined });
            out.push(`${path}:${r.type}`);
          } catch (err) {
            out.push(`${path}:${String(err)}`);
          }
        }
        return out;
      }, dashboardOrigin);
      expect(tried).toHaveLength(2);
      await pod.close();
    }
    // The pod's page could not scale: the echo Deployment still wants one replica.
    const d = await cluster.client.get('Deployment', 'default', 'echo') as unknown as { spec: { replicas: number } };
    expect(d.spec.replicas).toBe(1);
    await context.close();
  }, 60_000);
});
