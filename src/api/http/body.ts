// Reading request bodies ourselves rather than with a body-parser middleware: one size limit (3 MiB, the
// apiserver's), one place that maps every failure to a Status (413, 415, 400), and no parsing at all
// on the streaming routes (watch, log, exec).
import type { IncomingMessage } from 'node:http';
import { jsonSizeWithin } from '../../kube/json-size.js';
import { StatusError } from '../../kube/errors.js';
import { unsupportedMediaType } from './errors.js';
import { loadProtobuf, PROTOBUF } from '../protobuf/lazy.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The apiserver's 413 text (kubectl prints it as is), then what mini-kube measured. */
function entityTooLarge(limit: number, why: string): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}${why}`);
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The media type without parameters, lower case: "application/json; charset=utf-8" -> "application/json". */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export async function readRaw(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const tooLarge = () => entityTooLarge(limit, '');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof StatusError) throw err;
    // The client went away mid-body ("aborted"): its fault, not ours; nobody will read the answer.
    throw new StatusError(400, 'BadRequest', `the request body was not fully received: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks);
}

/** Deeper than any real object; the apiserver's JSON decoder stops at 10000, objects here need ~20. */
export const MAX_JSON_DEPTH = 1000;

/**
 * Refuses too deep nesting before JSON.parse builds it: a 400 KB body of brackets would otherwise
 * allocate ~10 MB of nested arrays just to be refused afterwards.
 */
function checkJsonDepth(buf: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw new StatusError(400, 'BadRequest', `the request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
}

/** Keys a JSON body repeats (JSON.parse keeps the last, as Go does): for fieldValidation (duplicate field "spec.replicas"). */
const duplicates = new WeakMap<object, string[]>();

export function duplicateFieldsOf(body: unknown): string[] {
  return (body !== null && typeof body === 'object' && duplicates.get(body)) || [];
}

function parseJson(buf: Buffer): unknown {
  checkJsonDepth(buf);
  let value: unknown;
  const text = buf.toString('utf8');
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new StatusError(400, 'BadRequest', `the request body is not valid JSON: ${(err as Error).message}`);
  }
  if (value !== null && typeof value === 'object') {
    const found = duplicateKeys(text);
    if (found.length) duplicates.set(value, found);
  }
  return value;
}

/** The paths of repeated object keys in valid JSON text ("spec.replicas", "items[0].name"), in order. */
export function duplicateKeys(text: string): string[] {
  const found: string[] = [];
  let i = 0;
  const ws = () => { while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\n')) i++; };
  const string = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return text.slice(start, i);
  };
  // recursion depth is bounded by checkJsonDepth
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        const key = JSON.parse(string()) as string;
        const at = path ? `${path}.${key}` : key;
        if (seen.has(key)) found.push(at);
        seen.add(key);
        ws();
        i++; // ':'
        value(at);
        ws();
        if (text[i++] !== ',') return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        ws();
        if (text[i++] !== ',') return;
      }
    }
    if (c === '"') { string(); return; }
    while (i < text.length && !',}] \t\r\n'.includes(text[i]!)) i++;
  };
  value('');
  return found;
}

/**
 * YAML nests by indentation and compact "- - -" indicators as well as by brackets: a 10 KB line of
 * "- - - ..." made the parser exhaust the heap (a crash of the whole control plane), so a line whose
 * leading indentation and indicators exceed MAX_JSON_DEPTH is refused before parsing, like deep brackets.
 */
function checkYamlDepth(buf: Buffer): void {
  checkJsonDepth(buf);
  let lead = 0;
  let atLineStart = true;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === 0x0a) { lead = 0; atLineStart = true; continue; }
    if (!atLineStart) continue;
    // spaces, tabs, '-' and '?' at the start of a line are indentation or nesting indicators
    if (c === 0x20 || c === 0x09 || c === 0x2d || c === 0x3f) {
      if (++lead > 2 * MAX_JSON_DEPTH) throw new StatusError(400, 'BadRequest', `the request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    } else {
      atLineStart = false;
    }
  }
}

async function parseYamlBody(buf: Buffer): Promise<unknown> {
  checkYamlDepth(buf);
  // yaml (72 modules) is loaded by the first YAML body: kubectl sends JSON, most control planes never parse YAML
  const { parse: parseYaml } = await import('yaml');
  let value: unknown;
  try {
    value = parseYaml(buf.toString('utf8'), { maxAliasCount: 100 });
  } catch (err) {
    throw new StatusError(400, 'BadRequest', `the request body is not valid YAML: ${(err as Error).message}`);
  }
  // Aliases share their node, so the parsed value is small; written out (store, list, watch) each alias is
  // a full copy. The expansion may not exceed what the same body could have held without aliases.
  if (jsonSizeWithin(value, MAX_BODY_BYTES) === undefined) {
    throw entityTooLarge(MAX_BODY_BYTES, ` (the YAML body expands through its aliases to more than ${MAX_BODY_BYTES} bytes; write the values out or split the object)`);
  }
  return value;
}

function requireObject(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new StatusError(400, 'BadRequest', `${what} must be a JSON object`);
  return v as Record<string, unknown>;
}

const OBJECT_TYPES = ['application/json', 'application/yaml', PROTOBUF];

/** A JSON, YAML or protobuf body as the object it holds. */
async function parseObject(type: string, raw: Buffer, what: string): Promise<Record<string, unknown>> {
  // Decoded into the object the same request in JSON would carry: everything downstream is unchanged.
  if (type === PROTOBUF) return (await loadProtobuf()).decodeObject(raw);
  return requireObject(type === 'application/yaml' ? await parseYamlBody(raw) : parseJson(raw), what);
}

/** Body of POST and PUT: a JSON, YAML or protobuf object. A missing Content-Type is taken as JSON. */
export async function readObjectBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = mediaType(req);
  if (type !== '' && !OBJECT_TYPES.includes(type)) throw unsupportedMediaType(type, OBJECT_TYPES);
  const raw = await readRaw(req);
  if (raw.length === 0) throw new StatusError(400, 'BadRequest', 'the request body is empty: expected a JSON object');
  return parseObject(type, raw, 'the request body');
}

export interface PatchBody {
  type: PatchType;
  patch: unknown;
}

/** Body of PATCH: the media type picks the patch algorithm (json, merge, strategic, apply). */
export async function readPatchBody(req: IncomingMessage, allowed: PatchType[] = ['json', 'merge', 'strategic', 'apply']): Promise<PatchBody> {
  const type = PATCH_TYPES[mediaType(req)];
  const acceptedTypes = Object.entries(PATCH_TYPES).filter(([, t]) => allowed.includes(t)).map(([m]) => m);
  if (!type || !allowed.includes(type)) throw unsupportedMediaType(mediaType(req), acceptedTypes);
  const raw = await readRaw(req);
  if (raw.length === 0) throw new StatusError(400, 'BadRequest', 'the patch body is empty');
  const patch = type === 'apply' ? await parseYamlBody(raw) : parseJson(raw);
  if (type === 'json') {
    if (!Array.isArray(patch)) throw new StatusError(400, 'BadRequest', 'a JSON patch (application/json-patch+json) must be an array of operations');
  } else {
    requireObject(patch, 'the patch');
  }
  return { type, patch };
}

/** Body of DELETE: optional DeleteOptions. */
export async function readOptionalObjectBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const raw = await readRaw(req);
  if (raw.length === 0) return undefined;
  const type = mediaType(req);
  if (type !== '' && !OBJECT_TYPES.includes(type)) throw unsupportedMediaType(type, OBJECT_TYPES);
  return parseObject(type, raw, 'DeleteOptions');
}
