// Kubeconfig for a mini-kube home: the document `mini-kube kubeconfig` prints, and the merge into the
// user's kubeconfig that `up` does (and `down --purge` undoes), the way kind and minikube do it:
// one cluster, user and context under the same name, every other entry left as it was, current-context
// set only when none is set, the file replaced atomically with mode 0600 (it holds a bearer token).
//
// Names: the default home (~/.mini-kube) is `mini-kube`; any other home is `mini-kube-<clusterId>`, so
// two homes that both merge do not overwrite each other (docs/decisions/030-kubeconfig-context-names.md).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { homePaths, loadConfig, resolveHome } from './home.js';

export interface KubeconfigEntry {
  name: string;
  server: string;
  caPem: string;
  token: string;
  namespace?: string;
}

interface Named { name?: unknown; [key: string]: unknown }

/** The shape we read and write; unknown top-level fields (preferences, extensions) are carried along. */
export interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
  [key: string]: unknown;
}

export const DEFAULT_CONTEXT = 'mini-kube';

/** The context/cluster/user name for a home: `mini-kube` for the default home, else with its cluster id. */
export function contextName(home: string): string {
  const defaultHome = path.resolve(path.join(os.homedir(), '.mini-kube'));
  if (path.resolve(home) === defaultHome) return DEFAULT_CONTEXT;
  return `${DEFAULT_CONTEXT}-${loadConfig(home).clusterId}`;
}

/** What a home needs to be reached: its CA and token files plus the server URL. */
export function entryForHome(home: string, server: string): KubeconfigEntry {
  const p = homePaths(resolveHome(home));
  return {
    name: contextName(home),
    server,
    caPem: fs.readFileSync(p.ca, 'utf8'),
    token: fs.readFileSync(p.token, 'utf8').trim(),
    namespace: 'default',
  };
}

function clusterItem(e: KubeconfigEntry): Named {
  return { name: e.name, cluster: { server: e.server, 'certificate-authority-data': Buffer.from(e.caPem).toString('base64') } };
}

function userItem(e: KubeconfigEntry): Named {
  return { name: e.name, user: { token: e.token } };
}

function contextItem(e: KubeconfigEntry): Named {
  return { name: e.name, context: { cluster: e.name, user: e.name, namespace: e.namespace ?? 'default' } };
}

/** A complete kubeconfig holding only this entry, current-context set to it. */
export function kubeconfigFor(e: KubeconfigEntry): KubeconfigDoc {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [clusterItem(e)],
    users: [userItem(e)],
    contexts: [contextItem(e)],
    'current-context': e.name,
  };
}

export function renderKubeconfig(doc: KubeconfigDoc): string {
  return YAML.stringify(doc, { lineWidth: 0 });
}

/** The file `up` merges into: the first path of $KUBECONFIG (as kubectl writes there), else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env['KUBECONFIG'] ?? '').split(path.delimiter).find((p) => p.trim() !== '');
  return path.resolve(first ?? path.join(os.homedir(), '.kube', 'config'));
}

export function readKubeconfig(file: string): KubeconfigDoc {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
    throw err;
  }
  const parsed: unknown = text.trim() === '' ? {} : YAML.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${file} is not a kubeconfig (expected a YAML mapping)`);
  }
  const doc = parsed as KubeconfigDoc;
  for (const key of ['clusters', 'users', 'contexts'] as const) {
    if (doc[key] === undefined || doc[key] === null) doc[key] = [];
    if (!Array.isArray(doc[key])) throw new Error(`${file}: ${key} must be a list`);
  }
  doc.apiVersion ??= 'v1';
  doc.kind ??= 'Config';
  return doc;
}

/** Same directory, then rename: a reader never sees half a file, and a crash leaves the old one. */
export function writeKubeconfig(file: string, doc: KubeconfigDoc): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.mini-kube-${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, renderKubeconfig(doc), { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

function upsert(list: Named[], item: Named): void {
  const i = list.findIndex((x) => x?.name === item.name);
  if (i >= 0) list[i] = item;
  else list.push(item);
}

export interface MergeResult {
  file: string;
  name: string;
  /** current-context was empty and now names this entry */
  setCurrent: boolean;
  /** the current context that was kept (when another one was set) */
  current?: string;
}

export function mergeKubeconfig(file: string, e: KubeconfigEntry): MergeResult {
  const doc = readKubeconfig(file);
  upsert(doc.clusters!, clusterItem(e));
  upsert(doc.users!, userItem(e));
  upsert(doc.contexts!, contextItem(e));
  const current = doc['current-context'];
  const setCurrent = !current;
  if (setCurrent) doc['current-context'] = e.name;
  writeKubeconfig(file, doc);
  return { file, name: e.name, setCurrent, current: setCurrent ? undefined : current };
}

/** Removes the entry's cluster, user and context; true if anything was there. */
export function removeFromKubeconfig(file: string, name: string): boolean {
  if (!fs.existsSync(file)) return false;
  const doc = readKubeconfig(file);
  let changed = false;
  for (const key of ['clusters', 'users', 'contexts'] as const) {
    const kept = doc[key]!.filter((x) => x?.name !== name);
    if (kept.length !== doc[key]!.length) changed = true;
    doc[key] = kept;
  }
  if (doc['current-context'] === name) {
    // As `kind delete cluster` does: no current context rather than one pointing at nothing.
    doc['current-context'] = '';
    changed = true;
  }
  if (changed) writeKubeconfig(file, doc);
  return changed;
}
