// How big a value is as JSON, without building the JSON. YAML aliases make a parsed document a graph
// whose nodes are shared: 99 aliases of one 25 KB list cost 25 KB in memory but 2.5 MB as JSON, and
// the store, every list and every watch write it out in full. yaml's maxAliasCount counts aliases,
// not what they expand to (a flat list counts 1 however long), so the expanded size is measured here.

/**
 * The JSON size of `value` in bytes (close to JSON.stringify's, which is what the API and the store
 * write), or undefined as soon as it exceeds `limit`: the walk stops there, so the time taken is bounded
 * by the limit and not by the expansion. Iterative: depth cannot overflow the stack.
 */
export function jsonSizeWithin(value: unknown, limit: number): number | undefined {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || v === undefined) size += 4;
    else if (typeof v === 'string') size += v.length + 2; // UTF-16 length: escapes and multi-byte are close enough
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') size += String(v).length;
    else if (Array.isArray(v)) {
      size += 2 + Math.max(0, v.length - 1);
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      size += 2 + Math.max(0, entries.length - 1);
      for (const [k, x] of entries) {
        size += k.length + 3;
        stack.push(x);
      }
    }
    if (size > limit) return undefined;
  }
  return size;
}
