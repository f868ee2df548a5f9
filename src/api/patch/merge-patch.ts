// RFC 7386 JSON merge patch (application/merge-patch+json): kubectl scale and kubectl patch --type merge.
// Maps merge recursively, null deletes, anything else (lists included) replaces.
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const base = target !== null && typeof target === 'object' && !Array.isArray(target) ? target as Record<string, unknown> : {};
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (k === '__proto__') continue; // would swap the prototype, never a field
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
