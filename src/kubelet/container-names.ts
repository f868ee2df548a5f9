// How a pod's containers are named and labelled on Docker. The labels are what lets a restarted control
// plane rebuild its picture from the engine alone (which pod, which container, which attempt), and what
// guarantees mini-kube never touches a container it did not create.
import type { Pod } from '../kube/types.js';
import {
  LABEL_ATTEMPT, LABEL_CLUSTER, LABEL_CONTAINER, LABEL_NAMESPACE, LABEL_POD, LABEL_POD_UID,
  type ContainerInfo,
} from '../runtime/runtime.js';

/** dockershim's scheme: k8s_<container>_<pod>_<namespace>_<uid>_<attempt> */
export function dockerContainerName(pod: Pod, containerName: string, attempt: number): string {
  const m = pod.metadata!;
  return `k8s_${containerName}_${m.name}_${m.namespace ?? 'default'}_${m.uid}_${attempt}`;
}

/**
 * The spec image an instance was made from. Only the image of a live pod's container may change, so it is
 * the whole of the kubelet's "container hash" here: an instance whose label differs runs an old definition.
 */
export const LABEL_IMAGE = 'io.mini-kube.container-image';

export function containerLabels(clusterId: string, pod: Pod, containerName: string, attempt: number, image?: string): Record<string, string> {
  const m = pod.metadata!;
  return {
    ...(image !== undefined ? { [LABEL_IMAGE]: image } : {}),
    [LABEL_CLUSTER]: clusterId,
    [LABEL_NAMESPACE]: m.namespace ?? 'default',
    [LABEL_POD]: m.name!,
    [LABEL_POD_UID]: m.uid!,
    [LABEL_CONTAINER]: containerName,
    [LABEL_ATTEMPT]: String(attempt),
  };
}

export function attemptOf(c: ContainerInfo): number {
  return Number(c.labels[LABEL_ATTEMPT] ?? 0) || 0;
}

/** The spec image an instance was made from; undefined for instances made before the label existed. */
export function imageOf(c: ContainerInfo): string | undefined {
  return c.labels[LABEL_IMAGE];
}

/** Instances of each container of a pod, newest attempt first. */
export function groupByContainer(containers: ContainerInfo[]): Map<string, ContainerInfo[]> {
  const out = new Map<string, ContainerInfo[]>();
  for (const c of containers) {
    const name = c.labels[LABEL_CONTAINER] ?? '';
    const list = out.get(name) ?? [];
    list.push(c);
    out.set(name, list);
  }
  for (const list of out.values()) list.sort((a, b) => attemptOf(b) - attemptOf(a));
  return out;
}

// the status form of container IDs is shared vocabulary (probes and the proxy read it): src/kube
export { containerIdOf, DOCKER_ID_PREFIX } from '../kube/container-id.js';
