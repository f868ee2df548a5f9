// The dashboard's server on its own (a real store and listener, no engine): login links are one-time,
// the Host is checked (DNS rebinding), the event stream pushes changes, actions are validated, and the
// back-off countdown is read from the kubelet's CrashLoopBackOff message.
import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { parseAction } from '../../src/dashboard/actions.js';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { nextRestart, parseGoDuration } from '../../src/dashboard/snapshot.js';
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

function request(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: dash.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

describe('dashboard server', () => {
  it('exchanges a login link once for an HttpOnly SameSite=Strict cookie', async () => {
    const url = new URL(dash.loginUrl());
    const first = await request(url.pathname + url.search);
    expect(first.status).toBe(303);
    const cookie = first.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await request(url.pathname + url.search)).status).toBe(401);
    expect((await request('/')).status).toBe(401);
    expect((await request('/', { cookie: cookie.split(';')[0]! })).status).toBe(200);
    expect((await request('/', { cookie: cookie.split(';')[0]!, host: `evil.example:${dash.port}` })).status).toBe(421);
  });

  it('streams the state and pushes a change', async () => {
    const url = new URL(dash.loginUrl());
    const cookie = (await request(url.pathname + url.search)).headers['set-cookie']![0]!.split(';')[0]!;
    const got = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: dash.port, path: '/events', headers: { cookie } }, (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          if (buf.includes('"name":"web-1"')) { req.destroy(); resolve(buf); }
        });
      });
      req.on('error', reject);
      setTimeout(() => store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } }), 200);
    });
    expect(got).toContain('event: session');
    expect(got).toMatch(/event: state\ndata: \{"deployments":\[\],"pods":\[\]/);
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
