// Benchmark: the control plane at rest with the tutorial's three pods (liveness.yaml: an exec probe
// every 5 s each): resident memory and CPU share over a window. Goal (issue 19): < 60 MB RSS, < 1% of a core.
// Run: npm run build && node bench/idle/idle.mjs [windowSeconds=30] [--bin other/bin/mini-kube.js]
// (--bin: another build's CLI, e.g. main's, run one after the other with this one; note the load)
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const binAt = args.indexOf('--bin');
const cli = binAt >= 0 ? path.resolve(args[binAt + 1]) : path.join(root, 'bin/mini-kube.js');
const windowS = Number(args.find((a) => /^\d+$/.test(a)) ?? 30);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-idle-'));
const env = { ...process.env, MINI_KUBE_HOME: home };
const mk = (...a) => execFileSync(process.execPath, [cli, ...a], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** what holds the resident memory: /proc/PID/smaps_rollup (shared clean = the node binary's pages and libraries) */
function smaps(pid) {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k) => Number(text.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
  return `shared clean ${(kb('Shared_Clean') / 1024).toFixed(1)} MB, private ${((kb('Private_Clean') + kb('Private_Dirty')) / 1024).toFixed(1)} MB (anonymous ${(kb('Anonymous') / 1024).toFixed(1)} MB)`;
}

function procStat(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime
  const rss = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
  return { ticks, rssKb: rss };
}

try {
  mk('up', '-d', '--no-kubeconfig');
  const { pid } = JSON.parse(fs.readFileSync(path.join(home, 'control-plane.json'), 'utf8'));
  mk('apply', '-f', path.join(root, 'manifests/liveness.yaml'));
  // let the pods start and the first probes run
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (mk('get', 'pod').match(/ Running /g) ?? []).length < 3) await new Promise((r) => setTimeout(r, 500));
  await new Promise((r) => setTimeout(r, 10_000));
  const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  const a = procStat(pid);
  await new Promise((r) => setTimeout(r, windowS * 1000));
  const b = procStat(pid);
  const cpu = ((b.ticks - a.ticks) / hz) / windowS * 100;
  console.log(mk('get', 'pod').trimEnd());
  console.log(`${cli}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`control plane pid ${pid}: RSS ${(b.rssKb / 1024).toFixed(1)} MB (goal < 60), CPU ${cpu.toFixed(2)}% of a core over ${windowS}s (goal < 1%); ${smaps(pid)}`);
} finally {
  try { mk('down', '--purge'); } catch { /* already down */ }
  fs.rmSync(home, { recursive: true, force: true });
}
