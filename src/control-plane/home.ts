// Everything a cluster keeps lives under one directory, MINI_KUBE_HOME (default ~/.mini-kube), so two
// homes are two independent clusters: their own store, certificates, token, ports and container labels.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tightenMode } from '../store/file-modes.js';

export interface HomePaths {
  root: string;
  store: string;
  config: string;
  state: string;
  lock: string;
  log: string;
  token: string;
  ca: string;
  /** the kubelet's per-pod directories (configMap, secret, downwardAPI and projected volume files) */
  pods: string;
}

export function resolveHome(explicit?: string): string {
  const dir = explicit ?? process.env['MINI_KUBE_HOME'] ?? path.join(os.homedir(), '.mini-kube');
  return path.resolve(dir);
}

export function homePaths(root: string): HomePaths {
  return {
    root,
    store: path.join(root, 'store'),
    config: path.join(root, 'config.json'),
    state: path.join(root, 'control-plane.json'),
    lock: path.join(root, 'control-plane.lock'),
    log: path.join(root, 'control-plane.log'),
    token: path.join(root, 'token'),
    ca: path.join(root, 'ca.crt'),
    pods: path.join(root, 'pods'),
  };
}

/** Settings chosen once per home and kept: the cluster's identity and its API port. */
export interface ClusterConfig {
  clusterId: string;
  apiPort?: number;
  /** address the NodePort listeners bind (127.0.0.1 unless a teacher opens it to the class) */
  nodePortAddress?: string;
  /** reach pods through published ports instead of their IPs (Docker Desktop; forced in tests) */
  publishPorts?: boolean;
  allowPrivileged?: boolean;
  /** the block of ClusterIPs this cluster's network agent held last (docs/decisions/160) */
  networkBlock?: number;
  /** the simulated nodes `up --nodes` asked for (names, labels, capacity); absent: one, mini-kube */
  nodes?: { name: string; labels?: Record<string, string>; capacity?: { cpu?: string; memory?: string } }[];
}

export function loadConfig(root: string): ClusterConfig {
  const p = homePaths(root);
  secureHome(root);
  if (fs.existsSync(p.config)) {
    return JSON.parse(fs.readFileSync(p.config, 'utf8')) as ClusterConfig;
  }
  // The id names the Docker network and labels every container; a hash of the path keeps it readable
  // in `docker ps`, the random part keeps two homes at the same path (after a purge) apart.
  const clusterId = `${createHash('sha256').update(root).digest('hex').slice(0, 6)}${randomBytes(3).toString('hex')}`;
  const config: ClusterConfig = { clusterId };
  saveConfig(root, config);
  return config;
}

/**
 * A home holds the admin token, the CA key and every object (env values included): only its owner may read
 * it. mkdir's mode does not apply to a directory that already exists, so a home made by an older version
 * (0755, files 0644) is tightened here, on every start. The store's own files are tightened as it loads.
 */
export function secureHome(root: string): void {
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const known = new Set([...Object.values(homePaths(root)).map((p) => path.basename(p)), ...TLS_FILES]);
  const entries = fs.readdirSync(root, { withFileTypes: true });
  const ours = entries.filter((e) => known.has(e.name) || e.name.endsWith('.tmp'));
  if (!sharedDirectory(root, ours.length < entries.length)) tightenMode(root, 0o700);
  // what else is there is someone else's
  for (const entry of ours) {
    if (entry.isFile()) tightenMode(path.join(root, entry.name), 0o600);
    else if (entry.isDirectory()) tightenMode(path.join(root, entry.name), 0o700);
  }
}

/** the API server's key pair, next to the CA (src/api/http/tls.ts), and the key service-account tokens are signed with (token.ts) */
const TLS_FILES = ['apiserver.crt', 'apiserver.key', 'service-account.key'];

/**
 * MINI_KUBE_HOME pointed at a directory others use too (/tmp, the user's home, one holding other files):
 * its own mode is not ours to change. The files mini-kube writes there are 0600 anyway.
 */
function sharedDirectory(root: string, holdsOtherFiles: boolean): boolean {
  if (holdsOtherFiles) return true;
  if ((fs.statSync(root).mode & 0o1000) !== 0) return true; // sticky, like /tmp
  const userHome = path.resolve(os.homedir());
  return userHome === root || userHome.startsWith(`${root}${path.sep}`) || root === path.parse(root).root;
}

export function saveConfig(root: string, config: ClusterConfig): void {
  const p = homePaths(root);
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const tmp = `${p.config}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, p.config);
}

/** What a running control plane publishes for its clients. */
export interface ControlPlaneState {
  pid: number;
  url: string;
  port: number;
  startedAt: string;
  clusterId: string;
  dashboardUrl?: string;
}

export function readState(root: string): ControlPlaneState | undefined {
  try {
    return JSON.parse(fs.readFileSync(homePaths(root).state, 'utf8')) as ControlPlaneState;
  } catch {
    return undefined;
  }
}

export function writeState(root: string, state: ControlPlaneState): void {
  const p = homePaths(root);
  fs.writeFileSync(`${p.state}.tmp`, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(`${p.state}.tmp`, p.state);
}

export function clearState(root: string): void {
  fs.rmSync(homePaths(root).state, { force: true });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
