// Shared by kubectl-1.32.test.ts and kubectl-1.20.test.ts: a real control plane (real containers), a
// kubeconfig printed by `mini-kube kubeconfig` into a temp dir, and a kubectl runner that always passes
// --kubeconfig and a private --cache-dir (never the user's ~/.kube).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Cluster } from '../../src/lib/index.js';
import { cli, testCluster } from './harness.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlEnv {
  cluster: Cluster;
  dir: string;
  kubeconfig: string;
  /** kubectl ARGS, stdin closed (or fed `input`) */
  run(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<Run>;
  /** the argv prefix, for `script -qec` and background runs */
  argv(args: string[]): string[];
  /** kubectl ARGS kept running (watch, logs -f); output accumulates in `out` */
  start(args: string[]): Streaming;
  stop(): Promise<void>;
}

export interface Streaming {
  child: ChildProcess;
  out(): string;
  err(): string;
  kill(): Promise<number | null>;
}

export async function kubectlEnv(bin: string, clusterOpts: Parameters<typeof testCluster>[0] = {}): Promise<KubectlEnv> {
  const cluster = await testCluster(clusterOpts);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-kubectl-'));
  const printed = await cli(cluster, ['kubeconfig']);
  if (printed.code !== 0) throw new Error(`mini-kube kubeconfig failed: ${printed.stderr}`);
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, printed.stdout, { mode: 0o600 });
  const argv = (args: string[]) => [bin, '--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args];
  // HOME too: kubectl must not read or write the real user's files.
  const env = { ...process.env, HOME: dir, KUBECONFIG: '', LANG: 'C' };
  return {
    cluster, dir, kubeconfig, argv,
    run(args, opts = {}) {
      return new Promise((resolve) => {
        const [file, ...rest] = argv(args);
        const child = execFile(file!, rest, { env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
          (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
        child.stdin!.end(opts.input ?? '');
      });
    },
    start(args) {
      const [file, ...rest] = argv(args);
      const child = spawn(file!, rest, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
      child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      return {
        child, out: () => out, err: () => err,
        kill: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      };
    },
    async stop() {
      await cluster.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's kubectl 1.20 (SPDY exec), unpacked beside the installed one as scripts/setup.sh does. */
/** Debian's kubectl 1.20 against `env`'s cluster (a cache of its own, HOME = the env's directory), stdin closed. */
export function kubectl120Run(env: KubectlEnv): (args: string[]) => Promise<Run> {
  const bin = ensureKubectl120();
  return (args) => new Promise((resolve) => {
    execFile(bin, ['--kubeconfig', env.kubeconfig, '--cache-dir', path.join(env.dir, 'cache120'), ...args], { env: { ...process.env, HOME: env.dir, KUBECONFIG: '' }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

export function ensureKubectl120(): string {
  const fromEnv = process.env['KUBECTL_120'];
  if (fromEnv) return fromEnv;
  const dir = '/opt/kubectl-1.20';
  const bin = path.join(dir, 'usr/bin/kubectl');
  if (!fs.existsSync(bin)) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl120-'));
    const download = () => execFileSync('apt-get', ['download', 'kubernetes-client'], { cwd: tmp, stdio: 'pipe', timeout: 120_000 });
    try {
      download();
    } catch {
      execFileSync('apt-get', ['update'], { stdio: 'pipe', timeout: 300_000 });
      download();
    }
    const deb = fs.readdirSync(tmp).find((f) => f.endsWith('.deb'))!;
    execFileSync('dpkg-deb', ['-x', path.join(tmp, deb), dir], { stdio: 'pipe' });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}

/** A pod whose main process prints, for `kubectl logs [-f]` (the tutorial's app writes nothing). */
export const TICKER_POD = `apiVersion: v1
kind: Pod
metadata:
  name: ticker
  labels: {app: ticker}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: ticker
    image: ondalk8s/healthcheck:v1
    command: ["sh", "-c", "echo started; i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done"]
`;

/** Single-quotes for `script -c` (a shell command line). */
export function shellQuote(args: string[]): string {
  return args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
}
