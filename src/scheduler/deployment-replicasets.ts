// A Deployment's ReplicaSets: which ones it controls (adopting and releasing as selectors say), which is
// the new one (the current template's), and creating that one, named <deployment>-<pod-template-hash>.
import type { Deployment, LabelSelector, ReplicaSet } from '../kube/types.js';
import { fromLabelSelector, matches } from '../kube/labels.js';
import { StatusError } from '../store/errors.js';
import type { Stored } from '../store/store.js';
import { recordEvent } from '../store/events.js';
import { podTemplateHash } from './names.js';
import { adopt, controllerRefOf, isControlledBy, newControllerRef, release } from './owner-refs.js';
import type { DeploymentContext, RS } from './deployment-context.js';
import { getCondition, newCondition, Reason, setCondition } from './deployment-conditions.js';
import { newRSNewReplicas } from './deployment-new-replicas.js';
import { DEPLOYMENT_CONTROLLER } from './deployment-scaling.js';
import {
  equalIgnoreHash,
  findNewReplicaSet,
  hasSelector,
  maxRevision,
  minReadySeconds,
  POD_TEMPLATE_HASH_LABEL,
  progressDeadlineSeconds,
  REVISION_ANNOTATION,
  setNewReplicaSetAnnotations,
} from './deployment-util.js';

/** getReplicaSetsForDeployment: its own sets that still match, plus matching orphans (adopted). */
export function claimReplicaSets(ctx: DeploymentContext): RS[] {
  const { store, d } = ctx;
  const selector = fromLabelSelector(d.spec?.selector);
  const out: RS[] = [];
  for (const rs of store.list<ReplicaSet>('ReplicaSet', d.metadata.namespace)) {
    const ref = controllerRefOf(rs);
    const match = matches(selector, rs.metadata.labels);
    if (ref) {
      if (ref.uid !== d.metadata.uid) continue;
      if (match) out.push(rs);
      else release(store, 'ReplicaSet', rs, d);
      continue;
    }
    if (!match || !hasSelector(d)) continue;
    const adopted = adopt(store, 'ReplicaSet', rs, d);
    if (adopted) out.push(adopted);
  }
  return out;
}

export interface SplitReplicaSets {
  newRS: RS | undefined;
  oldRSs: RS[];
}

/** getAllReplicaSetsAndSyncRevision: the new set (created when asked) and all the others. */
export function getAllReplicaSetsAndSyncRevision(ctx: DeploymentContext, rsList: RS[], createIfNotExisted: boolean): SplitReplicaSets {
  const existing = findNewReplicaSet(ctx.d, rsList);
  const oldRSs = rsList.filter((rs) => rs !== existing);
  return { newRS: getNewReplicaSet(ctx, existing, oldRSs, createIfNotExisted), oldRSs };
}

function getNewReplicaSet(ctx: DeploymentContext, existing: RS | undefined, oldRSs: RS[], create: boolean): RS | undefined {
  const { store, d } = ctx;
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) {
    // The current template's set gets the newest revision (a rollback to an old template reuses its set).
    const probe = structuredClone(existing);
    const annotationsChange = setNewReplicaSetAnnotations(d, probe, newRevision, true);
    if (annotationsChange || (existing.spec?.minReadySeconds ?? 0) !== minReadySeconds(d)) {
      return store.mutate<ReplicaSet>('ReplicaSet', existing.metadata.namespace, existing.metadata.name, (r) => {
        setNewReplicaSetAnnotations(d, r, newRevision, true);
        r.spec = { ...r.spec!, minReadySeconds: minReadySeconds(d) };
        // 0 is the default, which Kubernetes leaves out of the object.
        if (!r.spec.minReadySeconds) delete r.spec.minReadySeconds;
      }) ?? existing;
    }
    setDeploymentRevision(ctx, existing.metadata.annotations?.[REVISION_ANNOTATION]);
    if (progressDeadlineSeconds(d) !== undefined && !getCondition(d.status, 'Progressing')) {
      setCondition(d.status!, newCondition('Progressing', 'True', Reason.FoundNewReplicaSet, `Found new replica set "${existing.metadata.name}"`));
    }
    return existing;
  }
  if (!create) return undefined;

  const rs = newReplicaSetFor(d);
  rs.spec!.replicas = newRSNewReplicas(ctx, [...oldRSs, rs], rs);
  setNewReplicaSetAnnotations(d, rs, newRevision, false);
  let created: RS;
  try {
    created = store.create<ReplicaSet>(rs);
  } catch (err) {
    if (!(err instanceof StatusError) || err.reason !== 'AlreadyExists') throw err;
    const found = store.get<ReplicaSet>('ReplicaSet', d.metadata.namespace, rs.metadata!.name!);
    if (found && isControlledBy(found, d) && equalIgnoreHash(found.spec?.template, d.spec?.template)) return found;
    // A set of that name runs another template: a hash collision. Counting it changes the next hash.
    const collisionCount = (d.status?.collisionCount ?? 0) + 1;
    store.mutate<Deployment>('Deployment', d.metadata.namespace, d.metadata.name, (o) => {
      o.status = { ...o.status, collisionCount };
    });
    throw new Error(`replica set "${rs.metadata!.name}" already exists with another template; collisionCount is now ${collisionCount}`, { cause: err });
  }
  const replicas = created.spec?.replicas ?? 0;
  if (replicas > 0) {
    recordEvent(store, d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} to ${replicas}`, { source: DEPLOYMENT_CONTROLLER });
  }
  setDeploymentRevision(ctx, String(newRevision));
  if (progressDeadlineSeconds(d) !== undefined) {
    setCondition(d.status!, newCondition('Progressing', 'True', Reason.NewReplicaSetCreated, `Created new replica set "${created.metadata.name}"`));
  }
  return created;
}

/** The new ReplicaSet object: the template with pod-template-hash in its labels and the selector. */
function newReplicaSetFor(d: Stored<Deployment>): ReplicaSet {
  const hash = podTemplateHash(d.spec?.template, d.status?.collisionCount);
  const template = structuredClone(d.spec?.template ?? {});
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector: LabelSelector = structuredClone(d.spec?.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      ownerReferences: [newControllerRef(d)],
    },
    spec: { replicas: 0, ...(minReadySeconds(d) ? { minReadySeconds: minReadySeconds(d) } : {}), selector, template },
  };
}

/** The Deployment carries the revision of its new set, which `rollout history` and `describe` show. */
function setDeploymentRevision(ctx: DeploymentContext, revision: string | undefined): void {
  if (!revision || ctx.d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
  ctx.d.metadata.annotations = { ...ctx.d.metadata.annotations, [REVISION_ANNOTATION]: revision };
  ctx.store.mutate<Deployment>('Deployment', ctx.d.metadata.namespace, ctx.d.metadata.name, (o) => {
    o.metadata.annotations = { ...o.metadata.annotations, [REVISION_ANNOTATION]: revision };
  });
}
