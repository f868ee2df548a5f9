// PATCH: one function per patch media type, all producing the full next object that then goes through
// the same rules as a PUT (object-rules.ts). Server-side apply is simplified: the applied configuration
// is the new desired state for the fields it carries (spec replaced wholesale, metadata maps merged),
// with status and identity kept by the server. Real SSA field ownership is not modelled.
import { StatusError } from '../../kube/errors.js';
import type { KubeObject } from '../../store/store.js';
import type { PatchBody } from '../http/body.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { strategicMergePatch } from './strategic-merge-patch.js';

export function applyPatch(current: KubeObject, body: PatchBody): Record<string, unknown> {
  let out: unknown;
  switch (body.type) {
    case 'json': out = applyJsonPatch(current, body.patch as unknown[]); break;
    case 'merge': out = applyMergePatch(current, body.patch); break;
    case 'strategic': out = strategicMergePatch(current, body.patch as Record<string, unknown>); break;
    case 'apply': out = applyConfiguration(current, body.patch as Record<string, unknown>); break;
  }
  if (out === null || typeof out !== 'object' || Array.isArray(out)) {
    throw new StatusError(422, 'Invalid', 'the patched object is not a JSON object');
  }
  return out as Record<string, unknown>;
}

/** Simplified server-side apply onto an existing object. */
function applyConfiguration(current: KubeObject, applied: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(current) as Record<string, unknown>;
  for (const [k, v] of Object.entries(applied)) {
    if (k === 'metadata' || k === 'status' || k === '__proto__') continue;
    out[k] = structuredClone(v);
  }
  const meta = applied['metadata'];
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    out['metadata'] = strategicMergePatch((out['metadata'] ?? {}) as Record<string, unknown>, pickMetadata(meta as Record<string, unknown>));
  }
  return out;
}

/** The metadata fields an applier may set; identity and bookkeeping stay the server's. */
function pickMetadata(meta: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'resourceVersion']) {
    if (meta[k] !== undefined) out[k] = meta[k];
  }
  return out;
}
