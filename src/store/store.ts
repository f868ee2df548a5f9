// The desired and observed state of the cluster: typed objects with one global resourceVersion and
// watch streams, kept on disk (one JSON file per object, atomic write and rename) before a write returns.
// Controllers never call each other; they write here and react to the watch, as in Kubernetes.
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KubeObject, Stored } from '../kube/types.js';
import { byKind, type Kind, type ResourceType } from '../kube/kinds.js';
import { alreadyExists, conflict, notFound, StatusError } from '../kube/errors.js';
import { qualifiedResource } from '../kube/errors.js';
import { tightenMode } from './file-modes.js';
import { finishesDeletion, heldByFinalizers } from './finalizers.js';

// The object shapes are shared vocabulary (src/kube); the store is where a Stored one comes from.
export type { KubeObject, Stored } from '../kube/types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: Stored<T>;
  /** numeric resourceVersion of this change */
  rv: number;
}

export type WatchListener = (event: WatchEvent) => void;

export interface WatchOptions {
  kind?: Kind;
  namespace?: string;
  /** replay changes newer than this resourceVersion; undefined or 0 = synthetic ADDED of current objects */
  resourceVersion?: number;
}

/**
 * The largest object the store keeps, as JSON: etcd's default request limit (--max-request-bytes 1.5 MiB),
 * which is what bounds a Kubernetes object. A bigger one would make every list, watch and restart pay for it.
 */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

const HISTORY_LIMIT = 2000;
const EVENT_LIMIT = 2000;

/** Refuses a write by throwing; `current` is undefined for a create. */
export type WriteGuard = (next: Stored, current: Stored | undefined) => void;

export class Store {
  private readonly objects = new Map<string, Stored>();
  private readonly listeners = new Set<{ opts: WatchOptions; fn: WatchListener }>();
  private readonly history: WatchEvent[] = [];
  private rv = 0;

  private readonly fsync: boolean;
  private writeGuard?: WriteGuard;

  /**
   * @param dir where durable kinds are kept; undefined keeps everything in memory (unit tests)
   * @param opts.fsync flush each write to the disk before answering (default true; see persist)
   */
  constructor(private readonly dir?: string, opts: { fsync?: boolean } = {}) {
    this.fsync = opts.fsync ?? true;
    if (dir) this.load(dir);
  }

  /**
   * A check every create and update passes before it is stored, whoever writes (the API, a controller,
   * the kubelet): the one place all of them converge. It throws a StatusError to refuse the write. The
   * control plane installs the pod security gate here (manifests/pod-gate.ts); the store knows no rule.
   */
  setWriteGuard(guard: WriteGuard | undefined): void {
    this.writeGuard = guard;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can resume from; older ones get 410 Expired. */
  get oldestResumableVersion(): number {
    return this.history.length ? this.history[0]!.rv - 1 : this.rv;
  }

  get<T extends KubeObject>(kind: Kind, namespace: string | undefined, name: string): Stored<T> | undefined {
    return this.objects.get(key(kind, namespace, name)) as Stored<T> | undefined;
  }

  mustGet<T extends KubeObject>(kind: Kind, namespace: string | undefined, name: string): Stored<T> {
    const obj = this.get<T>(kind, namespace, name);
    if (!obj) throw notFoundFor(kind, name);
    return obj;
  }

  list<T extends KubeObject>(kind: Kind, namespace?: string): Stored<T>[] {
    const out: Stored<T>[] = [];
    for (const obj of this.objects.values()) {
      if (obj.kind !== kind) continue;
      if (namespace !== undefined && obj.metadata.namespace !== namespace) continue;
      out.push(obj as Stored<T>);
    }
    return out.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  }

  /** Creates an object; metadata.generateName is honoured by the caller (see names.ts). */
  create<T extends KubeObject>(obj: T): Stored<T> {
    const t = typeOf(obj);
    const name = obj.metadata?.name;
    if (!name) throw new StatusError(422, 'Invalid', `${t.kind} is invalid: metadata.name: Required value: name or generateName is required`);
    const ns = t.namespaced ? obj.metadata?.namespace ?? 'default' : undefined;
    const k = key(t.kind, ns, name);
    if (this.objects.has(k)) throw alreadyExists(t.resource, t.group, name);
    const rv = this.rv + 1;
    const stored = structuredClone(obj) as Stored<T>;
    stored.apiVersion = t.group ? `${t.group}/${t.version}` : t.version;
    stored.kind = t.kind;
    stored.metadata = {
      ...stored.metadata,
      name,
      ...(ns !== undefined ? { namespace: ns } : {}),
      uid: stored.metadata?.uid ?? randomUUID(),
      resourceVersion: String(rv),
      creationTimestamp: stored.metadata?.creationTimestamp ?? now(),
      generation: GENERATION_KINDS.has(t.kind) ? 1 : stored.metadata?.generation,
    } as Stored<T>['metadata'];
    if (stored.metadata.generation === undefined) delete stored.metadata.generation;
    this.writeGuard?.(stored, undefined);
    this.commit(t, k, stored, 'ADDED');
    return stored;
  }

  /**
   * Replaces an object. When obj.metadata.resourceVersion is set it must match the stored one (optimistic
   * concurrency: two clients cannot silently overwrite each other); a mismatch is a 409 Conflict.
   */
  update<T extends KubeObject>(obj: T): Stored<T> {
    const t = typeOf(obj);
    const name = obj.metadata?.name ?? '';
    const ns = t.namespaced ? obj.metadata?.namespace ?? 'default' : undefined;
    const k = key(t.kind, ns, name);
    const current = this.objects.get(k);
    if (!current) throw notFound(t.resource, t.group, name);
    const expected = obj.metadata?.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion) throw conflict(t.resource, t.group, name);
    const stored = structuredClone(obj) as Stored<T>;
    stored.apiVersion = current.apiVersion;
    stored.kind = current.kind;
    // Identity and creation time are the server's, whatever the client sent.
    stored.metadata = {
      ...stored.metadata,
      name,
      ...(ns !== undefined ? { namespace: ns } : {}),
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      resourceVersion: String(this.rv + 1),
    } as Stored<T>['metadata'];
    if (specChanged(current, stored)) {
      stored.metadata.generation = (current.metadata.generation ?? 0) + 1;
    } else if (current.metadata.generation !== undefined) {
      stored.metadata.generation = current.metadata.generation;
    }
    if (unchanged(current, stored)) return current as Stored<T>;
    this.writeGuard?.(stored, current);
    // The last finalizer removed from an object being deleted: it goes now (finalizers.ts).
    this.commit(t, k, stored, finishesDeletion(current, stored) ? 'DELETED' : 'MODIFIED');
    return stored;
  }

  /**
   * Read-modify-write of the newest copy, retried on conflict: for controllers that own one part of an
   * object (status, an annotation) and must not clobber another writer's change to the rest.
   */
  mutate<T extends KubeObject>(kind: Kind, namespace: string | undefined, name: string, fn: (obj: Stored<T>) => void | false): Stored<T> | undefined {
    const current = this.get<T>(kind, namespace, name);
    if (!current) return undefined;
    const copy = structuredClone(current);
    if (fn(copy) === false) return current;
    return this.update(copy);
  }

  delete<T extends KubeObject>(kind: Kind, namespace: string | undefined, name: string): Stored<T> {
    const t = byKind(kind)!;
    const k = key(kind, t.namespaced ? namespace ?? 'default' : undefined, name);
    const current = this.objects.get(k);
    if (!current) throw notFoundFor(kind, name);
    // Finalizers hold the object: it is marked (Terminating), not removed.
    const held = heldByFinalizers(current, now());
    if (held === current) return current as Stored<T>;
    if (held) {
      const marked = { ...structuredClone(held), metadata: { ...structuredClone(held.metadata), resourceVersion: String(this.rv + 1) } } as Stored<T>;
      this.commit(t, k, marked, 'MODIFIED');
      return marked;
    }
    const gone = structuredClone(current) as Stored<T>;
    gone.metadata.resourceVersion = String(this.rv + 1);
    this.commit(t, k, gone, 'DELETED');
    return gone;
  }

  /**
   * Subscribes to changes. With a resourceVersion, replays the buffered changes after it (410 Expired
   * when it is older than the buffer); without one, first delivers every current object as ADDED.
   */
  watch(opts: WatchOptions, fn: WatchListener): () => void {
    const matches = (e: WatchEvent) =>
      (!opts.kind || e.object.kind === opts.kind) &&
      (opts.namespace === undefined || e.object.metadata.namespace === opts.namespace);
    if (opts.resourceVersion) {
      if (opts.resourceVersion < this.oldestResumableVersion) {
        throw new StatusError(410, 'Expired', `too old resource version: ${opts.resourceVersion} (${this.oldestResumableVersion + 1})`);
      }
      for (const e of this.history) if (e.rv > opts.resourceVersion && matches(e)) deliver(fn, e);
    } else {
      const kinds = opts.kind ? [opts.kind] : undefined;
      for (const obj of this.objects.values()) {
        if (kinds && !kinds.includes(obj.kind as Kind)) continue;
        if (opts.namespace !== undefined && obj.metadata.namespace !== opts.namespace) continue;
        deliver(fn, { type: 'ADDED', object: obj, rv: Number(obj.metadata.resourceVersion) });
      }
    }
    const entry = { opts, fn: (e: WatchEvent) => { if (matches(e)) fn(e); } };
    this.listeners.add(entry);
    return () => { this.listeners.delete(entry); };
  }

  private commit(t: ResourceType, k: string, obj: Stored, type: WatchEventType): void {
    const json = type === 'DELETED' ? '' : JSON.stringify(obj);
    if (Buffer.byteLength(json) > MAX_OBJECT_BYTES) throw tooLarge(t, obj, Buffer.byteLength(json));
    // Durable first: the write reaches disk before anyone (API client, controller) can see it.
    if (this.dir && t.durable) {
      // A status-only change (the kubelet's and controllers' many small writes) is rebuilt from Docker
      // and the controllers after a crash: written and renamed like the rest, but not worth an fsync on
      // the hot path of a readiness change.
      const prev = type === 'MODIFIED' ? this.objects.get(k) : undefined;
      this.persist(t, obj, json, type === 'DELETED', !(prev && statusOnlyChange(prev, obj)));
    }
    this.rv += 1;
    if (type === 'DELETED') this.objects.delete(k);
    else this.objects.set(k, obj);
    if (t.kind === 'Event' && type === 'ADDED') this.trimEvents();
    const event: WatchEvent = { type, object: obj, rv: this.rv };
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    for (const l of [...this.listeners]) deliver(l.fn, event);
  }

  private trimEvents(): void {
    const events = [...this.objects.values()].filter((o) => o.kind === 'Event');
    if (events.length <= EVENT_LIMIT) return;
    events.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
    for (const e of events.slice(0, events.length - EVENT_LIMIT)) {
      this.objects.delete(key('Event', e.metadata.namespace, e.metadata.name));
    }
  }

  private fileOf(t: ResourceType, obj: Stored): string {
    return path.join(this.dir!, t.resource, storeFileName(obj.metadata.namespace, obj.metadata.name));
  }

  private persist(t: ResourceType, obj: Stored, json: string, remove: boolean, sync = true): void {
    const file = this.fileOf(t, obj);
    if (remove) {
      fs.rmSync(file, { force: true });
      return;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    // fsync the data before the rename and the directory after it: rename alone survives a SIGKILL of
    // this process (the page cache is the kernel's), fsync also survives a power cut or kernel crash.
    // Cost measured in docs/performance.md (bench/store-fsync.mjs).
    // 0600: objects hold env values and other things only the cluster's owner may read
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, json);
      if (sync && this.fsync && !DERIVED_KINDS.has(t.kind)) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    if (sync && this.fsync && !DERIVED_KINDS.has(t.kind)) syncDir(path.dirname(file));
  }

  /**
   * Reads every object back. One file that cannot be used (unreadable, not an object, a kind this version
   * does not serve, larger than any object may be) is skipped and named in the log; the rest of the cluster
   * starts. Directories and files are tightened to 0700/0600 on the way (homes made by older versions).
   */
  private load(dir: string): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    tightenMode(dir, 0o700);
    for (const sub of fs.readdirSync(dir)) {
      const subdir = path.join(dir, sub);
      if (!fs.statSync(subdir).isDirectory()) continue;
      tightenMode(subdir, 0o700);
      for (const f of fs.readdirSync(subdir)) {
        const file = path.join(subdir, f);
        if (f.endsWith('.tmp')) { fs.rmSync(file, { force: true }); continue; }
        if (!f.endsWith('.json')) continue;
        tightenMode(file, 0o600);
        const obj = readStoredObject(file);
        if (typeof obj === 'string') {
          console.error(`store: skipping ${path.join(sub, f)}: ${obj}; move it out of ${dir} to silence this`);
          continue;
        }
        this.objects.set(key(obj.kind, obj.metadata.namespace, obj.metadata.name), obj);
        this.rv = Math.max(this.rv, Number(obj.metadata.resourceVersion) || 0);
      }
    }
  }
}

/** A stored object, or why the file cannot be one. */
function readStoredObject(file: string): Stored | string {
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_OBJECT_BYTES) return `${size} bytes, more than the ${MAX_OBJECT_BYTES} an object may have`;
    const obj = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return 'not a JSON object';
    const o = obj as Stored;
    const t = typeof o.kind === 'string' ? byKind(o.kind) : undefined;
    if (!t) return `kind ${JSON.stringify(o.kind)} is not served by this mini-kube`;
    const m = o.metadata as unknown as Record<string, unknown> | undefined;
    if (!m || typeof m !== 'object' || typeof m['name'] !== 'string' || !m['name']) return 'no metadata.name';
    if (t.namespaced !== (typeof m['namespace'] === 'string')) return `metadata.namespace does not fit a ${t.kind}`;
    if (typeof m['uid'] !== 'string' || typeof m['resourceVersion'] !== 'string' || typeof m['creationTimestamp'] !== 'string') {
      return 'metadata.uid, resourceVersion or creationTimestamp missing';
    }
    return o;
  } catch (err) {
    return (err as Error).message.replace(file, path.basename(file));
  }
}

/**
 * The file an object lives in. Names the API accepts go up to 253 characters and namespaces to 63, more than
 * a file name may hold (255 bytes, with room for the temporary suffix): a long one is cut and a hash of the
 * full name added. The real name is inside the file, which is what load reads.
 */
export function storeFileName(namespace: string | undefined, name: string): string {
  const plain = `${namespace ?? '_cluster'}_${name}`;
  if (plain.length <= MAX_PLAIN_FILE_NAME && /^[a-z0-9_][a-z0-9._-]*$/.test(plain)) return `${plain}.json`;
  const hash = createHash('sha256').update(`${namespace ?? ''}/${name}`).digest('hex').slice(0, 32);
  return `${plain.replace(/[^a-z0-9._-]/g, '-').slice(0, 100)}~${hash}.json`;
}

/** leaves 255 - 150 bytes for ".json" and ".<pid>.tmp" */
const MAX_PLAIN_FILE_NAME = 150;

/** A failing watcher must not break the write, the other watchers, or the caller that subscribed. */
function deliver(fn: WatchListener, event: WatchEvent): void {
  try {
    fn(event);
  } catch (err) {
    const m = event.object.metadata;
    console.error(`watch listener failed on ${event.object.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}: ${(err as Error).stack ?? err}`);
  }
}

/**
 * What the apiserver answers when etcd refuses an object (413, etcd's own words), with what was too big
 * and what to do.
 */
function tooLarge(t: ResourceType, obj: Stored, bytes: number): StatusError {
  const name = obj.metadata.name;
  return new StatusError(413, 'RequestEntityTooLarge',
    `etcdserver: request is too large: ${qualifiedResource(t.resource, t.group)} "${name.length > 80 ? `${name.slice(0, 80)}...` : name}" would take ${bytes} bytes, `
    + `more than the ${MAX_OBJECT_BYTES} an object may have; keep large data out of objects (a volume, an image)`,
    { name, group: t.group, kind: t.resource });
}

function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

function typeOf(obj: KubeObject): ResourceType {
  const t = obj.kind ? byKind(obj.kind) : undefined;
  if (!t) throw new StatusError(400, 'BadRequest', `kind ${obj.kind ?? '(missing)'} is not supported by mini-kube`);
  return t;
}

function notFoundFor(kind: Kind, name: string): StatusError {
  const t = byKind(kind)!;
  return notFound(t.resource, t.group, name);
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The kinds whose strategy sets metadata.generation (their controllers report observedGeneration). */
const GENERATION_KINDS = new Set<string>(['Deployment', 'ReplicaSet', 'Job', 'CronJob', 'DaemonSet', 'StatefulSet', 'PodDisruptionBudget']);

/** metadata.generation counts changes of the spec only, as in Kubernetes. */
function specChanged(a: Stored, b: Stored): boolean {
  return JSON.stringify(a['spec']) !== JSON.stringify(b['spec']);
}

/** True when only status (and the resourceVersion) differ between two copies of an object. */
function statusOnlyChange(a: Stored, b: Stored): boolean {
  const strip = (o: Stored) => ({ ...o, status: undefined, metadata: { ...o.metadata, resourceVersion: '' } });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

function unchanged(a: Stored, b: Stored): boolean {
  const strip = (o: Stored) => ({ ...o, metadata: { ...o.metadata, resourceVersion: '' } });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

export { now as timestamp };

/**
 * Kinds rebuilt from other objects (Endpoints) or merely informative (Event): not worth an fsync each
 * (about 9 ms on this machine's ext4, and Events come in bursts). They still get write + rename.
 */
const DERIVED_KINDS = new Set(['Event', 'Endpoints']);

/** Makes a rename in `dir` durable (Linux; elsewhere opening a directory may fail: the rename stands). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* not supported here */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
