// PersistentVolumeClaim, PersistentVolume and StorageClass validation (pkg/apis/core/validation
// ValidatePersistentVolumeClaim/ValidatePersistentVolume, pkg/apis/storage/validation ValidateStorageClass),
// and what mini-kube does not implement in them, refused with the field's path (docs/storage.md):
//   - a PV's volume source must be mini-kube's docker-volume CSI driver (a named Docker volume); hostPath,
//     local, nfs and the cloud sources are refused (decision 212);
//   - block volumes, data sources, volume attributes classes, mount options, topology and expansion.
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../kube/types.js';
import { ACCESS_MODES, DOCKER_VOLUME_DRIVER } from '../kube/storage.js';
import { parseQuantity } from '../kube/quantity.js';
import { FieldPath } from './field-path.js';
import { forbiddenField, invalidField, notSupportedField, requiredField, type FieldError } from './field-errors.js';
import { validateLabelSelector, validateObjectMeta } from './validate-meta.js';
import { notImplemented } from './unimplemented.js';
import { codeUnitOrder } from '../kube/code-unit-order.js';

type ClaimSpec = NonNullable<PersistentVolumeClaim['spec']>;

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  const errs = validateObjectMeta(pvc.metadata, 'subdomain', FieldPath.of('metadata'));
  const path = FieldPath.of('spec');
  if (!pvc.spec) return [...errs, requiredField(path.child('accessModes'), 'at least 1 access mode is required'), requiredField(path.child('resources', 'requests', 'storage'))];
  return [...errs, ...validateClaimSpec(pvc.spec, path)];
}

/** ValidatePersistentVolumeClaimSpec, also for a StatefulSet's volumeClaimTemplates. */
export function validateClaimSpec(spec: ClaimSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateAccessModes(spec.accessModes, path.child('accessModes')));
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
  const storage = spec.resources?.requests?.['storage'];
  const at = path.child('resources', 'requests').key('storage');
  if (storage === undefined) errs.push(requiredField(at));
  else {
    const n = parseQuantity(storage);
    if (n === undefined || n <= 0) errs.push(invalidField(at, storage, 'must be greater than zero'));
  }
  for (const k of Object.keys(spec.resources?.requests ?? {})) {
    if (k !== 'storage') errs.push(notSupportedField(path.child('resources', 'requests').key(k), k, ['storage']));
  }
  if (spec.resources?.limits) errs.push(notImplemented(path.child('resources', 'limits'), 'a Docker volume has no size limit to enforce'));
  if (spec.volumeMode !== undefined && spec.volumeMode !== 'Filesystem') {
    errs.push(notImplemented(path.child('volumeMode'), `"${spec.volumeMode}"; it accepts only "Filesystem": Docker volumes are directories`));
  }
  if (spec.dataSource) errs.push(notImplemented(path.child('dataSource'), 'volumes start empty'));
  if (spec.dataSourceRef) errs.push(notImplemented(path.child('dataSourceRef'), 'volumes start empty'));
  if (spec.volumeAttributesClassName) errs.push(notImplemented(path.child('volumeAttributesClassName')));
  return errs;
}

function validateAccessModes(modes: readonly string[] | undefined, path: FieldPath): FieldError[] {
  if (!modes?.length) return [requiredField(path, 'at least 1 access mode is required')];
  const errs: FieldError[] = [];
  for (const m of modes) if (!(ACCESS_MODES as readonly string[]).includes(m)) errs.push(notSupportedField(path, m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) errs.push(invalidField(path, modes, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** The volume sources of a PV spec that are not mini-kube's driver (every key that is not a plain field). */
const PV_PLAIN_FIELDS = new Set(['accessModes', 'capacity', 'claimRef', 'mountOptions', 'nodeAffinity', 'persistentVolumeReclaimPolicy',
  'storageClassName', 'volumeAttributesClassName', 'volumeMode', 'csi']);

export function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  const errs = validateObjectMeta(pv.metadata, 'subdomain', FieldPath.of('metadata'));
  const path = FieldPath.of('spec');
  const spec = pv.spec;
  if (!spec) return [...errs, requiredField(path)];
  errs.push(...validateAccessModes(spec.accessModes, path.child('accessModes')));
  const storage = spec.capacity?.['storage'];
  if (storage === undefined) errs.push(requiredField(path.child('capacity').key('storage')));
  else if ((parseQuantity(storage) ?? 0) <= 0) errs.push(invalidField(path.child('capacity').key('storage'), storage, 'must be greater than zero'));
  for (const k of Object.keys(spec.capacity ?? {})) if (k !== 'storage') errs.push(notSupportedField(path.child('capacity').key(k), k, ['storage']));
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy === 'Recycle') errs.push(notImplemented(path.child('persistentVolumeReclaimPolicy'), '"Recycle" is deprecated in Kubernetes; use Delete or Retain'));
  else if (policy !== undefined && policy !== 'Retain' && policy !== 'Delete') errs.push(notSupportedField(path.child('persistentVolumeReclaimPolicy'), policy, ['Delete', 'Recycle', 'Retain']));
  const sources = Object.keys(spec).filter((k) => !PV_PLAIN_FIELDS.has(k) && (spec as Record<string, unknown>)[k] !== undefined);
  for (const s of sources) {
    errs.push(notImplemented(path.child(s), `a PersistentVolume of mini-kube is a Docker named volume: spec.csi with driver "${DOCKER_VOLUME_DRIVER}" and volumeHandle = the volume's name`));
  }
  if (!spec.csi && !sources.length) errs.push(requiredField(path, 'must specify a volume type'));
  if (spec.csi) {
    const c = spec.csi;
    if (c.driver !== DOCKER_VOLUME_DRIVER) errs.push(notSupportedField(path.child('csi', 'driver'), c.driver, [DOCKER_VOLUME_DRIVER]));
    if (!c.volumeHandle) errs.push(requiredField(path.child('csi', 'volumeHandle')));
    else if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(c.volumeHandle)) errs.push(invalidField(path.child('csi', 'volumeHandle'), c.volumeHandle, 'a Docker volume name: [a-zA-Z0-9][a-zA-Z0-9_.-]+'));
    for (const f of ['fsType', 'volumeAttributes', 'controllerPublishSecretRef', 'nodeStageSecretRef', 'nodePublishSecretRef', 'controllerExpandSecretRef', 'nodeExpandSecretRef'] as const) {
      if (c[f] !== undefined) errs.push(notImplemented(path.child('csi', f)));
    }
  }
  if (spec.volumeMode !== undefined && spec.volumeMode !== 'Filesystem') errs.push(notImplemented(path.child('volumeMode'), `"${spec.volumeMode}"; it accepts only "Filesystem"`));
  if (spec.mountOptions?.length) errs.push(notImplemented(path.child('mountOptions')));
  if (spec.nodeAffinity) errs.push(notImplemented(path.child('nodeAffinity'), 'one node: every volume is on it'));
  if (spec.volumeAttributesClassName) errs.push(notImplemented(path.child('volumeAttributesClassName')));
  if (spec.claimRef && !spec.claimRef.name) errs.push(requiredField(path.child('claimRef', 'name')));
  return errs;
}

export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs = validateObjectMeta(sc.metadata, 'subdomain', FieldPath.of('metadata'));
  if (!sc.provisioner) errs.push(requiredField(FieldPath.of('provisioner')));
  const policy = sc.reclaimPolicy;
  if (policy !== undefined && policy !== 'Retain' && policy !== 'Delete') errs.push(notSupportedField(FieldPath.of('reclaimPolicy'), policy, ['Delete', 'Retain']));
  const mode = sc.volumeBindingMode;
  if (mode !== undefined && mode !== 'Immediate' && mode !== 'WaitForFirstConsumer') {
    errs.push(notSupportedField(FieldPath.of('volumeBindingMode'), mode, ['Immediate', 'WaitForFirstConsumer']));
  }
  if (sc.provisioner === DOCKER_VOLUME_DRIVER && Object.keys(sc.parameters ?? {}).length) {
    errs.push(notImplemented(FieldPath.of('parameters'), `the ${DOCKER_VOLUME_DRIVER} provisioner takes no parameters`));
  }
  if (sc.allowVolumeExpansion) errs.push(notImplemented(FieldPath.of('allowVolumeExpansion'), 'volumes are not resized'));
  if (sc.mountOptions?.length) errs.push(notImplemented(FieldPath.of('mountOptions')));
  if (sc.allowedTopologies?.length) errs.push(notImplemented(FieldPath.of('allowedTopologies'), 'one node'));
  return errs;
}

/** ValidatePersistentVolumeClaimUpdate: the spec is immutable (expansion is refused at creation's class). */
export function validateClaimUpdate(next: PersistentVolumeClaim, current: PersistentVolumeClaim): FieldError[] {
  // the controller fills in volumeName and a default class: a client that leaves them out changes nothing
  const view = (c: PersistentVolumeClaim, other: PersistentVolumeClaim) => {
    const spec: Record<string, unknown> = { ...c.spec };
    if (spec['volumeName'] === undefined) spec['volumeName'] = other.spec?.volumeName;
    if (spec['storageClassName'] === undefined) spec['storageClassName'] = other.spec?.storageClassName;
    return JSON.stringify(Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined).sort(([a], [b]) => codeUnitOrder(a, b))));
  };
  if (view(next, current) === view(current, next)) return [];
  const withoutRequests = (c: PersistentVolumeClaim) => ({ ...c, spec: { ...c.spec, resources: { ...c.spec?.resources, requests: undefined } } });
  if (view(withoutRequests(next), current) === view(withoutRequests(current), next)) {
    // a resize: no class of mini-kube allows expansion (allowVolumeExpansion is refused)
    return [forbiddenField(FieldPath.of('spec'), 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize')];
  }
  return [forbiddenField(FieldPath.of('spec'), 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims')];
}

/** ValidateStorageClassUpdate: parameters, provisioner, reclaimPolicy and volumeBindingMode are immutable. */
export function validateStorageClassUpdate(next: StorageClass, current: StorageClass): FieldError[] {
  const errs: FieldError[] = [];
  if (JSON.stringify(next.parameters ?? {}) !== JSON.stringify(current.parameters ?? {})) errs.push(forbiddenField(FieldPath.of('parameters'), 'updates to parameters are forbidden.'));
  if (next.provisioner !== current.provisioner) errs.push(forbiddenField(FieldPath.of('provisioner'), 'updates to provisioner are forbidden.'));
  if ((next.reclaimPolicy ?? 'Delete') !== (current.reclaimPolicy ?? 'Delete')) errs.push(forbiddenField(FieldPath.of('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
  if ((next.volumeBindingMode ?? 'Immediate') !== (current.volumeBindingMode ?? 'Immediate')) errs.push(invalidField(FieldPath.of('volumeBindingMode'), next.volumeBindingMode, 'field is immutable'));
  return errs;
}
