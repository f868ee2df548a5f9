// Benchmark: the control plane at rest with the tutorial's three pods (liveness.yaml: an exec probe
// every 5 s each): resident memory and CPU share over a window. Goal: < 80 MB RSS, < 1% of a core.
// Run: npm run build && node bench/idle/idle.mjs [windowSeconds=30]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'bin/mini-kube.js');
const windowS = Number(process.argv[2] ?? 30);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-idle-'));
const env = { ...process.env, MINI_KUBE_HOME: home };
const mk = (...args) => execFileSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });

function procStat(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime
  const rss = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
  return { ticks, rssKb: rss };
}

try {
  mk('up', '-d');
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
  console.log(`control plane pid ${pid}: RSS ${(b.rssKb / 1024).toFixed(1)} MB (goal < 80), CPU ${cpu.toFixed(2)}% of a core over ${windowS}s (goal < 1%)`);
} finally {
  try { mk('down', '--purge'); } catch { /* already down */ }
  fs.rmSync(home, { recursive: true, force: true });
}
