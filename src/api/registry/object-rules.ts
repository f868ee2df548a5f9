// The apiserver's rules for what a client may write: the body must fit the URL (kind, namespace, name),
// server-owned fields (uid, creationTimestamp, status on the main resource, deletionTimestamp) are kept
// from the stored object, admission (validation + defaults + legacy conversion) runs on every write,
// and some fields are immutable once set (a Deployment's selector, most of a Pod's spec).
import { randomUUID } from 'node:crypto';
import { storedType } from './versions.js';
import { podQOSClass } from '../../kube/resources.js';
import type { ConfigMap, PersistentVolumeClaim, Pod, StatefulSet, StorageClass } from '../../kube/types.js';
import { canonicalJson } from '../../kube/canonical-json.js';
import { apiVersionOf, type ResourceType } from '../../kube/kinds.js';
import { invalid, StatusError } from '../../kube/errors.js';
import type { KubeObject, Stored } from '../../store/store.js';
import type { ApiContext } from '../context.js';
import { nameProblem } from '../../kube/names.js';
// the pipeline's modules, not its index: the index also loads the YAML parser, which the API does not need
import { admit as admitManifest } from '../../manifests/admit.js';
import { toStatusCause } from '../../manifests/field-errors.js';
import { validateClaimUpdate, validateStorageClassUpdate } from '../../manifests/validate-storage.js';
import { validateConfigDataUpdate } from '../../manifests/validate-config-data.js';
import { validateStatefulSetUpdate } from '../../manifests/validate-statefulset.js';
import { admitPodServiceAccount } from '../../kube/service-account.js';
import { addDefaultTolerations } from '../../kube/taints.js';
import type { ServiceAccount } from '../../kube/types.js';
import { checkFinalizersUpdate } from './deletion.js';

export interface Admitted {
  object: KubeObject;
  warnings: string[];
}

/** "Deployment.apps" as the apiserver names a kind in its messages. */
export function qualifiedKind(t: ResourceType): string {
  return t.group ? `${t.kind}.${t.group}` : t.kind;
}

const SERVER_OWNED_METADATA = ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink', 'managedFields'] as const;

/** Fills kind/apiVersion/namespace from the URL and rejects a body that names something else. */
function fitToUrl(t: ResourceType, urlNamespace: string | undefined, body: Record<string, unknown>): KubeObject {
  const obj = structuredClone(body) as KubeObject;
  if (obj.kind === undefined || obj.kind === '') obj.kind = t.kind;
  if (obj.kind !== t.kind) {
    throw new StatusError(400, 'BadRequest', `the kind in the request body (${String(obj.kind)}) does not match the resource in the URL (${t.resource}, kind ${t.kind})`);
  }
  if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = apiVersionOf(storedType(t));
  if (typeof obj.apiVersion !== 'string') throw new StatusError(400, 'BadRequest', 'apiVersion must be a string');
  if (obj.metadata === undefined) obj.metadata = {};
  if (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) {
    throw new StatusError(400, 'BadRequest', 'metadata must be an object');
  }
  if (t.namespaced) {
    const ns = obj.metadata.namespace;
    if (ns === undefined || ns === '') obj.metadata.namespace = urlNamespace;
    else if (ns !== urlNamespace) {
      throw new StatusError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
  } else {
    delete obj.metadata.namespace;
  }
  return obj;
}

function checkName(t: ResourceType, name: string | undefined): void {
  if (!name) return;
  const problem = nameProblem(name, t.kind === 'Namespace');
  if (problem) throw invalid(qualifiedKind(t), t.group, name, [{ field: 'metadata.name', reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(name)}: ${problem}` }]);
}

/** Every kind goes through src/manifests (schema, privileged settings, defaults, validation): none passes through. */
function admit(obj: KubeObject, opts: { allowPrivileged: boolean }): Admitted {
  return admitManifest(obj, opts);
}

async function runAdmission(ctx: ApiContext, t: ResourceType, obj: KubeObject): Promise<Admitted> {
  const result = admit(obj, { allowPrivileged: ctx.allowPrivileged });
  const out = result.object;
  // Legacy apiVersions are converted by admission; whatever is left must be the URL's group/version.
  if (out.apiVersion !== apiVersionOf(storedType(t))) {
    throw new StatusError(400, 'BadRequest', `the API version in the data (${String(out.apiVersion)}) does not match the expected API version (${apiVersionOf(t)})`);
  }
  out.kind = t.kind;
  return { object: out, warnings: result.warnings };
}

/** The status a new object starts with: the apiserver ignores the status a client sends on create. */
function initialStatus(t: ResourceType, obj: KubeObject): unknown {
  switch (t.kind) {
    case 'Pod': return { phase: 'Pending', qosClass: qosClass(obj as Pod) };
    case 'Namespace': return { phase: 'Active' };
    case 'Service': return { loadBalancer: {} };
    case 'Deployment': case 'ReplicaSet': case 'Job': case 'CronJob': case 'DaemonSet': return {};
    case 'HorizontalPodAutoscaler': return { desiredReplicas: 0 };
    default: return undefined;
  }
}

/** GetPodQOS, one home for the API and the kubelet (src/kube/resources.ts). */
const qosClass = (pod: Pod) => podQOSClass(pod);

/** A POST body made ready for store.create (minus generateName, which the caller resolves). */
export async function prepareCreate(ctx: ApiContext, t: ResourceType, urlNamespace: string | undefined, body: Record<string, unknown>): Promise<Admitted> {
  const obj = fitToUrl(t, urlNamespace, body);
  const meta = obj.metadata!;
  if (!meta.name && !meta.generateName) {
    throw invalid(qualifiedKind(t), t.group, '', [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }]);
  }
  for (const f of SERVER_OWNED_METADATA) delete (meta as Record<string, unknown>)[f];
  checkName(t, meta.name);
  if (t.kind === 'Namespace' && !(obj['spec'] as Record<string, unknown> | undefined)?.['finalizers']) {
    obj['spec'] = { ...(obj['spec'] as object | undefined), finalizers: ['kubernetes'] };
  }
  labelNamespace(t, obj);
  // The uid exists before validation (rest.BeforeCreate), so the Job strategy can select on it.
  if (t.kind === 'Job') meta.uid = randomUUID();
  const admitted = await runAdmission(ctx, t, obj);
  const status = initialStatus(t, admitted.object);
  if (status === undefined) {
    if (t.kind !== 'Event' && t.kind !== 'Endpoints') delete admitted.object['status'];
  } else {
    admitted.object['status'] = status;
  }
  // the DefaultTolerationSeconds admission plugin (not-ready and unreachable, 300 s)
  if (t.kind === 'Pod') addDefaultTolerations(admitted.object as Pod);
  if (t.kind === 'Pod' && ctx.serviceAccountAdmission) {
    admitPodServiceAccount(admitted.object as Pod, (ns, name) => ctx.store.get<ServiceAccount>('ServiceAccount', ns, name));
  }
  const hook = ctx.admission?.[t.kind];
  if (hook) admitted.object = await hook(admitted.object, undefined);
  return admitted;
}

/**
 * A PUT body (or a patched object) made ready for store.update. `subresource` "status" takes only the
 * status from the body; the main resource keeps the stored status.
 */
export async function prepareUpdate(
  ctx: ApiContext, t: ResourceType, urlNamespace: string | undefined, urlName: string,
  body: Record<string, unknown>, current: Stored, subresource?: 'status',
): Promise<Admitted> {
  const obj = fitToUrl(t, urlNamespace, body);
  const meta = obj.metadata!;
  if (meta.name === undefined || meta.name === '') meta.name = urlName;
  if (meta.name !== urlName) {
    throw new StatusError(400, 'BadRequest', `the name of the object (${meta.name}) does not match the name on the URL (${urlName})`);
  }
  if (meta.uid && meta.uid !== current.metadata.uid) {
    throw new StatusError(409, 'Conflict', `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${current.metadata.uid}`);
  }
  const expectedRv = meta.resourceVersion;

  if (subresource === 'status') {
    // Only the status changes; spec and metadata stay the server's.
    const next = structuredClone(current) as KubeObject;
    if (obj['status'] === undefined) delete next['status'];
    else next['status'] = obj['status'];
    next.metadata = { ...next.metadata, resourceVersion: expectedRv ?? '' };
    if (!expectedRv) delete next.metadata.resourceVersion;
    return { object: next, warnings: [] };
  }

  // Server-owned fields come from the stored object whatever the client sent.
  if (current['status'] === undefined) delete obj['status'];
  else obj['status'] = structuredClone(current['status']);
  delete meta.managedFields;
  delete meta.selfLink;
  delete meta.generation;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (current.metadata.deletionTimestamp) meta.deletionTimestamp = current.metadata.deletionTimestamp;
  if (current.metadata.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;

  labelNamespace(t, obj);
  // A pod's ephemeral containers are written through pods/{name}/ephemeralcontainers only: an update of
  // the pod keeps the stored ones, whatever it sends (admission never sees them: they cannot be created).
  const ephemeral = t.kind === 'Pod' ? (current as Stored<Pod>).spec?.ephemeralContainers : undefined;
  if (t.kind === 'Pod' && obj['spec'] && typeof obj['spec'] === 'object') delete (obj['spec'] as Record<string, unknown>)['ephemeralContainers'];
  const admitted = await runAdmission(ctx, t, obj);
  if (ephemeral?.length && admitted.object['spec']) (admitted.object as Pod).spec!.ephemeralContainers = ephemeral;
  // DefaultTolerationSeconds admits updates too: a replace that omits them gets them back, as at creation
  if (t.kind === 'Pod') addDefaultTolerations(admitted.object as Pod);
  // Admission may rebuild metadata; the precondition the client sent must survive it.
  if (admitted.object.metadata) {
    if (expectedRv) admitted.object.metadata.resourceVersion = expectedRv;
    else delete admitted.object.metadata.resourceVersion;
  }
  await checkImmutable(ctx, t, current, admitted.object);
  checkFinalizersUpdate(qualifiedKind(t), current, admitted.object);
  const hook = ctx.admission?.[t.kind];
  if (hook) {
    const rv = admitted.object.metadata?.resourceVersion;
    admitted.object = await hook(admitted.object, current);
    if (admitted.object.metadata) {
      if (rv) admitted.object.metadata.resourceVersion = rv;
      else delete admitted.object.metadata.resourceVersion;
    }
  }
  return admitted;
}

/** The apiserver labels every namespace with its own name (namespace strategy's PrepareForCreate/Update). */
function labelNamespace(t: ResourceType, obj: KubeObject): void {
  if (t.kind !== 'Namespace' || !obj.metadata?.name) return;
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
}

async function checkImmutable(ctx: ApiContext, t: ResourceType, current: Stored, next: KubeObject): Promise<void> {
  const name = current.metadata.name;
  if (t.kind === 'Job') {
    // ValidateJobSpecUpdate: what a Job runs and how its pods are found is fixed once it exists
    for (const f of ['selector', 'template', 'completionMode', 'completions', 'podFailurePolicy', 'manualSelector']) {
      const before = (current['spec'] as Record<string, unknown> | undefined)?.[f];
      const after = (next['spec'] as Record<string, unknown> | undefined)?.[f];
      if (canonicalJson(before) !== canonicalJson(after)) {
        throw invalid(qualifiedKind(t), t.group, name, [{ field: `spec.${f}`, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(after ?? null)}: field is immutable` }]);
      }
    }
  }
  if (t.kind === 'Deployment' || t.kind === 'ReplicaSet' || t.kind === 'DaemonSet' || t.kind === 'StatefulSet') {
    const before = (current['spec'] as Record<string, unknown> | undefined)?.['selector'];
    const after = (next['spec'] as Record<string, unknown> | undefined)?.['selector'];
    if (canonicalJson(before) !== canonicalJson(after)) {
      throw invalid(qualifiedKind(t), t.group, name, [{
        field: 'spec.selector', reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(after ?? null)}: field is immutable`,
      }]);
    }
  }
  const updateErrs = t.kind === 'StatefulSet' ? validateStatefulSetUpdate(next as StatefulSet, current as StatefulSet)
    : t.kind === 'PersistentVolumeClaim' ? validateClaimUpdate(next as PersistentVolumeClaim, current as PersistentVolumeClaim)
      : t.kind === 'StorageClass' ? validateStorageClassUpdate(next as StorageClass, current as StorageClass) : [];
  if (updateErrs.length) throw invalid(qualifiedKind(t), t.group, name, updateErrs.map(toStatusCause));
  if (t.kind === 'ConfigMap' || t.kind === 'Secret') {
    const errs = validateConfigDataUpdate(t.kind, next as ConfigMap, current as ConfigMap);
    if (errs.length) throw invalid(qualifiedKind(t), t.group, name, errs.map(toStatusCause));
  }
  if (t.kind === 'Pod') {
    // Compare both sides after admission, so defaults filled in on one side only never count as a change.
    let normalizedCurrent: KubeObject = current;
    try {
      const copy = structuredClone(current) as Pod;
      if (copy.spec) delete copy.spec.ephemeralContainers;
      normalizedCurrent = admit(copy as KubeObject, { allowPrivileged: true }).object;
    } catch {
      // the stored object predates today's rules; compare it as stored
    }
    if (canonicalJson(mutablePodSpecView(normalizedCurrent)) !== canonicalJson(mutablePodSpecView(next))) {
      throw invalid('Pod', '', name, [{
        field: 'spec', reason: 'FieldValueForbidden',
        message: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      }]);
    }
  }
}

/** A pod spec with the fields Kubernetes lets an update change blanked out. */
function mutablePodSpecView(pod: KubeObject): unknown {
  const spec = structuredClone((pod['spec'] ?? {}) as Record<string, unknown>);
  for (const list of ['containers', 'initContainers']) {
    const cs = spec[list];
    if (Array.isArray(cs)) for (const c of cs) if (c && typeof c === 'object') delete (c as Record<string, unknown>)['image'];
  }
  delete spec['activeDeadlineSeconds'];
  // kept from the stored pod (prepareUpdate), changed only through their subresource
  delete spec['ephemeralContainers'];
  delete spec['tolerations'];
  delete spec['terminationGracePeriodSeconds'];
  return spec;
}
