// The storage rules every component reads (docs/storage.md): the default StorageClass, the provisioner
// mini-kube runs, the annotations the PV controller and the scheduler write (pkg/controller/volume/
// persistentvolume/util, storage/v1 helpers), and how a PersistentVolume names the Docker volume behind it.
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from './types.js';
import { parseQuantity } from './quantity.js';

/** The provisioner of the default class: a Docker named volume per PersistentVolume. */
export const DOCKER_VOLUME_PROVISIONER = 'mini-kube.io/docker-volume';
/** Also the CSI driver name a PersistentVolume of mini-kube names in spec.csi.driver. */
export const DOCKER_VOLUME_DRIVER = DOCKER_VOLUME_PROVISIONER;
/** The class that exists from the start, as kind's `standard`. */
export const DEFAULT_STORAGE_CLASS = 'standard';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** Label on the Docker volume behind a PersistentVolume: the PV's name. */
export const LABEL_PERSISTENT_VOLUME = 'io.mini-kube.persistent-volume';
/** A static PV's provisioner-less class (kubernetes.io/no-provisioner, as for local volumes). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

export const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;

export function defaultStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { [ANN_DEFAULT_CLASS]: 'true' } },
    provisioner: DOCKER_VOLUME_PROVISIONER, reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer',
  };
}

export function isDefaultClass(sc: StorageClass): boolean {
  return sc.metadata?.annotations?.[ANN_DEFAULT_CLASS] === 'true';
}

/** The Docker volume name a PersistentVolume of mini-kube's driver mounts (its volumeHandle). */
export function dockerVolumeOf(pv: PersistentVolume): string | undefined {
  const csi = pv.spec?.csi;
  return csi?.driver === DOCKER_VOLUME_DRIVER ? csi.volumeHandle : undefined;
}

/** The volume handle the provisioner gives a new PV: unique per cluster and PV (the PV name has the claim's uid). */
export function provisionedVolumeName(clusterId: string, pvName: string): string {
  return `mini-kube-${clusterId}-${pvName}`;
}

/** pvc.spec.resources.requests.storage in bytes (0 when absent). */
export function requestedBytes(pvc: PersistentVolumeClaim): number {
  const q = pvc.spec?.resources?.requests?.['storage'];
  return q === undefined ? 0 : parseQuantity(q) ?? 0;
}

export function capacityBytes(pv: PersistentVolume): number {
  const q = pv.spec?.capacity?.['storage'];
  return q === undefined ? 0 : parseQuantity(q) ?? 0;
}

/** kubectl's access-mode abbreviations (storageutil.GetAccessModesAsString). */
export function accessModesString(modes: readonly string[] | undefined): string {
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  const out: string[] = [];
  for (const m of ACCESS_MODES) if ((modes ?? []).includes(m)) out.push(short[m]!);
  return out.join(',');
}

/** The claim a pod volume names, for every `persistentVolumeClaim` volume of the pod. */
export function podClaimNames(spec: { volumes?: { persistentVolumeClaim?: { claimName?: string } }[] } | undefined): string[] {
  return (spec?.volumes ?? []).flatMap((v) => v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : []);
}
