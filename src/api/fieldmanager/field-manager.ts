// Field ownership (metadata.managedFields), as the apiserver's fieldmanager keeps it: every write names a
// manager (the fieldManager parameter, else the User-Agent up to its first "/"); an Update (create, PUT,
// PATCH, a subresource) gives its manager the fields it changed and takes them from the others; an Apply
// (server-side apply) owns exactly the fields of its configuration, is refused with 409 when it would
// change a field another manager owns (unless forced, which takes the field), and removes the fields it
// no longer applies when no other manager owns them.
import { StatusError } from '../../kube/errors.js';
import { canonicalJson } from '../../kube/canonical-json.js';
import { FieldSet, fromFieldsV1, pathString, toFieldsV1, type Path } from './fieldpath.js';
import { rootType, isObject, type TypeNode } from './schema.js';
import { compare, merge, removeItems, toFieldSet } from './typed.js';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: unknown;
  subresource?: string;
}

interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

type Obj = Record<string, unknown>;

const MAX_MANAGER_LENGTH = 128;
/** The manager a first apply finds owning what an object had before anyone applied. */
const BEFORE_FIRST_APPLY = 'before-first-apply';

/**
 * The manager of a write: the `fieldManager` parameter, else the client's User-Agent up to its first "/"
 * ("kubectl/v1.32.4 (linux/amd64) ..." is "kubectl"). Apply must name one.
 */
export function managerOf(query: URLSearchParams, userAgent: string | undefined, optionsKind: string, apply = false): string {
  const given = query.get('fieldManager');
  if (given !== null && given !== '') {
    if (Buffer.byteLength(given) > MAX_MANAGER_LENGTH) {
      throw new StatusError(422, 'Invalid', `${optionsKind}.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than ${MAX_MANAGER_LENGTH} bytes`);
    }
    if (/[^\x20-\x7e]/.test(given)) {
      throw new StatusError(422, 'Invalid', `${optionsKind}.meta.k8s.io "" is invalid: fieldManager: Invalid value: ${JSON.stringify(given)}: must be made of printable ASCII characters`);
    }
    return given;
  }
  if (apply) throw new StatusError(422, 'Invalid', `${optionsKind}.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`);
  return (userAgent ?? '').split('/')[0]!.slice(0, MAX_MANAGER_LENGTH);
}

/** How conflicts and identities name a manager: operation, and apiVersion for updates, are part of it. */
function identity(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Apply' ? '' : m.apiVersion, m.subresource ?? '']);
}

function describe(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

function decode(obj: Obj | undefined): Manager[] {
  const entries = (obj?.['metadata'] as { managedFields?: unknown } | undefined)?.managedFields;
  if (!Array.isArray(entries)) return [];
  const out: Manager[] = [];
  for (const e of entries as ManagedFieldsEntry[]) {
    if (!e || typeof e !== 'object') continue;
    out.push({
      manager: e.manager ?? '', operation: e.operation === 'Apply' ? 'Apply' : 'Update', apiVersion: e.apiVersion ?? '',
      ...(e.subresource ? { subresource: e.subresource } : {}), ...(e.time ? { time: e.time } : {}),
      set: fromFieldsV1(e.fieldsV1),
    });
  }
  return out;
}

/** managedFields as the apiserver writes them: appliers first, then by time, manager, subresource. */
function encode(managers: Manager[]): ManagedFieldsEntry[] {
  const sorted = managers.filter((m) => !m.set.empty()).sort((a, b) => {
    if (a.operation !== b.operation) return a.operation === 'Apply' ? -1 : 1;
    if ((a.time ?? '') !== (b.time ?? '')) return (a.time ?? '') < (b.time ?? '') ? -1 : 1;
    if (a.manager !== b.manager) return a.manager < b.manager ? -1 : 1;
    return (a.subresource ?? '') < (b.subresource ?? '') ? -1 : 1;
  });
  return sorted.map((m) => ({
    manager: m.manager, operation: m.operation, apiVersion: m.apiVersion, ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(m.set), ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

/** Identity and bookkeeping nobody owns (the apiserver's StripMeta), and status unless it is the subject. */
const STRIPPED_METADATA = ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'selfLink', 'managedFields', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

function strip(obj: Obj, subresource: string | undefined): Obj {
  if (subresource === 'status') return obj['status'] === undefined ? {} : { status: obj['status'] };
  const out: Obj = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata' && isObject(v)) {
      const meta: Obj = {};
      for (const [mk, mv] of Object.entries(v)) if (!STRIPPED_METADATA.includes(mk)) meta[mk] = mv;
      out[k] = meta;
    } else {
      out[k] = v;
    }
  }
  return out;
}

/**
 * What a newly created object is compared against: the Go zero value of its kind, whose non-pointer
 * structs exist (empty) — so a create owns `spec.template` without owning it "itself" (no `.` entry).
 */
function zeroObject(kind: string): Obj {
  const podSpec = { containers: null };
  switch (kind) {
    case 'Deployment': return { metadata: {}, spec: { selector: null, template: { metadata: {}, spec: podSpec }, strategy: {} } };
    case 'ReplicaSet': return { metadata: {}, spec: { selector: null, template: { metadata: {}, spec: podSpec } } };
    case 'Pod': return { metadata: {}, spec: podSpec };
    case 'Service': case 'Namespace': case 'Node': return { metadata: {}, spec: {} };
    default: return { metadata: {} };
  }
}

function typeOf(obj: Obj): TypeNode {
  return rootType(String(obj['apiVersion'] ?? ''), String(obj['kind'] ?? ''));
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface UpdateRequest {
  /** the stored object, undefined for a create */
  live: Obj | undefined;
  /** the object about to be stored (after admission); its managedFields are set here */
  next: Obj;
  manager: string;
  subresource?: 'status' | 'scale' | 'ephemeralcontainers';
  now: Date;
}

/** Records an Update: the manager owns what it added or changed; nobody keeps what it removed. */
export function recordUpdate(req: UpdateRequest): void {
  const { live, next } = req;
  const t = typeOf(next);
  const managers = decode(live);
  const before = strip(live ?? zeroObject(String(next['kind'])), req.subresource === 'status' ? 'status' : undefined);
  const after = strip(next, req.subresource === 'status' ? 'status' : undefined);
  const c = compare(before, after, t);
  const changed = c.added.union(c.modified);
  const me: Manager = {
    manager: req.manager, operation: 'Update', apiVersion: String(next['apiVersion'] ?? ''),
    ...(req.subresource ? { subresource: req.subresource } : {}), set: new FieldSet(),
  };
  const id = identity(me);
  let mine = managers.find((m) => identity(m) === id);
  if (!mine && !changed.empty()) managers.push(mine = me);
  for (const m of managers) {
    m.set = m === mine ? m.set.union(changed).difference(c.removed) : m.set.difference(c.modified).difference(c.removed);
  }
  const unchanged = changed.empty() && c.removed.empty();
  if (mine && !unchanged) mine.time = timestamp(req.now);
  // A write that changes nothing leaves managedFields as they were, byte for byte: the store then sees
  // no change either (kubectl's "patched (no change)").
  finishManagedFields(next, live, encode(managers), unchanged);
}

/**
 * Sets `next`'s managedFields to `entries`; when they are the stored ones (or nothing changed), the
 * stored array itself, and metadata's keys in the stored order: an unchanged object then serializes the
 * same, and the store sees no change (kubectl's "(no change)", no new resourceVersion).
 */
export function finishManagedFields(next: Obj, live: Obj | undefined, entries: ManagedFieldsEntry[], unchanged = false): void {
  const stored = (live?.['metadata'] as { managedFields?: ManagedFieldsEntry[] } | undefined)?.managedFields;
  setManagedFields(next, stored && (unchanged || canonicalJson(entries) === canonicalJson(stored)) ? structuredClone(stored) : entries);
  if (live) keepKeyOrder(next, live);
}

/** metadata's keys in the stored object's order, so that an unchanged object serializes the same. */
function keepKeyOrder(next: Obj, live: Obj): void {
  const meta = next['metadata'];
  const liveMeta = live['metadata'];
  if (!isObject(meta) || !isObject(liveMeta)) return;
  const ordered: Obj = {};
  for (const k of Object.keys(liveMeta)) if (k in meta) ordered[k] = meta[k];
  for (const k of Object.keys(meta)) if (!(k in ordered)) ordered[k] = meta[k];
  next['metadata'] = ordered;
}

export interface ApplyRequest {
  /** the stored object */
  live: Obj;
  /** the applied configuration */
  config: Obj;
  manager: string;
  force: boolean;
  now: Date;
}

export interface Applied {
  /** the live object with the configuration merged in and the fields the applier gave up removed */
  object: Obj;
  /** managedFields for the object once admitted (see finishApply) */
  managedFields: ManagedFieldsEntry[];
}

/**
 * Server-side apply onto an existing object: merge, conflicts, ownership, and removal of the fields this
 * manager applied last time but not now (when no other manager owns them).
 */
export function apply(req: ApplyRequest): Applied {
  const { live, config } = req;
  const t = typeOf(live);
  let managers = decode(live);
  if (!managers.length) {
    // An object nobody has managed yet: what it holds belongs to the updater before the first apply.
    const set = toFieldSet(strip(live, undefined), t);
    if (!set.empty()) managers = [{ manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: String(live['apiVersion'] ?? ''), set }];
  }
  const liveView = strip(live, undefined);
  const configView = strip(config, undefined);
  const merged = merge(liveView, configView, t) as Obj;
  const applied = toFieldSet(configView, t);
  const c = compare(liveView, merged, t);
  const changed = c.added.union(c.modified);

  const me: Manager = { manager: req.manager, operation: 'Apply', apiVersion: String(config['apiVersion'] ?? live['apiVersion'] ?? ''), set: applied };
  const id = identity(me);
  const previous = managers.find((m) => identity(m) === id);
  const others = managers.filter((m) => m !== previous);

  const conflicts: { manager: Manager; path: Path }[] = [];
  for (const m of others) for (const path of m.set.intersection(changed).paths()) conflicts.push({ manager: m, path });
  if (conflicts.length && !req.force) throw conflictError(conflicts);
  for (const { manager, path } of conflicts) manager.set = manager.set.difference(FieldSet.of([path]));

  // Fields this manager applied before and no longer does go, unless someone else still holds them
  // (or something beneath them).
  const kept = others.reduce((s, m) => s.union(m.set), applied);
  const dropped = (previous?.set ?? new FieldSet()).difference(kept).paths().filter((p) => !kept.hasDescendantOf(p) && !isKeyOfKeptItem(p, kept));
  const pruned = removeItems(merged, FieldSet.of(dropped), t) as Obj;

  const objectChanged = !changed.empty() || dropped.length > 0;
  me.time = objectChanged || !previous || previous.set.keys().sort().join() !== applied.keys().sort().join() ? timestamp(req.now) : previous.time;
  const result = [...others, me];
  return { object: rebuild(live, pruned), managedFields: encode(result) };
}

/** A list item's key field stays as long as the item does (the item is named by it). */
function isKeyOfKeptItem(path: Path, kept: FieldSet): boolean {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (!last?.startsWith('f:') || !parent?.startsWith('k:')) return false;
  if (!(last.slice(2) in (JSON.parse(parent.slice(2)) as Record<string, unknown>))) return false;
  const item = path.slice(0, -1);
  return kept.has(item) || kept.hasDescendantOf(item);
}

/** Server-side apply of an object that does not exist yet: the applier owns its whole configuration. */
export function applyNew(config: Obj, manager: string, now: Date): ManagedFieldsEntry[] {
  const set = toFieldSet(strip(config, undefined), typeOf(config));
  return encode([{ manager, operation: 'Apply', apiVersion: String(config['apiVersion'] ?? ''), time: timestamp(now), set }]);
}

/** The object from the stripped view of it: identity, bookkeeping and status come back from `live`. */
function rebuild(live: Obj, view: Obj): Obj {
  const out: Obj = { apiVersion: live['apiVersion'], kind: live['kind'] };
  const liveMeta = isObject(live['metadata']) ? live['metadata'] : {};
  const meta: Obj = {};
  for (const k of STRIPPED_METADATA) if (liveMeta[k] !== undefined && k !== 'managedFields') meta[k] = liveMeta[k];
  Object.assign(meta, isObject(view['metadata']) ? view['metadata'] : {});
  for (const [k, v] of Object.entries(view)) if (k !== 'metadata') out[k] = v;
  out['metadata'] = meta;
  if (live['status'] !== undefined) out['status'] = live['status'];
  return out;
}

export function setManagedFields(obj: Obj, entries: ManagedFieldsEntry[]): void {
  const meta = (isObject(obj['metadata']) ? obj['metadata'] : (obj['metadata'] = {})) as Obj;
  if (entries.length) meta['managedFields'] = entries;
  else delete meta['managedFields'];
}

/** 409 Conflict naming each field and its manager, worded as the apiserver's NewConflictError. */
function conflictError(conflicts: { manager: Manager; path: Path }[]): StatusError {
  const causes = conflicts.map(({ manager, path }) => ({
    reason: 'FieldManagerConflict', message: `conflict with ${describe(manager)}`, field: pathString(path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describe(conflicts[0]!.manager)}: ${pathString(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const { manager, path } of conflicts) {
      const d = describe(manager);
      byManager.set(d, [...(byManager.get(d) ?? []), pathString(path)]);
    }
    const lines: string[] = [];
    for (const d of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${d}:`);
      for (const p of byManager.get(d)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
