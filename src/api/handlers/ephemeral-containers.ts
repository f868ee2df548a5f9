// pods/{name}/ephemeralcontainers (kubectl debug): GET the pod; PATCH (strategic merge as kubectl debug
// sends it, JSON patch, merge patch) or PUT a pod whose spec.ephemeralContainers is the new list. Only that
// list changes (registry/ephemeral-containers.ts); the kubelet starts the new ones in the pod's sandbox.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pod } from '../../kube/types.js';
import type { KubeObject, Stored } from '../../store/store.js';
import { readObjectBody, readPatchBody } from '../http/body.js';
import type { ApiContext } from '../context.js';
import { methodNotAllowed, sendJson } from '../http/errors.js';
import { applyPatch } from '../patch/patch.js';
import { dryRunOf } from './dry-run.js';
import { managerOf, recordUpdate } from '../fieldmanager/field-manager.js';
import { withEphemeralContainers } from '../registry/ephemeral-containers.js';

export async function serveEphemeralContainers(
  ctx: ApiContext, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, query: URLSearchParams,
): Promise<void> {
  const current = ctx.store.mustGet<Pod>('Pod', namespace, name);
  if (req.method === 'GET') return sendJson(res, 200, current);
  if (req.method !== 'PUT' && req.method !== 'PATCH') throw methodNotAllowed(req.method ?? '');
  const optionsKind = req.method === 'PUT' ? 'UpdateOptions' : 'PatchOptions';
  const dryRun = dryRunOf(optionsKind, query);
  const manager = managerOf(query, req.headers['user-agent'], optionsKind);
  const body = req.method === 'PUT'
    ? await readObjectBody(req)
    : applyPatch(current as KubeObject, await readPatchBody(req, ['json', 'merge', 'strategic']));
  const requested = body['kind'] === 'EphemeralContainers' ? legacyList(current, body['ephemeralContainers']) : (body['spec'] as { ephemeralContainers?: unknown } | undefined)?.ephemeralContainers;
  const next = withEphemeralContainers(current, requested) as Stored<Pod>;
  const rv = (body['metadata'] as { resourceVersion?: string } | undefined)?.resourceVersion;
  next.metadata.resourceVersion = req.method === 'PUT' && rv ? rv : current.metadata.resourceVersion;
  recordUpdate({ live: current as unknown as Record<string, unknown>, next: next as unknown as Record<string, unknown>, manager, subresource: 'ephemeralcontainers', now: ctx.now() });
  const stored = dryRun ? next : ctx.store.update<Pod>(next);
  sendJson(res, 200, stored);
}

/**
 * kubectl 1.20 speaks the 1.16-1.21 form of this subresource: it PUTs an `EphemeralContainers` object
 * (kind EphemeralContainers, a top-level ephemeralContainers list). It reads our GET (a Pod, the 1.22+
 * form) as an empty list, so it sends only the new containers: they are added to the existing ones
 * (which may never be removed anyway).
 */
function legacyList(current: Stored<Pod>, sent: unknown): unknown {
  if (!Array.isArray(sent)) return sent;
  const existing = current.spec?.ephemeralContainers ?? [];
  const names = new Set(existing.map((c) => c.name));
  return [...existing, ...sent.filter((c) => !names.has((c as { name?: string } | null)?.name ?? ''))];
}
