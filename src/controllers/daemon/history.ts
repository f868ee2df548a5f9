// A DaemonSet's ControllerRevisions (pkg/controller/daemon/update.go constructHistory, cleanupHistory):
// one per template it has run, named "<ds>-<hash>", holding the patch that restores that template (what
// `kubectl rollout undo ds` applies and `rollout history ds` lists). The current template's revision has
// the highest number; rolling back to an old template renumbers its revision instead of adding one.
import type { ControllerRevision, DaemonSet, Pod } from '../../kube/types.js';
import type { Store, Stored } from '../../store/store.js';
import { canonicalJson } from '../../kube/canonical-json.js';
import { podTemplateHash } from '../util/hash.js';
import { controllerRefOf, newControllerRef } from '../util/owner-refs.js';
import { REVISION_HASH_LABEL } from './decide.js';

/** getPatch: {"spec":{"template":{...,"$patch":"replace"}}} with sorted keys, as kubectl compares it. */
export function revisionData(ds: DaemonSet): object {
  return JSON.parse(canonicalJson({ spec: { template: { ...structuredClone(ds.spec?.template ?? {}), $patch: 'replace' } } })) as object;
}

export function templateHash(ds: DaemonSet): string {
  return podTemplateHash(ds.spec?.template ?? {}, ds.status?.collisionCount ?? undefined);
}

export function revisionsOf(store: Store, ds: Stored<DaemonSet>): Stored<ControllerRevision>[] {
  return store.list<ControllerRevision>('ControllerRevision', ds.metadata.namespace).filter((r) => controllerRefOf(r)?.uid === ds.metadata.uid);
}

/** constructHistory: the revision of the current template, created or renumbered to be the newest. */
export function ensureCurrentRevision(store: Store, ds: Stored<DaemonSet>, hash: string): Stored<ControllerRevision> {
  const revisions = revisionsOf(store, ds);
  const max = Math.max(0, ...revisions.map((r) => r.revision ?? 0));
  const data = canonicalJson(revisionData(ds));
  const current = revisions.find((r) => r.metadata.labels?.[REVISION_HASH_LABEL] === hash || canonicalJson(r.data) === data);
  if (current) {
    if ((current.revision ?? 0) === max) return current;
    return store.mutate<ControllerRevision>('ControllerRevision', ds.metadata.namespace, current.metadata.name, (r) => { r.revision = max + 1; }) ?? current;
  }
  return store.create<ControllerRevision>({
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${ds.metadata.name}-${hash}`,
      namespace: ds.metadata.namespace,
      labels: { ...ds.spec?.template?.metadata?.labels, [REVISION_HASH_LABEL]: hash },
      ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(ds)],
    },
    data: revisionData(ds),
    revision: max + 1,
  });
}

/** cleanupHistory: beyond revisionHistoryLimit, the oldest revisions no live pod runs are deleted. */
export function cleanupHistory(store: Store, ds: Stored<DaemonSet>, pods: Pod[], currentHash: string): void {
  const limit = ds.spec?.revisionHistoryLimit ?? 10;
  const inUse = new Set(pods.map((p) => p.metadata?.labels?.[REVISION_HASH_LABEL]).filter(Boolean));
  inUse.add(currentHash);
  const old = revisionsOf(store, ds).filter((r) => !inUse.has(r.metadata.labels?.[REVISION_HASH_LABEL])).sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  for (const r of old.slice(0, Math.max(0, old.length - limit))) store.delete('ControllerRevision', r.metadata.namespace, r.metadata.name);
}
