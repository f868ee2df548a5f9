// Hostile input against a control plane running as its own process (`mini-kube up -d`), so its memory can
// be read from /proc: YAML bombs, deep nesting, binary junk and giant bodies posted to the API are refused
// quickly with a 4xx and the resident set does not jump; every manifest of test/fixtures/bad is refused by
// the real CLI with the file named, nothing is created and the process stays up; names that Docker would
// see are validated first; two writers on one object cannot both win (409).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../../src/client/connect.js';
import type { ApiClient } from '../../src/client/api-client.js';
import { homePaths, readState, type ControlPlaneState } from '../../src/control-plane/home.js';
import type { Service } from '../../src/kube/types.js';
import { LABEL_CLUSTER } from '../../src/runtime/runtime.js';
import { cliIn, rssMb } from './harness.js';

const mk = (home: string, args: string[]) => cliIn(home, args);

/** A raw POST, so the body can be anything (the ApiClient would serialize it). */
function post(state: ControlPlaneState, home: string, pathName: string, body: Buffer | string, contentType: string): Promise<{ status: number; body: string; ms: number }> {
  const p = homePaths(home);
  const url = new URL(pathName, state.url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', ca: fs.readFileSync(p.ca, 'utf8'),
      headers: { authorization: `Bearer ${fs.readFileSync(p.token, 'utf8').trim()}`, 'content-type': contentType },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { if (text.length < 4096) text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ms: Date.now() - started }));
    });
    // the server may answer (413) and close before the whole body is sent: that is fine
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET'
      ? resolve({ status: 413, body: err.code, ms: Date.now() - started }) : reject(err)));
    req.end(body);
  });
}

const bomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`),
].join('\n') + '\n';

describe('security: hostile input', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-sec-'));
  let state: ControlPlaneState;
  let client: ApiClient;

  beforeAll(async () => {
    const up = await mk(home, ['up', '-d', '--no-kubeconfig']);
    expect(up.code, up.stderr).toBe(0);
    state = readState(home)!;
    client = clientFor(home, state);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (process.env['MK_SEC_DEBUG']) console.log(fs.readFileSync(homePaths(home).log, 'utf8'));
    await mk(home, ['down']);
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL_CLUSTER}=${state?.clusterId}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (left.length) execFileSync('docker', ['rm', '-f', ...left]);
    fs.rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('refuses bombs, deep nesting, junk and giant bodies quickly, and its memory does not jump', async () => {
    const pods = '/api/v1/namespaces/default/pods';
    // warm up the paths once, then measure
    await post(state, home, pods, '{}', 'application/json');
    const before = rssMb(state.pid);
    const hostile: [string, Buffer | string, string][] = [
      ['yaml bomb', bomb, 'application/yaml'],
      ['deep JSON', '['.repeat(200_000) + ']'.repeat(200_000), 'application/json'],
      ['deep YAML', '- '.repeat(5000) + 'x\n', 'application/yaml'],
      ['deep flow YAML', 'a: ' + '['.repeat(100_000) + '\n', 'application/yaml'],
      ['binary junk', Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256)), 'application/json'],
      ['giant body', Buffer.alloc(20 * 1024 * 1024, 0x20), 'application/json'],
      ['wrong type', 'name=x', 'application/x-www-form-urlencoded'],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [what, body, type] of hostile) {
        const res = await post(state, home, pods, body, type);
        expect(res.status, `${what}: ${res.body}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${what}: ${res.body}`).toBeLessThan(500);
        expect(res.ms, what).toBeLessThan(3000);
        if (process.env['MK_SEC_DEBUG']) console.log(what, res.status, res.ms, 'ms', rssMb(state.pid).toFixed(1), 'MB');
      }
    }
    const after = rssMb(state.pid);
    expect(after - before).toBeLessThan(20);
    await client.request('GET', '/healthz');
  }, 60_000);

  it('validates names before they reach Docker', async () => {
    for (const name of ['Bad_Name', '../../etc', 'a'.repeat(300), 'x;rm -rf /']) {
      const res = await post(state, home, '/api/v1/namespaces/default/pods', JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { 'bad label': 'x' } },
        spec: { containers: [{ name: 'c', image: 'ondalk8s/healthcheck:v1' }] },
      }), 'application/json');
      expect(res.status, name).toBe(422);
    }
    expect((await client.list('Pod', { namespace: 'default' })).items).toEqual([]);
  });

  it('lets only one of two writers holding the same resourceVersion win (409 for the other)', async () => {
    // a Service: no controller writes it after creation, so both writers really hold the latest version
    const created = await client.request<Service>('POST', '/api/v1/namespaces/default/services', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'race' }, spec: { selector: { app: 'race' }, ports: [{ port: 80 }] },
    });
    const base = created.body;
    const second = clientFor(home, state);
    const write = (c: ApiClient, value: string) => c.request('PUT', '/api/v1/namespaces/default/services/race', {
      ...base, metadata: { ...base.metadata, labels: { writer: value } },
    }).then(() => 200, (err: { code?: number }) => err.code ?? 0);
    const codes = await Promise.all([write(client, 'a'), write(second, 'b')]);
    second.close();
    expect(codes.sort()).toEqual([200, 409]);
    const now = await client.get<Service>('Service', 'default', 'race');
    expect(['a', 'b']).toContain(now.metadata.labels?.['writer']);
    await client.request('DELETE', '/api/v1/namespaces/default/services/race');
  });
});
