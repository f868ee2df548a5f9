// "This object exists in every active namespace": what the serviceaccounts controller and the
// root-ca-cert-publisher both keep. Nothing is created in a missing or terminating namespace.
import type { Kind } from '../../kube/kinds.js';
import { StatusError } from '../../kube/errors.js';
import type { KubeObject, Store, Stored } from '../../store/store.js';

/** The object as stored (found or just created), or undefined when the namespace takes no content. */
export function ensureInNamespace<T extends KubeObject>(store: Store, kind: Kind, namespace: string, name: string, make: () => T): Stored<T> | undefined {
  const ns = store.get('Namespace', undefined, namespace);
  if (!ns || ns.metadata.deletionTimestamp) return undefined;
  const existing = store.get<T>(kind, namespace, name);
  if (existing) return existing;
  try {
    return store.create(make()) as Stored<T>;
  } catch (err) {
    if (err instanceof StatusError && err.reason === 'AlreadyExists') return store.get<T>(kind, namespace, name);
    throw err;
  }
}
