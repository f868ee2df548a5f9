// DELETE: DeleteOptions (body or query), preconditions, and what deleting means per kind
// (store/graceful-delete.ts: pods gracefully; propagationPolicy Foreground/Orphan as the finalizers the
// garbage collector acts on; an object with finalizers waits, Terminating, until they are removed).
// A namespace turns Terminating, its contents are deleted, and it goes once they are gone.
import type { ResourceType } from '../../kube/kinds.js';
import { afterDeleteRequest, requestDeletion } from '../../store/graceful-delete.js';
import { invalid, StatusError } from '../../kube/errors.js';
import type { KubeObject, Stored } from '../../store/store.js';
import { timestamp } from '../../store/store.js';
import type { ApiContext } from '../context.js';
import { intParam } from '../http/request.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

const PROTECTED_NAMESPACES = ['default', 'kube-system', 'kube-public'];

export function deleteOptions(body: Record<string, unknown> | undefined, query: URLSearchParams): DeleteOptions {
  const b = body ?? {};
  const grace = b['gracePeriodSeconds'] ?? intParam(query, 'gracePeriodSeconds');
  if (grace !== undefined && grace !== null && (typeof grace !== 'number' || !Number.isInteger(grace) || grace < 0)) {
    throw new StatusError(422, 'Invalid', `DeleteOptions is invalid: gracePeriodSeconds: Invalid value: ${JSON.stringify(grace)}: must be a non-negative integer`);
  }
  let policy = (b['propagationPolicy'] ?? query.get('propagationPolicy') ?? undefined) as string | undefined;
  // orphanDependents is the pre-1.7 spelling of propagationPolicy=Orphan; kubectl 1.20 may still send it.
  const orphan = b['orphanDependents'] ?? query.get('orphanDependents');
  if (policy === undefined && (orphan === true || orphan === 'true')) policy = 'Orphan';
  if (policy !== undefined && policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
    throw new StatusError(422, 'Invalid', `DeleteOptions is invalid: propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`);
  }
  const pre = b['preconditions'];
  return {
    gracePeriodSeconds: typeof grace === 'number' ? grace : undefined,
    propagationPolicy: policy as DeleteOptions['propagationPolicy'],
    preconditions: pre && typeof pre === 'object' ? pre as DeleteOptions['preconditions'] : undefined,
  };
}

/**
 * Kinds whose DELETE answers with the object (the apiserver's ReturnDeletedObject, and namespaces'
 * own REST); the others answer a Status Success naming what went (genericregistry finalizeDelete).
 */
const RETURNS_DELETED_OBJECT: readonly string[] = ['Pod', 'Service', 'Namespace'];

/** The body of a DELETE answer for `obj` as deleteObject left it (or, dry run, would leave it). */
export function deleteResponse(t: ResourceType, obj: Stored): Record<string, unknown> {
  // Not gone yet (graceful, Terminating): the object itself, whatever the kind.
  if (RETURNS_DELETED_OBJECT.includes(t.kind) || obj.metadata.deletionTimestamp) return obj;
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
    details: { name: obj.metadata.name, group: t.group, kind: t.resource, uid: obj.metadata.uid },
  };
}

/** Deletes one object as the apiserver would; returns what the response shows. */
export function deleteObject(ctx: ApiContext, t: ResourceType, current: Stored, opts: DeleteOptions, dryRun: boolean): Stored {
  const { uid, resourceVersion } = opts.preconditions ?? {};
  if (uid && uid !== current.metadata.uid) {
    throw new StatusError(409, 'Conflict', `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`);
  }
  if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
    throw new StatusError(409, 'Conflict', `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
  }
  if (t.kind === 'Namespace' && PROTECTED_NAMESPACES.includes(current.metadata.name)) {
    throw new StatusError(403, 'Forbidden', `namespaces "${current.metadata.name}" is forbidden: this namespace may not be deleted`, { name: current.metadata.name, kind: 'namespaces' });
  }
  if (dryRun) return asIfDeleted(t, current, opts);
  if (t.kind === 'Namespace') return deleteNamespace(ctx, current);
  return requestDeletion(ctx.store, current, opts);
}

/**
 * What a dry-run delete answers: the object as the real delete would leave it (a pod or namespace marked
 * with deletionTimestamp, anything else as it was when removed), computed by the same rules, written nowhere.
 */
function asIfDeleted(t: ResourceType, current: Stored, opts: DeleteOptions): Stored {
  if (t.kind === 'Namespace') return terminating(current);
  return afterDeleteRequest(current, opts) ?? current;
}

/** A namespace marked for deletion: Terminating until its pods are gone. */
function terminating(ns: Stored): Stored {
  if (ns.metadata.deletionTimestamp) return ns;
  return {
    ...ns,
    metadata: { ...ns.metadata, deletionTimestamp: timestamp(), deletionGracePeriodSeconds: 0 },
    status: { ...(ns['status'] as object | undefined), phase: 'Terminating' },
  };
}

/** Marks the namespace Terminating; the namespace controller deletes its content, then the namespace. */
function deleteNamespace(ctx: ApiContext, ns: Stored): Stored {
  return (ns.metadata.deletionTimestamp ? ns : ctx.store.update(terminating(ns) as KubeObject)) as Stored;
}

/**
 * ValidateObjectMetaUpdate's rule: once an object is being deleted its finalizers may only be removed.
 * `%#v` of the new ones, as the apiserver prints them.
 */
export function checkFinalizersUpdate(kind: string, current: Stored, next: KubeObject): void {
  if (!current.metadata.deletionTimestamp) return;
  const before = new Set(current.metadata.finalizers ?? []);
  const added = [...new Set(next.metadata?.finalizers ?? [])].filter((f) => !before.has(f)).sort();
  if (!added.length) return;
  throw invalid(kind, '', current.metadata.name, [{
    field: 'metadata.finalizers', reason: 'FieldValueForbidden',
    message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
  }]);
}
