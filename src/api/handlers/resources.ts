// The REST verbs on every kind of store/kinds.ts: list, watch, get, create, update, patch, delete,
// deletecollection, and the status, scale, log and exec subresources. Generic over the kind table; the
// per-kind rules live in object-rules.ts (what may be written) and deletion.ts (what delete means).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pod } from '../../kube/types.js';
import { apiVersionOf, type ResourceType } from '../../kube/kinds.js';
import { notFound, StatusError } from '../../kube/errors.js';
import type { KubeObject, Stored } from '../../store/store.js';
import { readObjectBody, readOptionalObjectBody, readPatchBody, type PatchBody } from '../http/body.js';
import type { ApiContext } from '../context.js';
import { deleteObject, deleteOptions, deleteResponse } from '../registry/deletion.js';
import { methodNotAllowed, sendJson } from '../http/errors.js';
import { serveLogs } from '../streaming/logs.js';
import { generateName } from '../../kube/names.js';
import { negotiate } from '../http/negotiate.js';
import { prepareCreate, prepareUpdate, type Admitted } from '../registry/object-rules.js';
import { applyPatch } from '../patch/patch.js';
import { LEGACY_WARNING, parseResourcePath, type ResourcePath } from '../http/paths.js';
import { dryRunOf } from './dry-run.js';
import { checkAppliedFields, checkFields, fieldValidationOf } from './field-validation.js';
import { boolParam, intParam, parseUrl } from '../http/request.js';
import { serveScale } from './scale.js';
import { serveEphemeralContainers } from './ephemeral-containers.js';
import { selectorFilter } from './selectors.js';
import { includeObjectParam, renderTable } from './tables.js';
import { serveWatch } from './watch.js';
import { serveTokenRequest } from './token-request.js';
import { checkNodeWrite } from '../registry/node-rules.js';
import { apply as serverSideApply, applyNew, finishManagedFields, managerOf, recordUpdate, setManagedFields } from '../fieldmanager/field-manager.js';
import { toServed, toStored } from '../registry/versions.js';
import { serveBinding } from './binding.js';
import { serveEviction } from './eviction.js';

/** Serves the request if its path names a resource; false means "not ours" (the caller answers 404). */
export async function handleResourceRequest(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = parseUrl(req);
  const rp = parseResourcePath(url.segments);
  if (!rp) return false;
  // Every answer on a legacy group/version says so, as the apiserver did (writes add admission's own).
  if (rp.legacyGroupVersion) res.setHeader('Warning', `299 - "${LEGACY_WARNING}"`);
  await dispatch(ctx, req, res, rp, url.query);
  return true;
}

async function dispatch(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, rp: ResourcePath, query: URLSearchParams): Promise<void> {
  const method = req.method ?? 'GET';
  const { type: t, namespace, name, subresource } = rp;
  checkNodeWrite(t, method, name, subresource);

  if (rp.watchPrefix || (method === 'GET' && boolParam(query, 'watch') && !subresource)) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return watch(ctx, req, res, rp, query);
  }

  if (name === undefined) {
    switch (method) {
      case 'GET': return list(ctx, req, res, t, namespace, query);
      case 'POST':
        if (t.namespaced && namespace === undefined) throw methodNotAllowed(method);
        return create(ctx, req, res, t, namespace, query);
      case 'DELETE':
        if (t.namespaced && namespace === undefined) throw methodNotAllowed(method);
        return deleteCollection(ctx, req, res, t, namespace, query);
      default: throw methodNotAllowed(method);
    }
  }

  switch (subresource) {
    case undefined:
      switch (method) {
        case 'GET': return get(ctx, req, res, t, namespace, name, query);
        case 'PUT': return update(ctx, req, res, t, namespace, name, query);
        case 'PATCH': return patch(ctx, req, res, t, namespace, name, query);
        case 'DELETE': return remove(ctx, req, res, t, namespace, name, query);
        default: throw methodNotAllowed(method);
      }
    case 'status':
      switch (method) {
        case 'GET': return get(ctx, req, res, t, namespace, name, query);
        case 'PUT': return update(ctx, req, res, t, namespace, name, query, 'status');
        case 'PATCH': return patch(ctx, req, res, t, namespace, name, query, 'status');
        default: throw methodNotAllowed(method);
      }
    case 'binding':
      return serveBinding(ctx, req, res, namespace!, name);
    case 'eviction':
      return serveEviction(ctx, req, res, namespace!, name);
    case 'token':
      return serveTokenRequest(ctx, req, res, namespace!, name, query);
    case 'scale':
      return serveScale(ctx, req, res, t, namespace!, name, query);
    case 'ephemeralcontainers':
      if (t.kind !== 'Pod') throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      return serveEphemeralContainers(ctx, req, res, namespace!, name, query);
    case 'log':
      if (method !== 'GET') throw methodNotAllowed(method);
      return serveLogs(ctx, req, res, ctx.store.mustGet<Pod>('Pod', namespace, name), query);
    case 'exec':
    case 'attach':
    case 'portforward':
      // Exec, attach and port-forward are served on the server's 'upgrade' event (exec-websocket.ts); a plain request cannot stream.
      ctx.store.mustGet<Pod>('Pod', namespace, name);
      throw new StatusError(400, 'BadRequest', 'Upgrade request required');
    default:
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  }
}

function listKind(t: ResourceType): string {
  return `${t.kind}List`;
}

function list(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string | undefined, query: URLSearchParams): void {
  const filter = selectorFilter(query, t.kind);
  const rv = String(ctx.store.resourceVersion);
  const items = ctx.store.list(t.kind, namespace).filter(filter);
  const rep = negotiate(req);
  if (rep.as === 'table') {
    return sendJson(res, 200, renderTable(t.kind, items, { apiVersion: rep.apiVersion, include: includeObjectParam(query), resourceVersion: rv, now: ctx.now() }));
  }
  sendJson(res, 200, { kind: listKind(t), apiVersion: apiVersionOf(t), metadata: { resourceVersion: rv }, items: items.map((o) => toServed(t, o)) });
}

function watch(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, rp: ResourcePath, query: URLSearchParams): void {
  const nameSelector = rp.name !== undefined ? `metadata.name=${rp.name.replace(/([\\,=])/g, '\\$1')}` : undefined;
  serveWatch(ctx, req, res, {
    type: rp.type,
    namespace: rp.namespace,
    filter: selectorFilter(query, rp.type.kind, nameSelector),
    resourceVersion: query.get('resourceVersion') ?? undefined,
    timeoutSeconds: intParam(query, 'timeoutSeconds'),
    representation: negotiate(req),
    include: includeObjectParam(query),
  });
}

function mustGet(ctx: ApiContext, t: ResourceType, namespace: string | undefined, name: string): Stored {
  const obj = ctx.store.get(t.kind, namespace, name);
  if (!obj) throw notFound(t.resource, t.group, name);
  return obj;
}

function get(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string | undefined, name: string, query: URLSearchParams): void {
  const obj = mustGet(ctx, t, namespace, name);
  const rep = negotiate(req);
  if (rep.as === 'table') {
    return sendJson(res, 200, renderTable(t.kind, [obj], { apiVersion: rep.apiVersion, include: includeObjectParam(query), resourceVersion: obj.metadata.resourceVersion, now: ctx.now() }));
  }
  sendJson(res, 200, toServed(t, obj));
}

/** Warnings from admission as `Warning: 299 - "<text>"` headers, which kubectl prints as "Warning: <text>". */
function warningHeaders(warnings: string[]): Record<string, string> {
  if (!warnings.length) return {};
  return { Warning: warnings.map((w) => `299 - "${headerSafe(w)}"`).join(', ') };
}

/** HTTP header text is ASCII here: typographic characters become their ASCII forms, the rest "?". */
function headerSafe(text: string): string {
  return text
    .replace(/[\u2014\u2013]/g, '-').replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"')
    .replace(/\u2192/g, '->').replace(/\u2026/g, '...')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/[\\"]/g, (c) => `\\${c}`);
}

/** The NamespaceLifecycle admission plugin: no content in a namespace that is missing or going away. */
function requireNamespace(ctx: ApiContext, t: ResourceType, namespace: string | undefined, name: unknown): void {
  if (!t.namespaced || namespace === undefined) return;
  const ns = ctx.store.get('Namespace', undefined, namespace);
  if (!ns) throw notFound('namespaces', '', namespace);
  if (ns.metadata.deletionTimestamp) {
    const what = typeof name === 'string' && name ? `${t.resource} "${name}"` : t.resource;
    throw new StatusError(403, 'Forbidden', `${what} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
  }
}

async function create(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string | undefined, query: URLSearchParams): Promise<void> {
  const dryRun = dryRunOf('CreateOptions', query);
  const validation = fieldValidationOf('CreateOptions', query);
  const body = toStored(t, await readObjectBody(req));
  const fieldWarnings = checkFields(validation, body, t, body, { verb: 'create', type: t, apiVersion: body['apiVersion'] });
  requireNamespace(ctx, t, namespace, (body['metadata'] as Record<string, unknown> | undefined)?.['name']);
  const manager = managerOf(query, req.headers['user-agent'], 'CreateOptions');
  const admitted = await prepareCreate(ctx, t, namespace, body);
  recordUpdate({ live: undefined, next: admitted.object, manager, now: ctx.now() });
  const stored = storeNew(ctx, t, admitted, dryRun);
  sendJson(res, 201, toServed(t, stored), warningHeaders([...fieldWarnings, ...admitted.warnings]));
}

/** store.create, resolving generateName (a few tries: a random suffix can collide). */
function storeNew(ctx: ApiContext, t: ResourceType, admitted: Admitted, dryRun: boolean): KubeObject {
  const obj = admitted.object;
  const meta = obj.metadata!;
  const base = meta.generateName;
  for (let attempt = 0; ; attempt++) {
    if (!meta.name && base) meta.name = generateName(base);
    if (dryRun) {
      if (ctx.store.get(t.kind, meta.namespace, meta.name!)) {
        if (base && attempt < 5) { meta.name = undefined; continue; }
        ctx.store.create(obj); // throws the AlreadyExists a real write would
      }
      return { ...obj, metadata: { ...meta, uid: '00000000-0000-0000-0000-000000000000', creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') } };
    }
    try {
      return ctx.store.create(obj);
    } catch (err) {
      if (base && attempt < 5 && err instanceof StatusError && err.reason === 'AlreadyExists' && meta.name?.startsWith(base.slice(0, 58))) {
        meta.name = undefined;
        continue;
      }
      throw err;
    }
  }
}

async function update(
  ctx: ApiContext, req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string | undefined, name: string,
  query: URLSearchParams, subresource?: 'status',
): Promise<void> {
  const dryRun = dryRunOf('UpdateOptions', query);
  const validation = fieldValidationOf('UpdateOptions', query);
  const body = toStored(t, await readObjectBody(req));
  const fieldWarnings = subresource ? [] : checkFields(validation, body, t, body, { verb: 'update', type: t, apiVersion: body['apiVersion'] });
  const manager = managerOf(query, req.headers['user-agent'], 'UpdateOptions');
  const current = mustGet(ctx, t, namespace, name);
  const admitted = await prepareUpdate(ctx, t, namespace, name, body, current, subresource);
  recordUpdate({ live: current, next: admitted.object, manager, subresource, now: ctx.now() });
  const stored = dryRun ? dryRunResult(current, admitted.object) : ctx.store.update(admitted.object);
  sendJson(res, 200, toServed(t, stored), warningHeaders([...fieldWarnings, ...admitted.warnings]));
}

function dryRunResult(current: Stored, next: KubeObject): KubeObject {
  return { ...next, metadata: { ...next.metadata, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp, resourceVersion: current.metadata.resourceVersion } };
}

const PATCH_RETRIES = 5;

async function patch(
  ctx: ApiContext, req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string | undefined, name: string,
  query: URLSearchParams, subresource?: 'status',
): Promise<void> {
  const dryRun = dryRunOf('PatchOptions', query);
  const validation = fieldValidationOf('PatchOptions', query);
  const body: PatchBody = await readPatchBody(req, subresource ? ['json', 'merge', 'strategic'] : undefined);
  const isApply = body.type === 'apply';
  const force = boolParam(query, 'force');
  if (force && !isApply) throw new StatusError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  const manager = managerOf(query, req.headers['user-agent'], 'PatchOptions', isApply);
  if (isApply) checkAppliedFields(body.patch as Record<string, unknown>, t);
  for (let attempt = 0; ; attempt++) {
    const current = ctx.store.get(t.kind, namespace, name);
    if (!current) {
      if (isApply && !subresource) return applyCreate(ctx, res, t, namespace, name, body, dryRun, manager);
      throw notFound(t.resource, t.group, name);
    }
    // a patch is written against the URL's version of the object
    const served = toServed(t, current);
    const applied = isApply ? serverSideApply({ live: served, config: appliedConfig(body.patch), manager, force, now: ctx.now() }) : undefined;
    const patched = toStored(t, applied ? withAppliedResourceVersion(applied.object, body.patch) : applyPatch(served, body));
    // Only a strategic merge patch is decoded (strictly) as JSON itself; the others are merged first.
    const fieldWarnings = subresource ? [] : checkFields(validation, patched, t, body.type === 'strategic' ? body.patch : undefined, { verb: 'patch' });
    // A resourceVersion the patch itself sets is a precondition; the one carried over from the current
    // object only guards against a write that slipped in while admission ran (then: patch again).
    const explicitRv = (patched['metadata'] as { resourceVersion?: string } | undefined)?.resourceVersion !== current.metadata.resourceVersion;
    const admitted = await prepareUpdate(ctx, t, namespace, name, patched, current, subresource);
    if (applied) finishManagedFields(admitted.object, current, applied.managedFields);
    else recordUpdate({ live: current, next: admitted.object, manager, subresource, now: ctx.now() });
    if (!explicitRv && admitted.object.metadata) admitted.object.metadata.resourceVersion = current.metadata.resourceVersion;
    try {
      const stored = dryRun ? dryRunResult(current, admitted.object) : ctx.store.update(admitted.object);
      return sendJson(res, 200, toServed(t, stored), warningHeaders([...fieldWarnings, ...admitted.warnings]));
    } catch (err) {
      if (!explicitRv && attempt < PATCH_RETRIES && err instanceof StatusError && err.reason === 'Conflict') continue;
      throw err;
    }
  }
}

function appliedConfig(patch: unknown): Record<string, unknown> {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new StatusError(400, 'BadRequest', 'the applied configuration is not a JSON object');
  return patch as Record<string, unknown>;
}

/** A resourceVersion in the applied configuration is a precondition, as on a real apiserver. */
function withAppliedResourceVersion(obj: Record<string, unknown>, patch: unknown): Record<string, unknown> {
  const rv = ((patch as { metadata?: { resourceVersion?: unknown } }).metadata)?.resourceVersion;
  if (typeof rv === 'string' && rv) (obj['metadata'] as Record<string, unknown>)['resourceVersion'] = rv;
  return obj;
}

/** Server-side apply of an object that does not exist yet: a create, answered 201. */
async function applyCreate(
  ctx: ApiContext, res: ServerResponse, t: ResourceType, namespace: string | undefined, name: string, body: PatchBody, dryRun: boolean, manager: string,
): Promise<void> {
  const obj = toStored(t, structuredClone(body.patch) as Record<string, unknown>);
  const meta = (obj['metadata'] && typeof obj['metadata'] === 'object' ? obj['metadata'] : {}) as Record<string, unknown>;
  if (meta['name'] !== undefined && meta['name'] !== name) {
    throw new StatusError(400, 'BadRequest', `the name of the object (${String(meta['name'])}) does not match the name on the URL (${name})`);
  }
  obj['metadata'] = { ...meta, name };
  requireNamespace(ctx, t, namespace, name);
  const admitted = await prepareCreate(ctx, t, namespace, obj);
  setManagedFields(admitted.object, applyNew(obj, manager, ctx.now()));
  const stored = storeNew(ctx, t, admitted, dryRun);
  sendJson(res, 201, toServed(t, stored), warningHeaders(admitted.warnings));
}

async function remove(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string | undefined, name: string, query: URLSearchParams): Promise<void> {
  const body = await readOptionalObjectBody(req);
  const dryRun = dryRunOf('DeleteOptions', query, body);
  const opts = deleteOptions(body, query);
  const current = mustGet(ctx, t, namespace, name);
  sendJson(res, 200, deleteResponse(t, deleteObject(ctx, t, current, opts, dryRun)));
}

async function deleteCollection(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string | undefined, query: URLSearchParams): Promise<void> {
  if (t.kind === 'Namespace') throw methodNotAllowed('DELETE');
  const body = await readOptionalObjectBody(req);
  const dryRun = dryRunOf('DeleteOptions', query, body);
  const opts = deleteOptions(body, query);
  const filter = selectorFilter(query, t.kind);
  const items: KubeObject[] = [];
  for (const obj of ctx.store.list(t.kind, namespace).filter(filter)) {
    try {
      items.push(deleteObject(ctx, t, obj, opts, dryRun));
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
  sendJson(res, 200, { kind: listKind(t), apiVersion: apiVersionOf(t), metadata: { resourceVersion: String(ctx.store.resourceVersion) }, items });
}
