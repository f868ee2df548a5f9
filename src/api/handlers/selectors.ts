// ?labelSelector= and ?fieldSelector= of list, watch and deletecollection, as one predicate.
import { matches, parseSelector } from '../../kube/labels.js';
import type { Kind } from '../../kube/kinds.js';
import { StatusError } from '../../kube/errors.js';
import type { KubeObject } from '../../store/store.js';
import { fieldsMatch, parseFieldSelector } from '../registry/field-selector.js';

export type ObjectFilter = (obj: KubeObject) => boolean;

export function selectorFilter(query: URLSearchParams, kind: Kind, extraFieldSelector?: string): ObjectFilter {
  let labels: ReturnType<typeof parseSelector>;
  try {
    labels = parseSelector(query.get('labelSelector') ?? undefined);
  } catch (err) {
    throw new StatusError(400, 'BadRequest', `invalid label selector: ${(err as Error).message}`);
  }
  const fieldText = [query.get('fieldSelector'), extraFieldSelector].filter((s) => s).join(',');
  const fields = parseFieldSelector(fieldText, kind);
  return (obj) => matches(labels, obj.metadata?.labels as Record<string, string> | undefined) && fieldsMatch(fields, obj);
}
