// Shared by the integration tests: an isolated cluster per test file (the library's own startCluster),
// the CLI run as a user runs it (a child process with the cluster's home), and the sample image.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster, type ClusterOptions } from '../../src/lib/index.js';
import { buildSampleImage } from '../../src/runtime/sample-image.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'bin/mini-kube.js');

/**
 * inProcess: the control plane on this test's own event loop, for white-box tests that reach into
 * `cluster.controlPlane` (its store, kubelet, proxy); the default runs it in its own process (decision 183).
 */
export async function testCluster(opts: {
  publishPorts?: boolean; clusterDNS?: string[]; inProcess?: boolean; metricsResolutionMs?: number; hpaSyncPeriodMs?: number;
  /** simulated nodes and the node-lifecycle periods (test/integration/nodes-multi.test.ts) */
  nodes?: ClusterOptions['nodes']; nodeMonitorGraceMs?: number; nodeMonitorPeriodMs?: number; nodeLeaseRenewMs?: number;
} = {}): Promise<Cluster> {
  await buildSampleImage();
  // A home of its own that the CLI can find (control-plane.json is published for it).
  const fs = await import('node:fs');
  const os = await import('node:os');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-it-'));
  return startCluster({
    home, publishPorts: opts.publishPorts, clusterDNS: opts.clusterDNS, inProcess: opts.inProcess,
    metricsResolutionMs: opts.metricsResolutionMs, hpaSyncPeriodMs: opts.hpaSyncPeriodMs,
    nodes: opts.nodes, nodeMonitorGraceMs: opts.nodeMonitorGraceMs, nodeMonitorPeriodMs: opts.nodeMonitorPeriodMs, nodeLeaseRenewMs: opts.nodeLeaseRenewMs,
    log: process.env['MINI_KUBE_TEST_LOG'] ? (l) => console.log(l) : undefined });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mini-kube ARGS` against the cluster's home, as a user would type it. */
export function cli(cluster: Cluster, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<CliResult> {
  return cliIn(cluster.home, args, { ...opts, timeoutMs: 120_000 });
}

/** Runs `mini-kube ARGS` with MINI_KUBE_HOME=home (a home whose control plane runs as its own process). */
export function cliIn(home: string, args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      // a control plane the command starts on demand merges its context into $KUBECONFIG (decision 246):
      // into the home's own file, never the developer's, unless the test names one
      env: { ...process.env, KUBECONFIG: path.join(home, 'kubeconfig'), ...opts.env, MINI_KUBE_HOME: home, LANG: 'C' },
      timeout: opts.timeoutMs ?? 60_000,
      maxBuffer: 16 * 1024 * 1024,
    }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Resident memory of a process, from /proc (the control plane run as its own process). */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
