// The dashboard's server on its own (a real store and listener, no engine): login codes are one-time and
// give a session token that is never a cookie,
// the Host is checked (DNS rebinding), the event stream pushes changes, actions are validated, and the
// back-off countdown is read from the kubelet's CrashLoopBackOff message.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { parseAction } from '../../src/dashboard/actions.js';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { nextRestart, parseGoDuration } from '../../src/dashboard/snapshot.js';
import { vendorModules } from '../../src/dashboard/vendor.js';
import { ProbeHistory } from '../../src/probes/history.js';
import { Store } from '../../src/store/store.js';

let dash: Dashboard;
const store = new Store();
const history = new ProbeHistory();
const client = new ApiClient({ url: 'https://127.0.0.1:1', token: 'x', caPem: '' });

beforeAll(async () => {
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  dash = await startDashboard({ store, client, history, stats: { active: new Map(), total: new Map(), requests: new Map(), lastSent: new Map() } });
});
afterAll(async () => { await dash.close(); client.close(); });

function request(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.request({ host: '127.0.0.1', port: dash.port, path, headers, method }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    }).on('error', reject).end(body);
  });
}

/** What the page does with a login link: POST its code to /session from its own origin. */
function spend(code: string, origin = `http://127.0.0.1:${dash.port}`) {
  return request('/session', { 'content-type': 'application/json', origin }, 'POST', JSON.stringify({ code }));
}

async function login(): Promise<string> {
  const res = await spend(new URL(dash.loginUrl()).searchParams.get('login')!);
  return (JSON.parse(res.body) as { token: string }).token;
}

describe('dashboard server', () => {
  it('exchanges a login code once, from its own origin, for a session token that is never a cookie', async () => {
    const code = new URL(dash.loginUrl()).searchParams.get('login')!;
    const page = await request(`/?login=${code}`);
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect((await spend(code, 'http://evil.example')).status).toBe(403);
    const first = await spend(code);
    expect(first.status).toBe(200);
    expect(first.headers['set-cookie']).toBeUndefined();
    const { token, csrf } = JSON.parse(first.body) as { token: string; csrf: string };
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await spend(code)).status).toBe(401);
    expect((await request('/events')).status).toBe(401);
    expect((await request('/events', { cookie: `mk_dashboard=${token}` })).status).toBe(401);
    expect((await request('/actions', { authorization: `Bearer ${token}`, origin: `http://127.0.0.1:${dash.port}`, 'content-type': 'application/json' }, 'POST', '{}')).status).toBe(403);
    expect((await request('/', { host: `evil.example:${dash.port}` })).status).toBe(421);
  });

  it('streams the state and pushes a change', async () => {
    const token = await login();
    const got = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: dash.port, path: '/events', headers: { authorization: `Bearer ${token}` } }, (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          if (buf.includes('"name":"web-1"')) { req.destroy(); resolve(buf); }
        });
      });
      req.on('error', reject);
      setTimeout(() => store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } }), 200);
    });
    expect(got).toMatch(/event: state\ndata: \{"nodes":\[\],"deployments":\[\],"pods":\[\]/);
  });

  it('serves preact, its hooks and htm from their packages\' exported entries', async () => {
    for (const m of vendorModules()) {
      const res = await request(m.url);
      expect(res.status, m.url).toBe(200);
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
      const text = fs.readFileSync(m.path, 'utf8');
      expect(res.body).toBe(m.rewrite ? text.split(m.rewrite[0]).join(m.rewrite[1]) : text);
    }
    // The hooks import preact from where the page loads it, not by the bare name a browser cannot resolve.
    expect((await request('/vendor/preact-hooks.mjs')).body).not.toContain('from"preact"');
  });

  it('accepts only the actions a teacher needs', () => {
    expect(parseAction({ action: 'exec', pod: 'p-1', command: 'rm' })).toEqual({ action: 'exec', namespace: 'default', pod: 'p-1', command: 'rm' });
    expect(parseAction({ action: 'exec', pod: 'p-1', command: 'sh' })).toBe('command must be rm or touch');
    expect(parseAction({ action: 'scale', deployment: 'd', replicas: 1000 })).toBe('replicas must be 0..20');
    expect(parseAction({ action: 'delete', pod: '../x' })).toBe('bad pod name');
  });

  it('counts down to the next restart from the CrashLoopBackOff message', () => {
    expect(parseGoDuration('1m20s')).toBe(80_000);
    expect(parseGoDuration('5m0s')).toBe(300_000);
    expect(parseGoDuration('soon')).toBeUndefined();
    const at = nextRestart({ reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=c pod=p_default(u)' }, '2026-01-01T00:00:00Z');
    expect(at).toBe(Date.parse('2026-01-01T00:00:20Z'));
    expect(nextRestart({ reason: 'ContainerCreating' }, '2026-01-01T00:00:00Z')).toBeUndefined();
  });
});
