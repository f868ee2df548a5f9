// persistentVolumeClaim volumes, pure (docs/storage.md): what the kubelet's volume manager mounts once the
// scheduler's VolumeBinding (kube/volume-binding.ts) has seen them bound: the
// claim's PV's Docker named volume (mini-kube.io/docker-volume CSI driver, volumeHandle = the volume's name).
// The kubelet (kubelet.ts) looks the objects up and acts; table-tested in test/unit/kubelet/volume-claims.test.ts.
import type { Pod } from '../kube/types.js';
import { dockerVolumeOf } from '../kube/storage.js';
import type { ClaimLookup } from '../kube/volume-binding.js';

export type { ClaimLookup } from '../kube/volume-binding.js';
export { claimScheduling } from '../kube/volume-binding.js';

/** The mount of one persistentVolumeClaim volume of a pod. */
export interface ClaimMount {
  /** the Docker named volume */
  dockerVolume: string;
  pvName: string;
  readOnly: boolean;
}

export type ClaimMounts = { ok: true; mounts: Map<string, ClaimMount> } | { ok: false; volume: string; message: string };

/** The volume manager's view of the pod's claims (desired_state_of_world_populator): each bound to a PV of mini-kube's driver. */
export function claimMounts(pod: Pod, lookup: ClaimLookup): ClaimMounts {
  const ns = pod.metadata?.namespace ?? 'default';
  const mounts = new Map<string, ClaimMount>();
  for (const v of pod.spec?.volumes ?? []) {
    const src = v.persistentVolumeClaim;
    if (!src?.claimName) continue;
    const pvc = lookup.claim(ns, src.claimName);
    if (!pvc) return { ok: false, volume: v.name, message: `error processing PVC ${ns}/${src.claimName}: persistentvolumeclaim "${src.claimName}" not found` };
    if (!pvc.spec?.volumeName || pvc.status?.phase !== 'Bound') {
      return { ok: false, volume: v.name, message: `error processing PVC ${ns}/${src.claimName}: PVC is not bound` };
    }
    const pv = lookup.volume(pvc.spec.volumeName);
    if (!pv) return { ok: false, volume: v.name, message: `error processing PVC ${ns}/${src.claimName}: persistentvolume "${pvc.spec.volumeName}" not found` };
    if (pv.spec?.claimRef?.uid && pv.spec.claimRef.uid !== pvc.metadata?.uid) {
      return { ok: false, volume: v.name, message: `error processing PVC ${ns}/${src.claimName}: the PV ${pv.metadata?.name} is bound to another claim` };
    }
    const dockerVolume = dockerVolumeOf(pv);
    if (!dockerVolume) return { ok: false, volume: v.name, message: `the PV ${pv.metadata?.name} is not a volume of the mini-kube.io/docker-volume driver` };
    mounts.set(v.name, { dockerVolume, pvName: pv.metadata?.name ?? '', readOnly: src.readOnly === true || pv.spec?.csi?.readOnly === true });
  }
  return { ok: true, mounts };
}
