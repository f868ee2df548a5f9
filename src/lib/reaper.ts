// What removes a library cluster's containers when stop() never runs. Three layers, from the usual case
// to the worst (see docs/decisions/060-library-cleanup.md):
//  1. stop() / `await using`: the test's own disposal, also when the test fails.
//  2. The process exits with clusters still running (process.exit(), an uncaught error, SIGINT, SIGTERM,
//     SIGHUP): a synchronous child process removes their containers before the exit.
//  3. The process was killed (SIGKILL, OOM): every live cluster is listed in the user's scratch
//     registry with its pid; the next startCluster() anywhere finds entries whose process is gone and
//     removes what they left, in the background.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pidAlive } from '../control-plane/home.js';
import { LABEL_CLUSTER, type Runtime } from '../runtime/runtime.js';
import { scratchDir } from './scratch.js';

export interface ClusterEntry {
  clusterId: string;
  pid: number;
  /** the temporary home to delete, when the library made it */
  home?: string;
}

// ---- layer 3: the registry ----

function entryFile(clusterId: string): string | undefined {
  const dir = scratchDir('clusters');
  return dir && path.join(dir, `${clusterId}.json`);
}

export function register(entry: ClusterEntry): void {
  const file = entryFile(entry.clusterId);
  if (file) fs.writeFileSync(file, JSON.stringify(entry), { mode: 0o600 });
}

export function unregister(clusterId: string): void {
  const file = entryFile(clusterId);
  if (file) fs.rmSync(file, { force: true });
}

/** Removes what clusters of dead processes left behind; never touches a cluster whose process lives. */
export async function reapAbandoned(runtime: Runtime): Promise<string[]> {
  const dir = scratchDir('clusters');
  if (!dir) return [];
  const reaped: string[] = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    let entry: ClusterEntry;
    try {
      entry = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as ClusterEntry;
    } catch {
      continue;
    }
    if (!entry.clusterId || !entry.pid || pidAlive(entry.pid)) continue;
    await removeClusterResources(runtime, entry.clusterId);
    if (entry.home) fs.rmSync(entry.home, { recursive: true, force: true });
    fs.rmSync(path.join(dir, f), { force: true });
    reaped.push(entry.clusterId);
  }
  return reaped;
}

/**
 * Every container carrying the cluster's label (the Docker network is shared by all clusters and stays),
 * and with `volumes` the Docker volumes of its PersistentVolumes: a home of its own goes with the cluster,
 * while the data of a home the caller chose outlives the stop, as across `mini-kube down`.
 */
export async function removeClusterResources(runtime: Runtime, clusterId: string, opts: { volumes?: boolean } = {}): Promise<void> {
  const left = await runtime.listContainers({ [LABEL_CLUSTER]: clusterId }).catch(() => []);
  await Promise.all(left.map((c) => runtime.removeContainer(c.id).catch(() => {})));
  if (opts.volumes) await runtime.removeVolumes({ [LABEL_CLUSTER]: clusterId }).catch(() => []);
}

// ---- layer 2: the exit safety net ----

const live = new Map<string, ClusterEntry>();
/** what must stop before the containers are removed (a control-plane process would restart them) */
const stoppers = new Map<string, () => void>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Watches the cluster until forget(): if the process exits first, its containers go with it. */
export function guard(entry: ClusterEntry, stopFirst?: () => void): void {
  if (stopFirst) stoppers.set(entry.clusterId, stopFirst);
  if (!live.size) {
    process.on('exit', onExit);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  live.set(entry.clusterId, entry);
}

export function forget(clusterId: string): void {
  live.delete(clusterId);
  stoppers.delete(clusterId);
  if (!live.size) {
    process.off('exit', onExit);
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

function onExit(): void {
  if (!live.size) return;
  const entries = [...live.values()];
  live.clear();
  for (const stop of stoppers.values()) stop();
  stoppers.clear();
  reapNow(entries);
}

function onSignal(signal: NodeJS.Signals): void {
  onExit();
  for (const s of SIGNALS) process.off(s, onSignal);
  // Alone, our listener would swallow the signal: let it do what it would have done without us.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/**
 * Synchronous removal for the exit path, where no promise runs any more: a short-lived Node process
 * does it with the same Docker client library (docker-modem reads DOCKER_HOST as the runtime does).
 */
function reapNow(entries: ClusterEntry[]): void {
  const dockerode = pathToFileURL(createRequire(import.meta.url).resolve('dockerode')).href;
  const script = `
    const { default: Docker } = await import(${JSON.stringify(dockerode)});
    const docker = new Docker();
    for (const id of JSON.parse(process.env.MINI_KUBE_REAP)) {
      const list = await docker.listContainers({ all: true, filters: { label: [${JSON.stringify(LABEL_CLUSTER)} + '=' + id] } }).catch(() => []);
      await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => {})));
    }`;
  spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, MINI_KUBE_REAP: JSON.stringify(entries.map((e) => e.clusterId)) },
    stdio: 'ignore',
    timeout: 20_000,
  });
  for (const e of entries) {
    if (e.home) fs.rmSync(e.home, { recursive: true, force: true });
    unregister(e.clusterId);
  }
}
