// What both proxy benches share: their command-line numbers, free loopback ports, waiting for a
// listener, nginx as the round-robin baseline, and wrk with its output parsed.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** `--name N` from the command line, or the default. */
export function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function waitListening(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/**
 * nginx round-robin over `upstreams` ("host:port") with keep-alive upstream connections, listening on
 * 127.0.0.1:port, in a temp dir of its own. One worker: the proxy is one Node process, so the baseline
 * is one nginx process. Returns once it listens; `stop()` kills it and removes the dir.
 */
export async function startNginx(upstreams, port) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-bench-nginx-'));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  upstream pods { ${upstreams.map((u) => `server ${u};`).join(' ')} keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://pods; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`);
  const child = spawn('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  const stop = () => {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitListening(port);
  } catch (err) {
    stop();
    throw err;
  }
  return { child, stop };
}

/** wrk -t1 against url: req/s, requests, p99 in ms, non-2xx count and socket errors. */
export async function wrk(url, { connections, seconds, extra = [] }) {
  const { stdout } = await run('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...extra, url], { timeout: (seconds + 30) * 1000 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? NaN);
  const m = /99%\s+([\d.]+)(us|ms|s)/.exec(stdout);
  const p99 = m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? '0');
  const sock = /Socket errors: (.*)/.exec(stdout)?.[1] ?? '';
  return { rps, requests, p99, errors, sock };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
