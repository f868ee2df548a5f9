// RFC 6902 JSON Patch (application/json-patch+json): client-node's generated patch methods send it by
// default, e.g. [{"op":"replace","path":"/spec/replicas","value":3}] for patchNamespacedDeploymentScale.
import { jsonSizeWithin } from '../../kube/json-size.js';
import { StatusError } from '../../kube/errors.js';
import { MAX_BODY_BYTES } from '../http/body.js';

type Json = unknown;

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

/** Applies the operations in order to a copy of doc; any failing operation fails the whole patch (422). */
export function applyJsonPatch(doc: Json, ops: unknown[]): Json {
  let root = structuredClone(doc);
  // `copy` is the one operation that makes data the body did not carry: each may double the document, so
  // 40 of them in a 2 KB body would ask for terabytes. What all copies add together is bounded like a body.
  let copied = 0;
  for (const [i, raw] of ops.entries()) {
    const op = checkOp(raw, i);
    switch (op.op) {
      case 'add': root = add(root, op.path, structuredClone(op.value)); break;
      case 'remove': root = remove(root, op.path); break;
      case 'replace': root = replace(root, op.path, structuredClone(op.value)); break;
      case 'move': {
        const value = get(root, op.from!);
        root = add(remove(root, op.from!), op.path, value);
        break;
      }
      case 'copy': {
        const value = get(root, op.from!);
        const size = jsonSizeWithin(value, MAX_BODY_BYTES - copied);
        if (size === undefined) {
          throw new StatusError(413, 'RequestEntityTooLarge',
            `Request entity too large: limit is ${MAX_BODY_BYTES} (json patch operation ${i}: the copy operations of this patch copy more than that)`);
        }
        copied += size;
        root = add(root, op.path, structuredClone(value));
        break;
      }
      case 'test':
        if (!jsonEqual(get(root, op.path), op.value)) {
          throw failed(`testing value ${op.path} failed: test failed`);
        }
        break;
      default:
        throw new StatusError(400, 'BadRequest', `json patch operation ${i}: unknown op ${JSON.stringify(op.op)}`);
    }
  }
  return root;
}

function checkOp(raw: unknown, i: number): Operation {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new StatusError(400, 'BadRequest', `json patch operation ${i} is not an object`);
  }
  const op = raw as Record<string, unknown>;
  if (typeof op['op'] !== 'string' || typeof op['path'] !== 'string') {
    throw new StatusError(400, 'BadRequest', `json patch operation ${i} needs string "op" and "path"`);
  }
  if (['add', 'replace', 'test'].includes(op['op']) && !('value' in op)) {
    throw new StatusError(400, 'BadRequest', `json patch operation ${i} (${op['op']}) needs a "value"`);
  }
  if (['move', 'copy'].includes(op['op']) && typeof op['from'] !== 'string') {
    throw new StatusError(400, 'BadRequest', `json patch operation ${i} (${op['op']}) needs a string "from"`);
  }
  return op as unknown as Operation;
}

/**
 * RFC 6902 section 4.6: two JSON values are equal when they are the same type and value; objects when
 * they hold the same members with equal values, whatever the order of their keys (a JSON.stringify
 * comparison refused {"b":1,"a":2} against {"a":2,"b":1}); arrays element by element, in order.
 */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as Json[];
    return a.length === bs.length && a.every((v, i) => jsonEqual(v, bs[i]));
  }
  const ao = a as Record<string, Json>;
  const bo = b as Record<string, Json>;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  return keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

function failed(message: string): StatusError {
  return new StatusError(422, 'Invalid', message);
}

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new StatusError(400, 'BadRequest', `invalid JSON pointer ${JSON.stringify(pointer)}`);
  const ts = pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  // Assigning "__proto__" would swap an object's prototype instead of setting a field.
  if (ts.includes('__proto__')) throw new StatusError(400, 'BadRequest', `invalid JSON pointer ${JSON.stringify(pointer)}`);
  return ts;
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return v !== null && typeof v === 'object';
}

/** Walks to the parent of the pointer's last token. */
function parentOf(root: Json, pointer: string): { parent: Record<string, unknown> | unknown[]; last: string } {
  const ts = tokens(pointer);
  if (ts.length === 0) throw failed(`path ${JSON.stringify(pointer)} has no parent`);
  let cur: unknown = root;
  for (const t of ts.slice(0, -1)) {
    cur = child(cur, t, pointer);
  }
  if (!isContainer(cur)) throw failed(`path ${pointer}: parent is not an object or array`);
  return { parent: cur, last: ts[ts.length - 1]! };
}

function child(cur: unknown, t: string, pointer: string): unknown {
  if (Array.isArray(cur)) {
    const i = arrayIndex(t, cur.length - 1, pointer);
    return cur[i];
  }
  if (isContainer(cur) && Object.prototype.hasOwnProperty.call(cur, t)) return (cur as Record<string, unknown>)[t];
  throw failed(`doc is missing path: ${pointer}`);
}

function arrayIndex(t: string, max: number, pointer: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(t)) throw failed(`path ${pointer}: ${JSON.stringify(t)} is not an array index`);
  const i = Number(t);
  if (i > max) throw failed(`path ${pointer}: index ${i} out of range`);
  return i;
}

function get(root: Json, pointer: string): Json {
  let cur: unknown = root;
  for (const t of tokens(pointer)) cur = child(cur, t, pointer);
  return cur;
}

function add(root: Json, pointer: string, value: Json): Json {
  if (pointer === '') return value;
  const { parent, last } = parentOf(root, pointer);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : arrayIndex(last, parent.length, pointer);
    parent.splice(i, 0, value);
  } else {
    parent[last] = value;
  }
  return root;
}

function remove(root: Json, pointer: string): Json {
  const { parent, last } = parentOf(root, pointer);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(last, parent.length - 1, pointer), 1);
  } else {
    if (!Object.prototype.hasOwnProperty.call(parent, last)) throw failed(`unable to remove nonexistent key: ${last}: missing value`);
    delete parent[last];
  }
  return root;
}

function replace(root: Json, pointer: string, value: Json): Json {
  if (pointer === '') return value;
  const { parent, last } = parentOf(root, pointer);
  if (Array.isArray(parent)) {
    parent[arrayIndex(last, parent.length - 1, pointer)] = value;
  } else {
    if (!Object.prototype.hasOwnProperty.call(parent, last)) throw failed(`replace operation does not apply: doc is missing key: ${pointer}: missing value`);
    parent[last] = value;
  }
  return root;
}
