// Checks a decoded object against the Kubernetes schema, as the apiserver's decoder does: a value of the
// wrong type is an error; a field the schema does not know is dropped and reported (a warning by default,
// an error in strict mode, like kubectl's --validate=strict). JSON null means "unset" and is dropped too.
import { FieldPath } from './field-path.js';
import { typeInvalidField, type FieldError } from './field-errors.js';
import { fieldsOf, type FieldType } from './schema/index.js';

export interface UnknownField {
  path: FieldPath;
  /** "did you mean ..." or "belongs to ..." */
  hint?: string;
}

export interface SchemaCheck {
  errors: FieldError[];
  unknown: UnknownField[];
}

interface Frame { typeName: string; path: FieldPath }

/** Walks `obj` (mutating it: unknown fields and nulls are removed) against the API type `rootType`. */
export function checkSchema(obj: Record<string, unknown>, rootType: string): SchemaCheck {
  const out: SchemaCheck = { errors: [], unknown: [] };
  walkObject(obj, rootType, FieldPath.root(), [], out);
  return out;
}

function walkObject(obj: Record<string, unknown>, typeName: string, path: FieldPath, ancestors: Frame[], out: SchemaCheck): void {
  const fields = fieldsOf(typeName);
  if (!fields) return;
  const frames = [...ancestors, { typeName, path }];
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    const type = fields.get(key);
    if (!type) {
      out.unknown.push({ path: path.child(key), hint: unknownFieldHint(key, fields, ancestors) });
      delete obj[key];
      continue;
    }
    if (value === null || value === undefined) {
      delete obj[key];
      continue;
    }
    walkValue(value, type, path.child(key), frames, out);
  }
}

function walkValue(value: unknown, type: FieldType, path: FieldPath, frames: Frame[], out: SchemaCheck): void {
  switch (type.kind) {
    case 'any':
      return;
    case 'string':
    case 'time':
      if (typeof value !== 'string') out.errors.push(wrongType(path, value, type));
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) out.errors.push(wrongType(path, value, type));
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.errors.push(wrongType(path, value, type));
      return;
    case 'intOrString':
      if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) out.errors.push(wrongType(path, value, type));
      return;
    case 'quantity':
      if (!(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) out.errors.push(wrongType(path, value, type));
      return;
    case 'object':
      if (!isPlainObject(value)) { out.errors.push(wrongType(path, value, type)); return; }
      walkObject(value, type.name, path, frames, out);
      return;
    case 'list': {
      if (!Array.isArray(value)) { out.errors.push(wrongType(path, value, type)); return; }
      // A null inside a list or map decodes to Go's zero value, as it does in Kubernetes.
      value.forEach((item, i) => {
        if (item === null || item === undefined) value[i] = zeroValue(type.of);
        walkValue(value[i], type.of, path.index(i), frames, out);
      });
      return;
    }
    case 'map': {
      if (!isPlainObject(value)) { out.errors.push(wrongType(path, value, type)); return; }
      for (const k of Object.keys(value)) {
        if (value[k] === null || value[k] === undefined) value[k] = zeroValue(type.of);
        walkValue(value[k], type.of, path.key(k), frames, out);
      }
      return;
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function zeroValue(type: FieldType): unknown {
  switch (type.kind) {
    case 'string': case 'time': case 'quantity': return '';
    case 'integer': case 'intOrString': return 0;
    case 'boolean': return false;
    case 'list': return [];
    default: return {};
  }
}

function describeType(type: FieldType): string {
  switch (type.kind) {
    case 'string': return 'a string';
    case 'time': return 'a timestamp string';
    case 'integer': return 'an integer';
    case 'boolean': return 'true or false';
    case 'intOrString': return 'an integer or a string';
    case 'quantity': return 'a quantity such as 500m or 128Mi';
    case 'any': return 'any value';
    case 'object': return `an object (${type.name})`;
    case 'list': return `a list of ${plural(type.of)}`;
    case 'map': return `a map of ${plural(type.of)}`;
  }
}

function plural(type: FieldType): string {
  switch (type.kind) {
    case 'object': return `${type.name} objects`;
    case 'boolean': return 'booleans';
    case 'intOrString': return 'integers or strings';
    case 'quantity': return 'quantities';
    case 'time': return 'timestamps';
    case 'any': return 'values';
    case 'list': case 'map': return `${type.kind}s`;
    default: return `${type.kind}s`;
  }
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object' && v !== null) return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a number' : 'a fractional number';
  if (typeof v === 'boolean') return 'a boolean';
  return `a ${typeof v}`;
}

function wrongType(path: FieldPath, value: unknown, type: FieldType): FieldError {
  let detail = `must be ${describeType(type)}, not ${describeValue(value)}`;
  if ((type.kind === 'string' || type.kind === 'intOrString') && (typeof value === 'number' || typeof value === 'boolean')) {
    detail += '; put the value in quotes to make it a string';
  } else if ((type.kind === 'integer') && typeof value === 'string' && /^-?\d+$/.test(value.trim())) {
    detail += '; remove the quotes';
  }
  const e = typeInvalidField(path, value, detail);
  if (typeof value === 'object' && value !== null) e.rawValue = Array.isArray(value) ? '[...]' : '{...}';
  return e;
}

function unknownFieldHint(key: string, fields: ReadonlyMap<string, unknown>, ancestors: Frame[]): string | undefined {
  const similar = closest(key, [...fields.keys()]);
  if (similar) return `did you mean "${similar}"?`;
  // A known field one or more levels up is almost always an indentation slip.
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const f = ancestors[i]!;
    if (fieldsOf(f.typeName)?.has(key)) {
      const where = f.path.toString() || 'the top level of the object';
      return `"${key}" is a field of ${where}; check its indentation`;
    }
  }
  return;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, c);
    if (d < bestDist) { bestDist = d; best = c; }
  }
  const limit = word.length <= 4 ? 1 : 2;
  return bestDist <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
