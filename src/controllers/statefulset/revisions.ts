// A StatefulSet's ControllerRevisions (pkg/controller/history and stateful_set_utils.go newRevision):
// each holds the pod template as the patch `{"spec":{"template":{...,"$patch":"replace"}}}` that
// `kubectl rollout undo` applies to the set, is named `<set>-<hash>`, and carries a revision number; the
// hash is also the pods' controller-revision-hash label. A template seen before reuses its revision,
// renumbered as the newest (a rollback), as the controller does.
import type { ControllerRevision, PodTemplateSpec, StatefulSet } from '../../kube/types.js';
import { deepEqual } from '../../kube/canonical-json.js';
import type { Store, Stored } from '../../store/store.js';
import { podTemplateHash } from '../util/hash.js';
import { newControllerRef } from '../util/owner-refs.js';

export function revisionData(template: PodTemplateSpec | undefined): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(template ?? {}), $patch: 'replace' } } };
}

/** The template a revision holds. */
export function templateOf(cr: ControllerRevision): PodTemplateSpec {
  const t = structuredClone(((cr.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template) ?? {});
  delete t['$patch'];
  return t as PodTemplateSpec;
}

export function ownedRevisions(store: Store, sts: Stored<StatefulSet>): Stored<ControllerRevision>[] {
  return store.list<ControllerRevision>('ControllerRevision', sts.metadata.namespace)
    .filter((cr) => cr.metadata.ownerReferences?.some((r) => r.controller && r.uid === sts.metadata.uid))
    .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
}

export interface Revisions {
  current: Stored<ControllerRevision>;
  update: Stored<ControllerRevision>;
  all: Stored<ControllerRevision>[];
}

/** getStatefulSetRevisions: the update revision (found or made) and the current one (status.currentRevision, else the update one). */
export function syncRevisions(store: Store, sts: Stored<StatefulSet>): Revisions {
  let all = ownedRevisions(store, sts);
  const data = revisionData(sts.spec?.template);
  const max = all.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
  let update = all.find((r) => deepEqual(r.data, data));
  if (update && update !== all[all.length - 1]) {
    // a rollback to an older template: that revision becomes the newest
    update = store.mutate<ControllerRevision>('ControllerRevision', sts.metadata.namespace, update.metadata.name, (r) => { r.revision = max + 1; }) ?? update;
  }
  if (!update) {
    const collision = sts.status?.collisionCount ?? 0;
    const name = `${sts.metadata.name}-${podTemplateHash(sts.spec?.template, collision || undefined)}`;
    const existing = store.get<ControllerRevision>('ControllerRevision', sts.metadata.namespace, name);
    if (existing && deepEqual(existing.data, data)) update = existing;
    else {
      update = store.create<ControllerRevision>({
        apiVersion: 'apps/v1', kind: 'ControllerRevision',
        metadata: {
          name, namespace: sts.metadata.namespace,
          labels: { ...sts.spec?.selector?.matchLabels, 'controller-revision-hash': name },
          ownerReferences: [newControllerRef(sts)],
        },
        data, revision: max + 1,
      });
    }
  }
  all = ownedRevisions(store, sts);
  const current = all.find((r) => r.metadata.name === sts.status?.currentRevision) ?? update;
  return { current, update, all };
}

/** truncateHistory: keeps revisionHistoryLimit revisions that no pod uses, besides the live ones. */
export function truncateHistory(store: Store, sts: Stored<StatefulSet>, revs: Revisions, inUse: ReadonlySet<string>): void {
  const limit = sts.spec?.revisionHistoryLimit ?? 10;
  const live = new Set([revs.current.metadata.name, revs.update.metadata.name, ...inUse]);
  const history = revs.all.filter((r) => !live.has(r.metadata.name));
  for (const r of history.slice(0, Math.max(0, history.length - limit))) {
    try {
      store.delete('ControllerRevision', r.metadata.namespace, r.metadata.name);
    } catch { /* gone already */ }
  }
}
