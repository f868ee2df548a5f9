// PATCH: one function per patch media type, all producing the full next object that then goes through
// the same rules as a PUT (object-rules.ts). Server-side apply is not a patch of the object alone: it
// needs the object's field ownership, so it lives in ../fieldmanager (apply()).
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
    case 'apply': throw new StatusError(500, 'InternalError', 'server-side apply goes through the field manager');
  }
  if (out === null || typeof out !== 'object' || Array.isArray(out)) {
    throw new StatusError(422, 'Invalid', 'the patched object is not a JSON object');
  }
  return out as Record<string, unknown>;
}
