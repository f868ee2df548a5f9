/// <reference lib="dom.iterable" />
// The dashboard in real headless Chromium (Debian's package, driven by playwright-core) against a
// running cluster with the tutorial's healthcheck.yaml + svc.yaml and a light request loop through the
// nodePort: three pod cards; after `rm /tmp/healthcheck` (the card's own button) that card turns not
// ready and its traffic bar falls to zero, without a reload. A screenshot is kept in test-artifacts/.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/lib/index.js';
import type { Pod, Service } from '../../src/kube/types.js';
import { parseManifests } from '../../src/manifests/index.js';
import { ROOT, testCluster, until } from './harness.js';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let cluster: Cluster;
let browser: Browser;
let stopLoop = false;
let loop: Promise<void> | undefined;

/** The tutorial's manifests, readiness probed every second (the tutorial's 5 s would make this slow). */
function manifests(): object[] {
  return ['healthcheck.yaml', 'svc.yaml'].flatMap((f) =>
    parseManifests(fs.readFileSync(path.join(ROOT, 'manifests', f), 'utf8'), f).objects.map((m) => {
      const o = m.object as { spec?: { template?: { spec?: { containers?: { readinessProbe?: Record<string, number> }[] } } } };
      for (const c of o.spec?.template?.spec?.containers ?? []) {
        if (c.readinessProbe) Object.assign(c.readinessProbe, { initialDelaySeconds: 1, periodSeconds: 1 });
      }
      return m.object;
    }));
}

function get(url: string): Promise<void> {
  return new Promise((resolve) => {
    http.get(url, { agent: false }, (res) => { res.resume(); res.on('end', () => resolve()); }).on('error', () => resolve());
  });
}

beforeAll(async () => {
  cluster = await testCluster({ inProcess: true }); // the dashboard's login link
  await cluster.apply(manifests() as never);
  await cluster.waitForEndpoints('mysvc', 3, { timeoutMs: 60_000 });
  const svc = await cluster.client.get<Service>('Service', 'default', 'mysvc');
  const url = `http://127.0.0.1:${svc.spec!.ports![0]!.nodePort}/`;
  // A light load, as students would make it: about ten requests a second.
  loop = (async () => { while (!stopLoop) { await get(url); await new Promise((r) => setTimeout(r, 100)); } })();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 90_000);

afterAll(async () => {
  stopLoop = true;
  await loop;
  await browser?.close();
  await cluster?.stop();
}, 60_000);

const cards = (page: Page) => page.locator('[data-pod]');

describe('dashboard in Chromium', () => {
  it('shows the pods live; rm /tmp/healthcheck takes one out of the Service without a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const loginUrl = cluster.controlPlane.dashboard!.loginUrl();
    await page.goto(loginUrl);
    await page.waitForURL((u) => u.search === '', { timeout: 10_000 }); // the one-time code is gone from the address bar
    await until('three ready cards', async () => (await page.locator('[data-pod][data-ready="true"]').count()) === 3, 30_000);
    expect(await cards(page).count()).toBe(3);
    // Every pod receives traffic.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-pod] .traffic')]
      .every((t) => Number(t.getAttribute('data-rate')) > 0), undefined, { timeout: 20_000 });
    await page.evaluate(() => { (window as unknown as { noReload: boolean }).noReload = true; });

    const pods = (await cluster.client.list<Pod>('Pod', { labelSelector: 'app=healthcheck' })).items.map((p) => p.metadata.name).sort();
    const target = pods[0]!;
    const card = page.locator(`[data-pod="${target}"]`);
    await card.locator('button', { hasText: 'rm /tmp/healthcheck' }).click();
    await page.locator('.toast', { hasText: `$ mini-kube exec ${target} -- rm -f /tmp/healthcheck` }).waitFor({ timeout: 10_000 });

    await page.locator(`[data-pod="${target}"][data-ready="false"]`).waitFor({ timeout: 20_000 });
    await expect.poll(() => card.locator('.ready-text').textContent(), { timeout: 5_000 }).toBe('0/1');
    await expect.poll(() => card.locator('.in-svc').textContent(), { timeout: 5_000 }).toBe('out of Service');
    // Its bar falls to zero while the others keep receiving.
    await page.waitForFunction((name) => {
      const rate = (n: string) => Number(document.querySelector(`[data-pod="${n}"] .traffic`)?.getAttribute('data-rate'));
      const others = [...document.querySelectorAll('[data-pod]')].map((e) => e.getAttribute('data-pod')!).filter((n) => n !== name);
      return rate(name) === 0 && others.every((n) => rate(n) > 0);
    }, target, { timeout: 20_000 });
    // The readiness ticks show the failures, the event list the kubelet's reason.
    expect(await card.locator('[data-probe="readiness"] .tick.failure').count()).toBeGreaterThan(0);
    await page.locator('.events li.warning', { hasText: 'Unhealthy' }).first().waitFor({ timeout: 5_000 });
    expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);

    await page.waitForTimeout(800); // let the bars' width transition settle for the picture
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png') });
    await page.close();
  }, 90_000);

  it('refuses actions without the session and its CSRF token, and a used login link', async () => {
    const base = cluster.controlPlane.dashboard!.loginUrl();
    const page = await browser.newPage();
    await page.goto(base);
    await page.locator('.top h1').waitFor({ timeout: 10_000 });
    const scale = JSON.stringify({ action: 'scale', deployment: 'healthcheck-pod', replicas: 0 });
    // Without the session header (all a cross-site form could send): not logged in.
    const anonymous = await page.evaluate(async (body) => (await fetch('/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status, scale);
    expect(anonymous).toBe(401);
    // With the session but without its CSRF token: refused.
    const noCsrf = await page.evaluate(async (body) => {
      const token = (JSON.parse(sessionStorage.getItem('mini-kube-dashboard-session')!) as { token: string }).token;
      return (await fetch('/actions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body })).status;
    }, scale);
    expect(noCsrf).toBe(403);
    // The login link worked once; in a new tab (no session of its own) it is refused.
    const other = await browser.newPage();
    await other.goto(base);
    await other.locator('.login', { hasText: 'already used or has expired' }).waitFor({ timeout: 10_000 });
    await other.close();
    await page.close();
    const d = await cluster.client.get<{ spec: { replicas: number } } & Pod>('Deployment', 'default', 'healthcheck-pod');
    expect((d as unknown as { spec: { replicas: number } }).spec.replicas).toBe(3);
  }, 30_000);
});
