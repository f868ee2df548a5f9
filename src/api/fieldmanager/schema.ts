// The shape structured-merge-diff walks a kind by: struct fields, maps, and lists that are atomic,
// sets, or maps keyed by some of their items' fields (schema.generated.ts, from the upstream protos).
// A kind without a schema is walked as the apiserver walks a deduced type: objects are maps of their
// keys, lists are atomic.
import { ROOTS, TYPES, type SchemaField } from './schema.generated.js';

export type TypeNode =
  | { kind: 'scalar' }
  | { kind: 'untyped' }
  | { kind: 'struct'; name: string; atomic: boolean }
  | { kind: 'map'; elem: TypeNode; atomic: boolean }
  | { kind: 'list'; elem: TypeNode; list: 'atomic' | 'set' | 'map'; keys: string[] };

const SCALAR: TypeNode = { kind: 'scalar' };
const UNTYPED: TypeNode = { kind: 'untyped' };

export function rootType(apiVersion: string, kind: string): TypeNode {
  const name = ROOTS[`${apiVersion}/${kind}`];
  return name ? ref(name) : UNTYPED;
}

function ref(t: string, atomic?: 1): TypeNode {
  if (t === 's') return SCALAR;
  return { kind: 'struct', name: t, atomic: !!atomic || !!TYPES[t]?.a };
}

function fromField(f: SchemaField): TypeNode {
  if (f.m) return { kind: 'map', elem: ref(f.t), atomic: !!f.a };
  if (f.l) return { kind: 'list', elem: ref(f.t), list: f.l, keys: f.k ?? [] };
  return ref(f.t, f.a);
}

/** The type of `field` of a struct or map; a field the schema does not know is untyped. */
export function childType(parent: TypeNode, field: string): TypeNode {
  if (parent.kind === 'map') return parent.elem;
  if (parent.kind === 'struct') {
    const f = TYPES[parent.name]?.f[field];
    return f ? fromField(f) : UNTYPED;
  }
  return UNTYPED;
}

/** Whether a value is walked as a map of its keys (struct, granular map, or untyped object). */
export function isGranularObject(t: TypeNode, v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  if (t.kind === 'struct' || t.kind === 'map') return !t.atomic;
  return t.kind === 'untyped';
}

/** Whether a value is walked item by item (a set or an associative list). */
export function isGranularList(t: TypeNode, v: unknown): v is unknown[] {
  return Array.isArray(v) && t.kind === 'list' && t.list !== 'atomic';
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * An associative list item's key values. A key field the item leaves out takes the default the OpenAPI
 * declares for it (a port's protocol is TCP), as the apiserver fills it before comparing.
 */
export function itemKeys(t: TypeNode & { kind: 'list' }, item: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const obj = isObject(item) ? item : {};
  for (const k of t.keys) {
    const v = obj[k];
    if (v !== undefined && v !== null) out[k] = v;
    else if (k === 'protocol') out[k] = 'TCP';
  }
  return out;
}
