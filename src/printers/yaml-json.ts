// `kubectl get -o json|yaml`. kubectl prints objects it decoded as unstructured maps, so keys come out in
// alphabetical order at every level; managedFields are hidden (--show-managed-fields=false); several
// objects are wrapped in a `kind: List`. JSON is Go's json.MarshalIndent with 4 spaces (which also escapes
// <, > and &); YAML is sigs.k8s.io/yaml over go-yaml v2, reproduced with the `yaml` package.
import { Document, isScalar, Scalar, visit } from 'yaml';
import type { KubeObject } from '../store/store.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What kubectl prints for a list of objects: a v1 List with an empty resourceVersion. */
export function asList(items: readonly KubeObject[]): KubeObject {
  return { apiVersion: 'v1', items: [...items], kind: 'List', metadata: { resourceVersion: '' } };
}

function withoutManagedFields(obj: unknown, top = true): unknown {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return obj;
  const o = obj as Record<string, unknown>;
  const out: Record<string, unknown> = { ...o };
  if (o['metadata'] && typeof o['metadata'] === 'object') {
    const { managedFields: _drop, ...meta } = o['metadata'] as Record<string, unknown>;
    out['metadata'] = meta;
  }
  if (top && Array.isArray(o['items'])) out['items'] = (o['items'] as unknown[]).map((i) => withoutManagedFields(i, false));
  return out;
}

/** A JSON-safe copy with keys sorted, as Go's encoding/json writes a map[string]interface{}. */
function sorted(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : sorted(x)));
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: { [key: string]: Json } = {};
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = sorted(o[k]);
    return out;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return String(v);
}

function prepare(obj: KubeObject | readonly KubeObject[]): Json {
  return sorted(withoutManagedFields(Array.isArray(obj) ? asList(obj as readonly KubeObject[]) : obj));
}

/** Go's JSON string escaping: HTML-safe, control characters as \u00XX, U+2028/2029 escaped. */
function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function goJson(v: Json, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v !== 'object') return String(v);
  const inner = indent + '    ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + goJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${goJsonString(k)}: ${goJson(v[k]!, inner)}`).join(',\n')}\n${indent}}`;
}

/** `kubectl get -o json`: one object, or a List for an array. Ends with a newline. */
export function toJson(obj: KubeObject | readonly KubeObject[]): string {
  return goJson(prepare(obj), '') + '\n';
}

// go-yaml v2 resolves these plain scalars to something other than a string, so it double-quotes them.
const YAML11_WORDS = new Set([
  '', '~', 'null', 'Null', 'NULL', 'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);
const INT = /^[-+]?(0b[01]+|0o?[0-7]+|0x[0-9a-fA-F]+|[0-9]+)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?$/;

/** go-yaml v2's resolve(): would this text, written plain, read back as a non-string? */
function resolvesToNonString(s: string): boolean {
  if (YAML11_WORDS.has(s)) return true;
  const c = s[0]!;
  if (c === '.' && !Number.isNaN(Number(s))) return true;
  if (!/[-+0-9]/.test(c)) return false;
  const plain = s.replace(/_/g, '');
  return TIMESTAMP.test(s) || INT.test(plain) || FLOAT.test(plain) || BASE60.test(s);
}

const quoteCache = new Map<string, boolean>();

/** Whether the yaml package would have to quote this string when written plain (memoized: lists repeat values). */
function plainNeedsQuotes(s: string): boolean {
  let needs = quoteCache.get(s);
  if (needs === undefined) {
    const out = new Document(s).toString({ lineWidth: 0 });
    needs = out.startsWith("'") || out.startsWith('"');
    if (quoteCache.size > 10_000) quoteCache.clear();
    quoteCache.set(s, needs);
  }
  return needs;
}

/**
 * go-yaml v2's choice of style: a block literal for multi-line text, double quotes for text that would
 * read back as another type ("1", "true", timestamps), single quotes where plain is not allowed
 * ("a: b"), plain otherwise.
 */
function styleFor(s: string): Scalar.Type {
  if (s.includes('\n')) return Scalar.BLOCK_LITERAL;
  if (resolvesToNonString(s)) return Scalar.QUOTE_DOUBLE;
  if (plainNeedsQuotes(s)) return /[\x00-\x08\x0b-\x1f\x7f]/.test(s) ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE;
  return Scalar.PLAIN;
}

/**
 * `kubectl get -o yaml`: one object, or a List for an array. Sequences are not indented under their key,
 * as go-yaml writes them. Known difference: go-yaml folds plain and quoted strings longer than 80 columns
 * at a space past column 80; here long strings stay on one line.
 */
export function toYaml(obj: KubeObject | readonly KubeObject[]): string {
  const doc = new Document(prepare(obj));
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string') node.type = styleFor(node.value);
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true });
}
