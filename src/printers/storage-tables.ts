// The `get` columns of PersistentVolumeClaim, PersistentVolume, StorageClass, StatefulSet and
// ControllerRevision, as Kubernetes 1.32's printers.go builds them (printPersistentVolume,
// printPersistentVolumeClaim, printStorageClass, printStatefulSet, printControllerRevision).
import type { ControllerRevision, PersistentVolume, PersistentVolumeClaim, StatefulSet, StorageClass } from '../kube/types.js';
import { accessModesString, isDefaultClass } from '../kube/storage.js';
import { APPS_DEFAULTS } from '../kube/defaults.js';
import type { TableColumnDefinition } from './table-types.js';
import { ageCol, col, containersCol, imagesCol, nameCol } from './columns.js';


export const STORAGE_COLUMNS = {
  PersistentVolume: [
    nameCol,
    col('Capacity', 'string', 'capacity is the description of the persistent volume\'s resources and capacity.'),
    col('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
    col('Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
    col('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    col('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    ageCol,
    col('VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', 1),
  ],
  PersistentVolumeClaim: [
    nameCol,
    col('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    col('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageCol,
    col('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', 1),
  ],
  StorageClass: [
    nameCol,
    col('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    col('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.'),
    col('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
    col('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    ageCol,
  ],
  StatefulSet: [
    nameCol,
    col('Ready', 'string', 'Number of the pod with ready state'),
    ageCol,
    containersCol,
    imagesCol,
  ],
  ControllerRevision: [
    nameCol,
    col('Controller', 'string', 'Controller of the object'),
    col('Revision', 'integer', 'revision indicates the revision of the state represented by Data.'),
    ageCol,
  ],
} satisfies Record<string, TableColumnDefinition[]>;

export type StorageTableKind = keyof typeof STORAGE_COLUMNS;

const UNSET = '<unset>';

export function persistentVolumeCells(pv: PersistentVolume, age: string): string[] {
  const ref = pv.spec?.claimRef;
  const claim = ref ? `${ref.namespace ?? ''}/${ref.name ?? ''}` : '';
  const phase = pv.metadata?.deletionTimestamp ? 'Terminating' : pv.status?.phase ?? '';
  return [
    pv.metadata?.name ?? '',
    String(pv.spec?.capacity?.['storage'] ?? ''),
    accessModesString(pv.spec?.accessModes),
    pv.spec?.persistentVolumeReclaimPolicy ?? '',
    phase,
    claim,
    pv.spec?.storageClassName ?? '',
    pv.spec?.volumeAttributesClassName || UNSET,
    pv.status?.reason ?? '',
    age,
    pv.spec?.volumeMode || '<unset>',
  ];
}

export function persistentVolumeClaimCells(pvc: PersistentVolumeClaim, age: string): string[] {
  const phase = pvc.metadata?.deletionTimestamp ? 'Terminating' : pvc.status?.phase ?? '';
  const bound = pvc.spec?.volumeName;
  const capacity = bound ? String(pvc.status?.capacity?.['storage'] ?? '') : '';
  const modes = bound ? accessModesString(pvc.status?.accessModes) : '';
  return [
    pvc.metadata?.name ?? '',
    phase,
    bound ?? '',
    capacity,
    modes,
    pvc.spec?.storageClassName ?? pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '',
    pvc.spec?.volumeAttributesClassName || UNSET,
    age,
    pvc.spec?.volumeMode || '<unset>',
  ];
}

export function storageClassCells(sc: StorageClass, age: string): string[] {
  const name = isDefaultClass(sc) ? `${sc.metadata?.name ?? ''} (default)` : sc.metadata?.name ?? '';
  return [name, sc.provisioner, sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', String(sc.allowVolumeExpansion ?? false), age];
}

export function statefulSetCells(sts: StatefulSet, age: string): string[] {
  const cs = sts.spec?.template?.spec?.containers ?? [];
  return [
    sts.metadata?.name ?? '',
    `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? APPS_DEFAULTS.replicas}`,
    age,
    cs.map((c) => c.name).join(','),
    cs.map((c) => c.image ?? '').join(','),
  ];
}

/** printControllerRevision: the controller as `<kind>.<group>/<name>`, "<none>" without one. */
export function controllerRevisionCells(cr: ControllerRevision, age: string): (string | number)[] {
  const ref = (cr.metadata?.ownerReferences ?? []).find((r) => r.controller);
  let controller = '<none>';
  if (ref) {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
    controller = `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
  }
  return [cr.metadata?.name ?? '', controller, cr.revision ?? 0, age];
}
