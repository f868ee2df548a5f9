// meta.k8s.io Tables for `kubectl get`: the columns and cells come from src/printers (tableFor); here
// they are wrapped the way the apiserver does, with each row's object reduced to PartialObjectMetadata
// unless the client asked for includeObject=Object (--sort-by) or None.
import type { KubeObject } from '../../store/store.js';
import { StatusError } from '../../kube/errors.js';
import { tableFor, type TableKind } from '../../printers/tables.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectParam(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw new StatusError(400, 'BadRequest', `includeObject: unsupported value ${JSON.stringify(v)}: supported values are "None", "Metadata", "Object"`);
}

export interface TableOptions {
  apiVersion: string;
  include: IncludeObject;
  resourceVersion: string;
  /** false on watch events after the first: kubectl reuses the columns it already has */
  withColumns?: boolean;
  now: Date;
}

export function renderTable(kind: TableKind, objects: readonly KubeObject[], opts: TableOptions): Record<string, unknown> {
  const t = tableFor(kind, objects, opts.now);
  const rows = t.rows.map((row, i) => {
    const source = row.object ?? objects[i];
    const out: Record<string, unknown> = { cells: row.cells, ...(row.conditions ? { conditions: row.conditions } : {}) };
    if (opts.include === 'Object') out['object'] = source;
    else if (opts.include === 'Metadata') out['object'] = partialObjectMetadata(source);
    return out;
  });
  return {
    kind: 'Table',
    apiVersion: opts.apiVersion,
    metadata: { resourceVersion: opts.resourceVersion },
    ...(opts.withColumns === false ? {} : { columnDefinitions: t.columnDefinitions }),
    rows,
  };
}

function partialObjectMetadata(obj: KubeObject | undefined): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj?.metadata ?? {} };
}
