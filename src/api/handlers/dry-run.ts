// dryRun on every write verb, as the apiserver reads it: `?dryRun=All` on the query, and for DELETE also
// `"dryRun": ["All"]` in the DeleteOptions body (kubectl delete --dry-run=server sends only the body).
// "All" is the only value Kubernetes defines; anything else is refused with 422 naming the options kind,
// before anything is read or written, so an unknown spelling can never fall through to a real write.
import { invalid, StatusError } from '../../kube/errors.js';

export type WriteOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

const SUPPORTED = ['All'];

/** True when the request asks for a dry run; throws 422 Invalid for a value other than "All". */
export function dryRunOf(options: WriteOptionsKind, query: URLSearchParams, body?: Record<string, unknown>): boolean {
  const values: unknown[] = query.getAll('dryRun');
  const fromBody = body?.['dryRun'];
  if (fromBody !== undefined && fromBody !== null) {
    if (!Array.isArray(fromBody)) {
      throw new StatusError(400, 'BadRequest', `${options} in version "v1" cannot be handled as a ${options}: dryRun: expected a list of strings such as ["All"], got ${JSON.stringify(fromBody).slice(0, 80)}`);
    }
    values.push(...fromBody);
  }
  const unsupported = values.filter((v) => typeof v !== 'string' || !SUPPORTED.includes(v));
  if (unsupported.length) {
    // field.NotSupported prints a list value Go-style: []string{"x"}
    const shown = `[]string{${values.map((v) => JSON.stringify(String(v))).join(', ')}}`;
    throw invalid(`${options}.meta.k8s.io`, 'meta.k8s.io', '', [{
      field: 'dryRun', reason: 'FieldValueNotSupported', message: `Unsupported value: ${shown}: supported values: "All"`,
    }]);
  }
  return values.length > 0;
}
