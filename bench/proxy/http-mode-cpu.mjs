// bench/proxy/http-mode-cpu.mjs: the HTTP mode's cost per request, without Docker. Three upstream HTTP
// servers (the sample app's answer) run in a child process; the HTTP-mode proxy (dist/, as the control
// plane runs it) listens in this process; nginx (one worker) round-robins over the same upstreams. wrk
// loads each in turn; besides req/s it reports CPU time per request of the proxy (this process) and of
// nginx, which on a shared machine is steadier than req/s. Bounded, cleans up after itself.
//
//   npm run build && node bench/proxy/http-mode-cpu.mjs [--rounds 3] [--seconds 4] [--connections 32]
//   add --cpu-prof (node's flag, before the script) to profile the proxy's data path
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { arg, freePort, median, run, startNginx, waitListening, wrk } from './common.mjs';

const ROUNDS = arg('rounds', 3);
const SECONDS = arg('seconds', 4);
const CONNECTIONS = arg('connections', 32);
// --module FILE: another build of http-mode.js to compare (default: dist/)
const moduleArg = process.argv.indexOf('--module');
const modulePath = moduleArg > 0 ? path.resolve(process.argv[moduleArg + 1]) : new URL('../../dist/src/service-proxy/http-mode.js', import.meta.url).pathname;
const { createHttpModeServer } = await import(pathToFileURL(modulePath).href);

const UPSTREAMS = `
const http = require('http');
for (const port of process.argv.slice(1).map(Number)) {
  http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('Hello node! hostname:upstream-' + port);
    res.end();
  }).listen(port, '127.0.0.1');
}
process.stdin.on('end', () => process.exit(0)).resume();
`;

/** user + system CPU of a process in µs (/proc/PID/stat counts clock ticks, 100 per second on Linux) */
function cpuOfPid(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

const ports = [await freePort(), await freePort(), await freePort()];
const upstreams = spawn(process.execPath, ['-e', UPSTREAMS, ...ports.map(String)], { stdio: ['pipe', 'inherit', 'inherit'] });
let nginx;
let listener;
let server;
try {
  for (const p of ports) await waitListening(p);
  const targets = ports.map((port, i) => ({ host: '127.0.0.1', port, podName: `pod-${i}`, podUid: `uid-${i}` }));
  let next = 0;
  server = createHttpModeServer({
    candidates: () => {
      const start = next++ % targets.length;
      return [...targets.slice(start), ...targets.slice(0, start)];
    },
    noEndpoints: () => 'none\n',
    sent: () => {},
  });
  listener = net.createServer({ noDelay: true }, (c) => server.emit('connection', c));
  const proxyPort = await freePort();
  await new Promise((r) => listener.listen(proxyPort, '127.0.0.1', r));

  const nginxPort = await freePort();
  nginx = await startNginx(ports.map((p) => `127.0.0.1:${p}`), nginxPort);
  // nginx's master forks one worker: that worker carries the traffic.
  let nginxWorker;
  for (let i = 0; i < 50 && !nginxWorker; i++) {
    const { stdout } = await run('pgrep', ['-P', String(nginx.child.pid)]).catch(() => ({ stdout: '' }));
    nginxWorker = Number(stdout.trim().split('\n')[0]) || undefined;
    if (!nginxWorker) await new Promise((r) => setTimeout(r, 50));
  }

  console.log(`wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} rounds; ${os.cpus().length} CPUs; load average ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
  const results = { nginx: [], http: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of ['nginx', 'http']) {
      const url = `http://127.0.0.1:${name === 'nginx' ? nginxPort : proxyPort}/`;
      const before = name === 'nginx' ? cpuOfPid(nginxWorker) : process.cpuUsage();
      const w = await wrk(url, { connections: CONNECTIONS, seconds: SECONDS });
      const cpuUs = name === 'nginx' ? cpuOfPid(nginxWorker) - before : (() => { const d = process.cpuUsage(before); return d.user + d.system; })();
      w.cpuPerReq = cpuUs / w.requests;
      results[name].push(w);
      console.log(`round ${r + 1} ${name.padEnd(5)} ${w.rps.toFixed(0).padStart(6)} req/s  p99 ${w.p99.toFixed(2)} ms  CPU ${w.cpuPerReq.toFixed(1)} µs/request  non-2xx ${w.errors}`);
    }
  }
  const n = { rps: median(results.nginx.map((w) => w.rps)), cpu: median(results.nginx.map((w) => w.cpuPerReq)) };
  const h = { rps: median(results.http.map((w) => w.rps)), cpu: median(results.http.map((w) => w.cpuPerReq)) };
  console.log(`median: nginx ${n.rps.toFixed(0)} req/s ${n.cpu.toFixed(1)} µs/req; HTTP mode ${h.rps.toFixed(0)} req/s (${(h.rps / n.rps).toFixed(2)} of nginx) ${h.cpu.toFixed(1)} µs/req (nginx/HTTP mode CPU ${(n.cpu / h.cpu).toFixed(2)}); load average ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
} finally {
  nginx?.stop();
  upstreams.stdin.end();
  upstreams.kill();
  listener?.close();
  server?.close();
}
