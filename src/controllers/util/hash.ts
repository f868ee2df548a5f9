// Names the controllers make: the pod-template-hash of a ReplicaSet (controller.ComputeHash, spelled by
// rand.SafeEncodeString) and pods named from generateName (src/kube/names.ts), drawn again on a clash.
import { StatusError } from '../../kube/errors.js';
import type { KubeObject, Store, Stored } from '../../store/store.js';
import { canonicalJson } from '../../kube/canonical-json.js';
import { generateName, safeEncodeString } from '../../kube/names.js';

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

function fnv1a32(bytes: Uint8Array, seed = FNV32_OFFSET): number {
  let h = seed;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h >>> 0;
}

/**
 * The pod-template-hash. Kubernetes hashes a go-spew dump of the Go struct, which TypeScript cannot
 * reproduce, so the values differ from a real cluster's; the algorithm around it (FNV-1a-32, the
 * collision count appended as 8 little-endian bytes, SafeEncodeString of the decimal sum) is the same.
 */
export function podTemplateHash(template: unknown, collisionCount?: number): string {
  let h = fnv1a32(new TextEncoder().encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined && collisionCount !== null) {
    const buf = new Uint8Array(8);
    new DataView(buf.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv1a32(buf, h);
  }
  return safeEncodeString(String(h));
}

/**
 * Creates `obj` under a fresh name from `generateName(base)`, drawing again when the name is taken.
 * 27^5 names make a clash rare, but a controller must never fail (or overwrite) because of one.
 */
export function createWithGeneratedName<T extends KubeObject>(
  store: Store,
  obj: T,
  base: string,
  generate: (base: string) => string = generateName,
  attempts = 8,
): Stored<T> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    const name = generate(base);
    const candidate = { ...obj, metadata: { ...obj.metadata, name, generateName: base } } as T;
    try {
      return store.create<T>(candidate);
    } catch (err) {
      if (!(err instanceof StatusError) || err.reason !== 'AlreadyExists') throw err;
      lastError = err;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(`could not generate a free name from "${base}"`);
}
