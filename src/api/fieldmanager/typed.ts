// Values walked by their schema, as structured-merge-diff's typed package does: the set of fields a value
// sets (ToFieldSet), what changed between two values (Compare), an applied configuration merged onto a
// live object (Merge), and fields taken out of a value (RemoveItems).
import { canonicalJson } from '../../kube/canonical-json.js';
import { FieldSet, fieldElement, keyElement, valueElement, type Path, type PathElement } from './fieldpath.js';
import { childType, isGranularList, isGranularObject, isObject, itemKeys, type TypeNode } from './schema.js';

/** The element naming `item` inside a set or associative list. */
function itemElement(t: TypeNode, item: unknown): PathElement {
  if (t.kind === 'list' && t.list === 'map') return keyElement(itemKeys(t, item));
  return valueElement(item);
}

/** Every field `value` sets: leaves, atomic values, and the items of sets and associative lists. */
export function toFieldSet(value: unknown, t: TypeNode, path: Path = [], out = new FieldSet()): FieldSet {
  if (isGranularObject(t, value)) {
    const entries = Object.entries(value);
    if (!entries.length && path.length) out.insert(path);
    for (const [k, v] of entries) toFieldSet(v, childType(t, k), [...path, fieldElement(k)], out);
    return out;
  }
  if (isGranularList(t, value) && t.kind === 'list') {
    for (const item of value) {
      const p = [...path, itemElement(t, item)];
      out.insert(p);
      if (t.list === 'map' && isGranularObject(t.elem, item)) {
        for (const [k, v] of Object.entries(item)) toFieldSet(v, childType(t.elem, k), [...p, fieldElement(k)], out);
      }
    }
    return out;
  }
  if (path.length) out.insert(path);
  return out;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * What changed from `lhs` to `rhs`. A map or list that appears (or goes) is itself added (removed) as
 * well as its contents; two empty-or-absent values compare as leaves, keeping {} and null apart.
 */
export function compare(lhs: unknown, rhs: unknown, t: TypeNode): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, t, [], c);
  return c;
}

function isEmptyish(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

function walkCompare(lhs: unknown, rhs: unknown, t: TypeNode, path: Path, c: Comparison): void {
  if (lhs === undefined && rhs === undefined) return;
  const objectLike = isGranularObject(t, lhs) || isGranularObject(t, rhs);
  const listLike = isGranularList(t, lhs) || isGranularList(t, rhs);
  if ((!objectLike && !listLike) || (isEmptyish(lhs) && isEmptyish(rhs))) return compareLeaf(lhs, rhs, path, c);
  if (path.length) {
    if (lhs === undefined) c.added.insert(path);
    else if (rhs === undefined) c.removed.insert(path);
  }
  if (objectLike) {
    const l = isObject(lhs) ? lhs : {};
    const r = isObject(rhs) ? rhs : {};
    for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
      walkCompare(l[k], r[k], childType(t, k), [...path, fieldElement(k)], c);
    }
    return;
  }
  if (t.kind !== 'list') return;
  const l = itemsByElement(t, Array.isArray(lhs) ? lhs : []);
  const r = itemsByElement(t, Array.isArray(rhs) ? rhs : []);
  for (const el of new Set([...l.keys(), ...r.keys()])) {
    const p = [...path, el];
    if (t.list === 'set') {
      if (!l.has(el)) c.added.insert(p);
      else if (!r.has(el)) c.removed.insert(p);
      continue;
    }
    const li = l.get(el);
    const ri = r.get(el);
    if (li === undefined) c.added.insert(p);
    else if (ri === undefined) c.removed.insert(p);
    const lo = isObject(li) ? li : {};
    const ro = isObject(ri) ? ri : {};
    for (const k of new Set([...Object.keys(lo), ...Object.keys(ro)])) {
      walkCompare(lo[k], ro[k], childType(t.elem, k), [...p, fieldElement(k)], c);
    }
  }
}

function compareLeaf(lhs: unknown, rhs: unknown, path: Path, c: Comparison): void {
  if (!path.length) return;
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
  else if (lhs !== rhs && (typeof lhs !== 'object' || typeof rhs !== 'object' || canonicalJson(lhs) !== canonicalJson(rhs))) c.modified.insert(path);
}

function itemsByElement(t: TypeNode, items: unknown[]): Map<PathElement, unknown> {
  const m = new Map<PathElement, unknown>();
  for (const item of items) m.set(itemElement(t, item), item);
  return m;
}

/**
 * `config` merged onto `live`: the configuration's values win, maps and structs merge field by field,
 * sets are united, associative lists merge item by item (matched by key), atomic values are replaced.
 * A null in the configuration removes the field.
 */
export function merge(live: unknown, config: unknown, t: TypeNode): unknown {
  if (isGranularObject(t, config) && isGranularObject(t, live)) {
    const out: Record<string, unknown> = { ...live };
    for (const [k, v] of Object.entries(config)) {
      if (k === '__proto__') continue;
      if (v === null) delete out[k];
      else out[k] = merge(live[k], v, childType(t, k));
    }
    return out;
  }
  if (isGranularList(t, config) && isGranularList(t, live) && t.kind === 'list') {
    const out = [...live];
    const index = new Map<PathElement, number>();
    out.forEach((item, i) => index.set(itemElement(t, item), i));
    for (const item of config) {
      const el = itemElement(t, item);
      const at = index.get(el);
      if (at === undefined) {
        index.set(el, out.length);
        out.push(structuredClone(item));
      } else if (t.list === 'map') {
        out[at] = merge(out[at], item, t.elem);
      }
    }
    return out;
  }
  return structuredClone(config);
}

/** `value` without the members of `remove` (a list item's path removes the item). */
export function removeItems(value: unknown, remove: FieldSet, t: TypeNode): unknown {
  let out = structuredClone(value);
  for (const path of remove.paths()) out = removePath(out, path, t);
  return out;
}

function removePath(value: unknown, path: Path, t: TypeNode): unknown {
  if (!path.length) return value;
  const [el, ...rest] = path as [PathElement, ...PathElement[]];
  if (el.startsWith('f:') && isObject(value)) {
    const k = el.slice(2);
    if (!(k in value)) return value;
    if (!rest.length) {
      delete value[k];
      return value;
    }
    value[k] = removePath(value[k], rest, childType(t, k));
    return value;
  }
  if (Array.isArray(value) && t.kind === 'list') {
    const at = value.findIndex((item) => itemElement(t, item) === el);
    if (at < 0) return value;
    if (!rest.length) {
      value.splice(at, 1);
      return value;
    }
    value[at] = removePath(value[at], rest, t.elem);
  }
  return value;
}
