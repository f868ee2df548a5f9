// Field errors with Kubernetes' exact wording (k8s.io/apimachinery/pkg/util/validation/field/errors.go):
// "<path>: <Type>: <value>: <detail>". The same list feeds the API's 422 causes and the file:line report.
import type { StatusCause } from '../kube/errors.js';
import type { FieldPath } from './field-path.js';

export type FieldErrorType =
  | 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueForbidden'
  | 'FieldValueDuplicate' | 'FieldValueNotFound' | 'FieldValueTypeInvalid' | 'FieldValueTooLong';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotFound: 'Not found',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueTooLong: 'Too long',
};

export interface FieldError {
  type: FieldErrorType;
  path: FieldPath;
  /** the offending value, printed the way Go's %v/%q/%#v would */
  value?: unknown;
  hasValue: boolean;
  detail: string;
  /** where to point in the file when that differs from `path` (a bad label key is reported on
   *  metadata.labels, as Kubernetes does, but the line to show is the key's own) */
  at?: FieldPath;
  /** printed instead of `value` when the value is too big to show (an object in a wrong place) */
  rawValue?: string;
}

export const invalidField = (path: FieldPath, value: unknown, detail: string): FieldError =>
  ({ type: 'FieldValueInvalid', path, value, hasValue: true, detail });
export const requiredField = (path: FieldPath, detail = ''): FieldError =>
  ({ type: 'FieldValueRequired', path, hasValue: false, detail });
export const forbiddenField = (path: FieldPath, detail: string): FieldError =>
  ({ type: 'FieldValueForbidden', path, hasValue: false, detail });
export const duplicateField = (path: FieldPath, value: unknown): FieldError =>
  ({ type: 'FieldValueDuplicate', path, value, hasValue: true, detail: '' });
export const notFoundField = (path: FieldPath, value: unknown): FieldError =>
  ({ type: 'FieldValueNotFound', path, value, hasValue: true, detail: '' });
export const tooLongField = (path: FieldPath, detail: string): FieldError =>
  ({ type: 'FieldValueTooLong', path, hasValue: false, detail });
export const typeInvalidField = (path: FieldPath, value: unknown, detail: string): FieldError =>
  ({ type: 'FieldValueTypeInvalid', path, value, hasValue: true, detail });

/** field.NotSupported: `Unsupported value: "http": supported values: "HTTP", "HTTPS"`. */
export function notSupportedField(path: FieldPath, value: unknown, valid: readonly string[], detail?: string): FieldError {
  return {
    type: 'FieldValueNotSupported', path, value, hasValue: true,
    detail: detail ?? (valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : ''),
  };
}

/** Go's formatting of a bad value: numbers and booleans bare, strings quoted, maps as map[string]string{...}. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return `[]string{${value.map((v) => JSON.stringify(v)).join(', ')}}`;
    return JSON.stringify(value);
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    if (entries.every(([, v]) => typeof v === 'string')) {
      // Go prints map keys sorted.
      const body = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(', ');
      return `map[string]string{${body}}`;
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/** field.Error.ErrorBody(): everything after "<path>: ". */
export function errorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  if (e.hasValue) s += `: ${e.rawValue ?? formatValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** field.Error.Error(): "<path>: <body>". */
export function formatFieldError(e: FieldError): string {
  const p = e.path.toString();
  return p ? `${p}: ${errorBody(e)}` : errorBody(e);
}

export function toStatusCause(e: FieldError): StatusCause {
  return { reason: e.type, message: errorBody(e), field: e.path.toString() };
}
