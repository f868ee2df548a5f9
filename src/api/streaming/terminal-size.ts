// A resize message: {"Width":80,"Height":24}. The kubelet decodes it with Go's encoding/json, which matches
// field names case-insensitively, so client-node's {"width":..,"height":..} works there and must here.

/** The size in a resize message, or undefined for anything else (ignored, as the kubelet ignores it). */
export function parseTerminalSize(text: string): { width: number; height: number } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  let width: unknown;
  let height: unknown;
  for (const [k, v] of Object.entries(value)) {
    if (k.toLowerCase() === 'width') width = v;
    else if (k.toLowerCase() === 'height') height = v;
  }
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535;
  return ok(width) && ok(height) ? { width, height } : undefined;
}
