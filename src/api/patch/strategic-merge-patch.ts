// Strategic merge patch, the patch kubectl's client-side apply (and client-node's KubernetesObjectApi)
// sends for built-in kinds. A port of the parts of apimachinery pkg/util/strategicpatch that those
// clients use: maps merge deeply, null deletes, lists with a patch merge key merge element by element,
// other lists are replaced, and the directives $patch (replace|delete), $retainKeys,
// $setElementOrder/<list> and $deleteFromPrimitiveList/<list>.
//
// Which lists merge, and on which key, comes from the Go struct tags of k8s.io/api; here it is written as
// a function of the field path (field names only, list indices dropped), which is all the kinds mini-kube
// serves need.
import { StatusError } from '../../kube/errors.js';

export type ListStrategy =
  | { type: 'replace' }
  | { type: 'merge'; key: string }
  | { type: 'mergePrimitive' };

/** Tells how the list at `path` (e.g. ["spec","template","spec","containers"]) is patched. */
export type PatchMeta = (path: readonly string[]) => ListStrategy;

const REPLACE: ListStrategy = { type: 'replace' };
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Merge keys of k8s.io/api (core/v1, apps/v1, meta/v1) for the fields of Pod, Service, Deployment, ... */
export const kubernetesPatchMeta: PatchMeta = (path) => {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  const inContainer = parent !== undefined && CONTAINER_LISTS.has(parent);
  switch (field) {
    case 'containers': case 'initContainers': case 'ephemeralContainers':
      return parent === 'spec' ? { type: 'merge', key: 'name' } : REPLACE;
    case 'volumes': case 'imagePullSecrets': case 'resourceClaims': case 'schedulingGates':
      return parent === 'spec' ? { type: 'merge', key: 'name' } : REPLACE;
    case 'env':
      return inContainer ? { type: 'merge', key: 'name' } : REPLACE;
    case 'volumeMounts':
      return inContainer ? { type: 'merge', key: 'mountPath' } : REPLACE;
    case 'volumeDevices':
      return inContainer ? { type: 'merge', key: 'devicePath' } : REPLACE;
    case 'ports':
      if (inContainer) return { type: 'merge', key: 'containerPort' };
      // ServiceSpec.ports, the only other mergeable ports list (EndpointSubset ports are atomic).
      return path.length === 2 && parent === 'spec' ? { type: 'merge', key: 'port' } : REPLACE;
    case 'hostAliases':
      return parent === 'spec' ? { type: 'merge', key: 'ip' } : REPLACE;
    case 'topologySpreadConstraints':
      return parent === 'spec' ? { type: 'merge', key: 'topologyKey' } : REPLACE;
    case 'conditions':
      return { type: 'merge', key: 'type' };
    case 'podIPs': case 'hostIPs':
      return parent === 'status' ? { type: 'merge', key: 'ip' } : REPLACE;
    case 'ownerReferences':
      return parent === 'metadata' ? { type: 'merge', key: 'uid' } : REPLACE;
    case 'finalizers':
      return parent === 'metadata' ? { type: 'mergePrimitive' } : REPLACE;
    default:
      return REPLACE;
  }
};

type JsonMap = Record<string, unknown>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';

/** Applies a strategic merge patch to a JSON document; neither argument is modified. */
export function strategicMergePatch<T>(original: T, patch: JsonMap, meta: PatchMeta = kubernetesPatchMeta): T {
  if (!isMap(patch)) throw bad('a strategic merge patch must be a JSON object');
  return mergeMap(isMap(original) ? original : undefined, patch, [], meta) as T;
}

function mergeMap(original: JsonMap | undefined, patch: JsonMap, path: string[], meta: PatchMeta): JsonMap {
  const directive = patch[DIRECTIVE];
  if (directive !== undefined) {
    if (directive === 'replace') {
      // Replace this map with the patch (minus the directive, and with any nested directives resolved).
      const rest: JsonMap = { ...patch };
      delete rest[DIRECTIVE];
      return mergeMap(undefined, rest, path, meta);
    }
    if (directive === 'delete') return {};
    throw bad(`unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(patch)}`);
  }

  const result: JsonMap = original ? { ...original } : {};

  // $retainKeys: keys of the original that are not listed go away (e.g. Deployment strategy type change
  // from RollingUpdate to Recreate must drop rollingUpdate).
  if (RETAIN_KEYS in patch) {
    const keep = patch[RETAIN_KEYS];
    if (!Array.isArray(keep) || !keep.every((k) => typeof k === 'string')) throw bad(`${RETAIN_KEYS} must be a list of strings`);
    for (const k of Object.keys(result)) if (!keep.includes(k)) delete result[k];
  }

  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(DELETE_FROM_PRIMITIVE)) continue;
    const field = k.slice(DELETE_FROM_PRIMITIVE.length);
    if (!Array.isArray(v)) throw bad(`${k} must be a list`);
    const current = result[field];
    if (Array.isArray(current)) result[field] = current.filter((e) => !v.some((d) => jsonEqual(d, e)));
  }

  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$') || k === '__proto__') continue;
    if (v === null) {
      delete result[k];
      continue;
    }
    result[k] = mergeValue(result[k], v, [...path, k], meta);
  }

  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const field = k.slice(SET_ORDER.length);
    if (!Array.isArray(v)) throw bad(`${k} must be a list`);
    const current = result[field];
    if (Array.isArray(current)) result[field] = applyOrder(current, v, meta([...path, field]));
  }
  return result;
}

function mergeValue(original: unknown, patch: unknown, path: string[], meta: PatchMeta): unknown {
  if (isMap(patch)) return mergeMap(isMap(original) ? original : undefined, patch, path, meta);
  if (Array.isArray(patch)) return mergeList(Array.isArray(original) ? original : [], patch, path, meta(path), meta);
  return patch;
}

function mergeList(original: unknown[], patch: unknown[], path: string[], strategy: ListStrategy, meta: PatchMeta): unknown[] {
  if (strategy.type === 'replace') return structuredClone(patch);

  if (strategy.type === 'mergePrimitive') {
    const out = [...original];
    for (const v of patch) if (!out.some((o) => jsonEqual(o, v))) out.push(v);
    return out;
  }

  const key = strategy.key;
  // A {"$patch":"replace"} element replaces the whole list with the other elements; a key-less
  // {"$patch":"delete"} element deletes the whole list.
  const listDirective = patch.find((e) => isMap(e) && e[DIRECTIVE] !== undefined && e[key] === undefined) as JsonMap | undefined;
  if (listDirective) {
    if (listDirective[DIRECTIVE] === 'replace') {
      return patch.filter((e) => e !== listDirective).map((e) => (isMap(e) ? mergeMap(undefined, e, path, meta) : e));
    }
    if (listDirective[DIRECTIVE] === 'delete') return [];
    throw bad(`unknown patch type: ${JSON.stringify(listDirective[DIRECTIVE])} in list: ${path.join('.')}`);
  }

  const out = [...original];
  for (const element of patch) {
    if (!isMap(element)) throw bad(`${path.join('.')}: expected a list of maps merged on "${key}", got ${JSON.stringify(element)}`);
    const keyValue = element[key];
    if (keyValue === undefined || keyValue === null) {
      throw bad(`map: ${JSON.stringify(element)} does not contain declared merge key: ${key}`);
    }
    const idx = out.findIndex((o) => isMap(o) && jsonEqual(o[key], keyValue));
    if (element[DIRECTIVE] === 'delete') {
      for (let i = out.length - 1; i >= 0; i--) if (isMap(out[i]) && jsonEqual((out[i] as JsonMap)[key], keyValue)) out.splice(i, 1);
      continue;
    }
    if (idx >= 0) out[idx] = mergeMap(out[idx] as JsonMap, element, path, meta);
    else out.push(mergeMap(undefined, element, path, meta));
  }
  return out;
}

/**
 * $setElementOrder/<list>: the listed elements come first, in that order; elements the server has that
 * the patch never mentioned (added by someone else) keep their relative order after them.
 */
function applyOrder(list: unknown[], order: unknown[], strategy: ListStrategy): unknown[] {
  if (strategy.type === 'replace') return list;
  const keyOf = (e: unknown): unknown => (strategy.type === 'merge' ? (isMap(e) ? e[strategy.key] : undefined) : e);
  const wanted = order.map(keyOf);
  const rank = (e: unknown) => {
    const i = wanted.findIndex((w) => w !== undefined && jsonEqual(w, keyOf(e)));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return list.map((e, i) => ({ e, i, r: rank(e) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.e);
}

function isMap(v: unknown): v is JsonMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function bad(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}
