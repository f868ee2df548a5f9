// The daemon's V8 flags (decision 247) must leave WebAssembly on: a Service's HTTP mode proxies through
// undici, whose HTTP parser is WebAssembly (V8's lite mode, tried first, has none and broke it).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DAEMON_NODE_FLAGS } from '../../../src/client/connect.js';

describe('the daemon\'s node flags', () => {
  it('run undici (WebAssembly) for HTTP mode: a request through a Pool gets its answer', () => {
    const script = `
      const http = require('node:http');
      const { Pool } = require('undici');
      const server = http.createServer((_req, res) => res.end('answered')).listen(0, '127.0.0.1', async () => {
        const pool = new Pool('http://127.0.0.1:' + server.address().port);
        const r = await pool.request({ path: '/', method: 'GET' });
        process.stdout.write(typeof WebAssembly + ' ' + r.statusCode + ' ' + await r.body.text());
        await pool.close();
        server.close();
      });`;
    const out = execFileSync(process.execPath, [...DAEMON_NODE_FLAGS, '-e', script], { encoding: 'utf8', cwd: process.cwd(), timeout: 20_000 });
    expect(out).toBe('object 200 answered');
  });

  it('are not lite mode or jitless (no WebAssembly there)', () => {
    expect(DAEMON_NODE_FLAGS.some((f) => /lite-mode|jitless|expose-wasm/.test(f))).toBe(false);
  });
});
