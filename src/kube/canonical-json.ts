// One spelling per value: JSON with object keys sorted at every level. Used to hash pod templates (so the
// output must never change: a different spelling is a different pod-template-hash, and a rollout) and to
// compare objects, so that key order (from YAML, from a restart) never makes equal things look different.
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * apimachinery's Semantic.DeepEqual: like deepEqual, but an empty map or list equals a missing one, as Go's
 * nil and empty maps and slices are equal there. For questions such as "is this the same pod template?".
 */
export function semanticDeepEqual(a: unknown, b: unknown): boolean {
  return semanticJson(a) === semanticJson(b);
}

function semanticJson(value: unknown): string {
  return canonicalJson(withoutEmpty(value) ?? null);
}

/** The value with empty maps and lists (and what holds only those) left out, bottom-up. */
function withoutEmpty(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.length ? v.map((x) => withoutEmpty(x) ?? null) : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const kept = withoutEmpty(x);
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length ? out : undefined;
}
