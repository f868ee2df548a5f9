// A pod's volumes on the engine (docs/decisions/120). emptyDir is a named Docker volume per pod and
// volume, labelled with the cluster and the pod's uid: every container of the pod mounts the same one,
// so the containers share its files, a restarted container finds them again, and the volume goes when
// the pod's containers are removed (deletion, `mini-kube down`). Other volume types are refused at
// admission and never reach this module.
import type { Container, Pod } from '../kube/types.js';
import { LABEL_CLUSTER, LABEL_POD_UID, type Runtime, type VolumeMountSpec } from '../runtime/runtime.js';

/** The pod volume a Docker volume backs. */
export const LABEL_VOLUME = 'io.mini-kube.volume';

/** k8s_<volume>_<pod>_<namespace>_<uid>, as the containers are named; unique per pod (the uid). */
export function emptyDirVolumeName(pod: Pod, volume: string): string {
  const m = pod.metadata!;
  return `k8s_${volume}_${m.name}_${m.namespace ?? 'default'}_${m.uid}`;
}

function emptyDirs(pod: Pod): string[] {
  return (pod.spec?.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name);
}

/** Creates the pod's emptyDir volumes that are not there yet (before any of its containers is created). */
export async function ensurePodVolumes(runtime: Runtime, clusterId: string, pod: Pod): Promise<void> {
  for (const volume of emptyDirs(pod)) {
    await runtime.ensureVolume(emptyDirVolumeName(pod, volume), {
      [LABEL_CLUSTER]: clusterId, [LABEL_POD_UID]: pod.metadata!.uid!, [LABEL_VOLUME]: volume,
    });
  }
}

/** The container's volumeMounts, as engine mounts of the pod's volumes. */
export function mountsOf(pod: Pod, c: Container): VolumeMountSpec[] {
  const volumes = new Set(emptyDirs(pod));
  return (c.volumeMounts ?? []).filter((m) => volumes.has(m.name)).map((m) => ({
    volume: emptyDirVolumeName(pod, m.name),
    target: m.mountPath,
    readOnly: m.readOnly === true,
  }));
}

/** Removes the pod's volumes (its containers are gone). */
export function removePodVolumes(runtime: Runtime, clusterId: string, uid: string): Promise<string[]> {
  return runtime.removeVolumes({ [LABEL_CLUSTER]: clusterId, [LABEL_POD_UID]: uid });
}
